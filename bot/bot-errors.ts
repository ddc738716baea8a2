import crypto from 'node:crypto';
import { toUserFacingError } from '../src/shared/errors.js';
import type { Logger } from '../src/shared/logger.js';
import type { AdaptiveCard } from './cards/card-kit.js';
import { errorCard } from './cards/error-card.js';

/**
 * The one place the bot turns a thrown value into what a person sees (STYLE: errors): the core's message for its
 * own errors — "not allowed", "not found", "invalid input", a rule that refuses — and for anything else a generic
 * sentence with a correlation id that is also on the log line. Nothing was changed when this card is shown.
 */
export function errorCardFor(
  error: unknown,
  logger: Logger,
  where: Readonly<Record<string, unknown>>,
): AdaptiveCard {
  const correlationId = crypto.randomUUID();
  const answer = toUserFacingError(error, correlationId);
  if (answer.status >= 500) {
    logger.error({ err: error, correlationId, ...where }, 'bot turn failed');
  } else {
    logger.debug({ code: answer.code, status: answer.status, ...where }, 'bot refused a request');
  }
  switch (answer.status) {
    case 400:
      return errorCard({ title: 'That input is not valid', message: answer.message, tone: 'invalid' });
    case 401:
    case 403:
      return errorCard({ title: 'Not allowed', message: answer.message, tone: 'refused' });
    case 404:
      return errorCard({ title: 'Not found', message: answer.message, tone: 'invalid' });
    case 409:
      return errorCard({ title: 'That cannot be done now', message: answer.message, tone: 'invalid' });
    default:
      return answer.status >= 500
        ? errorCard({ title: 'Something went wrong', message: answer.message, correlationId, tone: 'failed' })
        : errorCard({ title: 'That did not work', message: answer.message, tone: 'invalid' });
  }
}
