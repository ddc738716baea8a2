import type { ActionData, ActionVerb } from '../actions/action-verbs.js';
import { execute, type ExecuteAction } from './card-kit.js';

/** An `Action.Execute` whose data is typed by its verb's schema: a card cannot send what its handler refuses. */
export function act<V extends ActionVerb>(
  title: string,
  verb: V,
  data: ActionData<V>,
  style?: ExecuteAction['style'],
): ExecuteAction {
  return execute(title, verb, data, style);
}

/** The client as cards show and address it: its id travels in the data, its names are shown. */
export interface CardClient {
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
}

export { clientLabel } from '../../src/contracts/client-label.js';
