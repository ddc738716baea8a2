import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { Agent, fetch } from 'undici';
import { startTs, type RunningProcess } from '../../support/processes.js';

interface ReadyLine {
  authorityHost: string;
  graphBaseUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  caCertPath: string;
  controlUrl: string;
}

describe('npm run sim (standalone) driven through the control API', function () {
  this.timeout(90_000);
  let dataDir: string;
  let sim: RunningProcess;
  let ready: ReadyLine;
  let dispatcher: Agent;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sim-cli-'));
    sim = startTs(
      'sim/main.ts',
      ['--seed', '5', '--users', '300', '--port', '0', '--json', '--data-dir', dataDir],
      {},
    );
    const line = await sim.waitForLine(/^\{/, 60_000);
    ready = JSON.parse(line) as ReadyLine;
    dispatcher = new Agent({ connect: { ca: readFileSync(ready.caCertPath, 'utf8') } });
  });
  after(async () => {
    await dispatcher.close();
    sim.child.kill('SIGTERM');
    await sim.exited();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function control(
    method: string,
    route: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${ready.controlUrl}${route}`, {
      method,
      dispatcher,
      headers: { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
  }

  async function graphGet(
    route: string,
    token: string,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${ready.graphBaseUrl}${route}`, {
      dispatcher,
      headers: { Authorization: `Bearer ${token}` },
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  async function token(): Promise<string> {
    const credential = new ClientSecretCredential(ready.tenantId, ready.clientId, ready.clientSecret, {
      authorityHost: ready.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: readFileSync(ready.caCertPath, 'utf8') },
    });
    return (await credential.getToken('https://graph.microsoft.com/.default')).token;
  }

  it('prints exactly one JSON line with the connection details and nothing else on stdout', () => {
    assert.deepEqual(Object.keys(ready), [
      'authorityHost',
      'graphBaseUrl',
      'tenantId',
      'clientId',
      'clientSecret',
      'caCertPath',
      'controlUrl',
    ]);
    assert.match(ready.graphBaseUrl, /^https:\/\/localhost:\d+$/);
    assert.equal(ready.caCertPath, path.join(dataDir, 'tls', 'ca-cert.pem'));
    assert.equal(sim.stdout().trim().split('\n').length, 1);
  });

  it('describes the tenant and mutates it, and Graph shows the change', async () => {
    const summary = (await control('GET', `/tenants/${ready.tenantId}`)).json as {
      users: number;
      apps: { clientId: string }[];
    };
    assert.equal(summary.users, 300);
    assert.equal(summary.apps[0]?.clientId, ready.clientId);

    const created = await control('POST', `/tenants/${ready.tenantId}/users`, {
      displayName: 'Control Made',
      department: 'Ops',
    });
    assert.equal(created.status, 200);
    const id = (created.json as { id: string }).id;
    const bearer = await token();
    const user = await graphGet(`/v1.0/users/${id}?$select=id,displayName,department`, bearer);
    assert.deepEqual(user.json, {
      '@odata.context': `${ready.graphBaseUrl}/v1.0/$metadata#users(id,displayName,department)/$entity`,
      id,
      displayName: 'Control Made',
      department: 'Ops',
    });
    assert.equal((await control('POST', `/tenants/${ready.tenantId}/users/${id}/soft-delete`)).status, 204);
    assert.equal((await graphGet(`/v1.0/users/${id}`, bearer)).status, 404);
    assert.equal((await control('POST', `/tenants/${ready.tenantId}/users/${id}/restore`)).status, 204);
    assert.equal((await graphGet(`/v1.0/users/${id}`, bearer)).status, 200);
  });

  it('injects a throttle fault and reports the 429 and the early retry in the stats', async () => {
    assert.equal((await control('DELETE', '/stats')).status, 204);
    const fault = await control('POST', '/faults/throttle', {
      next: 1,
      retryAfter: 20,
      pathPattern: '^/v1.0/groups',
    });
    assert.equal(fault.status, 200);
    const bearer = await token();
    assert.equal((await graphGet('/v1.0/groups?$top=1', bearer)).status, 429);
    // Past the simulator's grace for requests already in flight (250 ms, sim/stats.ts), well before the 20 s.
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal((await graphGet('/v1.0/groups?$top=1', bearer)).status, 200);
    const stats = (await control('GET', '/stats')).json as {
      throttledResponses: number;
      retryAfterViolations: unknown[];
      requestsByEndpoint: Record<string, number>;
    };
    assert.equal(stats.throttledResponses, 1);
    assert.equal(stats.retryAfterViolations.length, 1);
    assert.equal(stats.requestsByEndpoint['GET /v1.0/groups'], 2);
  });

  it('grants and revokes permissions, switches premium off and expires delta tokens', async () => {
    const revoked = await control(
      'POST',
      `/tenants/${ready.tenantId}/apps/${ready.clientId}/permissions/revoke`,
      { permissions: ['AuditLog.Read.All'] },
    );
    assert.ok(!(revoked.json as { permissions: string[] }).permissions.includes('AuditLog.Read.All'));
    const withoutAudit = await token();
    assert.equal((await graphGet('/v1.0/auditLogs/signIns?$top=1', withoutAudit)).status, 403);
    await control('POST', `/tenants/${ready.tenantId}/apps/${ready.clientId}/permissions`, {
      permissions: ['AuditLog.Read.All'],
    });
    await control('PUT', `/tenants/${ready.tenantId}/premium`, { premium: false });
    const bearer = await token();
    const denied = await graphGet('/v1.0/auditLogs/signIns?$top=1', bearer);
    assert.equal(
      (denied.json as { error: { code: string } }).error.code,
      'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
    );
    await control('PUT', `/tenants/${ready.tenantId}/premium`, { premium: true });

    const round = await graphGet('/v1.0/users/delta?$deltatoken=latest', bearer);
    assert.equal((await control('POST', `/tenants/${ready.tenantId}/expire-delta-tokens`)).status, 204);
    const deltaLink = String(round.json['@odata.deltaLink']).replace(ready.graphBaseUrl, '');
    const expired = await graphGet(deltaLink, bearer);
    assert.equal(expired.status, 400);
    assert.equal((expired.json as { error: { code: string } }).error.code, 'syncStateNotFound');
  });

  it('refuses invalid bodies with a readable 400 and unknown routes with 404', async () => {
    const bad = await control('POST', '/faults/throttle', { next: 0 });
    assert.equal(bad.status, 400);
    assert.match((bad.json as { error: { message: string } }).error.message, /next/);
    assert.equal((await control('POST', '/tenants', '{not json')).status, 400);
    assert.equal((await control('GET', `/tenants/${randomUUID()}`)).status, 404);
    assert.equal((await control('GET', '/nope')).status, 404);
  });
});
