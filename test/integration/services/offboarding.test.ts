import assert from 'node:assert/strict';
import type { SimTenant } from '../../../sim/index.js';
import type { CliContext } from '../../../src/cli/cli-context.js';
import { runCli } from '../../../src/cli/program.js';
import type { OffboardingOutcome, OffboardingStep } from '../../../src/contracts/offboarding.js';
import { REPORTS_PACE_KEY } from '../../../src/graph/tenant-gate.js';
import { ValidationError } from '../../../src/shared/errors.js';
import { engines } from '../../support/databases.js';
import { simulatorIntegration, startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
import { partnerAdmin, startCore, type CoreHarness } from './fixtures/core-harness.js';

/**
 * Offboarding a leaver (src/services/offboarding-service.ts) through the real core against the simulator over HTTPS:
 * the steps of Microsoft's "Revoke user access in Microsoft Entra ID"
 * (https://learn.microsoft.com/en-us/entra/identity/users/users-revoke-access) — block sign-in, then revoke the
 * sessions — then the licences freed and collection stopped here; a step the tenant has not granted is skipped with
 * how to grant it, and the others still run.
 */
for (const engine of engines) {
  describe(`offboarding a leaver: previewed, confirmed, step by step, audited [${engine}]`, function () {
    this.timeout(240_000);
    let harness: TestSimulator;
    let app: CoreHarness;
    let tenant: SimTenant;
    let clientId: string;
    /** Imported, enabled, licensed users without an admin role, each offboarded by one test. */
    let leavers: string[];
    /** An imported, enabled, licensed user given a privileged admin role before the first sync. */
    let adminLeaver: string;
    /** One synchronised from an on-premises Active Directory. */
    let syncedLeaver: string;

    before(async () => {
      harness = await startTestSimulator({
        users: 120,
        groups: 3,
        premium: true,
        guestRatio: 0.05,
        signInDays: 10,
      });
      tenant = harness.tenant;
      const isAdmin = (id: string) => tenant.registrationDetails(id)?.isAdmin === true;
      // Two enabled, licensed members without an admin role: one is given one, one is synchronised from AD.
      const [forAdmin, forSynced] = [...tenant.users()].filter(
        (u) =>
          u.userType === 'Member' &&
          u.accountEnabled &&
          !isAdmin(u.id) &&
          tenant.licences.assignedLicenses(u.id).length > 0,
      );
      adminLeaver = forAdmin!.id;
      syncedLeaver = forSynced!.id;
      tenant.setAdminRole(adminLeaver, true);
      tenant.updateUser(syncedLeaver, { onPremisesSyncEnabled: true });
      app = await startCore(engine, {
        graphEndpoints: harness.endpoints,
        start: new Date(Math.floor(harness.sim.now().getTime() / 1000) * 1000).toISOString(),
        reportsPace: { key: REPORTS_PACE_KEY, minIntervalMs: 0 },
      });
      clientId = (await app.core.clients.add(partnerAdmin, { name: `off-${engine}` })).id;
      await app.core.integrationStore.save(simulatorIntegration(harness, clientId, app.clock.now()));
      const sync = await app.core.clientSync.run(clientId, { parts: ['directory', 'activity', 'mfa'] });
      assert.ok(sync.succeeded, JSON.stringify(sync.runs.map((r) => r.run.errorMessage)));
      await app.core.integrations.startImport(partnerAdmin, clientId);
      const page = await app.core.users.list(partnerAdmin, clientId, { state: 'imported', limit: 200 });
      leavers = page.items
        .filter(
          (u) =>
            u.accountEnabled &&
            !isAdmin(u.id) &&
            !u.onPremisesSynced &&
            tenant.licences.assignedLicenses(u.id).length > 0,
        )
        .map((u) => u.id);
      assert.ok(page.items.some((u) => u.id === adminLeaver));
      assert.ok(leavers.length >= 4, `imported, enabled, licensed users: ${leavers.length.toString()}`);
    });
    after(async () => {
      await app.dispose();
      await harness.close();
    });

    const planOf = (steps: readonly { step: OffboardingStep; plan: string }[]): Record<string, string> =>
      Object.fromEntries(steps.map((s) => [s.step, s.plan]));
    const outcomeOf = (
      steps: readonly { step: OffboardingStep; outcome: string }[],
    ): Record<string, string> => Object.fromEntries(steps.map((s) => [s.step, s.outcome]));
    const auditedActions = async (userId: string): Promise<string[]> => {
      const page = await app.core.auditLog.query(partnerAdmin, { client: clientId, limit: 1000 });
      return page.items
        .filter((item) => item.targetId === userId)
        .map((item) => item.action)
        .reverse();
    };

    it('without the write permissions: the three Entra steps are unavailable with how to grant them; confirmed, they are skipped and collection still stops', async () => {
      const [leaver] = leavers as [string];
      const preview = await app.core.offboarding.preview(partnerAdmin, clientId, leaver);
      assert.deepEqual(planOf(preview.steps), {
        block_sign_in: 'unavailable',
        revoke_sessions: 'unavailable',
        remove_licences: 'unavailable',
        stop_collection: 'change',
      });
      for (const step of preview.steps.slice(0, 3))
        assert.equal(step.reason, `Needs ${step.permission ?? '?'}, not granted for this client yet.`);
      // Once for all of them: which permissions, and how to allow the steps.
      assert.equal(
        preview.unavailableNotice,
        'Not granted for this client yet: User.EnableDisableAccount.All, User.RevokeSessions.All, ' +
          'LicenseAssignment.ReadWrite.All. To allow block sign-in, sign out everywhere, remove licences, add them ' +
          "to the app as Microsoft Graph application permissions and have the client's admin grant consent; until " +
          'then those steps are skipped.',
      );
      assert.equal(preview.toChange, 1);
      // Without confirm: refused, nothing changed.
      await assert.rejects(
        app.core.offboarding.execute(partnerAdmin, clientId, leaver, {}),
        (error: unknown) => error instanceof ValidationError && error.message.includes('confirm: true'),
      );
      assert.equal((await app.core.users.get(partnerAdmin, clientId, leaver)).state, 'imported');

      const outcome = await app.core.offboarding.execute(partnerAdmin, clientId, leaver, { confirm: true });
      assert.deepEqual(outcomeOf(outcome.steps), {
        block_sign_in: 'skipped',
        revoke_sessions: 'skipped',
        remove_licences: 'skipped',
        stop_collection: 'done',
      });
      assert.equal(tenant.user(leaver)?.accountEnabled, true);
      assert.equal(tenant.sessions.validFromOf(leaver), undefined);
      assert.ok(tenant.licences.assignedLicenses(leaver).length > 0);
      const user = await app.core.users.get(partnerAdmin, clientId, leaver);
      assert.deepEqual([user.state, user.disableReason, user.billable], ['disabled', 'manual', false]);
    });

    it('with them: every step done in order — blocked, signed out, licences freed, no longer collected — each audited; again, nothing more to do', async () => {
      tenant.grantAppPermissions(harness.app.clientId, [
        'User.EnableDisableAccount.All',
        'User.RevokeSessions.All',
        'LicenseAssignment.ReadWrite.All',
      ]);
      const leaver = leavers[1]!;
      const held = tenant.licences.assignedLicenses(leaver).length;
      const preview = await app.core.offboarding.preview(partnerAdmin, clientId, leaver);
      assert.deepEqual(planOf(preview.steps), {
        block_sign_in: 'change',
        revoke_sessions: 'change',
        remove_licences: 'change',
        stop_collection: 'change',
      });
      assert.match(preview.steps[2]?.reason ?? '', /^Frees /);
      assert.equal(preview.unavailableNotice, null);
      assert.equal(preview.toChange, 4);
      // The preview changed nothing.
      assert.equal(tenant.user(leaver)?.accountEnabled, true);

      const outcome = await app.core.offboarding.execute(partnerAdmin, clientId, leaver, { confirm: true });
      assert.deepEqual(
        outcome.steps.map((s) => [s.step, s.outcome]),
        [
          ['block_sign_in', 'done'],
          ['revoke_sessions', 'done'],
          ['remove_licences', 'done'],
          ['stop_collection', 'done'],
        ],
      );
      assert.equal(tenant.user(leaver)?.accountEnabled, false);
      assert.ok(tenant.sessions.validFromOf(leaver), 'sessions revoked');
      assert.ok(held > 0);
      assert.equal(tenant.licences.assignedLicenses(leaver).length, 0);
      const user = await app.core.users.get(partnerAdmin, clientId, leaver);
      assert.deepEqual([user.state, user.disableReason, user.billable], ['disabled', 'manual', false]);
      // Each step is audited as the action it is, in the order it ran.
      assert.deepEqual(await auditedActions(leaver), [
        'user.block_sign_in',
        'user.revoke_sessions',
        'user.remove_licences',
        'user.disable',
      ]);

      // Again: what is already so is done without a request; revoking sessions always acts (Entra has no "already").
      const again = await app.core.offboarding.preview(partnerAdmin, clientId, leaver);
      assert.deepEqual(planOf(again.steps), {
        block_sign_in: 'already',
        revoke_sessions: 'change',
        remove_licences: 'already',
        stop_collection: 'already',
      });
      const second = await app.core.offboarding.execute(partnerAdmin, clientId, leaver, { confirm: true });
      assert.deepEqual(outcomeOf(second.steps), {
        block_sign_in: 'done',
        revoke_sessions: 'done',
        remove_licences: 'done',
        stop_collection: 'done',
      });
      assert.equal(second.steps[3]?.reason, 'Already disabled by hand.');
    });

    it('an administrator: the preview warns that Microsoft refuses to block or sign out an admin; confirmed, both are refused with why, the licences and collection still go', async () => {
      // Microsoft: an app needs a higher admin role of its own to block or sign out an admin, not only the
      // permission (https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/privileged-roles-permissions).
      // The registration report read by the sync says the user is an admin (isAdmin).
      const preview = await app.core.offboarding.preview(partnerAdmin, clientId, adminLeaver);
      assert.deepEqual(planOf(preview.steps), {
        block_sign_in: 'change',
        revoke_sessions: 'change',
        remove_licences: 'change',
        stop_collection: 'change',
      });
      for (const step of preview.steps.slice(0, 2))
        assert.match(step.reason ?? '', /^An administrator: .*Privileged Authentication Administrator\.$/);
      assert.match(preview.steps[2]?.reason ?? '', /^Frees /);

      const outcome = await app.core.offboarding.execute(partnerAdmin, clientId, adminLeaver, {
        confirm: true,
      });
      assert.deepEqual(outcomeOf(outcome.steps), {
        block_sign_in: 'refused',
        revoke_sessions: 'refused',
        remove_licences: 'done',
        stop_collection: 'done',
      });
      for (const step of outcome.steps.slice(0, 2)) {
        assert.match(step.reason ?? '', /^Authorization_RequestDenied: Insufficient privileges/);
        assert.match(
          step.reason ?? '',
          / — most likely because the user is an administrator.*Microsoft Entra admin center\.$/,
        );
      }
      assert.equal(tenant.user(adminLeaver)?.accountEnabled, true);
      assert.equal(tenant.sessions.validFromOf(adminLeaver), undefined);
      assert.equal(tenant.licences.assignedLicenses(adminLeaver).length, 0);
      const user = await app.core.users.get(partnerAdmin, clientId, adminLeaver);
      assert.deepEqual([user.state, user.accountEnabled], ['disabled', true]);
      // The refusals are audited with Microsoft's status, as every attempt is.
      const page = await app.core.auditLog.query(partnerAdmin, { client: clientId, limit: 1000 });
      const blocked = page.items.find(
        (item) => item.targetId === adminLeaver && item.action === 'user.block_sign_in',
      );
      assert.deepEqual(
        [
          (blocked?.after as { outcome?: string } | null)?.outcome,
          (blocked?.after as { graphStatus?: number } | null)?.graphStatus,
        ],
        ['refused', 403],
      );
    });

    it('synchronised from on-premises Active Directory: blocking is left to Active Directory (no request), the rest done', async () => {
      // Graph refuses to change accountEnabled of such a user; Microsoft has it disabled in Active Directory
      // (https://learn.microsoft.com/en-us/entra/identity/users/users-revoke-access, the hybrid environment).
      const user = await app.core.users.get(partnerAdmin, clientId, syncedLeaver);
      assert.equal(user.onPremisesSynced, true, 'the sync read onPremisesSyncEnabled');
      const preview = await app.core.offboarding.preview(partnerAdmin, clientId, syncedLeaver);
      assert.deepEqual(planOf(preview.steps), {
        block_sign_in: 'not_applicable',
        revoke_sessions: 'change',
        remove_licences: 'change',
        stop_collection: 'change',
      });
      assert.equal(
        preview.steps[0]?.reason,
        'Synchronised from on-premises Active Directory: disable the account there; Microsoft Entra Connect blocks ' +
          'its sign-in at its next sync.',
      );
      const outcome = await app.core.offboarding.execute(partnerAdmin, clientId, syncedLeaver, {
        confirm: true,
      });
      assert.deepEqual(outcomeOf(outcome.steps), {
        block_sign_in: 'not_applicable',
        revoke_sessions: 'done',
        remove_licences: 'done',
        stop_collection: 'done',
      });
      assert.equal(tenant.user(syncedLeaver)?.accountEnabled, true);
      assert.ok(tenant.sessions.validFromOf(syncedLeaver), 'sessions revoked');
      assert.equal(tenant.licences.assignedLicenses(syncedLeaver).length, 0);
    });

    it('from the CLI, by user principal name: previews the steps, then with --confirm does them', async () => {
      const leaver = leavers[3]!;
      const upn = tenant.user(leaver)?.userPrincipalName ?? '';
      let out: string[] = [];
      const cli: CliContext = {
        actor: partnerAdmin,
        out: (text) => out.push(text),
        err: (text) => out.push(text),
        core: () => Promise.resolve(app.core),
      };
      assert.equal(await runCli(['users', 'offboard', `off-${engine}`, upn], cli), 0, out.join('\n'));
      const preview = out.join('\n');
      assert.match(preview, /: 4 steps to do\./);
      for (const title of [
        'Block sign-in',
        'Sign out everywhere',
        'Remove licences',
        'Stop collecting and billing',
      ])
        assert.match(preview, new RegExp(`^${title} +to do`, 'm'));
      assert.match(preview, /run the same command with --confirm/);
      assert.equal(tenant.user(leaver)?.accountEnabled, true, 'a preview changes nothing');
      out = [];
      assert.equal(await runCli(['users', 'offboard', `off-${engine}`, upn, '--confirm', '--json'], cli), 0);
      const outcome = JSON.parse(out.join('')) as OffboardingOutcome;
      assert.equal(outcome.user.id, leaver);
      assert.ok(
        outcome.steps.every((s) => s.outcome === 'done'),
        JSON.stringify(outcome.steps),
      );
      assert.equal(tenant.user(leaver)?.accountEnabled, false);
      // A user the client does not have: exit 1 with the core's words.
      out = [];
      assert.equal(await runCli(['users', 'offboard', `off-${engine}`, 'nobody@nowhere.example'], cli), 1);
      assert.match(out.join('\n'), /nobody@nowhere\.example/);
    });

    it('refuses a user that is not there, or a reference that is neither an id nor a UPN, with what to give instead', async () => {
      await assert.rejects(
        app.core.offboarding.preview(partnerAdmin, clientId, 'not a user'),
        (error: unknown) =>
          error instanceof ValidationError &&
          error.message.includes('object id (GUID) or a user principal name'),
      );
      await assert.rejects(
        app.core.offboarding.execute(partnerAdmin, clientId, 'nobody@nowhere.example', { confirm: true }),
        (error: unknown) => (error as { status?: number }).status === 404,
      );
      await assert.rejects(
        app.core.offboarding.execute(partnerAdmin, clientId, leavers[2]!, { confirm: 'yes' }),
        (error: unknown) =>
          error instanceof ValidationError && JSON.stringify(error).includes('confirm must be true or false'),
      );
      assert.equal((await app.core.users.get(partnerAdmin, clientId, leavers[2]!)).state, 'imported');
    });
  });
}
