import { LICENCE_NOT_VERIFIED } from '../../../src/graph/licence-check.js';
import assert from 'node:assert/strict';
import { FakeClock, systemClock } from '../../../src/shared/clock.js';
import { CheckpointRepository } from '../../../src/store/checkpoint-repository.js';
import { ACTIVITY_DATA_UNAVAILABLE } from '../../../src/store/activity-notice-repository.js';
import { describeEachEngine } from '../../support/databases.js';
import { startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
import {
  activityStreams,
  collectedSignIns,
  dailyTruth,
  entries,
  isSimGuest,
  lastSuccessTruth,
  storedDaily,
  visibleSignIns,
} from '../reports/report-fixture.js';
import { connectClient, importEveryone, type SyncFixture } from '../sync/sync-harness.js';

const DAY_MS = 86_400_000;

describeEachEngine('sign-in ingestion against the simulator', (ctx) => {
  let harness: TestSimulator;

  /** A client with its directory synced and its initial import started: every member is collected. */
  async function importedClient(): Promise<SyncFixture> {
    const fixture = await connectClient(ctx.database, harness);
    assert.equal((await fixture.directorySync.run(fixture.clientId)).run.status, 'succeeded');
    await importEveryone(ctx.database.db, fixture.clientId);
    return fixture;
  }

  before(async () => {
    harness = await startTestSimulator({
      users: 80,
      guestRatio: 0.1,
      signInDays: 20,
      signInsPerUserPerDay: 3,
    });
  });
  after(async () => {
    await harness.close();
  });

  it("stores every collected user's sign-in of the log once, with per user/app/day counts and last activity equal to the tenant", async () => {
    const fixture = await importedClient();
    const db = ctx.database.db;
    const { ingestion } = activityStreams(db, fixture, systemClock, { pageSize: 200 });

    const outcome = await ingestion.run(fixture.clientId);
    assert.equal(outcome.run.status, 'succeeded', outcome.run.errorMessage ?? '');

    // Guests are never imported, so their sign-ins are read and not kept (rule 10).
    const truth = collectedSignIns(harness.tenant);
    const guestSignIns = visibleSignIns(harness.tenant).length - truth.length;
    assert.ok(guestSignIns > 0, 'the tenant has guests who sign in');
    assert.equal((JSON.parse(outcome.run.progress) as { notCollected: number }).notCollected, guestSignIns);
    const events = await db
      .selectFrom('sign_in_events')
      .select(['id', 'authentication_requirement'])
      .where('client_id', '=', fixture.clientId)
      .execute();
    assert.equal(events.length, truth.length);
    assert.deepEqual(new Set(events.map((event) => event.id)), new Set(truth.map((signIn) => signIn.id)));
    assert.ok(
      events.every((event) => event.authentication_requirement !== null),
      'read from /beta',
    );
    assert.equal(outcome.run.itemsWritten, truth.length);
    assert.ok(outcome.run.pages >= Math.ceil(truth.length / 200));
    assert.deepEqual(entries(await storedDaily(db, fixture.clientId)), entries(dailyTruth(truth)));

    const last = lastSuccessTruth(truth);
    const users = await db
      .selectFrom('directory_users')
      .select(['id', 'last_sign_in_at', 'last_sign_in_app'])
      .where('client_id', '=', fixture.clientId)
      .execute();
    for (const user of users) {
      assert.equal(user.last_sign_in_at, last.get(user.id)?.at ?? null, `last sign-in of ${user.id}`);
    }
    const withApp = users.filter((user) => user.last_sign_in_at !== null);
    assert.ok(withApp.length > 0 && withApp.every((user) => user.last_sign_in_app !== null));

    const apps = await db
      .selectFrom('sign_in_apps')
      .select(['app_id', 'display_name', 'sign_ins'])
      .where('client_id', '=', fixture.clientId)
      .execute();
    const appTruth = new Map<string, { name: string; count: number }>();
    for (const signIn of truth) {
      const app = appTruth.get(signIn.appId) ?? { name: signIn.appDisplayName, count: 0 };
      app.count++;
      appTruth.set(signIn.appId, app);
    }
    assert.deepEqual(
      new Map(apps.map((app) => [app.app_id, { name: app.display_name, count: app.sign_ins }])),
      appTruth,
    );
    // The log alone does not end "reading activity…": every user's signInActivity does (SignInActivitySync).
    const integration = await fixture.integrations.find(fixture.clientId);
    assert.equal(integration?.activityData, 'unknown');
  });

  it('reads a first 30-day pull in one-day windows, newest day first, without $select (which Microsoft refuses)', async () => {
    // The simulator refuses $select on /auditLogs/signIns as Microsoft does (sim/graph/query-options.ts), so a
    // succeeding run proves none was sent; Microsoft advises bounded createdDateTime ranges to avoid time-outs
    // (https://learn.microsoft.com/en-us/graph/api/signin-list?view=graph-rest-beta).
    const fixture = await importedClient();
    const { ingestion } = activityStreams(ctx.database.db, fixture, systemClock, { pageSize: 500 });
    const windows: string[] = [];
    const outcome = await ingestion.run(fixture.clientId, {
      onProgress: (progress) => {
        const readBackTo = progress.readBackTo;
        if (typeof readBackTo === 'string' && windows.at(-1) !== readBackTo) windows.push(readBackTo);
      },
    });
    assert.equal(outcome.run.status, 'succeeded', outcome.run.errorMessage ?? '');
    assert.equal(windows.length, 30, windows.join(', '));
    const dayMs = 86_400_000;
    assert.ok(
      Math.abs(Date.now() - dayMs - Date.parse(windows[0]!)) < 60_000,
      'the newest day is read first',
    );
    for (let i = 1; i < windows.length; i++) {
      assert.equal(
        Date.parse(windows[i - 1]!) - Date.parse(windows[i]!),
        dayMs,
        'one day per window, going back',
      );
    }
    const checkpoint = await new CheckpointRepository(ctx.database.db).getOrInitial(
      fixture.clientId,
      'sign_ins',
    );
    assert.equal(checkpoint.nextLink, null);
    assert.deepEqual(Object.keys(checkpoint.state).sort(), ['source']);
    assert.ok(outcome.run.pages >= 30);
  });

  it('does not flip a licensed tenant to "no P1/P2" on one transient licence 403, and reads it on the next run', async () => {
    // Microsoft's licence check has been reported to fail now and then on licensed tenants
    // (https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/3033).
    const fixture = await importedClient();
    const db = ctx.database.db;
    const { ingestion } = activityStreams(db, fixture, systemClock);
    const fault = harness.sim.faults.licenceRefusal({ next: 1, tenantId: harness.tenant.tenantId });
    try {
      const refused = await ingestion.run(fixture.clientId);
      assert.equal(refused.run.status, 'succeeded', refused.run.errorMessage ?? '');
      assert.equal(refused.run.itemsWritten, 0);
      assert.match(refused.run.progress, /refused once/);
      assert.equal(
        (JSON.parse(refused.run.progress) as { skipped?: string }).skipped,
        LICENCE_NOT_VERIFIED,
        'the run says it read nothing, and why',
      );
    } finally {
      harness.sim.faults.remove(fault);
    }
    const integration = await fixture.integrations.find(fixture.clientId);
    assert.notEqual(integration?.activityData, 'unavailable');
    assert.notEqual(await fixture.integrations.firstLicenceRefusal(fixture.clientId), null);
    const notices = await db
      .selectFrom('incidents')
      .select('kind')
      .where('client_id', '=', fixture.clientId)
      .execute();
    assert.deepEqual(notices, []);

    const next = await ingestion.run(fixture.clientId);
    assert.equal(next.run.status, 'succeeded', next.run.errorMessage ?? '');
    assert.equal(next.run.itemsWritten, collectedSignIns(harness.tenant).length);
    assert.equal(
      await fixture.integrations.firstLicenceRefusal(fixture.clientId),
      null,
      'forgotten once served',
    );
  });

  it('does not read the log before the initial import, when nobody is collected yet', async () => {
    const fixture = await connectClient(ctx.database, harness);
    const db = ctx.database.db;
    assert.equal((await fixture.directorySync.run(fixture.clientId)).run.status, 'succeeded');
    const { ingestion } = activityStreams(db, fixture, systemClock);
    const early = await ingestion.run(fixture.clientId);
    assert.equal(early.run.status, 'succeeded');
    assert.equal(early.run.graphRequests, 0);
    assert.equal(
      (JSON.parse(early.run.progress) as { skipped: string }).skipped,
      'waiting for the initial import',
    );
    assert.equal(
      (await new CheckpointRepository(db).get(fixture.clientId, 'sign_ins'))?.watermark ?? null,
      null,
    );

    await importEveryone(db, fixture.clientId);
    assert.equal((await ingestion.run(fixture.clientId)).run.status, 'succeeded');
    const last = lastSuccessTruth(collectedSignIns(harness.tenant));
    const users = await db
      .selectFrom('directory_users')
      .select(['id', 'last_sign_in_at'])
      .where('client_id', '=', fixture.clientId)
      .execute();
    for (const user of users) assert.equal(user.last_sign_in_at, last.get(user.id)?.at ?? null);
    assert.equal(
      await ingestion.applyLastSignIns(fixture.clientId),
      0,
      'each page applied its last sign-ins',
    );
  });

  it('adds nothing when an overlapping window is read again, and picks up new and late sign-ins', async () => {
    const fixture = await importedClient();
    const db = ctx.database.db;
    const { ingestion } = activityStreams(db, fixture, systemClock);
    assert.equal((await ingestion.run(fixture.clientId)).run.status, 'succeeded');
    const before = await storedDaily(db, fixture.clientId);

    const again = await ingestion.run(fixture.clientId);
    assert.equal(again.run.status, 'succeeded');
    assert.equal(again.run.itemsWritten, 0);
    const progress = JSON.parse(again.run.progress) as { duplicates?: number; inserted?: number };
    assert.ok((progress.duplicates ?? 0) > 0, 'the overlap window was read again');
    assert.deepEqual(entries(await storedDaily(db, fixture.clientId)), entries(before));

    // A window reaching back over everything changes nothing either.
    const { ingestion: wide } = activityStreams(db, fixture, systemClock, { overlapMs: 40 * DAY_MS });
    const replay = await wide.run(fixture.clientId);
    assert.equal(replay.run.itemsWritten, 0);
    assert.deepEqual(entries(await storedDaily(db, fixture.clientId)), entries(before));

    // A sign-in stamped an hour ago but written to the log only now (Entra's latency) sits inside the overlap.
    const user = [...harness.tenant.users()].find(
      (candidate) => candidate.accountEnabled && !isSimGuest(candidate),
    );
    assert.ok(user !== undefined);
    const now = harness.sim.now().getTime();
    const added = harness.tenant.addSignIns([
      { userId: user.id, createdDateTime: new Date(now - 60 * 60 * 1000), isInteractive: true },
      { userId: user.id, createdDateTime: new Date(now - 1000), errorCode: 50126 },
    ]);
    const next = await ingestion.run(fixture.clientId);
    assert.equal(next.run.itemsWritten, 2);
    assert.deepEqual(
      entries(await storedDaily(db, fixture.clientId)),
      entries(dailyTruth(collectedSignIns(harness.tenant))),
    );
    const stored = await db
      .selectFrom('sign_in_events')
      .select('id')
      .where('client_id', '=', fixture.clientId)
      .where(
        'id',
        'in',
        added.map((signIn) => signIn.id),
      )
      .execute();
    assert.equal(stored.length, 2);
  });

  it('reads v1.0 when the tenant refuses /beta, and remembers it', async () => {
    const fixture = await importedClient();
    const db = ctx.database.db;
    const { ingestion } = activityStreams(db, fixture, systemClock);
    // The fault injector's server error answers with any status: 404 here, which no retry can help.
    const refusal = harness.sim.faults.serverError({
      pathPattern: '^/beta/auditLogs/signIns',
      status: 404 as 503,
      rate: 1,
      tenantId: harness.tenant.tenantId,
    });
    try {
      const betaRequests = (): number =>
        harness.sim.stats.requestsByEndpoint(harness.tenant.tenantId)['GET /beta/auditLogs/signIns'] ?? 0;
      const first = await ingestion.run(fixture.clientId);
      assert.equal(first.run.status, 'succeeded', first.run.errorMessage ?? '');
      const interactive = collectedSignIns(harness.tenant, 'v1.0');
      assert.equal(first.run.itemsWritten, interactive.length);
      assert.deepEqual(
        entries(await storedDaily(db, fixture.clientId)),
        entries(dailyTruth(interactive, false)),
      );
      const checkpoint = await new CheckpointRepository(db).get(fixture.clientId, 'sign_ins');
      assert.equal(checkpoint?.state.source, 'v1.0');

      const tried = betaRequests();
      assert.equal((await ingestion.run(fixture.clientId)).run.status, 'succeeded');
      assert.equal(betaRequests(), tried, '/beta is not asked again');
    } finally {
      harness.sim.faults.remove(refusal);
    }
  });

  it('counts a sign-in it does not collect once, though the two windows that meet at its second both read it', async () => {
    const fixture = await importedClient();
    const db = ctx.database.db;
    // Windows of one day back from now, on whole seconds, both bounds inclusive: a guest's sign-in exactly a day and
    // exactly two days ago is read by the windows on either side of it. Before, each read counted it.
    const now = new FakeClock(new Date(Math.floor(Date.now() / 1000) * 1000));
    const guest = [...harness.tenant.users()].find((user) => isSimGuest(user));
    assert.ok(guest !== undefined);
    harness.tenant.addSignIns(
      [1, 2].map((days) => ({
        userId: guest.id,
        createdDateTime: new Date(now.now().getTime() - days * DAY_MS).toISOString(),
      })),
    );
    const { ingestion } = activityStreams(db, fixture, now, { pageSize: 200 });
    const outcome = await ingestion.run(fixture.clientId);
    assert.equal(outcome.run.status, 'succeeded', outcome.run.errorMessage ?? '');
    const guestSignIns = visibleSignIns(harness.tenant).length - collectedSignIns(harness.tenant).length;
    assert.equal((JSON.parse(outcome.run.progress) as { notCollected: number }).notCollected, guestSignIns);
  });

  it('prunes events older than the retention and keeps the aggregates', async () => {
    const fixture = await importedClient();
    const db = ctx.database.db;
    const now = new FakeClock(new Date(Math.floor(Date.now() / 1000) * 1000));
    const { ingestion } = activityStreams(db, fixture, now);
    assert.equal((await ingestion.run(fixture.clientId)).run.status, 'succeeded');

    const { ingestion: shortRetention } = activityStreams(db, fixture, now, { retentionDays: 10 });
    assert.equal((await shortRetention.run(fixture.clientId)).run.status, 'succeeded');
    const cutoff = new Date(now.now().getTime() - 10 * DAY_MS).toISOString();
    const kept = await db
      .selectFrom('sign_in_events')
      .select('id')
      .where('client_id', '=', fixture.clientId)
      .execute();
    const truth = collectedSignIns(harness.tenant);
    const recent = truth.filter((signIn) => new Date(signIn.createdDateTime).toISOString() >= cutoff);
    assert.ok(recent.length < truth.length, 'the log reaches back further than the retention');
    assert.deepEqual(new Set(kept.map((row) => row.id)), new Set(recent.map((signIn) => signIn.id)));
    assert.deepEqual(entries(await storedDaily(db, fixture.clientId)), entries(dailyTruth(truth)));
  });
});

describeEachEngine('sign-in ingestion for a tenant without Entra ID P1/P2', (ctx) => {
  let harness: TestSimulator;

  before(async () => {
    harness = await startTestSimulator({ users: 40, premium: false, signInDays: 10 });
  });
  after(async () => {
    await harness.close();
  });

  it('records "no sign-in data" once confirmed an hour later, with one notice, asks Graph once a day, and comes back when P1 arrives', async () => {
    const fixture = await connectClient(ctx.database, harness);
    const db = ctx.database.db;
    assert.equal((await fixture.directorySync.run(fixture.clientId)).run.status, 'succeeded');
    await importEveryone(db, fixture.clientId);
    const signInRequests = (): number => {
      const requests = harness.sim.stats.requestsByEndpoint(harness.tenant.tenantId);
      return (requests['GET /beta/auditLogs/signIns'] ?? 0) + (requests['GET /v1.0/auditLogs/signIns'] ?? 0);
    };
    // The first refusal is not believed (src/graph/licence-check.ts); the same answer an hour later is.
    const clock = new FakeClock(new Date(Date.now() - 2 * 3_600_000));
    const { ingestion: early } = activityStreams(db, fixture, clock);
    const refusedOnce = await early.run(fixture.clientId);
    assert.equal(refusedOnce.run.status, 'succeeded', refusedOnce.run.errorMessage ?? '');
    assert.notEqual((await fixture.integrations.find(fixture.clientId))?.activityData, 'unavailable');
    clock.advance(3_600_000);
    const first = await early.run(fixture.clientId);
    assert.equal(first.run.status, 'succeeded', first.run.errorMessage ?? '');
    assert.equal((await fixture.integrations.find(fixture.clientId))?.activityData, 'unavailable');
    const { ingestion } = activityStreams(db, fixture, systemClock);
    const asked = signInRequests();
    assert.equal(asked, 2);

    for (let run = 0; run < 3; run++) {
      assert.equal((await ingestion.run(fixture.clientId)).run.status, 'succeeded');
    }
    assert.equal(signInRequests(), asked, 'no request while the answer is fresh');
    const incidents = await db
      .selectFrom('incidents')
      .selectAll()
      .where('client_id', '=', fixture.clientId)
      .where('kind', '=', ACTIVITY_DATA_UNAVAILABLE)
      .execute();
    assert.equal(incidents.length, 1);
    assert.match(incidents[0]?.message ?? '', /P1 or P2/);

    // A day later the tenant is asked again: still no licence, still one notice.
    const { ingestion: dayLater } = activityStreams(db, fixture, systemClock, {
      recheckUnavailableAfterMs: 0,
    });
    assert.equal((await dayLater.run(fixture.clientId)).run.status, 'succeeded');
    assert.equal(signInRequests(), asked + 1);
    const again = await db
      .selectFrom('incidents')
      .select(['occurrences', 'resolved_at'])
      .where('client_id', '=', fixture.clientId)
      .execute();
    assert.deepEqual(again, [{ occurrences: 2, resolved_at: null }]);

    harness.tenant.setPremium(true);
    try {
      const back = await dayLater.run(fixture.clientId);
      assert.equal(back.run.status, 'succeeded');
      assert.equal(back.run.itemsWritten, collectedSignIns(harness.tenant).length);
      // The licence is back: the activity is read anew ("reading activity…") until signInActivity has been.
      assert.equal((await fixture.integrations.find(fixture.clientId))?.activityData, 'unknown');
      const resolved = await db
        .selectFrom('incidents')
        .select('resolved_at')
        .where('client_id', '=', fixture.clientId)
        .executeTakeFirstOrThrow();
      assert.notEqual(resolved.resolved_at, null);
    } finally {
      harness.tenant.setPremium(false);
    }
  });
});
