import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { MICROSOFT_OWNER_TENANT_IDS } from '../../../src/domain/report-sso.js';
import { DAY_MS } from '../../../src/shared/clock.js';
import { ValidationError } from '../../../src/shared/errors.js';
import type { Database } from '../../../src/store/schema.js';
import { MSP_TENANT, describeEachEngineWithCore, partnerAdmin, person } from './fixtures/core-harness.js';
import { seedClient, seedDirectory, type SeededDirectory } from './fixtures/directory-fixture.js';

const NOW = '2026-11-20T10:00:00.000Z';
const ago = (days: number): string => new Date(Date.parse(NOW) - days * DAY_MS).toISOString();
const dayAgo = (days: number): string => ago(days).slice(0, 10);

const CLIENT_ADMIN = person('cccccccc-0000-4000-8000-000000000021', 'admin@alpha.example');
const VIEWER = person('cccccccc-0000-4000-8000-000000000022', 'viewer@alpha.example');
const OUTSIDER = person('cccccccc-0000-4000-8000-000000000023', 'nobody@elsewhere.example');

async function mfa(
  db: Kysely<Database>,
  clientId: string,
  userId: string,
  registered: boolean,
): Promise<void> {
  await db
    .insertInto('mfa_registrations')
    .values({
      client_id: clientId,
      user_id: userId,
      user_principal_name: null,
      user_display_name: null,
      user_type: null,
      is_admin: 0,
      is_mfa_registered: registered ? 1 : 0,
      is_mfa_capable: registered ? 1 : 0,
      is_passwordless_capable: 0,
      is_sspr_registered: 0,
      methods_registered: '[]',
      last_updated_at: null,
      synced_at: NOW,
    })
    .execute();
}

async function app(
  db: Kysely<Database>,
  clientId: string,
  appId: string,
  sso: string | null,
  owner: string | null,
): Promise<void> {
  await db
    .insertInto('service_principals')
    .values({
      client_id: clientId,
      id: crypto.randomUUID(),
      app_id: appId,
      display_name: appId,
      preferred_single_sign_on_mode: sso,
      service_principal_type: 'Application',
      account_enabled: 1,
      updated_at: NOW,
      app_owner_organization_id: owner,
    })
    .execute();
}

async function signIns(
  db: Kysely<Database>,
  clientId: string,
  userId: string,
  appId: string,
  day: string,
  successes: number,
): Promise<void> {
  await db
    .insertInto('sign_in_daily')
    .values({
      client_id: clientId,
      day,
      user_id: userId,
      app_id: appId,
      sign_ins: successes,
      successes,
      mfa_sign_ins: 0,
      single_factor_sign_ins: 0,
    })
    .execute();
}

