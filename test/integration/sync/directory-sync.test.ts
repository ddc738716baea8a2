import assert from 'node:assert/strict';
import { CheckpointRepository } from '../../../src/store/checkpoint-repository.js';
import { describeEachEngine } from '../../support/databases.js';
import { startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
import { assertMatchesTruth, connectClient, mutate } from './sync-harness.js';

describeEachEngine('directory sync against the simulator', (ctx) => {
  let harness: TestSimulator;

  before(async () => {
    // Small pages so that users, groups and a big group's members all span several pages.
    harness = await startTestSimulator(
      { users: 240, groups: 24, nestingDepth: 4, cycles: 2 },
      { deltaPageSize: 40, deltaMembersPerPage: 30 },
    );
  });
  after(async () => {
    await harness.close();
  });

  it('copies every user, group, direct and transitive membership, and follows a round of changes', async () => {
    const fixture = await connectClient(ctx.database, harness);

    const first = await fixture.directorySync.run(fixture.clientId);
    assert.equal(first.run.status, 'succeeded', first.run.errorMessage ?? '');
    assert.equal(first.run.trigger, 'initial');
    assert.equal(first.run.usersAdded, harness.tenant.userCount + [...harness.tenant.deletedUsers()].length);
    assert.equal(first.run.groupsAdded, harness.tenant.groupCount);
    assert.ok(first.run.pages > 6);
    await assertMatchesTruth(ctx.database.db, fixture.clientId, harness.tenant);
    const integration = await fixture.integrations.find(fixture.clientId);
    assert.equal(integration?.organizationName, harness.tenant.displayName);

    const { softDeleted, hardDeleted } = mutate(harness.tenant);
    const second = await fixture.directorySync.run(fixture.clientId);
    assert.equal(second.run.status, 'succeeded', second.run.errorMessage ?? '');
    assert.equal(second.run.trigger, 'manual');
    assert.equal(second.run.usersAdded, 1);
    assert.ok(second.run.usersRemoved >= 2);
    assert.ok(second.run.edgesAdded >= 4 && second.run.edgesRemoved >= 1);
    assert.equal(second.run.groupsAdded, 2, 'a new team and a new access group (mutate)');
    assert.equal(second.run.groupsRemoved, 1);
    await assertMatchesTruth(ctx.database.db, fixture.clientId, harness.tenant);
    const states = await ctx.database.db
      .selectFrom('directory_users')
      .select(['id', 'entra_state'])
      .where('client_id', '=', fixture.clientId)
      .where('id', 'in', [softDeleted, hardDeleted])
      .execute();
    assert.deepEqual(Object.fromEntries(states.map((row) => [row.id, row.entra_state])), {
      [softDeleted]: 'soft_deleted',
      [hardDeleted]: 'deleted',
    });

    // Nothing changed: one request per stream and one for the organization, nothing written.
    const third = await fixture.directorySync.run(fixture.clientId);
    assert.equal(third.run.graphRequests, 3);
    assert.equal(third.run.usersAdded + third.run.edgesAdded + third.run.edgesRemoved, 0);
  });

  it('copies a tenant whose delta pages replay objects and member references, and follows changes after', async () => {
    // Microsoft: a delta round may return the same object more than once, so expect replays
    // (https://learn.microsoft.com/en-us/graph/delta-query-overview). Each page here starts again with the last
    // user of the page before, and a group split over pages repeats member references: a batch holds the same user
    // and the same membership twice, which one multi-row upsert may not write twice.
    harness.sim.faults.deltaReplay = true;
    try {
      const fixture = await connectClient(ctx.database, harness);
      const full = await fixture.directorySync.run(fixture.clientId);
      assert.equal(full.run.status, 'succeeded', full.run.errorMessage ?? '');
      await assertMatchesTruth(ctx.database.db, fixture.clientId, harness.tenant);

      const group = [...harness.tenant.groups()][2]?.id ?? '';
      const [member] = harness.tenant.directMembers(group);
      const outsider = [...harness.tenant.users()].find(
        (user) => !harness.tenant.directMembers(group).some((ref) => ref.id === user.id),
      );
      assert.ok(member !== undefined && outsider !== undefined);
      harness.tenant.addMember(group, outsider.id);
      harness.tenant.removeMember(group, outsider.id);
      harness.tenant.removeMember(group, member.id);
      harness.tenant.addMember(group, member.id);
      const delta = await fixture.directorySync.run(fixture.clientId);
      assert.equal(delta.run.status, 'succeeded', delta.run.errorMessage ?? '');
      await assertMatchesTruth(ctx.database.db, fixture.clientId, harness.tenant);
    } finally {
      harness.sim.faults.deltaReplay = false;
    }
  });

  it('answers a second request for the same client by joining the run in progress', async () => {
    const fixture = await connectClient(ctx.database, harness);
    const [a, b] = await Promise.all([
      fixture.directorySync.run(fixture.clientId),
      fixture.directorySync.run(fixture.clientId),
    ]);
    assert.equal(a.run.id, b.run.id);
    assert.deepEqual([a.joined, b.joined].sort(), [false, true]);
    const runs = await ctx.database.db
      .selectFrom('sync_runs')
      .select('id')
      .where('client_id', '=', fixture.clientId)
      .execute();
    assert.equal(runs.length, 1);
  });

  it('resynchronises in full when the delta token expired, and marks users deleted meanwhile', async () => {
    const fixture = await connectClient(ctx.database, harness);
    assert.equal((await fixture.directorySync.run(fixture.clientId)).run.status, 'succeeded');
    const doomed = [...harness.tenant.users()].slice(10, 13).map((user) => user.id);
    for (const id of doomed) harness.tenant.hardDeleteUser(id);
    const memberOf = harness.tenant.addUser({ displayName: 'Late Arrival' });
    harness.tenant.addMember([...harness.tenant.groups()][1]?.id ?? '', memberOf.id);
    const moved = [...harness.tenant.users()][30]!;
    harness.tenant.updateUser(moved.id, { department: 'Moved before the resync' });
    harness.tenant.expireDeltaTokens();
    harness.sim.faults.deltaExpiryMode = ctx.engine === 'sqlite' ? '400' : '410';

    const resync = await fixture.directorySync.run(fixture.clientId);
    assert.equal(resync.run.status, 'succeeded', resync.run.errorMessage ?? '');
    await assertMatchesTruth(ctx.database.db, fixture.clientId, harness.tenant);
    const rows = await ctx.database.db
      .selectFrom('directory_users')
      .select('entra_state')
      .where('client_id', '=', fixture.clientId)
      .where('id', 'in', doomed)
      .execute();
    assert.deepEqual(
      rows.map((row) => row.entra_state),
      ['deleted', 'deleted', 'deleted'],
    );
    assert.ok(resync.run.usersRemoved >= 3);
    // The full round replays every user and group: only what differs from the copy counts as changed.
    assert.deepEqual(
      {
        usersAdded: resync.run.usersAdded,
        usersUpdated: resync.run.usersUpdated,
        groupsAdded: resync.run.groupsAdded,
        groupsUpdated: resync.run.groupsUpdated,
      },
      { usersAdded: 1, usersUpdated: 1, groupsAdded: 0, groupsUpdated: 0 },
    );
    const checkpoint = await new CheckpointRepository(ctx.database.db).get(fixture.clientId, 'users');
    assert.equal(checkpoint?.generation, 2, 'a second full round ran');
    assert.equal(checkpoint.roundKind, 'delta');
  });

  it('recovers within one run from a saved delta link refused with an undocumented 4xx: asks once more, then resyncs in full with a notice', async () => {
    const fixture = await connectClient(ctx.database, harness);
    assert.equal((await fixture.directorySync.run(fixture.clientId)).run.status, 'succeeded');
    const doomed = [...harness.tenant.users()][20]!.id;
    harness.tenant.hardDeleteUser(doomed);
    harness.tenant.expireDeltaTokens();
    // 400 Directory_ExpiredPageToken: not one of the codes the delta documentation names.
    harness.sim.faults.deltaExpiryMode = 'undocumented';
    harness.sim.stats.reset();
    try {
      const run = await fixture.directorySync.run(fixture.clientId);
      assert.equal(run.run.status, 'succeeded', run.run.errorMessage ?? '');
      await assertMatchesTruth(ctx.database.db, fixture.clientId, harness.tenant);
      // Each stream's saved link was asked for twice, then a full round ran.
      const requests = harness.sim.stats.requestsByEndpoint(harness.tenant.tenantId);
      assert.ok((requests['GET /v1.0/users/delta'] ?? 0) >= 3);
      const checkpoint = await new CheckpointRepository(ctx.database.db).get(fixture.clientId, 'users');
      assert.equal(checkpoint?.generation, 2, 'a second full round ran');
      const notices = await ctx.database.db
        .selectFrom('incidents')
        .select(['kind', 'message', 'resolved_at'])
        .where('client_id', '=', fixture.clientId)
        .execute();
      assert.deepEqual(
        notices.map((notice) => notice.kind),
        ['delta_link_dropped', 'delta_link_dropped'],
      );
      assert.match(notices[0]!.message, /HTTP 400 Directory_ExpiredPageToken/);
      const state = await ctx.database.db
        .selectFrom('directory_users')
        .select('entra_state')
        .where('client_id', '=', fixture.clientId)
        .where('id', '=', doomed)
        .executeTakeFirstOrThrow();
      assert.equal(state.entra_state, 'deleted');
      // And the next run is an ordinary delta round again.
      const next = await fixture.directorySync.run(fixture.clientId);
      assert.equal(next.run.graphRequests, 3);
    } finally {
      harness.sim.faults.deltaExpiryMode = '400';
    }
  });
});
