import type { ActionData, ActionVerb } from './action-verbs.js';

/**
 * The read-only verbs: each renders a card from the current state, for whoever asks, without changing anything.
 * A card's `refresh` names one of them, so Teams can ask again, as each member, for their own view of it.
 */
export const VIEW_VERBS = [
  'help.show',
  'clients.list',
  'status.show',
  'users.list',
  'user.show',
  'groups.list',
  'group.show',
  'group.members',
  'report.show',
  'licences.show',
] as const satisfies readonly ActionVerb[];
export type ViewVerb = (typeof VIEW_VERBS)[number];

/** How to render a card again from the current state: a view verb and its data. */
export type CardView = { [V in ViewVerb]: { readonly verb: V; readonly data: ActionData<V> } }[ViewVerb];

/**
 * The clicks that change something others see: after one of them in a group chat or channel, the message itself is
 * updated for everyone, not only the clicker's copy. (A sync updates its own card while it runs.)
 */
export const STATE_CHANGING_VERBS: ReadonlySet<ActionVerb> = new Set<ActionVerb>([
  'user.import',
  'user.disable',
  'group.reporting',
  'group.exclude.confirm',
  'users.act.confirm',
  'user.offboard.confirm',
]);

export function isViewVerb(verb: string): verb is ViewVerb {
  return (VIEW_VERBS as readonly string[]).includes(verb);
}

/**
 * The view of the card a click answers with: a view verb is its own view; a change to a user or a group answers with
 * that user's or group's card, so its view is that card's verb. `undefined` for cards that cannot be rendered again
 * as they were (a preview holds a one-time token, a sync card follows its run, settings and choices are one-offs).
 */
export function viewAfter<V extends ActionVerb>(verb: V, data: ActionData<V>): CardView | undefined {
  const input = data as Readonly<Record<string, unknown>>;
  const client = typeof input.client === 'string' ? input.client : undefined;
  switch (verb) {
    case 'user.import':
    case 'user.disable':
      return client === undefined || typeof input.user !== 'string'
        ? undefined
        : { verb: 'user.show', data: { client, user: input.user } };
    case 'group.reporting':
    case 'group.exclude.confirm':
      return client === undefined || typeof input.group !== 'string'
        ? undefined
        : { verb: 'group.show', data: { client, group: input.group } };
    default:
      return isViewVerb(verb) ? ({ verb, data } as CardView) : undefined;
  }
}
