import {
  createRemoteJWKSet,
  customFetch,
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type FetchImplementation,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import type { Actor } from '../../src/services/actor.js';
import { AppError } from '../../src/shared/errors.js';
import { GUID_PATTERN } from '../../src/contracts/values.js';

/** Why a token was refused: stable, so tests and logs can tell the cases apart. */
export type SsoRejection =
  | 'missing_token'
  | 'malformed_token'
  | 'unsupported_algorithm'
  | 'tenant_not_allowed'
  | 'bad_signature'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'expired'
  | 'not_yet_valid'
  | 'missing_scope'
  | 'missing_claim'
  | 'keys_unavailable';

/**
 * The caller's Teams SSO token was missing or refused (HTTP 401), or the signing keys could not be loaded (503).
 * `details.reason` says which check failed.
 */
export class SsoTokenError extends AppError {
  override readonly name = 'SsoTokenError';
  readonly reason: SsoRejection;

  constructor(reason: SsoRejection, message: string, cause?: unknown) {
    // Keys that cannot be fetched are our problem, not the caller's: 503, worth retrying.
    const unavailable = reason === 'keys_unavailable';
    super(unavailable ? 'sign_in_unavailable' : 'unauthenticated', message, {
      status: unavailable ? 503 : 401,
      retryable: unavailable,
      cause,
      details: { reason },
    });
    this.reason = reason;
  }
}

export interface SsoTokenValidatorOptions {
  /**
   * The accepted `aud` values: the tab app's client id (v2 tokens) and `api://<TAB_DOMAIN>/<client id>` (v1).
   * In demo mode, the demo client id the simulator issues tokens for.
   */
  readonly audiences: readonly string[];
  /** Entra authority host (`https://login.microsoftonline.com`, or the simulator's). v2 issuers live under it. */
  readonly authorityHost: string;
  /** Whether users of this tenant may use the tab: the MSP's own tenants and connected clients' tenants. */
  readonly isTenantAllowed: (tenantId: string) => Promise<boolean>;
  /**
   * The signing keys of one tenant. Default: the remote JWKS at `<authorityHost>/<tid>/discovery/v2.0/keys`,
   * cached per tenant by jose (keys refetched at most every 10 minutes, or on an unknown `kid`).
   */
  readonly keysFor?: (tenantId: string) => JWTVerifyGetKey;
  /** fetch used for the remote JWKS (to trust the simulator's CA in demo mode and tests). */
  readonly fetch?: FetchImplementation;
  /** Allowed clock skew for `exp`/`nbf`. Default 60 s. */
  readonly clockToleranceInSeconds?: number;
  /** The current time (tests). Default: the wall clock. */
  readonly now?: () => Date;
}

const REQUIRED_SCOPE = 'access_as_user';

/**
 * Validates Teams tab SSO tokens (DESIGN §7) and turns them into the core's {@link Actor}: RS256 signature against
 * the issuing tenant's JWKS, `aud` (client id or `api://` URI), `iss` (v2 or v1 form) of an allowed tenant,
 * `exp`/`nbf`, and the `access_as_user` scope. The same code runs in production and in demo mode; only the
 * authority host (and so the JWKS and issuer) and the audience differ.
 */
export class SsoTokenValidator {
  private readonly audiences: string[];
  private readonly authorityHost: string;
  private readonly isTenantAllowed: (tenantId: string) => Promise<boolean>;
  private readonly keysFor: (tenantId: string) => JWTVerifyGetKey;
  private readonly clockTolerance: number;
  private readonly now: () => Date;
  private readonly remoteKeys = new Map<string, JWTVerifyGetKey>();

  constructor(options: SsoTokenValidatorOptions) {
    if (options.audiences.length === 0) throw new Error('SsoTokenValidator needs at least one audience');
    this.audiences = [...options.audiences];
    this.authorityHost = options.authorityHost.replace(/\/+$/, '');
    this.isTenantAllowed = options.isTenantAllowed;
    this.clockTolerance = options.clockToleranceInSeconds ?? 60;
    this.now = options.now ?? (() => new Date());
    const fetchImpl = options.fetch;
    this.keysFor =
      options.keysFor ??
      ((tenantId) => {
        let keys = this.remoteKeys.get(tenantId);
        if (keys === undefined) {
          const url = new URL(`${this.authorityHost}/${tenantId}/discovery/v2.0/keys`);
          keys = createRemoteJWKSet(url, fetchImpl === undefined ? {} : { [customFetch]: fetchImpl });
          this.remoteKeys.set(tenantId, keys);
        }
        return keys;
      });
  }

  /** The issuers a token of `tenantId` may carry: the v2 form under the authority host, and the v1 form. */
  issuersFor(tenantId: string): string[] {
    return [`${this.authorityHost}/${tenantId}/v2.0`, `https://sts.windows.net/${tenantId}/`];
  }

  /**
   * Validates an `Authorization` header value.
   * @throws {SsoTokenError} naming the failed check.
   */
  async actorFromAuthorizationHeader(header: string | undefined): Promise<Actor> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (match?.[1] === undefined) {
      throw new SsoTokenError(
        'missing_token',
        'Sign-in required: send the Teams SSO token as a Bearer token.',
      );
    }
    return this.actorFromToken(match[1]);
  }

  /**
   * Validates one token.
   * @throws {SsoTokenError} naming the failed check.
   */
  async actorFromToken(token: string): Promise<Actor> {
    const unverified = decodeUnverified(token);
    const tenantId = typeof unverified.tid === 'string' ? unverified.tid.toLowerCase() : '';
    if (!GUID_PATTERN.test(tenantId))
      throw new SsoTokenError('missing_claim', 'The sign-in token has no tenant id.');
    // Checked before any key is fetched, so tokens from arbitrary tenants never make us call out.
    if (!(await this.isTenantAllowed(tenantId))) {
      throw new SsoTokenError(
        'tenant_not_allowed',
        'Your organisation is not allowed to use this app. Ask your MSP to add your tenant.',
      );
    }

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keysFor(tenantId), {
        algorithms: ['RS256'],
        audience: this.audiences,
        issuer: this.issuersFor(tenantId),
        requiredClaims: ['exp'],
        clockTolerance: this.clockTolerance,
        currentDate: this.now(),
      }));
    } catch (error) {
      throw classify(error);
    }

    const scopes = typeof payload.scp === 'string' ? payload.scp.split(' ') : [];
    if (!scopes.includes(REQUIRED_SCOPE)) {
      throw new SsoTokenError(
        'missing_scope',
        `The sign-in token does not carry the '${REQUIRED_SCOPE}' scope of this app.`,
      );
    }
    const objectId = typeof payload.oid === 'string' ? payload.oid.toLowerCase() : '';
    if (!GUID_PATTERN.test(objectId))
      throw new SsoTokenError('missing_claim', 'The sign-in token has no user object id.');
    return { tenantId, objectId, name: displayNameOf(payload), channel: 'tab' };
  }
}

