import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { AppError, ConflictError, ForbiddenError, ValidationError } from '../../../src/shared/errors.js';
import { describeEachEngineWithCore, partnerAdmin, person } from './fixtures/core-harness.js';
import {
  addMember,
  seedClient,
  seedDirectory,
  stateSnapshot,
  tableCounts,
  userState,
  type SeededDirectory,
} from './fixtures/directory-fixture.js';

const secondAdmin = person('aaaaaaaa-0000-4000-8000-000000000002', 'second@msp.example');

describeEachEngineWithCore('group service', (ctx) => {
  before(async () => {
    await ctx.core.roles.assign(partnerAdmin, {
      principalTenantId: secondAdmin.tenantId,
      principalObjectId: secondAdmin.objectId,
      role: 'partner_admin',
    });
  });

  /** A fresh client per test: exclusions are irreversible. */
  async function tenant(
    options: { importStarted?: boolean } = {},
  ): Promise<{ client: string; dir: SeededDirectory }> {
    const db = ctx.core.database.db;
    const client = await seedClient(db, { integration: { importStarted: options.importStarted ?? true } });
    const dir = await seedDirectory(db, client, {
      users: {
        ann: { displayName: 'Ann', state: 'imported' },
        ben: { displayName: 'Ben', state: 'imported' },
        cat: { displayName: 'Cat', state: 'imported' },
        dan: { displayName: 'Dan', state: 'imported' },
        eve: { displayName: 'Eve', state: 'imported', accountEnabled: false },
        fay: { displayName: 'Fay', state: 'disabled', reason: 'manual' },
        gus: { displayName: 'Gus', userType: 'Guest' },
        hal: { displayName: 'Hal', state: 'imported' },
        ivy: { displayName: 'Ivy' },
      },
      groups: {
        contractors: { displayName: 'Contractors', members: ['ann', 'agencies'] },
        agencies: { displayName: 'Agencies', members: ['ben', 'freelance'] },
        freelance: { displayName: 'Freelance', members: ['cat', 'eve', 'fay', 'gus', 'contractors'] },
        staff: { displayName: 'Staff', members: ['dan', 'hal', 'ann'] },
      },
    });
    return { client, dir };
  }

  it('lists groups with direct and transitive member counts', async () => {
    const { client } = await tenant();
    const page = await ctx.core.groups.list(partnerAdmin, client);
    const byName = new Map(page.items.map((group) => [group.displayName, group.counts]));
    assert.deepEqual(byName.get('Contractors'), { directUsers: 1, directGroups: 1, transitiveUsers: 6 });
    assert.deepEqual(byName.get('Freelance'), { directUsers: 4, directGroups: 1, transitiveUsers: 6 });
    assert.deepEqual(byName.get('Staff'), { directUsers: 3, directGroups: 0, transitiveUsers: 3 });
    assert.equal(page.total, 4);
  });

  it('previews the nested members an exclusion disables and the billable count before → after, changing nothing', async () => {
    const { client, dir } = await tenant();
    const db = ctx.core.database.db;
    const before = await stateSnapshot(db);
    const preview = await ctx.core.groups.previewExclusion(partnerAdmin, client, 'Agencies');
    // Agencies ⊃ Ben, Freelance ⊃ Cat, Eve (disabled account), Fay (manual), Gus (guest), Contractors ⊃ Ann (cycle).
    // Fay, disabled by hand, is disabled for the group from then on (its reason becomes excluded_group).
    assert.deepEqual(
      preview.affected.sample.map((user) => [user.displayName, user.direct]),
      [
        ['Ann', false],
        ['Ben', true],
        ['Cat', false],
        ['Eve', false],
        ['Fay', false],
      ],
    );
    assert.equal(preview.affected.count, 5);
    // Billable now: Ann, Ben, Cat, Dan, Hal (Eve's account is disabled). After: Dan, Hal.
    assert.deepEqual(preview.billable, { before: 5, after: 2, basis: 'current', readingActivity: false });
    assert.deepEqual(preview.figures.facts, [
      { label: 'Users disabled', value: '5 (nested members included), 2 of them not billable' },
      { label: 'Billable users', value: '5 → 2 (−3)' },
      { label: 'Counted', value: 'now' },
    ]);
    assert.equal(preview.alreadyExcluded, false);
    assert.equal(await stateSnapshot(db), before, 'a preview changes no user and no group');
    assert.equal(dir.group('agencies'), preview.group.id);
  });

  it('confirming excludes the group for good and disables its nested members, once', async () => {
    const { client, dir } = await tenant();
    const db = ctx.core.database.db;
    const preview = await ctx.core.groups.previewExclusion(partnerAdmin, client, dir.group('agencies'));
    const result = await ctx.core.groups.confirmExclusion(partnerAdmin, client, preview.token);
    assert.equal(result.excludedNow, true);
    assert.equal(result.disabledUsers, 5);
    assert.deepEqual(result.billable, { before: 5, after: 2, basis: 'current', readingActivity: false });
    assert.equal(
      preview.billable.after,
      (await ctx.core.billing.summary(partnerAdmin, client)).counts.billable,
      "the preview's billable after is the count after the confirmation",
    );
    assert.ok(result.group.excluded !== null);
    for (const alias of ['ann', 'ben', 'cat', 'eve', 'fay']) {
      assert.deepEqual(
        await userState(db, client, dir.user(alias)),
        { state: 'disabled', reason: 'excluded_group' },
        alias,
      );
    }
    assert.deepEqual(await userState(db, client, dir.user('gus')), { state: 'not_imported', reason: null });
    assert.deepEqual(await userState(db, client, dir.user('dan')), { state: 'imported', reason: null });
    const audit = await ctx.core.auditLog.query(partnerAdmin, { client, action: 'group.exclude' });
    assert.equal(audit.items.length, 1);
    assert.deepEqual((audit.items[0]?.after as { disabledUsers: number }).disabledUsers, 5);

    await assert.rejects(
      ctx.core.groups.confirmExclusion(partnerAdmin, client, preview.token),
      (error: unknown) => error instanceof ConflictError && error.code === 'preview_used',
    );
    const again = await ctx.core.groups.previewExclusion(partnerAdmin, client, dir.group('agencies'));
    assert.equal(again.alreadyExcluded, true);
    const repeat = await ctx.core.groups.confirmExclusion(partnerAdmin, client, again.token);
    assert.deepEqual([repeat.excludedNow, repeat.disabledUsers], [false, 0]);
    assert.equal(
      (await ctx.core.auditLog.query(partnerAdmin, { client, action: 'group.exclude' })).items.length,
      1,
    );
  });

  it('never imports someone who joins an excluded group later, even through nesting', async () => {
    const { client, dir } = await tenant();
    const db = ctx.core.database.db;
    const preview = await ctx.core.groups.previewExclusion(partnerAdmin, client, dir.group('freelance'));
    await ctx.core.groups.confirmExclusion(partnerAdmin, client, preview.token);
    assert.equal(
      preview.billable.after,
      (await ctx.core.billing.summary(partnerAdmin, client)).counts.billable,
      "the preview's billable after is the count after the confirmation",
    );
    await addMember(db, client, dir.group('agencies'), dir.user('ivy'), 'user');
    await ctx.core.collection.reconcile(client);
    assert.deepEqual(await userState(db, client, dir.user('ivy')), {
      state: 'disabled',
      reason: 'excluded_group',
    });
    await assert.rejects(
      ctx.core.users.importUser(partnerAdmin, client, dir.user('ivy')),
      (error: unknown) =>
        error instanceof ConflictError &&
        /member of excluded group (Contractors|Freelance|Agencies)/.test(error.message),
    );
  });

  it('refuses a preview made stale by a membership change: preview again', async () => {
    const { client, dir } = await tenant();
    const db = ctx.core.database.db;
    const preview = await ctx.core.groups.previewExclusion(partnerAdmin, client, dir.group('staff'));
    await addMember(db, client, dir.group('staff'), dir.user('ivy'), 'user');
    const counts = await tableCounts(db);
    const state = await stateSnapshot(db);
    await assert.rejects(
      ctx.core.groups.confirmExclusion(partnerAdmin, client, preview.token),
      (error: unknown) => {
        assert.ok(error instanceof ConflictError);
        assert.equal(error.code, 'preview_stale');
        assert.match(error.message, /changed since the preview \(3 → 4 users\); preview the exclusion again/);
        return true;
      },
    );
    assert.deepEqual(await tableCounts(db), counts);
    assert.equal(await stateSnapshot(db), state);
    const fresh = await ctx.core.groups.previewExclusion(partnerAdmin, client, dir.group('staff'));
    assert.equal(
      (await ctx.core.groups.confirmExclusion(partnerAdmin, client, fresh.token)).excludedNow,
      true,
    );
    assert.equal(
      fresh.billable.after,
      (await ctx.core.billing.summary(partnerAdmin, client)).counts.billable,
      "the preview's billable after is the count after the confirmation",
    );
  });

  it('refuses an expired preview', async () => {
    const { client, dir } = await tenant();
    const preview = await ctx.core.groups.previewExclusion(partnerAdmin, client, dir.group('staff'));
    ctx.clock.advance(15 * 60 * 1000);
    try {
      await assert.rejects(
        ctx.core.groups.confirmExclusion(partnerAdmin, client, preview.token),
        (error: unknown) => error instanceof ConflictError && error.code === 'preview_expired',
      );
    } finally {
      ctx.clock.advance(-15 * 60 * 1000);
    }
  });

  it("refuses another admin's preview, another client's token and an unknown token", async () => {
    const { client, dir } = await tenant();
    const other = await tenant();
    const preview = await ctx.core.groups.previewExclusion(partnerAdmin, client, dir.group('staff'));
    await assert.rejects(
      ctx.core.groups.confirmExclusion(secondAdmin, client, preview.token),
      (error: unknown) => error instanceof ConflictError && error.code === 'preview_not_yours',
    );
    await assert.rejects(
      ctx.core.groups.confirmExclusion(partnerAdmin, other.client, preview.token),
      (error: unknown) =>
        error instanceof AppError && error.code === 'preview_not_found' && error.status === 404,
    );
    await assert.rejects(
      ctx.core.groups.confirmExclusion(partnerAdmin, client, 'A'.repeat(43)),
      (error: unknown) => error instanceof AppError && error.code === 'preview_not_found',
    );
    await assert.rejects(ctx.core.groups.confirmExclusion(partnerAdmin, client, 'short'), ValidationError);
    const group = await ctx.core.groups.get(partnerAdmin, client, dir.group('staff'));
    assert.equal(group.excluded, null);
  });

  it('leaves one consistent result when two admins confirm at once', async () => {
    const { client, dir } = await tenant();
    const db = ctx.core.database.db;
    const first = await ctx.core.groups.previewExclusion(partnerAdmin, client, dir.group('contractors'));
    const second = await ctx.core.groups.previewExclusion(secondAdmin, client, dir.group('contractors'));
    const results = await Promise.all([
      ctx.core.groups.confirmExclusion(partnerAdmin, client, first.token),
      ctx.core.groups.confirmExclusion(secondAdmin, client, second.token),
    ]);
    assert.deepEqual(results.map((r) => r.excludedNow).sort(), [false, true]);
    assert.equal(
      results.reduce((sum, r) => sum + r.disabledUsers, 0),
      5,
    );
    const billable = (await ctx.core.billing.summary(partnerAdmin, client)).counts.billable;
    assert.equal(first.billable.after, billable, "the preview's billable after is the count after");
    assert.equal(second.billable.after, billable, "the preview's billable after is the count after");
    const audits = await ctx.core.auditLog.query(partnerAdmin, { client, action: 'group.exclude' });
    assert.equal(audits.items.length, 1);
    const excluded = await db
      .selectFrom('directory_users')
      .select(sql<number>`count(*)`.as('n'))
      .where('client_id', '=', client)
      .where('disable_reason', '=', 'excluded_group')
      .executeTakeFirstOrThrow();
    assert.equal(excluded.n, 5);
  });

  it('projects the billable count at import time before the initial import has started', async () => {
    const { client, dir } = await tenant({ importStarted: false });
    await ctx.core.database.db
      .updateTable('directory_users')
      .set({ collection_state: 'not_imported', imported_at: null })
      .where('client_id', '=', client)
      .where('collection_state', '=', 'imported')
      .execute();
    const preview = await ctx.core.groups.previewExclusion(partnerAdmin, client, dir.group('agencies'));
    // At import: Ann, Ben, Cat, Dan, Hal, Ivy (not Eve: account disabled; not Fay: manual; not Gus: guest).
    assert.deepEqual(preview.billable, { before: 6, after: 3, basis: 'projected', readingActivity: false });
    assert.equal(preview.figures.facts[2]?.value, 'as at the initial import (not started yet)');
    await ctx.core.groups.confirmExclusion(partnerAdmin, client, preview.token);
    await ctx.core.integrations.startImport(partnerAdmin, client);
    assert.equal(
      preview.billable.after,
      (await ctx.core.billing.summary(partnerAdmin, client)).counts.billable,
      "the preview's billable after is the count once the initial import has run",
    );
  });

  it('projects exactly, counting users who are expired the moment they are imported', async () => {
    const { client, dir } = await tenant({ importStarted: false });
    const db = ctx.core.database.db;
    const longAgo = new Date(ctx.clock.now().getTime() - 45 * 86_400_000).toISOString();
    await db
      .updateTable('directory_users')
      .set({ collection_state: 'not_imported', imported_at: null })
      .where('client_id', '=', client)
      .where('collection_state', '=', 'imported')
      .execute();
    // Dan and Ivy have not signed in for 45 days: imported now, they are expired at once (rule 8).
    await db
      .updateTable('directory_users')
      .set({ sign_in_activity_at: longAgo })
      .where('client_id', '=', client)
      .where('id', 'in', [dir.user('dan'), dir.user('ivy')])
      .execute();
    const preview = await ctx.core.groups.previewExclusion(partnerAdmin, client, dir.group('agencies'));
    assert.deepEqual(preview.billable, { before: 4, after: 1, basis: 'projected', readingActivity: false });
    await ctx.core.groups.confirmExclusion(partnerAdmin, client, preview.token);
    await ctx.core.integrations.startImport(partnerAdmin, client);
    const summary = await ctx.core.billing.summary(partnerAdmin, client);
    assert.equal(preview.billable.after, summary.counts.billable);
    assert.equal(summary.counts.expired, 2);
  });

  it('imports a group for reporting and undoes it, auditing each change once', async () => {
    const { client, dir } = await tenant();
    const on = await ctx.core.groups.setReporting(partnerAdmin, client, 'Staff', true);
    assert.equal(on.reportingEnabled, true);
    await ctx.core.groups.setReporting(partnerAdmin, client, 'Staff', true);
    const reporting = await ctx.core.groups.list(partnerAdmin, client, { reporting: true });
    assert.deepEqual(
      reporting.items.map((g) => g.id),
      [dir.group('staff')],
    );
    const off = await ctx.core.groups.setReporting(partnerAdmin, client, 'Staff', false);
    assert.equal(off.reportingEnabled, false);
    const audits = await ctx.core.auditLog.query(partnerAdmin, { client, action: 'group.' });
    assert.deepEqual(
      audits.items.map((a) => a.action),
      ['group.report_undo', 'group.report_import'],
    );
  });

  it("lists a group's transitive members with their states, direct ones marked", async () => {
    const { client, dir } = await tenant();
    const members = await ctx.core.groups.members(partnerAdmin, client, dir.group('contractors'), {
      limit: 4,
    });
    assert.deepEqual(
      members.items.map((u) => [u.displayName, u.direct, u.state]),
      [
        ['Ann', true, 'imported'],
        ['Ben', false, 'imported'],
        ['Cat', false, 'imported'],
        ['Eve', false, 'imported'],
      ],
    );
    assert.ok(members.nextCursor !== null);
    const rest = await ctx.core.groups.members(partnerAdmin, client, dir.group('contractors'), {
      cursor: members.nextCursor,
    });
    assert.deepEqual(
      rest.items.map((u) => u.displayName),
      ['Fay', 'Gus'],
    );
    assert.equal(rest.nextCursor, null);
  });

  it('refuses to exclude as a viewer', async () => {
    const { client, dir } = await tenant();
    const viewer = person('aaaaaaaa-0000-4000-8000-00000000000a', 'viewer@msp.example');
    await ctx.core.roles.assign(partnerAdmin, {
      principalTenantId: viewer.tenantId,
      principalObjectId: viewer.objectId,
      role: 'viewer',
      client,
    });
    await assert.rejects(
      ctx.core.groups.previewExclusion(viewer, client, dir.group('staff')),
      ForbiddenError,
    );
    assert.equal((await ctx.core.groups.list(viewer, client)).total, 4);
  });
});
