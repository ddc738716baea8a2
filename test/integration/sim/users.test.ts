import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startSimulator, type Simulator, type SimTenant, type SimUser } from '../../../sim/index.js';
import {
  connectGraph,
  isGraphError,
  readAll,
  SIM_TEST_DATA_DIR,
  type GraphConnection,
  type Page,
} from './sim-clients.js';

const SELECT =
  'id,displayName,userPrincipalName,mail,userType,accountEnabled,department,jobTitle,createdDateTime';

describe('simulator /users (through the Graph client)', function () {
  this.timeout(120_000);
  let sim: Simulator;
  let tenant: SimTenant;
  let graph: GraphConnection;

  before(async () => {
    sim = await startSimulator({
      dataDir: SIM_TEST_DATA_DIR,
      tenants: [{ seed: 25, users: 25_000, groups: 400, signInDays: 3 }],
    });
    tenant = sim.tenants()[0]!;
    graph = connectGraph(sim, tenant);
  });
  after(async () => {
    await graph.close();
    await sim.close();
  });

  it('reads a 25k-user tenant through nextLinks and gets exactly the generated users', async () => {
    const { items, pages } = await readAll(graph.client, '/users', (r) => r.select(SELECT).top(999));
    assert.equal(pages, Math.ceil(25_000 / 999));
    const truth = [...tenant.users()];
    assert.equal(items.length, truth.length);
    const fields = SELECT.split(',') as (keyof SimUser)[];
    items.forEach((item, i) => {
      const expected = truth[i]!;
      for (const field of fields) assert.deepEqual(item[field], expected[field], `${expected.id} ${field}`);
      assert.deepEqual(Object.keys(item).sort(), [...fields].sort());
    });
  });

  it('gives opaque absolute https nextLinks that keep the query', async () => {
    const page = (await graph.client
      .api('/users')
      .select('id')
      .filter("userType eq 'Member'")
      .top(5)
      .get()) as Page;
    const next = page['@odata.nextLink'] ?? '';
    assert.ok(next.startsWith(`${sim.graphBaseUrl}/v1.0/users?`), next);
    const url = new URL(next);
    assert.equal(url.searchParams.get('$select'), 'id');
    assert.equal(url.searchParams.get('$filter'), "userType eq 'Member'");
    assert.match(url.searchParams.get('$skiptoken') ?? '', /^[A-Za-z0-9_-]{20,}$/);
  });

  it('serves the default property set without $select', async () => {
    const page = (await graph.client.api('/users').top(1).get()) as Page;
    assert.deepEqual(Object.keys(page.value[0]!).sort(), [
      'businessPhones',
      'displayName',
      'givenName',
      'id',
      'jobTitle',
      'mail',
      'mobilePhone',
      'officeLocation',
      'preferredLanguage',
      'surname',
      'userPrincipalName',
    ]);
  });

  it('filters on userType and accountEnabled with eq and in', async () => {
    const guests = await readAll(graph.client, '/users', (r) =>
      r.select('id').filter("userType eq 'Guest'").top(999),
    );
    assert.equal(guests.items.length, [...tenant.users()].filter((u) => u.userType === 'Guest').length);
    const disabled = await readAll(graph.client, '/users', (r) =>
      r.select('id').filter('accountEnabled in (false)').top(999),
    );
    assert.equal(disabled.items.length, [...tenant.users()].filter((u) => !u.accountEnabled).length);
  });

  it('rejects filters Graph does not support by default with 400 Request_UnsupportedQuery', async () => {
    for (const filter of ["endsWith(mail,'@x.com')", "userType ne 'Guest'", "city eq 'Paris'"]) {
      await assert.rejects(graph.client.api('/users').filter(filter).get(), (error) => {
        assert.ok(isGraphError(error));
        assert.equal(error.statusCode, 400);
        assert.equal(error.code, 'Request_UnsupportedQuery');
        return true;
      });
    }
  });

  it('accepts advanced operators with ConsistencyLevel: eventual and $count=true, and counts', async () => {
    const page = (await graph.client
      .api('/users')
      .header('ConsistencyLevel', 'eventual')
      .count(true)
      .select('id')
      .filter("userType ne 'Guest'")
      .top(10)
      .get()) as Page;
    assert.equal(page['@odata.count'], [...tenant.users()].filter((u) => u.userType !== 'Guest').length);
  });

  it('rejects $top outside 1..999, and above 500 when signInActivity is selected', async () => {
    for (const [top, select] of [
      [1000, 'id'],
      [0, 'id'],
      [501, 'id,signInActivity'],
    ] as const) {
      await assert.rejects(graph.client.api('/users').select(select).top(top).get(), (error) => {
        assert.ok(isGraphError(error));
        assert.equal(error.statusCode, 400);
        return true;
      });
    }
    const page = (await graph.client.api('/users').select('id,signInActivity').top(500).get()) as Page;
    assert.equal(page.value.length, 500);
  });

  it('serves signInActivity equal to the truth', async () => {
    const page = (await graph.client.api('/users').select('id,signInActivity').top(200).get()) as Page<{
      id: string;
      signInActivity?: unknown;
    }>;
    for (const user of page.value) assert.deepEqual(user.signInActivity, tenant.signInActivity(user.id));
  });

  it('rejects a skip token it did not issue', async () => {
    await assert.rejects(
      graph.client.api(`/users?$skiptoken=${randomUUID()}`).get(),
      (error) => isGraphError(error) && error.statusCode === 400,
    );
  });

  it('answers 404 Request_ResourceNotFound for an unknown user, and finds one by UPN', async () => {
    await assert.rejects(
      graph.client.api(`/users/${randomUUID()}`).get(),
      (error) => isGraphError(error) && error.statusCode === 404 && error.code === 'Request_ResourceNotFound',
    );
    const [user] = tenant.users();
    assert.ok(user);
    const found = (await graph.client.api(`/users/${user.userPrincipalName}`).select('id').get()) as {
      id: string;
    };
    assert.equal(found.id, user.id);
  });

  it('refuses an app without a user-read permission with 403 Authorization_RequestDenied and request ids', async () => {
    const clientId = randomUUID();
    tenant.addApp({ clientId, clientSecret: 'limited~1', permissions: ['Group.Read.All'] });
    const limited = connectGraph(sim, tenant, { clientId, clientSecret: 'limited~1' });
    try {
      await assert.rejects(limited.client.api('/users').get(), (error) => {
        assert.ok(isGraphError(error));
        assert.equal(error.statusCode, 403);
        assert.equal(error.code, 'Authorization_RequestDenied');
        assert.match(error.requestId ?? '', /^[0-9a-f-]{36}$/);
        return true;
      });
    } finally {
      await limited.close();
    }
  });

  it('requires AuditLog.Read.All for signInActivity (Authentication_MSGraphPermissionMissing)', async () => {
    const clientId = randomUUID();
    tenant.addApp({ clientId, clientSecret: 'limited~2', permissions: ['User.Read.All'] });
    const limited = connectGraph(sim, tenant, { clientId, clientSecret: 'limited~2' });
    try {
      await assert.rejects(limited.client.api('/users').select('id,signInActivity').get(), (error) => {
        assert.ok(isGraphError(error));
        assert.equal(error.statusCode, 403);
        assert.equal(error.code, 'Authentication_MSGraphPermissionMissing');
        return true;
      });
    } finally {
      await limited.close();
    }
  });

  it('answers requests without a valid bearer token with 401 InvalidAuthenticationToken', async () => {
    const response = await graph.fetch(`${sim.graphBaseUrl}/v1.0/users`);
    assert.equal(response.status, 401);
    const body = (await response.json()) as { error: { code: string; innerError: Record<string, string> } };
    assert.equal(body.error.code, 'InvalidAuthenticationToken');
    assert.equal(body.error.innerError['request-id'], response.headers.get('request-id'));
    assert.match(body.error.innerError.date ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });
});
