import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type CryptoKey } from 'jose';

export interface TokenClaims {
  readonly tenantId: string;
  readonly objectId: string;
  readonly upn?: string;
  readonly audience?: string;
  readonly scp?: string;
  readonly issuer?: string;
  /** Seconds from now; negative = already expired. Default 3600. */
  readonly expiresInSeconds?: number;
  /** Seconds from now for `nbf`. Default -60. */
  readonly notBeforeInSeconds?: number;
}

/**
 * A stand-in for Entra's token issuer in API tests: an RSA key, a JWKS served over HTTP at
 * `<authorityHost>/<tenant>/discovery/v2.0/keys` (so the validator's real remote-JWKS path runs), and v2 tokens
 * signed with it — or deliberately broken ones.
 */
export class TestTokenIssuer {
  private constructor(
    readonly authorityHost: string,
    readonly defaultAudience: string,
    private readonly kid: string,
    private readonly privateKey: CryptoKey,
    private readonly server: http.Server,
    /** Every JWKS request seen (path), to check that refused tenants never cause a fetch. */
    readonly jwksRequests: string[],
  ) {}

  static async start(defaultAudience: string): Promise<TestTokenIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = crypto.randomBytes(8).toString('hex');
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      if (/^\/[^/]+\/discovery\/v2\.0\/keys$/.test(req.url ?? '')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ keys: [jwk] }));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new TestTokenIssuer(
      `http://127.0.0.1:${port}`,
      defaultAudience,
      kid,
      privateKey,
      server,
      requests,
    );
  }

  /** A valid v2 token unless the claims say otherwise. */
  async token(claims: TokenClaims, signWith?: CryptoKey): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      tid: claims.tenantId,
      oid: claims.objectId,
      preferred_username: claims.upn ?? `${claims.objectId.slice(0, 8)}@example.test`,
      scp: claims.scp ?? 'access_as_user',
      ver: '2.0',
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuer(claims.issuer ?? `${this.authorityHost}/${claims.tenantId}/v2.0`)
      .setAudience(claims.audience ?? this.defaultAudience)
      .setIssuedAt(now - 60)
      .setNotBefore(now + (claims.notBeforeInSeconds ?? -60))
      .setExpirationTime(now + (claims.expiresInSeconds ?? 3600))
      .sign(signWith ?? this.privateKey);
  }

  /** Same claims and `kid`, signed by a key the JWKS does not hold. */
  async tokenWithForeignKey(claims: TokenClaims): Promise<string> {
    const { privateKey } = await generateKeyPair('RS256');
    return this.token(claims, privateKey);
  }

  /** An unsigned token (`alg: none`) with otherwise valid claims. */
  unsignedToken(claims: TokenClaims): string {
    const now = Math.floor(Date.now() / 1000);
    const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({
      tid: claims.tenantId,
      oid: claims.objectId,
      scp: 'access_as_user',
      aud: this.defaultAudience,
      iss: `${this.authorityHost}/${claims.tenantId}/v2.0`,
      iat: now,
      nbf: now - 60,
      exp: now + 3600,
    })}.`;
  }

  /** A token signed with HS256 using the public key's bytes as the secret (the classic key-confusion attack). */
  async hmacToken(claims: TokenClaims): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ tid: claims.tenantId, oid: claims.objectId, scp: 'access_as_user' })
      .setProtectedHeader({ alg: 'HS256', kid: this.kid })
      .setIssuer(`${this.authorityHost}/${claims.tenantId}/v2.0`)
      .setAudience(this.defaultAudience)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(new TextEncoder().encode('a-shared-secret-that-should-never-work'));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }
}