describeEachEngineWithCore(
  'partner dashboard figures equal the truth computed from the seeded directory',
  (ctx) => {
    let alpha: SeededDirectory;
    let beta: SeededDirectory;

    before(async () => {
      const db = ctx.core.database.db;
      ctx.clock.set(NOW);
      // Alpha: 30-day threshold, activity read. Its truth, counted by hand from this seed:
      // collected & billable: a1, a6 (2); expired: a2 (40 days), a3 (30.5 days: crossed 12 hours ago, new) → 2;
      // guests: a4 (1); new users: a6 (created 3 hours ago); MFA: members who may sign in, with a record: a1 ✓, a2 ✗,
      // a3 ✓ → 67 %.
      const alphaId = await seedClient(db, { name: 'alpha', expiryDays: 30 });
      alpha = await seedDirectory(db, alphaId, {
        users: {
          a1: { displayName: 'Morgan Alpha', state: 'imported', lastSignInAt: ago(2) },
          a2: { displayName: 'Expired Old', state: 'imported', lastSignInAt: ago(40) },
          a3: { displayName: 'Expired New', state: 'imported', lastSignInAt: ago(30.5) },
          a4: { displayName: 'Morgan Guest', userType: 'Guest', upn: 'morgan_x.example#EXT#@alpha.example' },
          a5: { displayName: 'Morgan Disabled', state: 'disabled', reason: 'manual' },
          a6: { displayName: 'New Starter', state: 'imported', lastSignInAt: ago(1), importedAt: ago(0.1) },
          a7: { displayName: 'Morgan Excluded', state: 'disabled', reason: 'excluded_group' },
          // Imported and active, but in an excluded group: never billable (rule 9), whatever its state says.
          a8: { displayName: 'Excluded Active', state: 'imported', lastSignInAt: ago(1) },
          // Sign-in blocked in Entra: outside MFA coverage, as in the MFA report (isMfaPopulation).
          a9: { displayName: 'Locked Account', accountEnabled: false },
        },
        groups: {
          contractors: { displayName: 'Contractors', members: ['a7', 'a8'], excludedAt: ago(5) },
          sales: { displayName: 'Morgan Sales', members: ['a1'] },
        },
      });
      await db
        .updateTable('directory_users')
        .set({ created_date_time: ago(0.125) })
        .where('client_id', '=', alphaId)
        .where('id', '=', alpha.user('a6'))
        .execute();
      await mfa(db, alphaId, alpha.user('a1'), true);
      await mfa(db, alphaId, alpha.user('a2'), false);
      await mfa(db, alphaId, alpha.user('a3'), true);
      await mfa(db, alphaId, alpha.user('a4'), true); // a guest: not counted
      await mfa(db, alphaId, alpha.user('a9'), true); // sign-in blocked: not counted
      // SSO: SAML app 6 sign-ins, no-SSO app 4, Microsoft's own 100 (not counted), 100 more 40 days ago (outside).
      await app(db, alphaId, 'app-saml', 'saml', null);
      await app(db, alphaId, 'app-none', null, null);
      await app(db, alphaId, 'app-ms', null, [...MICROSOFT_OWNER_TENANT_IDS][0] ?? null);
      await signIns(db, alphaId, alpha.user('a1'), 'app-saml', dayAgo(3), 6);
      await signIns(db, alphaId, alpha.user('a1'), 'app-none', dayAgo(2), 4);
      await signIns(db, alphaId, alpha.user('a1'), 'app-ms', dayAgo(2), 100);
      await signIns(db, alphaId, alpha.user('a1'), 'app-saml', dayAgo(40), 100);
      await db
        .insertInto('sign_in_apps')
        .values([
          {
            client_id: alphaId,
            app_id: 'app-saml',
            display_name: 'SAML app',
            first_seen_at: ago(10),
            last_seen_at: ago(1),
            sign_ins: 1,
          },
          {
            client_id: alphaId,
            app_id: 'app-none',
            display_name: 'New app',
            first_seen_at: ago(0.1),
            last_seen_at: ago(0.1),
            sign_ins: 1,
          },
        ])
        .execute();
      // Billing history: 5 billable 35 days ago, 2 eight days ago (no snapshot exactly 7 days ago).
      for (const [day, billable] of [
        [dayAgo(35), 5],
        [dayAgo(8), 2],
      ] as const) {
        await db
          .insertInto('billing_snapshots')
          .values({
            client_id: alphaId,
            day,
            total_users: 7,
            imported: 4,
            disabled: 2,
            expired: 0,
            guests: 1,
            billable,
            created_at: NOW,
          })
          .execute();
      }
      // Beta: activity not read yet — nobody expires, whatever their last sign-in.
      const betaId = await seedClient(db, {
        name: 'beta',
        expiryDays: 14,
        integration: { activityData: 'unknown' },
      });
      beta = await seedDirectory(db, betaId, {
        users: {
          b1: { displayName: 'Morgan Beta', state: 'imported', lastSignInAt: ago(100) },
          b2: { displayName: 'Guest Beta', userType: 'Guest' },
          b3: { displayName: 'Guest Beta Two', userType: 'Guest' },
        },
      });
      // Gamma: not connected yet (its problem says so); its last directory sync, from before, failed.
      const gammaId = await seedClient(db, { name: 'gamma', integration: false });
      await db
        .insertInto('sync_runs')
        .values({
          client_id: gammaId,
          kind: 'directory',
          trigger: 'manual',
          status: 'failed',
          started_at: ago(2),
          finished_at: ago(2),
          users_added: 0,
          users_updated: 0,
          users_removed: 0,
          groups_added: 0,
          groups_updated: 0,
          groups_removed: 0,
          edges_added: 0,
          edges_removed: 0,
          items_written: 0,
          pages: 0,
          graph_requests: 1,
          retries: 0,
          throttled_ms: 0,
          error_code: null,
          error_message: 'The tenant could not be reached',
          error_request_id: null,
          error_details: null,
          progress: '{}',
          owner: null,
          heartbeat_at: null,
        })
        .execute();
      await ctx.core.roles.assign(partnerAdmin, {
        principalTenantId: MSP_TENANT,
        principalObjectId: CLIENT_ADMIN.objectId,
        role: 'client_admin',
        client: 'alpha',
      });
      await ctx.core.roles.assign(partnerAdmin, {
        principalTenantId: MSP_TENANT,
        principalObjectId: VIEWER.objectId,
        role: 'viewer',
        client: 'alpha',
      });
    });

    it('counts billable, expired, guests, MFA and SSO per client, and the billable trend from the snapshots', async () => {
      // MFA and SSO coverage come from the day's snapshot, which each sync (and the daily job) records.
      const before = (await ctx.core.dashboard.dashboard(partnerAdmin)).clients.find(
        (row) => row.name === 'alpha',
      );
      assert.equal(before?.mfaRegisteredPercent, null, 'no snapshot yet');
      await ctx.core.dashboard.recordSnapshots();
      const dashboard = await ctx.core.dashboard.dashboard(partnerAdmin);
      const a = dashboard.clients.find((row) => row.name === 'alpha');
      const b = dashboard.clients.find((row) => row.name === 'beta');
      assert.ok(a && b);
      assert.equal(a.billable, 2);
      assert.deepEqual(a.billableTrend, { now: 2, change7Days: 0, change30Days: -3 });
      assert.equal(a.expired, 2);
      assert.equal(a.guests, 1);
      assert.equal(a.mfaRegisteredPercent, 67);
      assert.equal(a.ssoSharePercent, 60);
      assert.equal(a.sinceYesterday.newUsers, 1);
      assert.equal(a.sinceYesterday.newExpiries, 1);
      assert.equal(a.sinceYesterday.newApps, 1);
      assert.equal(a.sinceYesterday.mfaRegistrationsLost, null, 'no snapshot of yesterday yet');
      assert.equal(b.expired, 0);
      assert.equal(b.billable, 1);
      assert.equal(b.guests, 2);
      assert.equal(b.mfaRegisteredPercent, null);
      assert.equal(b.ssoSharePercent, null);
      assert.deepEqual(b.billableTrend, { now: 1, change7Days: null, change30Days: null });
    });

    it('counts MFA registrations lost since yesterday’s last snapshot', async () => {
      const db = ctx.core.database.db;
      await ctx.core.dashboard.recordSnapshots();
      ctx.clock.set(new Date(Date.parse(NOW) + DAY_MS));
      await db
        .updateTable('mfa_registrations')
        .set({ is_mfa_registered: 0 })
        .where('client_id', '=', alpha.clientId)
        .where('user_id', '=', alpha.user('a3'))
        .execute();
      // The next day's first sync records its snapshot.
      await ctx.core.dashboard.recordSnapshots(alpha.clientId);
      await ctx.core.dashboard.recordSnapshots(beta.clientId);
      const dashboard = await ctx.core.dashboard.dashboard(partnerAdmin);
      const a = dashboard.clients.find((row) => row.name === 'alpha');
      const b = dashboard.clients.find((row) => row.name === 'beta');
      assert.equal(a?.sinceYesterday.mfaRegistrationsLost, 1);
      assert.equal(a.mfaRegisteredPercent, 33);
      assert.equal(b?.sinceYesterday.mfaRegistrationsLost, 0);
      ctx.clock.set(NOW);
    });

    it('shows each client’s health exactly as the status service does, read for every client at once', async () => {
      const dashboard = await ctx.core.dashboard.dashboard(partnerAdmin);
      const statuses = await ctx.core.status.list(partnerAdmin);
      assert.equal(dashboard.clients.length, statuses.length);
      for (const status of statuses) {
        const row = dashboard.clients.find((candidate) => candidate.id === status.id);
        assert.ok(row);
        const health = Object.fromEntries(
          Object.keys(status).map((key) => [key, (row as unknown as Record<string, unknown>)[key]]),
        );
        assert.deepEqual(health, status);
      }
      const gamma = dashboard.clients.find((row) => row.name === 'gamma');
      assert.equal(gamma?.integration, 'not connected');
      assert.equal(gamma.lastSync?.status, 'failed');
      assert.deepEqual(gamma.problems, ['Not connected to Entra ID']);
    });

    it('shows a client admin only their client, and an outsider nothing', async () => {
      const mine = await ctx.core.dashboard.dashboard(CLIENT_ADMIN);
      assert.deepEqual(
        mine.clients.map((row) => row.name),
        ['alpha'],
      );
      assert.deepEqual((await ctx.core.dashboard.dashboard(OUTSIDER)).clients, []);
    });

    it('finds users and groups across clients by name, UPN or mail, whatever the case', async () => {
      const found = await ctx.core.search.find(partnerAdmin, { text: 'MORGAN' });
      assert.deepEqual(found.users.map((hit) => `${hit.client.name}:${hit.displayName ?? ''}`).sort(), [
        'alpha:Morgan Alpha',
        'alpha:Morgan Disabled',
        'alpha:Morgan Excluded',
        'alpha:Morgan Guest',
        'beta:Morgan Beta',
      ]);
      assert.deepEqual(
        found.groups.map((hit) => hit.displayName),
        ['Morgan Sales'],
      );
      assert.equal(found.clientsSearched, 3);
      const byUpn = await ctx.core.search.find(partnerAdmin, { text: 'a2@FIXTURE' });
      assert.deepEqual(
        byUpn.users.map((hit) => hit.id),
        [alpha.user('a2')],
      );
      // A like wildcard is a plain character.
      assert.deepEqual((await ctx.core.search.find(partnerAdmin, { text: 'm%n' })).users, []);
    });

    it('gives each found user its state and the actions its state and the admin’s role allow', async () => {
      const found = await ctx.core.search.find(partnerAdmin, { text: 'fixture.example' });
      const hit = (alias: string) => found.users.find((user) => user.id === alpha.user(alias));
      assert.deepEqual(hit('a1')?.states, ['collected']);
      assert.deepEqual(hit('a1')?.actions, ['open', 'disable']);
      assert.deepEqual(hit('a2')?.states, ['expired']);
      assert.deepEqual(hit('a5')?.states, ['disabled by an admin']);
      assert.deepEqual(hit('a5')?.actions, ['open', 'import']);
      assert.deepEqual(hit('a7')?.states, ['excluded']);
      assert.deepEqual(hit('a7')?.actions, ['open']);
      const guest = (await ctx.core.search.find(partnerAdmin, { text: 'morgan guest' })).users[0];
      assert.deepEqual(guest?.states, ['guest']);
      assert.deepEqual(guest.actions, ['open']);
      const sales = (await ctx.core.search.find(partnerAdmin, { text: 'sales' })).groups[0];
      assert.deepEqual(sales?.actions, ['open', 'members', 'exclude', 'report-on']);
      const contractors = (await ctx.core.search.find(partnerAdmin, { text: 'contractors' })).groups[0];
      assert.equal(contractors?.state, 'excluded');
      assert.deepEqual(contractors.actions, ['open', 'members', 'report-on']);
    });

    it('never shows a client admin another client’s users, and gives a viewer no action but opening', async () => {
      const admin = await ctx.core.search.find(CLIENT_ADMIN, { text: 'morgan' });
      assert.ok(admin.users.length > 0);
      assert.ok(admin.users.every((hit) => hit.client.name === 'alpha'));
      assert.ok(!admin.users.some((hit) => hit.id === beta.user('b1')));
      assert.equal(admin.clientsSearched, 1);
      assert.deepEqual(admin.users.find((hit) => hit.id === alpha.user('a1'))?.actions, ['open', 'disable']);
      const viewer = await ctx.core.search.find(VIEWER, { text: 'morgan' });
      assert.ok(viewer.users.length > 0 && viewer.groups.length > 0);
      assert.ok(viewer.users.every((hit) => hit.client.name === 'alpha' && hit.actions.join() === 'open'));
      assert.ok(viewer.groups.every((hit) => hit.actions.join() === 'open,members'));
      const outsider = await ctx.core.search.find(OUTSIDER, { text: 'morgan' });
      assert.deepEqual([outsider.users, outsider.groups, outsider.clientsSearched], [[], [], 0]);
    });

    it('bounds the answer and says when more matched', async () => {
      const found = await ctx.core.search.find(partnerAdmin, { text: 'morgan', limit: 2 });
      assert.equal(found.users.length, 2);
      assert.equal(found.truncated, true);
    });

    it('refuses an empty, one-letter or too long text with a clear reason', async () => {
      for (const text of ['', '   ', 'm', 'x'.repeat(101)]) {
        await assert.rejects(
          ctx.core.search.find(partnerAdmin, { text }),
          (error: unknown) =>
            error instanceof ValidationError &&
            error.status === 400 &&
            /type at least 2 characters|at most 100 characters/.test(error.message),
        );
      }
      await assert.rejects(ctx.core.search.find(partnerAdmin, { text: 'ok', limit: 1000 }), ValidationError);
    });
  },
  { start: NOW },
);
