import { act } from './card-actions.js';
import { card, container, heading, subtle, text, type AdaptiveCard, type CardElement } from './card-kit.js';

export interface ErrorCardOptions {
  readonly title: string;
  /** What went wrong and what to do, in the words of the error (never a stack or an internal message). */
  readonly message: string;
  /** Shown so the admin can quote it; the operator finds the log line with it. */
  readonly correlationId?: string;
  /** `refused` for authorization, `invalid` for input, `failed` for everything else. */
  readonly tone?: 'refused' | 'invalid' | 'failed';
}

/** What an action or command answers when it could not be done. Nothing was changed. */
export function errorCard(options: ErrorCardOptions): AdaptiveCard {
  const color = options.tone === 'invalid' ? 'warning' : 'attention';
  const body: CardElement[] = [
    container(
      [heading(options.title, color), text(options.message)],
      options.tone === 'invalid' ? 'warning' : 'attention',
    ),
  ];
  if (options.correlationId !== undefined) body.push(subtle(`Correlation id: ${options.correlationId}`));
  return card(body, [act('Help', 'help.show', {})]);
}
