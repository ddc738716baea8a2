import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Activity, TurnContext } from 'botbuilder';
import { AppError, UnauthenticatedError } from '../src/shared/errors.js';

/** What /api/messages answers for one activity. */
export interface ActivityResult {
  readonly status: number;
  readonly body: unknown;
}

/**
 * The teams-ai adapter with the request handling split in two steps the bot controls: authenticate the request
 * (Bot Framework token: signature, issuer, audience, expiry, service URL — skipped only without credentials), then
 * run the turn. `CloudAdapter.process` answers 500 when a token's signature is wrong (only its own
 * `AuthenticationError` becomes 401); here every refused token is a 401 and an unreachable key endpoint a 503.
 */
export class AuthenticatingTeamsAdapter extends TeamsAdapter {
  /**
   * @throws {UnauthenticatedError} for a missing or invalid token; {@link AppError} `bot_auth_unavailable` (503)
   * when the signing keys cannot be fetched.
   */
  async handle(
    activity: Activity,
    authHeader: string,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<ActivityResult> {
    let authenticated: Awaited<ReturnType<typeof this.botFrameworkAuthentication.authenticateRequest>>;
    try {
      authenticated = await this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
    } catch (error) {
      if (isKeyFetchFailure(error)) {
        throw new AppError('bot_auth_unavailable', 'The Bot Framework signing keys could not be fetched.', {
          status: 503,
          retryable: true,
          cause: error,
        });
      }
      throw new UnauthenticatedError('The Bot Framework token is missing or invalid.', error);
    }
    const invoke = await this.processActivity(authenticated, activity, logic);
    return { status: invoke?.status ?? 200, body: invoke?.body };
  }
}

/** node-fetch's network errors, and Bot Framework's "Failed to load openID config/Keys" (status 500). */
function isKeyFetchFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { type?: unknown; statusCode?: unknown; name?: unknown };
  return candidate.type === 'system' || candidate.name === 'FetchError' || candidate.statusCode === 500;
}
