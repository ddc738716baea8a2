import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import {
  api,
  startDemoServer,
  startProductionServer,
  type ProductionServer,
  type SecureServer,
} from './support/secure-server.js';

/**
 * Issue 12, item 1 (review finding 1, high): the admin-consent callback trusted its `tenant` parameter, so anyone
 * holding a consent link could finish it for another tenant where our app has consent and read that directory.
 * Now the admin names the client's tenant, the signed state binds it, and a callback for any other tenant is
 * refused and audited.
 */

/** Opens a consent URL as the admin's browser would (trusting the simulator's CA) and returns the callback URL. */
async function consentRedirect(url: string, caPem: string): Promise<URL> {
  const dispatcher = new Agent({ connect: { ca: caPem } });
  try {
    const response = await undiciFetch(url, { redirect: 'manual', dispatcher });
    assert.equal(response.status, 302, await response.text());
    return new URL(response.headers.get('location') ?? '');
  } finally {
    await dispatcher.close();
  }
}

async function callback(
  server: SecureServer,
  query: URLSearchParams,
): Promise<{ status: number; page: string }> {
  const response = await fetch(`${server.baseUrl}/auth/consent/callback?${query.toString()}`);
  return { status: response.status, page: await response.text() };
}

async function refusedAudits(server: SecureServer, token: string, client: string): Promise<unknown[]> {
  const audit = await api(server, token, 'GET', `/audit?client=${client}&action=integration.consent_refused`);
  return (audit.body as { items: unknown[] }).items;
}

describe('security: admin consent is bound to the tenant the admin named [demo, SQLite]', function () {
  this.timeout(180_000);
  let server: SecureServer;
  let caPem: string;

  before(async () => {
    server = await startDemoServer({ users: 60 });
    const endpoints = JSON.parse(
      fs.readFileSync(path.join(server.dataDir, 'demo-endpoints.json'), 'utf8'),
    ) as {
      caCertPath: string;
    };
    caPem = fs.readFileSync(endpoints.caCertPath, 'utf8');
  });
  after(async () => {
    await server.stop();
  });

  it('refuses to start a consent for a tenant Entra does not know', async () => {
    const partner = await server.token('partnerAdmin');
    await api(server, partner, 'POST', '/clients', { name: 'globex' });
    const started = await api(server, partner, 'POST', '/clients/globex/integration/consent', {
      tenant: 'globex.onmicrosoft.com',
    });
    assert.equal(started.status, 400);
    assert.equal((started.body as { error: { code: string } }).error.code, 'unknown_tenant');
  });

  it('refuses a callback that names another tenant than the one the link was made for, and audits it', async () => {
    const partner = await server.token('partnerAdmin');
    const started = await api(server, partner, 'POST', '/clients/globex/integration/consent', {
      tenant: 'northwind.onmicrosoft.com',
    });
    assert.equal(started.status, 200);
    const { url } = started.body as { url: string };
    const state = new URL(url).searchParams.get('state') ?? '';
    // The attack: never visit Entra; forge the redirect with the demo tenant (connected elsewhere) as `tenant`.
    const demoTenant = (await api(server, partner, 'GET', '/clients/demo/integration')).body as {
      integration: { tenantId: string };
    };
    const forged = await callback(
      server,
      new URLSearchParams({ tenant: demoTenant.integration.tenantId, admin_consent: 'True', state }),
    );
    assert.equal(forged.status, 400);
    assert.match(forged.page, /was started for tenant/);
    assert.equal(
      ((await api(server, partner, 'GET', '/clients/globex/integration')).body as { integration: unknown })
        .integration,
      null,
    );
    assert.equal((await refusedAudits(server, partner, 'globex')).length, 1);
  });

  it('connects the named tenant through the real consent redirect and shows its organisation and domains', async () => {
    const partner = await server.token('partnerAdmin');
    const started = await api(server, partner, 'POST', '/clients/globex/integration/consent', {
      tenant: 'northwind.onmicrosoft.com',
    });
    const back = await consentRedirect((started.body as { url: string }).url, caPem);
    const answered = await callback(server, back.searchParams);
    assert.equal(answered.status, 200, answered.page);
    assert.match(answered.page, /Northwind/);
    assert.match(answered.page, /northwind\.onmicrosoft\.com/);
  });
});

describe('security: admin consent is bound to the tenant the admin named [production, PostgreSQL]', function () {
  this.timeout(180_000);
  let server: ProductionServer;

  before(async () => {
    server = await startProductionServer({ engine: 'postgres' });
  });
  after(async () => {
    await server.stop();
  });

  it("a client admin cannot finish a consent with an offboarded client's tenant and read its directory", async () => {
    const fabrikam = server.sim.addTenant({
      seed: 4202,
      users: 15,
      displayName: 'Fabrikam',
      domain: 'fabrikam-sec.onmicrosoft.com',
    });
    const partner = await server.token('partner');
    // Fabrikam consented once (for a client since offboarded): our app still has consent there.
    await api(server, partner, 'POST', '/clients', { name: 'offboarded' });
    const first = await api(server, partner, 'POST', '/clients/offboarded/integration/consent', {
      tenant: fabrikam.domain,
    });
    const back = await consentRedirect((first.body as { url: string }).url, server.sim.caCertPem);
    assert.equal((await callback(server, back.searchParams)).status, 200);
    const removed = await api(server, partner, 'DELETE', '/clients/offboarded/integration', {
      confirm: 'offboarded',
    });
    assert.equal(removed.status, 200);

    // Carl is client admin of initech only.
    const initech = server.sim.addTenant({
      seed: 4203,
      users: 10,
      displayName: 'Initech',
      domain: 'initech-sec.onmicrosoft.com',
    });
    await api(server, partner, 'POST', '/clients', { name: 'initech' });
    const carl = server.person('carl');
    const assigned = await server.cli([
      'roles',
      'assign',
      '--tenant',
      carl.tenantId,
      '--object',
      carl.objectId,
      '--role',
      'client_admin',
      '--client',
      'initech',
    ]);
    assert.equal(assigned.code, 0, assigned.stderr);
    const carlToken = await server.token('carl');
    const started = await api(server, carlToken, 'POST', '/clients/initech/integration/consent', {
      tenant: initech.domain,
    });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const state = new URL((started.body as { url: string }).url).searchParams.get('state') ?? '';

    const forged = await callback(
      server,
      new URLSearchParams({ tenant: fabrikam.tenantId, admin_consent: 'True', state }),
    );

    assert.equal(forged.status, 400);
    assert.doesNotMatch(forged.page, /is connected to/);
    const integration = await api(server, carlToken, 'GET', '/clients/initech/integration');
    assert.equal((integration.body as { integration: unknown }).integration, null);
    const users = await api(server, carlToken, 'GET', '/clients/initech/users?limit=5');
    assert.deepEqual((users.body as { items: unknown[] }).items, [], "none of Fabrikam's users to read");
    const refused = (await refusedAudits(server, partner, 'initech')) as {
      after: { answeredTenant: string };
    }[];
    assert.equal(refused.length, 1);
    assert.equal(refused[0]?.after.answeredTenant, fabrikam.tenantId);
  });
});