function decodeUnverified(token: string): JWTPayload {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch (error) {
    throw new SsoTokenError('malformed_token', 'The sign-in token is not a valid JWT.', error);
  }
  if (alg !== 'RS256') {
    throw new SsoTokenError(
      'unsupported_algorithm',
      `The sign-in token is signed with '${String(alg)}'; only RS256 is accepted.`,
    );
  }
  try {
    return decodeJwt(token);
  } catch (error) {
    throw new SsoTokenError('malformed_token', 'The sign-in token is not a valid JWT.', error);
  }
}

function displayNameOf(payload: JWTPayload): string | undefined {
  for (const claim of ['preferred_username', 'upn', 'unique_name', 'name']) {
    const value = payload[claim];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

function classify(error: unknown): SsoTokenError {
  if (error instanceof joseErrors.JWTExpired) {
    return new SsoTokenError('expired', 'Your sign-in has expired; reload the tab to sign in again.', error);
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'aud':
        return new SsoTokenError('wrong_audience', 'The sign-in token was issued for another app.', error);
      case 'iss':
        return new SsoTokenError('wrong_issuer', 'The sign-in token was not issued by your tenant.', error);
      case 'nbf':
        return new SsoTokenError(
          'not_yet_valid',
          'The sign-in token is not valid yet; check your clock.',
          error,
        );
      default:
        return new SsoTokenError(
          'missing_claim',
          `The sign-in token's '${error.claim}' claim is invalid.`,
          error,
        );
    }
  }
  if (
    error instanceof joseErrors.JWSSignatureVerificationFailed ||
    error instanceof joseErrors.JWKSNoMatchingKey ||
    error instanceof joseErrors.JWKSMultipleMatchingKeys
  ) {
    return new SsoTokenError('bad_signature', 'The sign-in token signature is not valid.', error);
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) {
    return new SsoTokenError('unsupported_algorithm', 'The sign-in token algorithm is not accepted.', error);
  }
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid) {
    return new SsoTokenError('keys_unavailable', 'The sign-in keys could not be loaded; try again.', error);
  }
  if (error instanceof joseErrors.JOSEError) {
    return new SsoTokenError('malformed_token', 'The sign-in token is not valid.', error);
  }
  return new SsoTokenError('keys_unavailable', 'The sign-in token could not be checked; try again.', error);
}
