import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import { Agent, fetch, type RequestInit, type Response } from 'undici';
import { PRODUCT_PERMISSIONS, startSimulator, type Simulator, type SimTenant } from '../../../sim/index.js';
import { credentialFor, SIM_TEST_DATA_DIR } from './sim-clients.js';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/** The AADSTS number of a credential failure, read the way the product classifies it. */
function aadstsCode(error: unknown): number | undefined {
  const cause = (error as { cause?: { errorNo?: unknown } }).cause;
  if (typeof cause?.errorNo === 'number') return cause.errorNo;
  if (typeof cause?.errorNo === 'string') return Number(cause.errorNo);
  const match = /AADSTS(\d+)/.exec(error instanceof Error ? error.message : String(error));
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

describe('simulator identity endpoints (through @azure/identity)', function () {
  let sim: Simulator;
  let tenant: SimTenant;
  let dispatcher: Agent;
  const sharedApp = {
    clientId: randomUUID(),
    clientSecret: 'shared~secret',
    permissions: [...PRODUCT_PERMISSIONS],
  };

  before(async () => {
    sim = await startSimulator({
      dataDir: SIM_TEST_DATA_DIR,
      tenants: [
        { seed: 11, users: 40, domain: 'identity-test.onmicrosoft.com', displayName: 'Identity Test' },
      ],
      multiTenantApp: {
        ...sharedApp,
        displayName: 'MSP Connector',
        redirectUris: ['https://app.example/consent/callback'],
      },
    });
    tenant = sim.tenants()[0]!;
    dispatcher = new Agent({ connect: { ca: sim.caCertPem } });
  });
  after(async () => {
    await dispatcher.close();
    await sim.close();
  });

  const get = (url: string, init: RequestInit = {}): Promise<Response> => fetch(url, { ...init, dispatcher });

  it('serves an OpenID configuration for any tenant name, with an issuer on the authority host', async () => {
    for (const name of [tenant.tenantId, 'identity-test.onmicrosoft.com', 'no-such-tenant.onmicrosoft.com']) {
      const response = await get(`${sim.authorityHost}/${name}/v2.0/.well-known/openid-configuration`);
      assert.equal(response.status, 200);
      const config = (await response.json()) as Record<string, string>;
      for (const key of ['authorization_endpoint', 'token_endpoint', 'issuer', 'jwks_uri'])
        assert.ok(config[key]?.startsWith(sim.authorityHost), key);
    }
  });

  it('resolves a verified domain to its tenant id in the v1 OpenID configuration, and answers AADSTS90002 for an unknown tenant, as Entra does', async () => {
    for (const name of [tenant.tenantId, 'IDENTITY-TEST.onmicrosoft.com']) {
      const response = await get(`${sim.authorityHost}/${name}/.well-known/openid-configuration`);
      assert.equal(response.status, 200);
      const config = (await response.json()) as Record<string, string>;
      assert.equal(config.issuer, `https://sts.windows.net/${tenant.tenantId}/`);
      assert.equal(config.token_endpoint, `${sim.authorityHost}/${tenant.tenantId}/oauth2/token`);
    }
    for (const name of ['no-such-tenant.onmicrosoft.com', randomUUID()]) {
      const response = await get(`${sim.authorityHost}/${name}/.well-known/openid-configuration`);
      assert.equal(response.status, 400);
      const body = (await response.json()) as { error: string; error_codes: number[] };
      assert.equal(body.error, 'invalid_tenant');
      assert.deepEqual(body.error_codes, [90002]);
    }
  });

  it('issues an RS256 app-only token with the granted roles, tenant, audience and app ids', async () => {
    const token = await credentialFor(sim, tenant).getToken(GRAPH_SCOPE);
    const jwks = (await (
      await get(`${sim.authorityHost}/${tenant.tenantId}/discovery/v2.0/keys`)
    ).json()) as JSONWebKeySet;
    const { payload, protectedHeader } = await jwtVerify(token.token, createLocalJWKSet(jwks), {
      audience: 'https://graph.microsoft.com',
      issuer: `https://sts.windows.net/${tenant.tenantId}/`,
    });
    const app = tenant.registeredApps()[0]!;
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(payload.tid, tenant.tenantId);
    assert.equal(payload.appid, app.clientId);
    assert.equal(payload.idtyp, 'app');
    assert.equal(typeof payload.oid, 'string');
    assert.deepEqual([...(payload.roles as string[])].sort(), [...PRODUCT_PERMISSIONS].sort());
    assert.ok((payload.exp ?? 0) > Date.now() / 1000);
  });

  it('accepts the verified domain as tenant name', async () => {
    const token = await credentialFor(sim, tenant, { tenantId: 'identity-test.onmicrosoft.com' }).getToken(
      GRAPH_SCOPE,
    );
    assert.equal(decodeJwt(token.token).tid, tenant.tenantId);
  });

  it('answers AADSTS90002 for an unknown tenant', async () => {
    await assert.rejects(
      credentialFor(sim, tenant, { tenantId: randomUUID() }).getToken(GRAPH_SCOPE),
      (error) => aadstsCode(error) === 90002,
    );
  });

  it('answers AADSTS700016 for an unknown application', async () => {
    await assert.rejects(
      credentialFor(sim, tenant, { clientId: randomUUID() }).getToken(GRAPH_SCOPE),
      (error) => aadstsCode(error) === 700016,
    );
  });

  it('answers AADSTS7000215 for a wrong secret', async () => {
    await assert.rejects(
      credentialFor(sim, tenant, { clientSecret: 'wrong' }).getToken(GRAPH_SCOPE),
      (error) => aadstsCode(error) === 7000215,
    );
  });

  it('answers AADSTS7000222 for an expired secret', async () => {
    const clientId = randomUUID();
    tenant.addApp({
      clientId,
      clientSecret: 'old~secret',
      secretExpiresAt: new Date(Date.now() - 60_000),
      permissions: ['User.Read.All'],
    });
    await assert.rejects(
      credentialFor(sim, tenant, { clientId, clientSecret: 'old~secret' }).getToken(GRAPH_SCOPE),
      (error) => aadstsCode(error) === 7000222,
    );
  });

  it('writes token errors in the exact Entra body shape, echoing the correlation id', async () => {
    const correlation = randomUUID();
    const response = await get(
      `${sim.authorityHost}/${tenant.tenantId}/oauth2/v2.0/token?client-request-id=${correlation}`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: tenant.registeredApps()[0]!.clientId,
          client_secret: 'wrong',
          scope: GRAPH_SCOPE,
          grant_type: 'client_credentials',
          'x-client-SKU': 'msal.js.node',
          'x-ms-lib-capability': 'retry-after, h429',
        }).toString(),
      },
    );
    assert.equal(response.status, 401);
    const body = (await response.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), [
      'correlation_id',
      'error',
      'error_codes',
      'error_description',
      'error_uri',
      'timestamp',
      'trace_id',
    ]);
    assert.equal(body.error, 'invalid_client');
    assert.deepEqual(body.error_codes, [7000215]);
    assert.equal(body.correlation_id, correlation);
    assert.match(
      String(body.error_description),
      /^AADSTS7000215: .*\r\nTrace ID: .*\r\nCorrelation ID: .*\r\nTimestamp: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/s,
    );
  });

  it('redirects a granted admin consent with tenant, admin_consent=True and state, and the app then gets tokens there', async () => {
    const other = sim.addTenant({ seed: 12, users: 10, domain: 'consenting.onmicrosoft.com' });
    const url = new URL(`${sim.authorityHost}/consenting.onmicrosoft.com/v2.0/adminconsent`);
    url.searchParams.set('client_id', sharedApp.clientId);
    url.searchParams.set('redirect_uri', 'https://app.example/consent/callback');
    url.searchParams.set('scope', 'https://graph.microsoft.com/.default');
    url.searchParams.set('state', 'signed-state-1');
    const response = await get(url.toString(), { redirect: 'manual' });
    assert.equal(response.status, 302);
    const location = new URL(response.headers.get('location') ?? '');
    assert.equal(location.origin + location.pathname, 'https://app.example/consent/callback');
    assert.equal(location.searchParams.get('tenant'), other.tenantId);
    assert.equal(location.searchParams.get('admin_consent'), 'True');
    assert.equal(location.searchParams.get('state'), 'signed-state-1');

    const token = await credentialFor(sim, other, {
      clientId: sharedApp.clientId,
      clientSecret: sharedApp.clientSecret,
    }).getToken(GRAPH_SCOPE);
    const claims = decodeJwt(token.token);
    assert.equal(claims.tid, other.tenantId);
    assert.deepEqual([...(claims.roles as string[])].sort(), [...PRODUCT_PERMISSIONS].sort());
  });

  it('redirects a declined admin consent as Microsoft documents it (error=permission_denied, no state), and grants nothing', async () => {
    const other = sim.addTenant({ seed: 13, users: 10 });
    const url = new URL(`${sim.authorityHost}/${other.tenantId}/v2.0/adminconsent`);
    url.searchParams.set('client_id', sharedApp.clientId);
    url.searchParams.set('redirect_uri', 'https://app.example/consent/callback');
    url.searchParams.set('scope', 'https://graph.microsoft.com/.default');
    url.searchParams.set('state', 'signed-state-2');
    url.searchParams.set('sim_consent', 'declined');
    const response = await get(url.toString(), { redirect: 'manual' });
    assert.equal(response.status, 302);
    const location = new URL(response.headers.get('location') ?? '');
    // https://learn.microsoft.com/en-us/entra/identity-platform/v2-admin-consent ("Error response")
    assert.equal(location.searchParams.get('error'), 'permission_denied');
    assert.equal(location.searchParams.get('error_description'), 'The admin canceled the request');
    assert.equal(location.searchParams.get('state'), null);
    assert.equal(location.searchParams.get('admin_consent'), null);
    await assert.rejects(
      credentialFor(sim, other, {
        clientId: sharedApp.clientId,
        clientSecret: sharedApp.clientSecret,
      }).getToken(GRAPH_SCOPE),
      (error) => aadstsCode(error) === 700016,
    );
  });

  it('refuses admin consent without a scope (AADSTS900144)', async () => {
    const url = `${sim.authorityHost}/${tenant.tenantId}/v2.0/adminconsent?client_id=${sharedApp.clientId}&redirect_uri=${encodeURIComponent('https://app.example/consent/callback')}&state=x`;
    const response = await get(url, { redirect: 'manual' });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /AADSTS900144/);
  });

  it('refuses admin consent to a redirect URI the app did not register', async () => {
    const url = `${sim.authorityHost}/${tenant.tenantId}/v2.0/adminconsent?client_id=${sharedApp.clientId}&redirect_uri=${encodeURIComponent('https://evil.example/')}&state=x`;
    const response = await get(url, { redirect: 'manual' });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /AADSTS50011/);
  });

  describe('authorize (the tab’s consent window)', () => {
    const authorize = (params: Record<string, string>): string => {
      const url = new URL(`${sim.authorityHost}/${tenant.tenantId}/oauth2/v2.0/authorize`);
      const defaults = {
        client_id: sharedApp.clientId,
        response_type: 'code',
        redirect_uri: 'https://app.example/consent/callback',
        scope: `openid api://app.example/${sharedApp.clientId}/access_as_user`,
        prompt: 'consent',
        state: 'window-state-1',
      };
      for (const [key, value] of Object.entries({ ...defaults, ...params })) {
        if (value !== '') url.searchParams.set(key, value);
      }
      return url.toString();
    };

    it('sends the person back to the redirect URI with a code and the state once they consent', async () => {
      const response = await get(authorize({}), { redirect: 'manual' });
      const location = new URL(response.headers.get('location') ?? '');

      assert.equal(response.status, 302);
      assert.equal(location.origin + location.pathname, 'https://app.example/consent/callback');
      assert.match(location.searchParams.get('code') ?? '', /^sim-/);
      assert.equal(location.searchParams.get('state'), 'window-state-1');
    });

    it('sends back access_denied when the person declines, and unsupported_response_type for another response', async () => {
      const declined = await get(authorize({ sim_consent: 'declined' }), { redirect: 'manual' });
      const token = await get(authorize({ response_type: 'token' }), { redirect: 'manual' });

      const declinedAt = new URL(declined.headers.get('location') ?? '');
      assert.equal(declinedAt.searchParams.get('error'), 'access_denied');
      assert.equal(declinedAt.searchParams.get('code'), null);
      assert.equal(
        new URL(token.headers.get('location') ?? '').searchParams.get('error'),
        'unsupported_response_type',
      );
    });

    it('refuses an unknown app, an unregistered redirect URI and a missing scope, as Entra does', async () => {
      for (const [params, code] of [
        [{ client_id: randomUUID() }, 'AADSTS700016'],
        [{ redirect_uri: 'https://evil.example/' }, 'AADSTS50011'],
        [{ scope: '' }, 'AADSTS900144'],
      ] as const) {
        const response = await get(authorize(params), { redirect: 'manual' });
        assert.equal(response.status, 400, code);
        assert.match(await response.text(), new RegExp(code));
      }
    });
  });

  it('issues v2 delegated tokens for tab SSO that verify against the JWKS', async () => {
    const [user] = tenant.users();
    assert.ok(user);
    const token = await sim.issueUserToken({
      tenantId: tenant.tenantId,
      oid: user.id,
      upn: user.userPrincipalName,
      audience: 'api://localhost/tab-app',
    });
    const jwks = (await (
      await get(`${sim.authorityHost}/${tenant.tenantId}/discovery/v2.0/keys`)
    ).json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
      audience: 'api://localhost/tab-app',
      issuer: `${sim.authorityHost}/${tenant.tenantId}/v2.0`,
    });
    assert.equal(payload.scp, 'access_as_user');
    assert.equal(payload.preferred_username, user.userPrincipalName);
    assert.equal(payload.oid, user.id);
    assert.equal(payload.ver, '2.0');
  });
});
