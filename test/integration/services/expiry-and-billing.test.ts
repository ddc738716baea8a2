import assert from 'node:assert/strict';
import { evaluateExpiry } from '../../../src/domain/expiry.js';
import { DAY_MS } from '../../../src/shared/clock.js';
import { recordActivityData } from '../../../src/store/integration-repository.js';
import type { ActivityDataState } from '../../../src/domain/vocabulary.js';
import { describeEachEngineWithCore, partnerAdmin } from './fixtures/core-harness.js';
import { seedClient, seedDirectory, type SeedUser } from './fixtures/directory-fixture.js';

describeEachEngineWithCore('expiry evaluation and billing', (ctx) => {
  const ago = (days: number, plusMs = 0): string =>
    new Date(ctx.clock.now().getTime() - days * DAY_MS + plusMs).toISOString();

  /** As the activity pass records it: becoming available starts the expiry policy now. */
  async function setActivity(client: string, state: ActivityDataState): Promise<void> {
    await recordActivityData(ctx.core.database.db, client, state, ctx.clock.now());
  }

  it('serves expiry exactly as the rule decides, at N days and one second either side, in lists and views alike', async () => {
    const db = ctx.core.database.db;
    const client = await seedClient(db);
    const users: Record<string, SeedUser> = {
      logAtBoundary: { state: 'imported', lastSignInAt: ago(30) },
      logJustPast: { state: 'imported', lastSignInAt: ago(30, -1000) },
      logJustBefore: { state: 'imported', lastSignInAt: ago(30, 1000) },
      activityAtBoundary: { state: 'imported', signInActivityAt: ago(30) },
      activityJustPast: { state: 'imported', signInActivityAt: ago(30, -1000) },
      graphFormatAtBoundary: { state: 'imported', signInActivityAt: ago(30).replace('.000Z', 'Z') },
      graphFormatJustPast: { state: 'imported', signInActivityAt: ago(30, -1000).replace('.000Z', 'Z') },
      newerActivityWins: { state: 'imported', lastSignInAt: ago(80), signInActivityAt: ago(1) },
      importedAtBoundary: { state: 'imported', importedAt: ago(30) },
      importedJustPast: { state: 'imported', importedAt: ago(30, -1000) },
      importedRecently: { state: 'imported', importedAt: ago(2) },
      importedRecentlyOldActivity: { state: 'imported', importedAt: ago(2), lastSignInAt: ago(45) },
      disabledOld: { state: 'disabled', reason: 'manual', lastSignInAt: ago(300) },
      notImportedOld: { lastSignInAt: ago(300) },
    };
    const dir = await seedDirectory(db, client, { users });
    const now = ctx.clock.now();
    for (const [alias, user] of Object.entries(users)) {
      const view = await ctx.core.users.get(partnerAdmin, client, dir.user(alias));
      const rule = evaluateExpiry(
        {
          collectionState: user.state ?? 'not_imported',
          importedAt: user.importedAt ?? (user.state === 'imported' ? '2026-11-01T00:00:00.000Z' : null),
          lastSignInAt: user.lastSignInAt ?? null,
          lastSignInApp: null,
          signInActivityAt: user.signInActivityAt ?? null,
        },
        { thresholdDays: 30, activityData: 'available' },
        now,
      );
      assert.equal(view.expired, rule.expired, `${alias}: stored ${view.expired}, rule ${rule.status}`);
      assert.equal(view.expiry.status, rule.status, alias);
    }
    const expired = await ctx.core.users.list(partnerAdmin, client, { expired: true });
    assert.deepEqual(
      expired.items.map((u) => u.userPrincipalName).sort(),
      [
        'activityJustPast',
        'graphFormatJustPast',
        'importedJustPast',
        'importedRecentlyOldActivity',
        'logJustPast',
      ]
        .map((a) => `${a}@fixture.example`)
        .sort(),
    );
  });

  it('expires nobody until the activity is read or where the tenant gives none, and brings expired users back with new activity at once', async () => {
    const db = ctx.core.database.db;
    const client = await seedClient(db, { integration: { activityData: 'unavailable' } });
    const dir = await seedDirectory(db, client, {
      users: {
        idle: { state: 'imported', lastSignInAt: ago(200) },
        busy: { state: 'imported', lastSignInAt: ago(1) },
      },
    });
    let idle = await ctx.core.users.get(partnerAdmin, client, dir.user('idle'));
    assert.equal(idle.expired, false);
    assert.equal(idle.expiry.status, 'activity_unknown');
    assert.equal((await ctx.core.billing.summary(partnerAdmin, client)).counts.billable, 2);

    await setActivity(client, 'unknown');
    idle = await ctx.core.users.get(partnerAdmin, client, dir.user('idle'));
    assert.equal(idle.expired, false);
    assert.match(idle.expiry.explanation, /^reading activity…/);
    assert.equal((await ctx.core.users.list(partnerAdmin, client, { expired: true })).total, 0);

    await setActivity(client, 'available');
    idle = await ctx.core.users.get(partnerAdmin, client, dir.user('idle'));
    assert.equal(idle.expired, true);
    assert.equal(idle.expiredSince, ctx.clock.now().toISOString());
    assert.match(idle.expiry.explanation, /^last successful sign-in .*, 200 days ago; threshold 30$/);
    assert.equal(idle.billable, false);
    assert.equal((await ctx.core.billing.summary(partnerAdmin, client)).counts.billable, 1);

    await db
      .updateTable('directory_users')
      .set({ last_sign_in_at: ctx.clock.now().toISOString(), last_sign_in_app: 'Salesforce' })
      .where('client_id', '=', client)
      .where('id', '=', dir.user('idle'))
      .execute();
    idle = await ctx.core.users.get(partnerAdmin, client, dir.user('idle'));
    assert.equal(idle.billable, true);
    assert.deepEqual(idle.lastActivity, {
      at: ctx.clock.now().toISOString(),
      source: 'sign_in_log',
      app: 'Salesforce',
    });
  });

  it('lists users that stopped being billed since a moment and those that will expire within a window', async () => {
    const db = ctx.core.database.db;
    const client = await seedClient(db);
    const dir = await seedDirectory(db, client, {
      users: {
        soon: { state: 'imported', lastSignInAt: ago(27) },
        later: { state: 'imported', lastSignInAt: ago(10) },
        gone: { state: 'imported', lastSignInAt: ago(30, -3_600_000) },
        longGone: { state: 'imported', lastSignInAt: ago(40) },
        fresh: { state: 'imported', importedAt: ago(25) },
        importedIdle: { state: 'imported', importedAt: ago(0, -60_000), lastSignInAt: ago(50) },
      },
    });
    const soon = await ctx.core.users.list(partnerAdmin, client, { expiringWithinDays: 7 });
    assert.deepEqual(soon.items.map((u) => u.id).sort(), [dir.user('soon'), dir.user('fresh')].sort());
    const today = `${ctx.clock.now().toISOString().slice(0, 10)}T00:00:00.000Z`;
    const expiredToday = await ctx.core.users.list(partnerAdmin, client, { expiredSince: today });
    assert.deepEqual(
      expiredToday.items.map((u) => u.id).sort(),
      [dir.user('gone'), dir.user('importedIdle')].sort(),
      'crossed the threshold today, or imported today already past it',
    );
    const gone = await ctx.core.users.get(partnerAdmin, client, dir.user('gone'));
    assert.equal(gone.expiredSince, ago(0, -3_600_000));

    // The activity is read anew: whoever is past the threshold from then on stopped being billed then.
    await setActivity(client, 'unknown');
    await setActivity(client, 'available');
    const now = await ctx.core.users.list(partnerAdmin, client, { expiredSince: today });
    assert.deepEqual(
      now.items.map((u) => u.id).sort(),
      [dir.user('gone'), dir.user('longGone'), dir.user('importedIdle')].sort(),
    );
    assert.equal(
      (await ctx.core.users.get(partnerAdmin, client, dir.user('longGone'))).expiredSince,
      ctx.clock.now().toISOString(),
    );
  });

  it('counts billable users per rule 9 and keeps one snapshot per client and day', async () => {
    const db = ctx.core.database.db;
    const client = await seedClient(db);
    await seedDirectory(db, client, {
      users: {
        a: { state: 'imported', lastSignInAt: ago(1) },
        b: { state: 'imported', lastSignInAt: ago(1) },
        off: { state: 'imported', accountEnabled: false },
        old: { state: 'imported', lastSignInAt: ago(90) },
        guest: { userType: 'Guest' },
        manual: { state: 'disabled', reason: 'manual' },
        gone: { state: 'disabled', reason: 'deleted_in_entra', entraState: 'soft_deleted' },
        waiting: {},
      },
    });
    await ctx.core.collection.reconcile(client);
    const summary = await ctx.core.billing.summary(partnerAdmin, client);
    assert.deepEqual(summary.counts, {
      totalUsers: 7,
      imported: 5,
      notImported: 1,
      disabled: 2,
      disabledManual: 1,
      disabledExcludedGroup: 0,
      disabledDeletedInEntra: 1,
      expired: 1,
      blockedInEntra: 1,
      guests: 1,
      billable: 3,
    });
    // What stands between the imported and the billable is said: the expired, and the blocked in Entra ('off').
    const { imported, billable, expired, blockedInEntra } = summary.counts;
    assert.equal(imported, billable + expired + blockedInEntra);
    await ctx.core.billing.takeSnapshot(client);
    await ctx.core.users.disableUser(partnerAdmin, client, 'a@fixture.example');
    await ctx.core.billing.takeSnapshot(client);
    ctx.clock.advance(DAY_MS);
    try {
      await ctx.core.billing.takeSnapshot(client);
      const history = await ctx.core.billing.history(partnerAdmin, client);
      assert.deepEqual(
        history.map((row) => [row.day, row.billable]),
        [
          [ago(1).slice(0, 10), 2],
          [ago(0).slice(0, 10), 2],
        ],
      );
    } finally {
      ctx.clock.advance(-DAY_MS);
    }
  });
});
