import assert from 'node:assert/strict';
import { describeEachEngine } from '../../support/databases.js';
import { startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
import { connectClient } from './sync-harness.js';

/**
 * The fence of a sync run: another process may close a run it presumed dead (the PostgreSQL scheduler's takeover of
 * an instance that stopped answering, or a stale run) and start its own. The run it closed is still going if its
 * process was only stalled: at its next write it must find itself closed and stop, writing nothing more over the
 * run that took its place, and keep the outcome it was given.
 */
describeEachEngine('a sync run closed by another process while it runs', (ctx) => {
  let harness: TestSimulator;

  before(async () => {
    // Small pages, so that the users stream spans many transactions.
    harness = await startTestSimulator(
      { users: 400, groups: 8 },
      { deltaPageSize: 20, deltaMembersPerPage: 30 },
    );
    // Pages arrive one by one, as from Graph: the close lands mid-stream.
    harness.sim.faults.latency({ ms: 40, rate: 1 });
  });
  after(async () => {
    await harness.close();
  });

  it('stops at its next write, rolls that write back, and keeps the outcome the takeover gave it', async () => {
    const fixture = await connectClient(ctx.database, harness);
    const runs = fixture.store.read.syncRuns;
    const countUsers = async (): Promise<number> => {
      const users = await ctx.database.db
        .selectFrom('directory_users')
        .select((eb) => eb.fn.countAll<string | number>().as('count'))
        .where('client_id', '=', fixture.clientId)
        .executeTakeFirstOrThrow();
      return Number(users.count);
    };
    let closing: Promise<boolean> | undefined;
    let usersAtClose: number | undefined;
    let progressAfterClose = 0;
    const outcome = await fixture.directorySync.run(fixture.clientId, {
      onProgress: () => {
        if (usersAtClose !== undefined) progressAfterClose++;
        if (closing !== undefined) return;
        // As the takeover does: another connection closes the run as interrupted (after the page's commit).
        closing = (async () => {
          const running = await runs.findRunning(fixture.clientId, 'directory');
          assert.ok(running !== undefined);
          const closedNow = await runs.markInterrupted(running.id, new Date());
          usersAtClose = await countUsers();
          return closedNow;
        })();
      },
    });
    assert.equal(await closing, true, 'the run was closed while it ran');
    assert.equal(outcome.run.status, 'failed');
    assert.equal(outcome.run.errorCode, 'interrupted', 'the outcome the takeover gave it, not overwritten');
    assert.ok(progressAfterClose <= 2, `${String(progressAfterClose)} pages went on after the close`);
    const users = await countUsers();
    assert.ok(
      users < harness.tenant.userCount,
      `it stopped: ${String(users)} of ${String(harness.tenant.userCount)}`,
    );
    assert.equal(users, usersAtClose, 'no user written after the close');
    // A new run starts at once: nothing of the closed one holds the client.
    const next = await fixture.directorySync.run(fixture.clientId);
    assert.equal(next.run.status, 'succeeded', next.run.errorMessage ?? '');
  });
});
