import { Agent, fetch } from 'undici';
import { AuthError } from './graph-errors.js';
import { GUID_PATTERN } from '../contracts/values.js';
import type { TlsTrust } from './tls-trust.js';

/**
 * Resolves what an admin typed for a tenant — its id or one of its verified domains — to the tenant id, before any
 * consent or credential is involved. Entra publishes every tenant's OpenID configuration without authentication,
 * under its id and under each verified domain; the document's `issuer` (`https://sts.windows.net/{tenant id}/`)
 * names the tenant id. An unknown tenant answers 400 `invalid_tenant` (AADSTS90002).
 * See https://www.cloudidentity.com/blog/2014/11/18/from-domain-to-tenantid/ (the v1 document) and
 * https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc (the document, per tenant).
 */
export class TenantIdResolver {
  private readonly authorityHost: string;
  private readonly dispatcher: Agent;
  private readonly timeoutMs: number;

  constructor(options: { authorityHost: string; trust: TlsTrust; timeoutMs?: number }) {
    this.authorityHost = options.authorityHost.replace(/\/+$/, '');
    this.dispatcher = new Agent({ connect: options.trust.connectOptions() });
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * The tenant id (lower-case GUID) of a tenant named by id or verified domain.
   * @throws {AuthError} `unknown_tenant` when Entra does not know it; `authority_unreachable` when Entra cannot be
   * asked (or answers something else).
   */
  async resolve(tenant: string): Promise<string> {
    const name = tenant.trim().toLowerCase();
    const context = { tenant: name, appClientId: '—' };
    let response: Awaited<ReturnType<typeof fetch>>;
    let body: unknown;
    try {
      response = await fetch(
        `${this.authorityHost}/${encodeURIComponent(name)}/.well-known/openid-configuration`,
        {
          dispatcher: this.dispatcher,
          signal: AbortSignal.timeout(this.timeoutMs),
        },
      );
      body = await response.json().catch(() => undefined);
    } catch (error) {
      throw AuthError.fromCredentialError(error, context);
    }
    if (response.status === 400 || response.status === 404) {
      throw new AuthError('unknown_tenant', { ...context, aadsts: aadstsOf(body) ?? 90002 });
    }
    const issuer =
      response.ok && typeof body === 'object' && body !== null
        ? (body as { issuer?: unknown }).issuer
        : undefined;
    const id =
      typeof issuer === 'string' ? /\/([0-9a-fA-F-]{36})\/?(?:v2\.0\/?)?$/.exec(issuer)?.[1] : undefined;
    const tenantId = id?.toLowerCase();
    if (
      tenantId === undefined ||
      !GUID_PATTERN.test(tenantId) ||
      (GUID_PATTERN.test(name) && tenantId !== name)
    ) {
      throw new AuthError('authority_unreachable', {
        ...context,
        detail: `its OpenID configuration answered HTTP ${response.status} without the tenant id`,
      });
    }
    return tenantId;
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

function aadstsOf(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const codes = (body as { error_codes?: unknown }).error_codes;
  return Array.isArray(codes) && typeof codes[0] === 'number' ? codes[0] : undefined;
}
