import assert from 'node:assert/strict';
import { startSimulator, type Simulator, type SimTenant } from '../../../sim/index.js';
import {
  connectGraph,
  isGraphError,
  readAll,
  SIM_TEST_DATA_DIR,
  type GraphConnection,
} from './sim-clients.js';

interface DeltaUser {
  id: string;
  displayName?: string;
  accountEnabled?: boolean;
  '@removed'?: { reason: string };
}

interface MemberDelta {
  '@odata.type': string;
  id: string;
  '@removed'?: { reason: string };
}

interface DeltaGroup {
  id: string;
  displayName?: string;
  'members@delta'?: MemberDelta[];
  '@removed'?: { reason: string };
}

describe('simulator delta queries (through the Graph client)', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let tenant: SimTenant;
  let graph: GraphConnection;

  beforeEach(async () => {
    sim = await startSimulator({
      dataDir: SIM_TEST_DATA_DIR,
      tenants: [{ seed: 7, users: 1500, groups: 80, nestingDepth: 4, cycles: 2 }],
      deltaPageSize: 100,
      deltaMembersPerPage: 120,
    });
    tenant = sim.tenants()[0]!;
    graph = connectGraph(sim, tenant);
  });
  afterEach(async () => {
    await graph.close();
    await sim.close();
  });

  const usersRound = (url: string) =>
    readAll<DeltaUser>(graph.client, url, (r) =>
      url === '/users/delta' ? r.select('id,displayName,accountEnabled') : r,
    );

  it('returns every user in the initial round and ends with a deltaLink', async () => {
    const round = await usersRound('/users/delta');
    assert.ok(round.pages > 1);
    assert.ok(round.deltaLink?.startsWith(`${sim.graphBaseUrl}/v1.0/users/delta?$deltatoken=`));
    const truth = new Map([...tenant.users()].map((u) => [u.id, u]));
    assert.equal(round.items.length, truth.size);
    for (const item of round.items) {
      const user = truth.get(item.id);
      assert.ok(user, item.id);
      assert.deepEqual(item, {
        id: user.id,
        displayName: user.displayName,
        accountEnabled: user.accountEnabled,
      });
    }
  });

  it('returns exactly the changes after mutations, @removed included, then nothing', async () => {
    const first = await usersRound('/users/delta');
    const [updated, softDeleted, hardDeleted, bouncing] = [...tenant.users()].slice(10, 14);
    const added = tenant.addUser({ displayName: 'Zed New' });
    tenant.updateUser(updated!.id, { displayName: 'Renamed Person', accountEnabled: false });
    tenant.softDeleteUser(softDeleted!.id);
    tenant.hardDeleteUser(hardDeleted!.id);
    tenant.softDeleteUser(bouncing!.id);
    tenant.restoreUser(bouncing!.id);

    const second = await usersRound(first.deltaLink!);
    const byId = new Map(second.items.map((item) => [item.id, item]));
    assert.equal(second.items.length, 5);
    assert.deepEqual(byId.get(added.id), { id: added.id, displayName: 'Zed New', accountEnabled: true });
    assert.deepEqual(byId.get(updated!.id), {
      id: updated!.id,
      displayName: 'Renamed Person',
      accountEnabled: false,
    });
    assert.deepEqual(byId.get(softDeleted!.id), { id: softDeleted!.id, '@removed': { reason: 'changed' } });
    assert.deepEqual(byId.get(hardDeleted!.id), { id: hardDeleted!.id, '@removed': { reason: 'deleted' } });
    assert.deepEqual(byId.get(bouncing!.id), {
      id: bouncing!.id,
      displayName: bouncing!.displayName,
      accountEnabled: bouncing!.accountEnabled,
    });

    const third = await usersRound(second.deltaLink!);
    assert.deepEqual(third.items, []);
  });

  it('allows replaying a deltaLink', async () => {
    const first = await usersRound('/users/delta');
    tenant.updateUser([...tenant.users()][3]!.id, { department: 'Moved' });
    const once = await usersRound(first.deltaLink!);
    const again = await usersRound(first.deltaLink!);
    assert.deepEqual(again.items, once.items);
  });

  it('splits a big group members@delta across pages that repeat the group, and the merge equals the truth', async () => {
    const round = await readAll<DeltaGroup>(graph.client, '/groups/delta', (r) =>
      r.select('displayName,members'),
    );
    const merged = new Map<string, Set<string>>();
    const appearances = new Map<string, number>();
    for (const group of round.items) {
      appearances.set(group.id, (appearances.get(group.id) ?? 0) + 1);
      const set = merged.get(group.id) ?? new Set();
      for (const member of group['members@delta'] ?? []) {
        assert.equal(member['@removed'], undefined);
        set.add(`${member['@odata.type']}|${member.id}`);
      }
      merged.set(group.id, set);
    }
    assert.ok(
      [...appearances.values()].some((n) => n > 1),
      'a group spans several pages',
    );
    assert.equal(merged.size, tenant.groupCount);
    for (const group of tenant.groups()) {
      const expected = new Set(
        tenant.directMembers(group.id).map((m) => `#microsoft.graph.${m.type}|${m.id}`),
      );
      assert.deepEqual(merged.get(group.id), expected, group.displayName);
    }
  });

  it('reports membership changes as members@delta with @removed, and deleted groups as @removed', async () => {
    const first = await readAll<DeltaGroup>(graph.client, '/groups/delta', (r) =>
      r.select('displayName,members'),
    );
    const groups = [...tenant.groups()];
    const target = groups.find((g) => tenant.directMembers(g.id).some((m) => m.type === 'user'))!;
    const leaving = tenant.directMembers(target.id).find((m) => m.type === 'user')!;
    const joining = [...tenant.users()].find(
      (u) => !tenant.directMembers(target.id).some((m) => m.id === u.id),
    )!;
    const nested = groups.find(
      (g) => g.id !== target.id && !tenant.directMembers(target.id).some((m) => m.id === g.id),
    )!;
    const doomed = groups.find(
      (g) =>
        g.id !== target.id &&
        g.id !== nested.id &&
        g.displayName !== 'All Staff' &&
        !tenant.directMembers(target.id).some((m) => m.id === g.id),
    )!;
    tenant.removeMember(target.id, leaving.id);
    tenant.addMember(target.id, joining.id);
    tenant.addMember(target.id, nested.id);
    tenant.deleteGroup(doomed.id);

    const second = await readAll<DeltaGroup>(graph.client, first.deltaLink!);
    const changedTarget = second.items.filter((g) => g.id === target.id);
    const members = changedTarget.flatMap((g) => g['members@delta'] ?? []);
    assert.deepEqual(
      members.sort((a, b) => a.id.localeCompare(b.id)),
      [
        { '@odata.type': '#microsoft.graph.user', id: leaving.id, '@removed': { reason: 'deleted' } },
        { '@odata.type': '#microsoft.graph.user', id: joining.id },
        { '@odata.type': '#microsoft.graph.group', id: nested.id },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    assert.deepEqual(
      second.items.find((g) => g.id === doomed.id),
      { id: doomed.id, '@removed': { reason: 'deleted' } },
    );
    const otherIds = new Set(second.items.map((g) => g.id));
    otherIds.delete(target.id);
    otherIds.delete(doomed.id);
    // Groups that held the deleted group lose it as a member; nothing else changed.
    for (const id of otherIds) {
      const entries = second.items.filter((g) => g.id === id).flatMap((g) => g['members@delta'] ?? []);
      assert.deepEqual(entries, [
        { '@odata.type': '#microsoft.graph.group', id: doomed.id, '@removed': { reason: 'deleted' } },
      ]);
    }
  });

  it('shows a soft-deleted user leaving its groups, and coming back on restore', async () => {
    const first = await readAll<DeltaGroup>(graph.client, '/groups/delta', (r) => r.select('id,members'));
    const user = [...tenant.users()].find((u) =>
      [...tenant.groups()].some((g) => tenant.directMembers(g.id).some((m) => m.id === u.id)),
    )!;
    const holding = [...tenant.groups()]
      .filter((g) => tenant.directMembers(g.id).some((m) => m.id === user.id))
      .map((g) => g.id);
    tenant.softDeleteUser(user.id);
    const second = await readAll<DeltaGroup>(graph.client, first.deltaLink!);
    assert.deepEqual(second.items.map((g) => g.id).sort(), [...holding].sort());
    for (const group of second.items) {
      assert.deepEqual(group['members@delta'], [
        { '@odata.type': '#microsoft.graph.user', id: user.id, '@removed': { reason: 'deleted' } },
      ]);
    }
    tenant.restoreUser(user.id);
    const third = await readAll<DeltaGroup>(graph.client, second.deltaLink!);
    for (const group of third.items)
      assert.deepEqual(group['members@delta'], [{ '@odata.type': '#microsoft.graph.user', id: user.id }]);
    assert.equal(third.items.length, holding.length);
  });

  it('starts from now with $deltatoken=latest', async () => {
    const latest = await readAll<DeltaUser>(graph.client, '/users/delta?$deltatoken=latest');
    assert.deepEqual(latest.items, []);
    const added = tenant.addUser({ displayName: 'After Latest' });
    const next = await readAll<DeltaUser>(graph.client, latest.deltaLink!);
    assert.deepEqual(
      next.items.map((u) => u.id),
      [added.id],
    );
  });

  it('answers an expired delta token with 400 syncStateNotFound by default', async () => {
    const first = await usersRound('/users/delta');
    sim.faults.expireDeltaTokens(tenant.tenantId);
    await assert.rejects(graph.client.api(first.deltaLink!).get(), (error) => {
      assert.ok(isGraphError(error));
      assert.equal(error.statusCode, 400);
      assert.equal(error.code, 'syncStateNotFound');
      return true;
    });
  });

  it('answers an expired delta token with 410 and a Location that restarts the round when asked to', async () => {
    const first = await usersRound('/users/delta');
    sim.faults.deltaExpiryMode = '410';
    sim.advanceClock(8 * 86_400_000);
    const failure: unknown = await graph.client
      .api(first.deltaLink!)
      .get()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    assert.ok(isGraphError(failure));
    assert.equal(failure.statusCode, 410);
    assert.equal(failure.code, 'resyncRequired');
    const location = failure.headers?.get('Location');
    assert.ok(location);
    const restarted = await readAll<DeltaUser>(graph.client, location);
    assert.equal(restarted.items.length, tenant.userCount);
    assert.deepEqual(Object.keys(restarted.items[0]!).sort(), ['accountEnabled', 'displayName', 'id']);
  });

  it('refuses signInActivity and $top in delta queries', async () => {
    await assert.rejects(
      graph.client.api('/users/delta').select('id,signInActivity').get(),
      (e) => isGraphError(e) && e.statusCode === 400,
    );
    await assert.rejects(
      graph.client.api('/users/delta').top(5).get(),
      (e) => isGraphError(e) && e.statusCode === 400,
    );
  });
});
