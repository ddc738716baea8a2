import assert from 'node:assert/strict';
import type { Headers as UndiciHeaders } from 'undici';
import { startSimulator, type Simulator, type SimTenant } from '../../../sim/index.js';
import { RETRY_AFTER_GRACE_MS } from '../../../sim/stats.js';
import {
  connectGraph,
  isGraphError,
  SIM_TEST_DATA_DIR,
  type GraphConnection,
  type Page,
} from './sim-clients.js';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

describe('simulator faults, throttling, statistics and $batch', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let tenant: SimTenant;
  let graph: GraphConnection;

  beforeEach(async () => {
    sim = await startSimulator({
      dataDir: SIM_TEST_DATA_DIR,
      tenants: [{ seed: 51, users: 120, signInDays: 2 }],
    });
    tenant = sim.tenants()[0]!;
    graph = connectGraph(sim, tenant);
  });
  afterEach(async () => {
    await graph.close();
    await sim.close();
  });

  /** A raw authenticated GET (no retry handler in the way). */
  async function rawGet(path: string): Promise<{ status: number; headers: UndiciHeaders; body: unknown }> {
    const token = await graph.credential.getToken(GRAPH_SCOPE);
    const response = await graph.fetch(`${sim.graphBaseUrl}${path}`, {
      headers: { Authorization: `Bearer ${token.token}` },
    });
    return {
      status: response.status,
      headers: response.headers,
      body: await response.json(),
    };
  }

  it('lets the Graph client retry a 429 after its fractional Retry-After, with no violation recorded', async () => {
    sim.faults.throttle({ next: 1, retryAfter: 1.25, pathPattern: '^/v1.0/users$' });
    const page = (await graph.client.api('/users').select('id').get()) as Page;
    assert.equal(page.value.length, 100);
    assert.equal(sim.stats.throttledResponses, 1);
    assert.equal(sim.stats.retriesSeen, 1);
    assert.equal(sim.stats.requestsByEndpoint(tenant.tenantId)['GET /v1.0/users'], 2);
    assert.deepEqual(sim.stats.retryAfterViolations, []);
  });

  it('lets the Graph client retry a 503 with Retry-After', async () => {
    sim.faults.serverError({ next: 1, status: 503, retryAfter: 1, pathPattern: '^/v1.0/organization$' });
    const page = (await graph.client.api('/organization').get()) as Page;
    assert.equal(page.value.length, 1);
    assert.equal(sim.stats.retriesSeen, 1);
    assert.deepEqual(sim.stats.retryAfterViolations, []);
  });

  it('records a request that arrives before the Retry-After it was given has passed', async () => {
    sim.faults.throttle({ next: 1, retryAfter: 30 });
    const first = await rawGet('/v1.0/users?$select=id');
    assert.equal(first.status, 429);
    assert.equal(first.headers.get('retry-after'), '30');
    assert.deepEqual((first.body as { error: { code: string } }).error.code, 'TooManyRequests');
    // Past the grace the simulator allows for requests already in flight (sim/stats.ts), well before the 30 s.
    await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_GRACE_MS + 150));
    const second = await rawGet('/v1.0/groups?$select=id');
    assert.equal(second.status, 200);
    const [violation] = sim.stats.retryAfterViolations;
    assert.ok(violation);
    assert.equal(violation.tenantId, tenant.tenantId);
    assert.equal(violation.appId, tenant.registeredApps()[0]!.clientId);
    assert.equal(violation.path, '/v1.0/groups');
    assert.ok(violation.earlyByMs > 20_000);
  });

  it('can send Retry-After as an HTTP date', async () => {
    sim.faults.throttle({ next: 1, retryAfter: { httpDateInSeconds: 5 } });
    const answer = await rawGet('/v1.0/users?$select=id');
    assert.equal(answer.status, 429);
    const at = Date.parse(answer.headers.get('retry-after') ?? '');
    assert.ok(at >= Date.now() + 3000, answer.headers.get('retry-after') ?? '');
  });

  it('surfaces a 500 to the caller (not retried) and a connection reset as a network error', async () => {
    sim.faults.serverError({ next: 1, status: 500 });
    await assert.rejects(graph.client.api('/users').get(), (e) => isGraphError(e) && e.statusCode === 500);
    sim.faults.connectionReset({ next: 1 });
    await assert.rejects(graph.client.api('/users').get());
    const page = (await graph.client.api('/users').select('id').top(1).get()) as Page;
    assert.equal(page.value.length, 1, 'the next request is served');
  });

  it('enforces the reports tier (5 requests per 10 s per app and tenant) in realistic throttling mode', async () => {
    sim.faults.setRealisticThrottling(true);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await rawGet('/v1.0/auditLogs/signIns?$top=1')).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    const directory = await rawGet('/v1.0/users?$select=id&$top=1');
    assert.equal(directory.status, 200, 'the identity tier is separate');
  });

  it('enforces the identity tier token bucket with resource units and the throttle scope header', async () => {
    sim.faults.setRealisticThrottling(true, { identityResourceUnitsPer10s: 6 });
    const first = await rawGet('/v1.0/users');
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-ms-resource-unit'), '2');
    let throttled: { status: number; headers: UndiciHeaders } | undefined;
    for (let i = 0; i < 5 && !throttled; i++) {
      const answer = await rawGet('/v1.0/users');
      if (answer.status === 429) throttled = answer;
    }
    assert.ok(throttled);
    assert.match(throttled.headers.get('x-ms-throttle-scope') ?? '', /^Tenant_Application\/ReadWrite\//);
    assert.ok(Number(throttled.headers.get('retry-after')) >= 1);
  });

  it('answers a $batch with per-item status, and 424 for a request whose dependency failed', async () => {
    const answer = (await graph.client.api('/$batch').post({
      requests: [
        { id: '1', method: 'GET', url: '/users?$select=id&$top=2' },
        { id: '2', method: 'GET', url: '/users/00000000-0000-0000-0000-000000000000' },
        { id: '3', method: 'GET', url: '/organization', dependsOn: ['2'] },
        { id: '4', method: 'GET', url: '/groups?$top=1000' },
      ],
    })) as {
      responses: { id: string; status: number; body: { value?: unknown[]; error?: { code: string } } }[];
    };
    const byId = new Map(answer.responses.map((r) => [r.id, r]));
    assert.equal(byId.get('1')?.status, 200);
    assert.equal(byId.get('1')?.body.value?.length, 2);
    assert.equal(byId.get('2')?.status, 404);
    assert.equal(byId.get('3')?.status, 424);
    assert.equal(byId.get('4')?.status, 400);
  });

  it('refuses a $batch of more than 20 requests or with repeated ids', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({
      id: String(i),
      method: 'GET',
      url: '/organization',
    }));
    await assert.rejects(
      graph.client.api('/$batch').post({ requests }),
      (e) => isGraphError(e) && e.statusCode === 400,
    );
    await assert.rejects(
      graph.client.api('/$batch').post({ requests: [requests[0], requests[0]] }),
      (e) => isGraphError(e) && e.statusCode === 400,
    );
  });

  it('counts requests per endpoint and per tenant, token requests included', async () => {
    await graph.client.api('/users').select('id').top(1).get();
    await graph.client.api('/groups').select('id').top(1).get();
    const snapshot = sim.stats.snapshot();
    assert.equal(snapshot.requestsByEndpoint['GET /v1.0/users'], 1);
    assert.equal(snapshot.requestsByEndpoint['GET /v1.0/groups'], 1);
    assert.equal(snapshot.requestsByTenant[tenant.tenantId]?.['POST /{tenant}/oauth2/v2.0/token'], 1);
    sim.stats.reset();
    assert.equal(sim.stats.totalRequests, 0);
  });
});
