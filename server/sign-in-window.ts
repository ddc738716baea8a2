import type restify from 'restify';
import { z } from 'zod/v4';
import { parseInput } from '../src/services/validation.js';
import { toUserFacingError } from '../src/shared/errors.js';
import { GUID_PATTERN } from '../src/contracts/values.js';

/** Where Entra sends the person back after the consent window: a page of the built tab (tab/web/auth-end.html). */
export const SIGN_IN_END_PATH = '/tab/auth-end.html';

export interface SignInWindowOptions {
  /** Entra's authority host (the simulator in demo mode). */
  readonly authorityHost: string;
  /** The tab's SSO app (TAB_SSO_CLIENT_ID). */
  readonly clientId: string;
  /** The host of the `api://<domain>/<client id>` resource the tab's SSO tokens are for. */
  readonly apiDomain: string;
  readonly publicBaseUrl: string;
}

const startQuery = z.object({
  tenant: z
    .string()
    .trim()
    .refine(
      (value) => GUID_PATTERN.test(value) || value.toLowerCase() === 'organizations',
      'must be a tenant id or "organizations"',
    ),
  state: z.uuid({ error: 'must be the UUID the tab generated' }),
  loginHint: z.string().trim().max(256).regex(/^\S+$/, 'must be a user name').optional(),
});

/**
 * GET /auth/sso/start — the first page of the tab's consent window (`authentication.authenticate`, opened when
 * Teams SSO failed): sends the person to Entra's authorize endpoint for the tab's own scope with `prompt=consent`, so
 * that they can consent to what SSO needs; Entra sends them back to {@link SIGN_IN_END_PATH} with `state`, which
 * tells the tab. The code Entra returns is never redeemed: consent is all the tab needs, SSO then works.
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#request-an-authorization-code
 */
export function mountSignInWindow(server: restify.Server, options: SignInWindowOptions): void {
  server.get('/auth/sso/start', (req: restify.Request, res: restify.Response, next: restify.Next) => {
    try {
      const query = parseInput(startQuery, req.query ?? {});
      const authorize = new URL(
        `${options.authorityHost}/${encodeURIComponent(query.tenant)}/oauth2/v2.0/authorize`,
      );
      authorize.search = new URLSearchParams({
        client_id: options.clientId,
        response_type: 'code',
        response_mode: 'query',
        redirect_uri: `${options.publicBaseUrl}${SIGN_IN_END_PATH}`,
        scope: `openid profile api://${options.apiDomain}/${options.clientId}/access_as_user`,
        prompt: 'consent',
        state: query.state,
        ...(query.loginHint === undefined ? {} : { login_hint: query.loginHint }),
      }).toString();
      res.header('cache-control', 'no-store');
      res.redirect(302, authorize.toString(), next);
    } catch (error) {
      const answer = toUserFacingError(error, 'sign-in-window');
      res.json(answer.status, {
        error: { code: answer.code, message: answer.message, details: answer.details ?? {} },
      });
      next();
    }
  });
}
