import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startSimulator, type Simulator, type SimTenant } from '../../../sim/index.js';
import {
  connectGraph,
  isGraphError,
  readAll,
  SIM_TEST_DATA_DIR,
  type GraphConnection,
  type Page,
} from './sim-clients.js';

interface DirectoryObject {
  '@odata.type'?: string;
  id: string;
  displayName?: string;
}

describe('simulator groups, teams, service principals and organization (through the Graph client)', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let tenant: SimTenant;
  let graph: GraphConnection;

  before(async () => {
    sim = await startSimulator({
      dataDir: SIM_TEST_DATA_DIR,
      tenants: [
        {
          seed: 31,
          users: 3000,
          groups: 150,
          nestingDepth: 4,
          cycles: 3,
          teamsRatio: 0.6,
          servicePrincipals: { saml: 4, oidc: 3, password: 2, none: 3 },
          displayName: 'Directory Test',
          domain: 'directory-test.onmicrosoft.com',
        },
      ],
    });
    tenant = sim.tenants()[0]!;
    graph = connectGraph(sim, tenant);
  });
  after(async () => {
    await graph.close();
    await sim.close();
  });

  it('lists every group', async () => {
    const { items } = await readAll<DirectoryObject>(graph.client, '/groups', (r) =>
      r.select('id,displayName').top(50),
    );
    assert.deepEqual(
      items.map((g) => g.id),
      [...tenant.groups()].map((g) => g.id),
    );
  });

  it('generates nesting at least four levels deep and membership cycles', () => {
    const allStaff = [...tenant.groups()].find((g) => g.displayName === 'All Staff')!;
    const depth = (groupId: string, seen: Set<string>): number => {
      const nested = tenant.directMembers(groupId).filter((m) => m.type === 'group' && !seen.has(m.id));
      return nested.length === 0
        ? 0
        : 1 + Math.max(...nested.map((m) => depth(m.id, new Set([...seen, m.id]))));
    };
    assert.ok(depth(allStaff.id, new Set([allStaff.id])) >= 4);
    const inCycle = [...tenant.groups()].filter((g) => tenant.transitiveGroupMembers(g.id).has(g.id));
    assert.ok(inCycle.length >= 2, 'some groups contain themselves through a cycle');
  });

  it('nests groups only as Microsoft allows: a Microsoft 365 group holds users only and is no group’s member', () => {
    // Graph's "Add members" tabulates it (https://learn.microsoft.com/en-us/graph/api/group-post-members): a security
    // group holds users, security groups, devices, service principals and contacts; a Microsoft 365 group holds users;
    // a Microsoft 365 group can be a member of neither.
    const groups = new Map([...tenant.groups()].map((group) => [group.id, group]));
    const unified = (group: { groupTypes: readonly string[] }): boolean =>
      group.groupTypes.includes('Unified');
    const wrong: string[] = [];
    for (const group of groups.values()) {
      for (const member of tenant.directMembers(group.id)) {
        const inner = member.type === 'group' ? groups.get(member.id) : undefined;
        if (unified(group) && member.type !== 'user') wrong.push(`${group.displayName} ⊃ ${member.type}`);
        else if (inner !== undefined && unified(inner))
          wrong.push(`${group.displayName} ⊃ ${inner.displayName}`);
        else if (inner !== undefined && group.securityEnabled && !inner.securityEnabled)
          wrong.push(`security ${group.displayName} ⊃ non-security ${inner.displayName}`);
      }
    }
    assert.deepEqual(wrong, []);
    // The control API refuses it too, as Graph does.
    const m365 = [...groups.values()].find(unified)!;
    const security = [...groups.values()].find((group) => !unified(group) && group.securityEnabled)!;
    assert.throws(() => {
      tenant.addMember(m365.id, security.id);
    }, /Microsoft 365 group/);
    assert.throws(() => {
      tenant.addMember(security.id, m365.id);
    }, /Microsoft 365 group/);
  });

  it('pages direct members with their @odata.type, equal to the truth', async () => {
    const allStaff = [...tenant.groups()].find((g) => g.displayName === 'All Staff')!;
    for (const group of [allStaff, ...[...tenant.groups()].slice(1, 6)]) {
      const { items } = await readAll<DirectoryObject>(graph.client, `/groups/${group.id}/members`, (r) =>
        r.select('id').top(37),
      );
      assert.deepEqual(
        items.map((m) => `${m['@odata.type'] ?? ''}|${m.id}`),
        tenant.directMembers(group.id).map((m) => `#microsoft.graph.${m.type}|${m.id}`),
      );
    }
  });

  it('pages transitive members through nesting and cycles, equal to the truth computed by the simulator', async () => {
    const cyclic = [...tenant.groups()].filter((g) => tenant.transitiveGroupMembers(g.id).has(g.id));
    const allStaff = [...tenant.groups()].find((g) => g.displayName === 'All Staff')!;
    for (const group of [allStaff, ...cyclic]) {
      const { items } = await readAll<DirectoryObject>(
        graph.client,
        `/groups/${group.id}/transitiveMembers`,
        (r) => r.select('id').top(999),
      );
      const users = items.filter((m) => m['@odata.type'] === '#microsoft.graph.user').map((m) => m.id);
      const groups = items.filter((m) => m['@odata.type'] === '#microsoft.graph.group').map((m) => m.id);
      assert.deepEqual(new Set(users), tenant.transitiveUserMembers(group.id));
      assert.equal(users.length, new Set(users).size, 'each user once');
      assert.deepEqual(new Set(groups), tenant.transitiveGroupMembers(group.id));
    }
  });

  it('casts members to users without extra headers, but transitive casts need ConsistencyLevel and $count', async () => {
    const allStaff = [...tenant.groups()].find((g) => g.displayName === 'All Staff')!;
    const direct = (await graph.client
      .api(`/groups/${allStaff.id}/members/microsoft.graph.group`)
      .select('id')
      .get()) as Page<DirectoryObject>;
    assert.ok(direct.value.length > 0);
    await assert.rejects(
      graph.client.api(`/groups/${allStaff.id}/transitiveMembers/microsoft.graph.user`).get(),
      (error) => {
        assert.ok(isGraphError(error));
        assert.equal(error.statusCode, 400);
        assert.equal(error.code, 'Request_UnsupportedQuery');
        return true;
      },
    );
    const cast = (await graph.client
      .api(`/groups/${allStaff.id}/transitiveMembers/microsoft.graph.user`)
      .header('ConsistencyLevel', 'eventual')
      .count(true)
      .select('id')
      .top(999)
      .get()) as Page<DirectoryObject>;
    assert.equal(cast['@odata.count'], tenant.transitiveUserMembers(allStaff.id).size);
    assert.ok(cast.value.every((m) => m['@odata.type'] === undefined));
  });

  it('lists Teams-enabled groups on /teams with id, displayName and description only', async () => {
    const { items } = await readAll(graph.client, '/teams');
    assert.deepEqual(
      items.map((t) => t.id),
      [...tenant.teams()].map((t) => t.id),
    );
    assert.ok(items.length > 1);
    for (const team of items)
      assert.deepEqual(Object.keys(team).sort(), ['description', 'displayName', 'id']);
  });

  it('filters groups on resourceProvisioningOptions with a lambda', async () => {
    const { items } = await readAll<DirectoryObject>(graph.client, '/groups', (r) =>
      r.filter("resourceProvisioningOptions/Any(x:x eq 'Team')").select('id'),
    );
    assert.deepEqual(
      items.map((g) => g.id),
      [...tenant.teams()].map((t) => t.id),
    );
  });

  it('lists service principals with their single sign-on modes', async () => {
    const { items } = await readAll<{ appId: string; preferredSingleSignOnMode: string | null }>(
      graph.client,
      '/servicePrincipals',
      (r) => r.select('id,appId,displayName,preferredSingleSignOnMode,servicePrincipalType'),
    );
    assert.equal(items.length, tenant.servicePrincipals().length);
    const modes = items.map((sp) => sp.preferredSingleSignOnMode);
    assert.equal(modes.filter((m) => m === 'saml').length, 4);
    assert.equal(modes.filter((m) => m === 'oidc').length, 3);
    assert.equal(modes.filter((m) => m === 'password').length, 2);
    assert.ok(modes.filter((m) => m === null).length >= 3);
    const byAppId = (await graph.client.api(`/servicePrincipals(appId='${items[0]!.appId}')`).get()) as {
      appId: string;
    };
    assert.equal(byAppId.appId, items[0]!.appId);
  });

  it('serves the organization with its verified domain and tenant id', async () => {
    const page = (await graph.client.api('/organization').get()) as Page<{
      id: string;
      displayName: string;
      verifiedDomains: { name: string; isDefault: boolean }[];
    }>;
    assert.equal(page.value.length, 1);
    const org = page.value[0]!;
    assert.equal(org.id, tenant.tenantId);
    assert.equal(org.displayName, 'Directory Test');
    assert.deepEqual(
      org.verifiedDomains.map((d) => [d.name, d.isDefault]),
      [['directory-test.onmicrosoft.com', true]],
    );
  });

  it('answers /teams without a Teams permission with 403 naming the roles', async () => {
    const clientId = randomUUID();
    tenant.addApp({ clientId, clientSecret: 'no-teams', permissions: ['User.Read.All'] });
    const limited = connectGraph(sim, tenant, { clientId, clientSecret: 'no-teams' });
    try {
      await assert.rejects(limited.client.api('/teams').get(), (error) => {
        assert.ok(isGraphError(error));
        assert.equal(error.statusCode, 403);
        assert.match(error.message, /Team\.ReadBasic\.All/);
        return true;
      });
    } finally {
      await limited.close();
    }
  });

  it('answers an unknown path segment with 400 and a wrong method with 405', async () => {
    await assert.rejects(
      graph.client.api('/nonsense').get(),
      (e) => isGraphError(e) && e.statusCode === 400 && e.code === 'BadRequest',
    );
    await assert.rejects(
      graph.client.api('/users').post({ displayName: 'x' }),
      (e) => isGraphError(e) && e.statusCode === 405,
    );
  });
});
