import { LICENCE_NOT_VERIFIED } from '../../../src/graph/licence-check.js';
import assert from 'node:assert/strict';
import { FakeClock, systemClock, type Clock } from '../../../src/shared/clock.js';
import { SignInActivitySync } from '../../../src/sync/sign-in-activity-sync.js';
import { describeEachEngine } from '../../support/databases.js';
import { startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
import { connectClient, silentLogger } from './sync-harness.js';

describeEachEngine('signInActivity pass', (ctx) => {
  let harness: TestSimulator;

  before(async () => {
    harness = await startTestSimulator({ users: 80, signInDays: 5 }, { signInActivityMaxTop: 30 });
  });
  after(async () => {
    await harness.close();
  });

  function activitySync(
    fixture: Awaited<ReturnType<typeof connectClient>>,
    clock: Clock = systemClock,
  ): SignInActivitySync {
    return new SignInActivitySync({
      store: fixture.store,
      graphs: fixture.graphs,
      integrations: fixture.integrations,
      runner: fixture.runner,
      clock,
      logger: silentLogger,
      pace: { key: 'reports', minIntervalMs: 50 },
    });
  }

  it("writes each user's last successful sign-in, page by page, and notes that activity data is available", async () => {
    harness.tenant.setPremium(true);
    const fixture = await connectClient(ctx.database, harness);
    await fixture.directorySync.run(fixture.clientId);
    const outcome = await activitySync(fixture).run(fixture.clientId, 'manual');
    assert.equal(outcome.run.status, 'succeeded', outcome.run.errorMessage ?? '');
    assert.ok(outcome.run.pages >= 3, `${outcome.run.pages} pages`);

    const rows = await ctx.database.db
      .selectFrom('directory_users')
      .select(['id', 'sign_in_activity_at'])
      .where('client_id', '=', fixture.clientId)
      .where('entra_state', '=', 'active')
      .execute();
    let withActivity = 0;
    for (const row of rows) {
      const expected = harness.tenant.signInActivity(row.id)?.lastSuccessfulSignInDateTime ?? null;
      assert.equal(row.sign_in_activity_at, expected, `user ${row.id}`);
      if (expected !== null) withActivity++;
    }
    assert.ok(withActivity > 0);
    assert.equal((await fixture.integrations.find(fixture.clientId))?.activityData, 'available');
  });

  it('records a tenant without Entra ID P1/P2 as giving no activity data once the refusal is confirmed an hour later, without failing', async () => {
    harness.tenant.setPremium(false);
    try {
      const fixture = await connectClient(ctx.database, harness);
      await fixture.directorySync.run(fixture.clientId);
      const clock = new FakeClock(new Date(Date.now() - 2 * 3_600_000));
      const early = activitySync(fixture, clock);
      const once = await early.run(fixture.clientId, 'schedule');
      assert.equal(once.run.status, 'succeeded', once.run.errorMessage ?? '');
      assert.equal((await fixture.integrations.find(fixture.clientId))?.activityData, 'unknown');
      assert.equal(
        (JSON.parse(once.run.progress) as { skipped?: string }).skipped,
        LICENCE_NOT_VERIFIED,
        'a run that read nothing says so',
      );
      clock.advance(30 * 60_000);
      await early.run(fixture.clientId, 'schedule');
      assert.equal(
        (await fixture.integrations.find(fixture.clientId))?.activityData,
        'unknown',
        'not yet an hour',
      );
      clock.advance(30 * 60_000);
      const first = await early.run(fixture.clientId, 'schedule');
      const sync = activitySync(fixture);
      assert.equal(first.run.status, 'succeeded', first.run.errorMessage ?? '');
      const integration = await fixture.integrations.find(fixture.clientId);
      assert.equal(integration?.activityData, 'unavailable');
      assert.notEqual(integration.activityDataCheckedAt, null);

      const again = await sync.run(fixture.clientId, 'schedule');
      assert.equal(again.run.status, 'succeeded');
      assert.equal(again.run.graphRequests, 0, 'the answer is trusted for a day, not asked again');
    } finally {
      harness.tenant.setPremium(true);
    }
  });
});
