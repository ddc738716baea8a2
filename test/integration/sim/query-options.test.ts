import assert from 'node:assert/strict';
import {
  ALL_QUERY_OPTIONS,
  optionRefusal,
  QUERY_OPTION_TABLE,
  queryOptionRow,
  type QueryOption,
} from '../../../sim/graph/query-options.js';
import { matchGraphRoute } from '../../../sim/graph/router.js';
import { startSimulator, type Simulator, type SimTenant } from '../../../sim/index.js';
import { connectGraph, SIM_TEST_DATA_DIR, type GraphConnection } from './sim-clients.js';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/** A well-formed value for each option, so only the option itself can be what is refused. */
const SAMPLE_VALUES: Record<QueryOption, string> = {
  $select: 'id',
  $filter: "id eq '00000000-0000-0000-0000-000000000001'",
  $top: '1',
  $skip: '1',
  $skiptoken: 'x',
  $deltatoken: 'x',
  $count: 'true',
  $orderby: 'id',
  $expand: 'members',
  $search: '"displayName:a"',
  $format: 'json',
  $apply: 'groupby((id))',
};

interface GraphErrorBody {
  error?: { code?: string; message?: string; innerError?: Record<string, string> };
}

describe('simulator query-option table (Microsoft documents which options each endpoint takes)', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let tenant: SimTenant;
  let graph: GraphConnection;
  let samplePaths: Map<string, { method: 'GET' | 'POST'; path: string }>;

  before(async () => {
    sim = await startSimulator({
      dataDir: SIM_TEST_DATA_DIR,
      tenants: [{ seed: 7, users: 30, signInDays: 2, signInsPerUserPerDay: 1 }],
    });
    tenant = sim.tenants()[0]!;
    graph = connectGraph(sim, tenant);
    const user = [...tenant.users()][0]!;
    const group = [...tenant.groups()][0]!;
    const sp = tenant.servicePrincipals()[0]!;
    const signIn = [...tenant.signIns()][0]!;
    samplePaths = new Map([
      ['/organization', { method: 'GET', path: 'organization' }],
      ['/organization/{id}', { method: 'GET', path: `organization/${tenant.tenantId}` }],
      ['/users', { method: 'GET', path: 'users' }],
      ['/users/delta', { method: 'GET', path: 'users/delta' }],
      ['/users/$count', { method: 'GET', path: 'users/$count' }],
      ['/users/{id}', { method: 'GET', path: `users/${user.id}` }],
      ['/users/{id}/revokeSignInSessions', { method: 'POST', path: `users/${user.id}/revokeSignInSessions` }],
      ['/users/{id}/assignLicense', { method: 'POST', path: `users/${user.id}/assignLicense` }],
      ['/groups', { method: 'GET', path: 'groups' }],
      ['/groups/delta', { method: 'GET', path: 'groups/delta' }],
      ['/groups/{id}', { method: 'GET', path: `groups/${group.id}` }],
      ['/groups/{id}/members', { method: 'GET', path: `groups/${group.id}/members` }],
      ['/groups/{id}/transitiveMembers', { method: 'GET', path: `groups/${group.id}/transitiveMembers` }],
      ['/teams', { method: 'GET', path: 'teams' }],
      ['/servicePrincipals', { method: 'GET', path: 'servicePrincipals' }],
      ['/servicePrincipals/{id}', { method: 'GET', path: `servicePrincipals/${sp.id}` }],
      [
        "/servicePrincipals(appId='{appId}')",
        { method: 'GET', path: `servicePrincipals(appId='${sp.appId}')` },
      ],
      [
        '/servicePrincipals/{id}/appRoleAssignments',
        { method: 'GET', path: `servicePrincipals/${sp.id}/appRoleAssignments` },
      ],
      ['/auditLogs/signIns', { method: 'GET', path: 'auditLogs/signIns' }],
      ['/auditLogs/signIns/{id}', { method: 'GET', path: `auditLogs/signIns/${signIn.id}` }],
      [
        '/reports/authenticationMethods/userRegistrationDetails',
        { method: 'GET', path: 'reports/authenticationMethods/userRegistrationDetails' },
      ],
      [
        '/reports/authenticationMethods/userRegistrationDetails/{id}',
        { method: 'GET', path: `reports/authenticationMethods/userRegistrationDetails/${user.id}` },
      ],
      ['/subscribedSkus', { method: 'GET', path: 'subscribedSkus' }],
      [
        '/subscribedSkus/{id}',
        {
          method: 'GET',
          path: `subscribedSkus/${tenant.tenantId}_${tenant.licences.subscribedSkus()[0]!.sku.skuId}`,
        },
      ],
      ['/$batch', { method: 'POST', path: '$batch' }],
    ] as const);
  });
  after(async () => {
    await graph.close();
    await sim.close();
  });

  async function send(
    version: 'v1.0' | 'beta',
    sample: { method: 'GET' | 'POST'; path: string },
    option: QueryOption,
  ): Promise<{ status: number; body: GraphErrorBody }> {
    const token = await graph.credential.getToken(GRAPH_SCOPE);
    const query = `${option}=${encodeURIComponent(SAMPLE_VALUES[option])}`;
    const response = await graph.fetch(`${sim.graphBaseUrl}/${version}/${sample.path}?${query}`, {
      method: sample.method,
      headers: { Authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
      ...(sample.method === 'POST' ? { body: JSON.stringify({ requests: [] }) } : {}),
    });
    const text = await response.text();
    let body: GraphErrorBody = {};
    try {
      body = JSON.parse(text) as GraphErrorBody;
    } catch {
      // $count answers text/plain
    }
    return { status: response.status, body };
  }

  it('has one row per simulated route, each with a Microsoft documentation link', () => {
    assert.deepEqual([...samplePaths.keys()].sort(), QUERY_OPTION_TABLE.map((row) => row.endpoint).sort());
    for (const [endpoint, sample] of samplePaths) {
      const route = matchGraphRoute(sample.method, sample.path.split('/'));
      assert.equal(queryOptionRow(route.endpoint)?.endpoint, endpoint);
    }
    for (const row of QUERY_OPTION_TABLE) {
      assert.match(row.doc, /^https:\/\/learn\.microsoft\.com\/en-us\/graph\//, row.endpoint);
      for (const option of row.accepts) assert.ok(!row.notModelled.includes(option), row.endpoint);
    }
  });

  it('refuses every option a row does not list, on every endpoint and version, with Microsoft’s error body', async () => {
    let refused = 0;
    for (const row of QUERY_OPTION_TABLE) {
      const sample = samplePaths.get(row.endpoint)!;
      for (const version of ['v1.0', 'beta'] as const) {
        for (const option of ALL_QUERY_OPTIONS) {
          const { status, body } = await send(version, sample, option);
          const where = `${sample.method} /${version}/${sample.path}?${option}`;
          if (row.notModelled.includes(option)) {
            assert.equal(status, 501, where);
            continue;
          }
          const expected = optionRefusal(option, row.refusal);
          const isRefusal = status === 400 && body.error?.message === expected.message;
          if (row.accepts.includes(option)) {
            assert.ok(!isRefusal && status !== 501, `${where} is documented and must not be refused`);
            continue;
          }
          assert.equal(status, 400, where);
          assert.equal(body.error?.code, expected.code, where);
          assert.equal(body.error.message, expected.message, where);
          assert.match(body.error.innerError?.['request-id'] ?? '', /^[0-9a-f-]{36}$/, where);
          refused++;
        }
      }
    }
    assert.ok(refused > 200, `${String(refused)} refusals checked`);
  });

  it("answers $select on the sign-in log exactly as Microsoft does (400 'Query option 'Select' is not allowed')", async () => {
    // https://learn.microsoft.com/en-us/graph/api/signin-list?view=graph-rest-beta lists $top, $skiptoken, $filter;
    // the message is the one users report: https://github.com/microsoftgraph/microsoft-graph-devx-api/issues/1250
    const { status, body } = await send('beta', { method: 'GET', path: 'auditLogs/signIns' }, '$select');
    assert.equal(status, 400);
    assert.equal(body.error?.code, 'BadRequest');
    assert.equal(
      body.error.message,
      "Query option 'Select' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.",
    );
  });
});
