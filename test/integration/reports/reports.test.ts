import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import type { SimSignIn, SimUser } from '../../../sim/index.js';
import { addDays, dayOf } from '../../../src/domain/report-period.js';
import type { Actor } from '../../../src/services/actor.js';
import { neutraliseCell } from '../../../src/shared/csv.js';
import { NotFoundError, ValidationError } from '../../../src/shared/errors.js';
import { reportTables } from '../../../src/services/reports/report-csv.js';
import type { ReportRequest } from '../../../src/services/reports/report-types.js';
import type {
  ApplicationUsageReport,
  MfaCoverageReport,
  SsoCoverageReport,
} from '../../../src/contracts/reports.js';
import { MfaRegistrationSync } from '../../../src/sync/mfa-registration-sync.js';
import { SignInIngestion } from '../../../src/sync/sign-in-ingestion.js';
import { engines } from '../../support/databases.js';
import { simulatorIntegration, startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
import {
  describeEachEngineWithCore,
  partnerAdmin,
  person,
  type CoreHarness,
} from '../services/fixtures/core-harness.js';
import { silentLogger } from '../sync/sync-harness.js';
import { isSimGuest, noPace, succeeded, visibleSignIns } from './report-fixture.js';
import {
  departmentIds,
  groupIds,
  intersect,
  mfaTruth,
  modeOf,
  isEnterpriseApp,
  ssoTruth,
  usageTruth,
  type Period,
  type ScopeIds,
} from './report-truth.js';

const DAY_MS = 86_400_000;
const FORMULA_NAME = '=HYPERLINK("http://evil.example","click")';

/** A client connected to the simulator, synced, with sign-ins and registrations ingested and rules applied. */
interface Prepared {
  readonly clientName: string;
  readonly clientId: string;
  readonly groupId: string;
  readonly department: string;
  readonly disabledUserId: string;
}

async function prepareClient(ctx: CoreHarness, harness: TestSimulator, groupId: string): Promise<Prepared> {
  const { core } = ctx;
  const client = await core.clients.add(partnerAdmin, { name: `rep-${ctx.engine}` });
  await core.integrationStore.save(simulatorIntegration(harness, client.id, ctx.clock.now()));
  await core.integrations.startImport(partnerAdmin, client.name);
  assert.equal((await core.directorySync.run(client.id)).run.status, 'succeeded');
  // A Microsoft 365 group is deleted in Entra: soft-deleted (delta `@removed: changed`), kept as such.
  const unified = [...harness.tenant.groups()].find(
    (group) => group.displayName === `Workspace to delete (${ctx.engine})`,
  );
  assert.ok(unified !== undefined);
  harness.tenant.deleteGroup(unified.id);
  assert.equal((await core.directorySync.run(client.id)).run.status, 'succeeded');
  const deleted = await core.database.db
    .selectFrom('directory_groups')
    .select('entra_state')
    .where('client_id', '=', client.id)
    .where('id', '=', unified.id)
    .executeTakeFirst();
  assert.equal(deleted?.entra_state, 'soft_deleted');
  assert.equal((await core.servicePrincipalSync.run(client.id)).run.status, 'succeeded');
  const parts = {
    db: core.database.db,
    store: core.store,
    graphs: core.graphs,
    integrations: core.integrationStore,
    runner: core.syncRunner,
    clock: core.clock,
    logger: silentLogger,
  };
  assert.equal(
    (await new MfaRegistrationSync({ ...parts, pace: noPace }).run(client.id)).run.status,
    'succeeded',
  );
  const ingestion = new SignInIngestion({ ...parts, retentionDays: 90, pace: noPace });
  assert.equal((await ingestion.run(client.id)).run.status, 'succeeded');
  // Reading every user's signInActivity ends "reading activity…": expiry applies from here.
  assert.equal((await core.signInActivitySync.run(client.id)).run.status, 'succeeded');
  await core.integrations.setExpiryThreshold(partnerAdmin, client.name, 7);
  const disabled = [...harness.tenant.users()].find(
    (user) => user.userType === 'Member' && user.accountEnabled,
  );
  assert.ok(disabled !== undefined);
  await core.users.disableUser(partnerAdmin, client.name, disabled.id);
  await core.groups.setReporting(partnerAdmin, client.name, groupId, true);
  await core.billing.takeSnapshot(client.id);
  return {
    clientName: client.name,
    clientId: client.id,
    groupId,
    // The most common department among the group's members, so "a group and a department" is never empty.
    department: mostCommonDepartment(
      [...groupIds(harness.tenant, groupId)].flatMap((id) => harness.tenant.user(id) ?? []),
    ),
    disabledUserId: disabled.id,
  };
}

function mostCommonDepartment(users: Iterable<SimUser>): string {
  const counts = new Map<string, number>();
  for (const user of users)
    if (user.department !== null) counts.set(user.department, (counts.get(user.department) ?? 0) + 1);
  const [top] = [...counts].sort((a, b) => b[1] - a[1]);
  assert.ok(top !== undefined);
  return top[0];
}

function usageShape(report: ApplicationUsageReport): ReturnType<typeof usageTruth> {
  return {
    totals: report.totals,
    applications: Object.fromEntries(
      report.applications.map((app) => [
        app.appId,
        {
          appName: app.appName,
          activeUsers: app.activeUsers,
          signIns: app.signIns,
          successfulSignIns: app.successfulSignIns,
        },
      ]),
    ),
    daily: Object.fromEntries(
      report.daily
        .filter((day) => day.signIns > 0)
        .map((day) => [
          day.day,
          { signIns: day.signIns, successfulSignIns: day.successfulSignIns, activeUsers: day.activeUsers },
        ]),
    ),
    dailyByApp: Object.fromEntries(
      report.dailyByApp.map((row) => [
        `${row.day}|${row.appId}`,
        { signIns: row.signIns, successfulSignIns: row.successfulSignIns, activeUsers: row.activeUsers },
      ]),
    ),
  };
}

function ssoShape(report: SsoCoverageReport): ReturnType<typeof ssoTruth> {
  return {
    enterpriseApplications: report.totals.enterpriseApplications,
    bySsoMode: { ...report.totals.bySsoMode },
    usedApplications: report.totals.usedApplications,
    appSignIns: report.totals.appSignIns,
    ssoSignIns: report.totals.ssoSignIns,
    users: Object.fromEntries(
      report.users.map((user) => [
        user.id,
        { appSignIns: user.appSignIns, ssoSignIns: user.ssoSignIns, nonSsoApps: [...user.nonSsoApps].sort() },
      ]),
    ),
  };
}

function mfaShape(report: MfaCoverageReport): ReturnType<typeof mfaTruth> {
  const methods: Record<string, number> = {};
  for (const method of report.registration.methods) methods[method.method] = method.users;
  return {
    users: report.registration.users,
    mfaRegistered: report.registration.mfaRegistered,
    mfaCapable: report.registration.mfaCapable,
    notRegistered: report.gaps.notRegistered.map((user) => user.id).sort(),
    notCapable: report.gaps.notCapable.map((user) => user.id).sort(),
    successfulSignIns: report.signIns.successfulSignIns,
    mfaSignIns: report.signIns.mfaSignIns,
    singleFactorSignIns: report.signIns.singleFactorSignIns,
    singleFactorUsers: Object.fromEntries(
      report.gaps.singleFactorSignIns.map((user) => [user.id, user.singleFactorSignIns]),
    ),
    methods,
  };
}

describe('reports', function () {
  let harness: TestSimulator;
  let groupId = '';
  const start = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();

  before(async () => {
    harness = await startTestSimulator({
      users: 150,
      groups: 14,
      nestingDepth: 3,
      signInDays: 20,
      signInsPerUserPerDay: 2,
      departments: 4,
    });
    // A display name a spreadsheet would run as a formula, to come out neutralised in every CSV.
    const victim = [...harness.tenant.users()].find((user) => user.userType === 'Member');
    assert.ok(victim !== undefined);
    harness.tenant.updateUser(victim.id, { displayName: FORMULA_NAME });
    // Someone whose last sign-in is ten days old: expired under the 7-day threshold, whatever the seed.
    const idle = harness.tenant.addUser({ displayName: 'Idle Ida', userType: 'Member' });
    harness.tenant.addSignIns([{ userId: idle.id, createdDateTime: new Date(Date.now() - 10 * DAY_MS) }]);
    // The tenant is as untidy as Microsoft's (the generator's default), so every figure below is checked on it.
    const tenant = harness.tenant;
    const users = [...tenant.users()];
    assert.ok(
      users.some((u) => u.userType === 'Member' && u.userPrincipalName.includes('#EXT#')),
      'external members',
    );
    assert.ok(
      users.some((u) => u.userType === null),
      'accounts without a userType',
    );
    const memberTypes = new Set(
      [...tenant.groups()].flatMap((g) => tenant.directMembers(g.id).map((m) => m.type)),
    );
    for (const type of ['device', 'orgContact', 'servicePrincipal'] as const)
      assert.ok(memberTypes.has(type), `${type} members in groups`);
    // A Microsoft 365 group per engine, which each engine's client sees and then sees soft-deleted.
    for (const engine of engines) {
      const workspace = tenant.addGroup({
        displayName: `Workspace to delete (${engine})`,
        groupTypes: ['Unified'],
        mailEnabled: true,
        securityEnabled: false,
      });
      for (const user of users.slice(0, 5)) tenant.addMember(workspace.id, user.id);
    }
    // A group with members only reachable through nested groups, holding some of the users but far from all.
    const direct = (id: string): Set<string> =>
      new Set(
        tenant
          .directMembers(id)
          .filter((member) => member.type === 'user')
          .map((member) => member.id),
      );
    const candidates = [...tenant.groups()]
      .map((group) => ({ group, size: tenant.transitiveUserMembers(group.id).size }))
      .filter(
        ({ group, size }) => size > direct(group.id).size && size < tenant.userCount * 0.6 && size >= 10,
      )
      .sort((a, b) => b.size - a.size);
    const chosen = candidates[0]?.group;
    assert.ok(chosen !== undefined, 'the tenant has a mid-sized group with nested members');
    groupId = chosen.id;
  });
  after(async () => {
    await harness.close();
  });

  describeEachEngineWithCore(
    'computed from the simulator',
    (ctx) => {
      let prepared: Prepared;
      let signIns: SimSignIn[];
      const today = (): string => dayOf(ctx.clock.now());
      const last30 = (): Period => ({ from: addDays(today(), -29), to: today() });
      const request = (extra: Partial<ReportRequest> = {}): ReportRequest => ({
        client: prepared.clientName,
        ...extra,
      });
      /**
       * The users a sign-in report covers within a scope: those enabled for data collection (rule 10) — every
       * member (guests are never imported) but the one disabled by hand.
       */
      const covered = (ids: ScopeIds): Set<string> =>
        new Set(
          [...harness.tenant.users()]
            .filter(
              (user) =>
                !isSimGuest(user) &&
                user.id !== prepared.disabledUserId &&
                (ids === undefined || ids.has(user.id)),
            )
            .map((user) => user.id),
        );
      const scopes = (): { name: string; extra: Partial<ReportRequest>; ids: ScopeIds }[] => {
        const group = groupIds(harness.tenant, prepared.groupId);
        const department = departmentIds(harness.tenant, prepared.department);
        return [
          { name: 'everyone', extra: {}, ids: undefined },
          { name: 'a reporting group (nested members)', extra: { group: prepared.groupId }, ids: group },
          { name: 'a department', extra: { department: prepared.department.toUpperCase() }, ids: department },
          {
            name: 'a group and a department',
            extra: { group: prepared.groupId, department: prepared.department },
            ids: intersect(group, department),
          },
        ];
      };

      before(async function () {
        this.timeout(60_000);
        prepared = await prepareClient(ctx, harness, groupId);
        signIns = visibleSignIns(harness.tenant);
      });

      it('application usage equals the log for the last 30 days, for everyone and within each filter', async () => {
        for (const scope of scopes()) {
          const report = await ctx.core.reports.applicationUsage(partnerAdmin, request(scope.extra));
          assert.deepEqual(report.header.period, { ...last30(), days: 30 });
          assert.equal(report.daily.length, 30);
          const truth = usageTruth(harness.tenant, signIns, last30(), covered(scope.ids));
          assert.deepEqual(usageShape(report), truth, scope.name);
          assert.equal(
            report.header.coverage,
            `Covers the ${covered(scope.ids).size.toLocaleString('en-US')} users enabled for data collection (imported, not disabled); sign-ins of anyone else are not collected.`,
          );
          // Each filter really narrows the figures, and none is empty, so the comparison means something.
          assert.ok(truth.totals.activeUsers > 0, scope.name);
          if (scope.ids !== undefined) assert.ok(scope.ids.size < harness.tenant.userCount, scope.name);
          assert.equal(
            report.header.usersInScope,
            scope.ids === undefined ? null : scope.ids.size,
            scope.name,
          );
        }
      });

      it('application usage over an explicit period counts only its days', async () => {
        const period = { from: addDays(today(), -12), to: addDays(today(), -4) };
        const report = await ctx.core.reports.applicationUsage(
          partnerAdmin,
          request({ ...period, group: prepared.groupId }),
        );
        assert.deepEqual(report.header.period, { ...period, days: 9 });
        assert.deepEqual(
          usageShape(report),
          usageTruth(harness.tenant, signIns, period, covered(groupIds(harness.tenant, prepared.groupId))),
        );
      });

      it('while the history is read, says how far and starts the days at the first day read in full', async () => {
        const checkpoints = ctx.core.store.read.checkpoints;
        const done = await checkpoints.get(prepared.clientId, 'sign_ins');
        assert.ok(done !== undefined && done.watermark !== null);
        // As the ingestion leaves it part-way through its first round: 30 days back from 10:00 today, read newest
        // first in one-day windows, 5 of them read (so today, and the 4 days before it from 10:00).
        const now = ctx.clock.now();
        const roundTo = Date.parse(`${today()}T10:00:00.000Z`);
        try {
          await checkpoints.save(
            {
              ...done,
              watermark: null,
              state: {
                ...done.state,
                roundFrom: new Date(roundTo - 30 * DAY_MS).toISOString(),
                roundTo: new Date(roundTo).toISOString(),
                windowTo: new Date(roundTo - 5 * DAY_MS).toISOString(),
              },
            },
            now,
          );
          const report = await ctx.core.reports.applicationUsage(partnerAdmin, request());
          assert.deepEqual(report.header.signInData.backfill, {
            daysRead: 5,
            daysTotal: 30,
            fromDay: addDays(today(), -4),
          });
          // The 25 days not read yet are not drawn as days without sign-ins.
          assert.deepEqual(
            report.daily.map((row) => row.day),
            [addDays(today(), -4), addDays(today(), -3), addDays(today(), -2), addDays(today(), -1), today()],
          );
          // The totals count every sign-in read, as the applications and the active users do (the day read in part
          // too): before, they summed the days drawn, and showed fewer sign-ins than active users.
          const sum = (pick: (row: (typeof report.applications)[number]) => number): number =>
            report.applications.reduce((total, row) => total + pick(row), 0);
          assert.equal(
            report.totals.signIns,
            sum((row) => row.signIns),
          );
          assert.equal(
            report.totals.successfulSignIns,
            sum((row) => row.successfulSignIns),
          );
          assert.ok(report.totals.signIns > report.daily.reduce((total, row) => total + row.signIns, 0));
        } finally {
          await checkpoints.save(done, now);
        }
        const after = await ctx.core.reports.applicationUsage(partnerAdmin, request());
        assert.equal(after.header.signInData.backfill, null);
        assert.equal(after.daily.length, 30);
      });

      it('SSO coverage lists the enterprise applications by mode and each user’s share of sign-ins through Entra SSO', async () => {
        for (const scope of scopes()) {
          const report = await ctx.core.reports.ssoCoverage(partnerAdmin, request(scope.extra));
          const truth = ssoTruth(harness.tenant, signIns, last30(), covered(scope.ids));
          assert.deepEqual(ssoShape(report), truth, scope.name);
          for (const user of report.users) {
            assert.equal(user.ssoShare, user.ssoSignIns / user.appSignIns);
          }
          assert.equal(
            report.totals.ssoShare,
            truth.appSignIns === 0 ? null : truth.ssoSignIns / truth.appSignIns,
          );
        }
        const report = await ctx.core.reports.ssoCoverage(partnerAdmin, request());
        const modes = new Map(
          harness.tenant
            .servicePrincipals()
            .filter(isEnterpriseApp)
            .map((sp) => [sp.id, modeOf(sp)]),
        );
        const listed = report.applications.filter((app) => app.servicePrincipalId !== null);
        assert.deepEqual(new Map(listed.map((app) => [app.servicePrincipalId, app.ssoMode])), modes);
        assert.ok(report.header.definitions.some((text) => text.includes('SAML or OpenID Connect')));
      });

      it('MFA coverage names every user behind every gap and the share of sign-ins that satisfied MFA', async () => {
        for (const scope of scopes()) {
          const report = await ctx.core.reports.mfaCoverage(partnerAdmin, request(scope.extra));
          const truth = mfaTruth(harness.tenant, signIns, last30(), covered(scope.ids));
          assert.deepEqual(mfaShape(report), truth, scope.name);

          assert.equal(report.signIns.known, true);
          assert.equal(report.registration.noRegistrationData, 0);
          const named = report.gaps.notRegistered.find((user) => user.displayName !== null);
          if (truth.notRegistered.length > 0) assert.ok(named?.userPrincipalName, 'gaps carry names');
        }
      });

      it('users and billing follow the rules: imported, disabled by reason, expired, guests, billable and history', async () => {
        const now = ctx.clock.now().getTime();
        const lastSuccess = new Map<string, number>();
        for (const signIn of signIns) {
          if (!succeeded(signIn)) continue;
          const at = Date.parse(signIn.createdDateTime);
          if (at > (lastSuccess.get(signIn.userId) ?? 0)) lastSuccess.set(signIn.userId, at);
        }
        // Rule 8's last activity: the log's newest success, or signInActivity where that is newer.
        for (const user of harness.tenant.users()) {
          const activity = harness.tenant.signInActivity(user.id)?.lastSuccessfulSignInDateTime;
          if (activity === undefined || activity === null) continue;
          const at = Date.parse(activity);
          if (at > (lastSuccess.get(user.id) ?? 0)) lastSuccess.set(user.id, at);
        }
        for (const scope of scopes()) {
          const report = await ctx.core.reports.usersAndBilling(partnerAdmin, request(scope.extra));
          const users = [...harness.tenant.users()].filter(
            (user) => scope.ids === undefined || scope.ids.has(user.id),
          );
          const members = users.filter((user) => !isSimGuest(user));
          const imported = members.filter((user) => user.id !== prepared.disabledUserId);
          const expired = imported.filter((user) => {
            const last = lastSuccess.get(user.id);
            return last !== undefined && last < now - 7 * DAY_MS;
          });
          const expiredIds = new Set(expired.map((user) => user.id));
          const billable = imported.filter((user) => user.accountEnabled && !expiredIds.has(user.id));
          const manual = members.some((user) => user.id === prepared.disabledUserId) ? 1 : 0;
          assert.deepEqual(
            report.current,
            {
              totalUsers: users.length,
              imported: imported.length,
              notImported: users.length - members.length,
              disabled: manual,
              disabledByReason: { manual, excludedGroup: 0, deletedInEntra: 0 },
              expired: expired.length,
              // Zero with some seeds (blocked users are mostly expired): expiry-and-billing.test.ts has one for sure.
              blockedInEntra: imported.filter((user) => !user.accountEnabled && !expiredIds.has(user.id))
                .length,
              guests: users.length - members.length,
              billable: billable.length,
            },
            scope.name,
          );
          assert.deepEqual(
            new Set(report.users.filter((user) => user.billable).map((user) => user.id)),
            new Set(billable.map((user) => user.id)),
          );
          assert.deepEqual(
            new Set(report.users.filter((user) => user.expired).map((user) => user.id)),
            expiredIds,
          );
          if (scope.ids === undefined) assert.ok(expired.length > 0 && manual === 1, 'some users expired');
          const explained = report.users.find((user) => user.expired);
          if (explained !== undefined)
            assert.match(explained.expiryExplanation, /last successful sign-in .* days ago; threshold 7/);
        }
        const report = await ctx.core.reports.usersAndBilling(partnerAdmin, request());
        assert.deepEqual(
          report.history.map((row) => ({ day: row.day, billable: row.billable })),
          [{ day: today(), billable: report.current.billable }],
        );
      });

      it('exports every table as CSV that parses back to the same rows, with formula cells neutralised', async () => {
        for (const kind of ['usage', 'sso', 'mfa', 'billing'] as const) {
          const report = await ctx.core.reports.report(partnerAdmin, kind, request());
          for (const table of reportTables(report)) {
            const exported = await ctx.core.reports.csv(partnerAdmin, kind, request(), table.name);
            assert.match(
              exported.fileName,
              new RegExp(`^${prepared.clientName}-${kind}-${table.name}-.*\\.csv$`),
            );
            assert.ok(exported.text.includes('\r\n'), 'CRLF line ends');
            const rows: string[][] = parse(exported.text);
            const expected = [table.table.columns, ...table.table.rows].map((row) =>
              row.map((cell) => neutraliseCell(cell)),
            );
            assert.deepEqual(rows, expected, `${kind}/${table.name}`);
          }
        }
        const billing = await ctx.core.reports.csv(partnerAdmin, 'billing', request());
        const rows = parse<Record<string, string>>(billing.text, { columns: true });
        const victim = rows.find((row) => row.display_name?.includes('HYPERLINK'));
        assert.equal(victim?.display_name, `'${FORMULA_NAME}`);
        assert.ok(rows.every((row) => !/^[=+\-@\t\r]/.test(row.display_name ?? '')));
      });

      it('refuses what is not allowed or not valid, saying why', async () => {
        const outsider: Actor = person('bbbbbbbb-0000-4000-8000-000000000009', 'outsider@elsewhere.example');
        await assert.rejects(ctx.core.reports.applicationUsage(outsider, request()), NotFoundError);
        const otherGroup = [...harness.tenant.groups()].find((group) => group.id !== prepared.groupId);
        assert.ok(otherGroup !== undefined);
        await assert.rejects(
          ctx.core.reports.applicationUsage(partnerAdmin, request({ group: otherGroup.id })),
          (error: unknown) =>
            error instanceof ValidationError && error.message.includes('not imported for reporting'),
        );
        await assert.rejects(
          ctx.core.reports.mfaCoverage(partnerAdmin, request({ from: today(), to: addDays(today(), -1) })),
          ValidationError,
        );
        await assert.rejects(
          ctx.core.reports.usersAndBilling(partnerAdmin, request({ from: '2026-02-30' })),
          ValidationError,
        );
        await assert.rejects(ctx.core.reports.csv(partnerAdmin, 'usage', request(), 'nope'), ValidationError);
      });

      it('offers the reporting groups and the departments as filters', async () => {
        const filters = await ctx.core.reports.filters(partnerAdmin, prepared.clientName);
        assert.deepEqual(
          filters.groups.map((group) => ({ id: group.id, members: group.members })),
          [{ id: prepared.groupId, members: groupIds(harness.tenant, prepared.groupId).size }],
        );
        assert.ok(filters.departments.some((entry) => entry.department === prepared.department));
      });
    },
    () => ({ graphEndpoints: harness.endpoints, start }),
  );
});
