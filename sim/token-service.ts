import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { MICROSOFT_GRAPH_APP_ID } from './catalog.js';
import type { SigningKey } from './signing-key.js';
import type { UserTokenClaims } from './types.js';

/** Audiences Graph accepts on an access token. */
export const GRAPH_AUDIENCES = [
  'https://graph.microsoft.com',
  'https://graph.microsoft.com/',
  MICROSOFT_GRAPH_APP_ID,
];

const APP_TOKEN_LIFETIME_S = 3599;
const VERIFIED_CACHE_LIMIT = 1000;

export interface AppTokenInput {
  readonly tenantId: string;
  readonly appId: string;
  readonly appDisplayName: string;
  readonly servicePrincipalId: string;
  /** Granted application permissions at issue time (omitted from the token when empty, as Entra does). */
  readonly roles: readonly string[];
  readonly audience: string;
  /**
   * Issue an opaque token (not a JWT) that only the simulator can read — Microsoft tells clients to treat access
   * tokens as opaque (https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens).
   */
  readonly opaque?: boolean;
}

/** The claims Graph authorises on. */
export interface VerifiedAppToken {
  readonly tenantId: string;
  readonly appId: string;
  readonly servicePrincipalId: string;
  readonly roles: ReadonlySet<string>;
}

/** Why a bearer token was refused (message as Graph words it). */
export class TokenRejectedError extends Error {
  override readonly name = 'TokenRejectedError';
}

/**
 * Issues and checks the simulator's tokens, all signed RS256 with one key published as JWKS. App-only tokens look
 * like Entra's v1 Graph tokens (`iss` sts.windows.net, `idtyp: app`, `roles`); user tokens for tab SSO are v2
 * (`iss` = authority host + `/{tid}/v2.0`, `scp`, `preferred_username`). Token times use the real clock, since the
 * libraries that read them (MSAL, jose) do.
 */
export class TokenService {
  private readonly verified = new Map<string, { token: VerifiedAppToken; expMs: number }>();
  private readonly opaqueTokens = new Map<string, { token: VerifiedAppToken; expMs: number }>();

  constructor(private readonly key: SigningKey) {}

  async jwks(): Promise<{ keys: Record<string, unknown>[] }> {
    const jwk = await exportJWK(this.key.publicKey);
    return {
      keys: [
        {
          kty: jwk.kty,
          use: 'sig',
          kid: this.key.kid,
          x5t: this.key.kid,
          n: jwk.n,
          e: jwk.e,
          x5c: [this.key.certificateBase64],
        },
      ],
    };
  }

  async issueAppToken(input: AppTokenInput): Promise<{ accessToken: string; expiresIn: number }> {
    const now = Math.floor(Date.now() / 1000);
    if (input.opaque === true) {
      const accessToken = `EwB${randomBytes(96).toString('base64url')}`;
      if (this.opaqueTokens.size >= VERIFIED_CACHE_LIMIT) this.opaqueTokens.clear();
      this.opaqueTokens.set(accessToken, {
        token: {
          tenantId: input.tenantId,
          appId: input.appId,
          servicePrincipalId: input.servicePrincipalId,
          roles: new Set(input.roles),
        },
        expMs: (now + APP_TOKEN_LIFETIME_S) * 1000,
      });
      return { accessToken, expiresIn: APP_TOKEN_LIFETIME_S };
    }
    const payload: JWTPayload & Record<string, unknown> = {
      aud: input.audience,
      iss: `https://sts.windows.net/${input.tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + APP_TOKEN_LIFETIME_S,
      aio: randomBytes(24).toString('base64url'),
      app_displayname: input.appDisplayName,
      appid: input.appId,
      appidacr: '1',
      idp: `https://sts.windows.net/${input.tenantId}/`,
      idtyp: 'app',
      oid: input.servicePrincipalId,
      rh: `0.${randomBytes(16).toString('base64url')}.`,
      sub: input.servicePrincipalId,
      tenant_region_scope: 'NA',
      tid: input.tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
      xms_tcdt: now - 86_400 * 365,
    };
    if (input.roles.length > 0) payload.roles = [...input.roles];
    const accessToken = await new SignJWT(payload)
      .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: this.key.kid, x5t: this.key.kid })
      .sign(this.key.privateKey);
    return { accessToken, expiresIn: APP_TOKEN_LIFETIME_S };
  }

  /** A v2 delegated token as Entra issues for Teams tab SSO. `authorityHost` is the simulator's base URL. */
  async issueUserToken(claims: UserTokenClaims, authorityHost: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      aud: claims.audience,
      iss: `${authorityHost}/${claims.tenantId}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + (claims.expiresInSeconds ?? 3600),
      aio: randomBytes(24).toString('base64url'),
      azp: '1fec8e78-bce4-4aaf-ab1b-5451cc387264',
      azpacr: '0',
      name: claims.name ?? claims.upn,
      oid: claims.oid,
      preferred_username: claims.upn,
      rh: `0.${randomBytes(16).toString('base64url')}.`,
      scp: claims.scp ?? 'access_as_user',
      sub: randomBytes(32).toString('base64url').slice(0, 43),
      tid: claims.tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '2.0',
    })
      .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: this.key.kid })
      .setJti(randomUUID())
      .sign(this.key.privateKey);
  }

  /** Checks signature, lifetime, audience and token type of a Graph bearer token. */
  async verifyGraphToken(token: string): Promise<VerifiedAppToken> {
    const cached = this.verified.get(token) ?? this.opaqueTokens.get(token);
    if (cached) {
      if (cached.expMs > Date.now()) return cached.token;
      this.verified.delete(token);
      throw new TokenRejectedError('Lifetime validation failed, the token is expired.');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key.publicKey, { algorithms: ['RS256'] }));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'ERR_JWT_EXPIRED')
        throw new TokenRejectedError('Lifetime validation failed, the token is expired.');
      if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
        throw new TokenRejectedError('Access token validation failure. Invalid signature.');
      }
      throw new TokenRejectedError('Access token validation failure. Invalid audience.');
    }
    const audience = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
    if (audience === undefined || !GRAPH_AUDIENCES.includes(audience)) {
      throw new TokenRejectedError('Access token validation failure. Invalid audience.');
    }
    const claims = payload as JWTPayload & {
      tid?: unknown;
      appid?: unknown;
      oid?: unknown;
      roles?: unknown;
      idtyp?: unknown;
    };
    if (claims.idtyp !== 'app' || typeof claims.tid !== 'string' || typeof claims.appid !== 'string') {
      throw new TokenRejectedError('Access token validation failure. Invalid audience.');
    }
    const verified: VerifiedAppToken = {
      tenantId: claims.tid,
      appId: claims.appid,
      servicePrincipalId: typeof claims.oid === 'string' ? claims.oid : '',
      roles: new Set(
        Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [],
      ),
    };
    if (this.verified.size >= VERIFIED_CACHE_LIMIT) this.verified.clear();
    this.verified.set(token, { token: verified, expMs: (payload.exp ?? 0) * 1000 });
    return verified;
  }
}
