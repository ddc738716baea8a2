import assert from 'node:assert/strict';
import { isSimGuest, type SimTenant } from '../../sim/index.js';
import { expiryCutoff } from '../../src/domain/expiry.js';
import { REPORTS_PACE_KEY } from '../../src/graph/tenant-gate.js';
import { DAY_MS } from '../../src/shared/clock.js';
import { startTestSimulator, type TestSimulator } from '../integration/graph/simulator-harness.js';
import { partnerAdmin, startCore, type CoreHarness } from '../integration/services/fixtures/core-harness.js';
import { engines } from '../support/databases.js';

/**
 * The whole data-collection story against the simulator, for each store: connect → first sync → preview and exclude
 * a nested group → start the import → the tenant changes → sync again → the billable count equals the one computed
 * here from the simulator's own truth (rule 9: imported ∧ eligible ∧ ¬expired ∧ enabled; guests never).
 */
describe('data-collection rules end to end against the simulator', function () {
  this.timeout(120_000);

  for (const engine of engines) {
    describe(`[${engine}]`, function () {
      let harness: TestSimulator;
      let app: CoreHarness;
      let tenant: SimTenant;

      before(async () => {
        harness = await startTestSimulator({
          seed: 5150,
          users: 600,
          groups: 40,
          nestingDepth: 4,
          cycles: 2,
          guestRatio: 0.08,
          disabledRatio: 0.05,
          signInDays: 45,
        });
        tenant = harness.tenant;
        // The simulator here does not throttle: the reports tier's spacing (6 s between signInActivity reads) would
        // only make the test wait between its three activity passes.
        app = await startCore(engine, {
          graphEndpoints: harness.endpoints,
          start: new Date().toISOString(),
          reportsPace: { key: REPORTS_PACE_KEY, minIntervalMs: 0 },
        });
      });
      after(async () => {
        await app.dispose();
        await harness.close();
      });

      /** A group with nested groups below it (the deepest chain's top that is not the all-staff group). */
      function nestedGroup(): string {
        let best: { id: string; depth: number } | undefined;
        for (const group of tenant.groups()) {
          const nested = tenant.transitiveGroupMembers(group.id).size;
          const users = tenant.transitiveUserMembers(group.id).size;
          if (nested === 0 || users > tenant.userCount / 3) continue;
          if (best === undefined || nested > best.depth) best = { id: group.id, depth: nested };
        }
        if (best === undefined) throw new Error('the simulator made no nested group');
        return best.id;
      }

      /** Rule 9 from the simulator's truth: who should be billable now. */
      function billableTruth(excludedGroupId: string): number {
        return billableTruthIds(excludedGroupId).size;
      }

      function billableTruthIds(excludedGroupId: string): Set<string> {
        const ids = new Set<string>();
        const excluded = tenant.transitiveUserMembers(excludedGroupId);
        const cutoff = expiryCutoff(app.clock.now(), 30).getTime();
        for (const user of tenant.users()) {
          if (isSimGuest(user) || !user.accountEnabled || excluded.has(user.id)) continue;
          const last = tenant.signInActivity(user.id)?.lastSuccessfulSignInDateTime ?? null;
          // Everyone was imported minutes ago: without activity nobody has expired yet (rule 8's grace).
          if (last !== null && Date.parse(last) < cutoff) continue;
          ids.add(user.id);
        }
        return ids;
      }

      /** Names who differs between the store's billable users and the truth, for a failing assertion's message. */
      async function difference(clientId: string, excludedGroupId: string): Promise<string> {
        const truth = billableTruthIds(excludedGroupId);
        const stored = new Set<string>();
        let cursor: string | undefined;
        do {
          const page = await app.core.users.list(partnerAdmin, clientId, {
            limit: 500,
            ...(cursor === undefined ? {} : { cursor }),
          });
          for (const user of page.items) if (user.billable) stored.add(user.id);
          cursor = page.nextCursor ?? undefined;
        } while (cursor !== undefined);
        const describe = (id: string): string =>
          JSON.stringify({
            sim: tenant.user(id),
            activity: tenant.signInActivity(id)?.lastSuccessfulSignInDateTime,
          });
        return [
          ...[...stored].filter((id) => !truth.has(id)).map((id) => `only stored: ${describe(id)}`),
          ...[...truth].filter((id) => !stored.has(id)).map((id) => `only truth: ${describe(id)}`),
        ].join('\n');
      }

      it('ends with exactly the billable users the tenant truth gives', async () => {
        const { core } = app;
        const client = await core.clients.add(partnerAdmin, { name: `e2e-${engine}` });
        const credentials = tenant.registeredApps()[0];
        assert.ok(credentials !== undefined);
        await core.integrations.connect(partnerAdmin, client.id, {
          tenant: tenant.domain,
          clientId: credentials.clientId,
          clientSecret: credentials.clientSecret,
        });

        const first = await core.directorySync.run(client.id);
        assert.equal(first.run.status, 'succeeded', first.run.errorMessage ?? '');
        assert.equal(
          (await core.billing.summary(partnerAdmin, client.id)).counts.imported,
          0,
          'no import before the start',
        );

        const groupId = nestedGroup();
        const members = tenant.transitiveUserMembers(groupId);
        const preview = await core.groups.previewExclusion(partnerAdmin, client.id, groupId, {
          sampleSize: 500,
        });
        const nonGuestMembers = [...members].filter((id) => {
          const user = tenant.user(id);
          return user !== undefined && !isSimGuest(user);
        });
        assert.equal(
          preview.affected.count,
          nonGuestMembers.length,
          'every nested member the exclusion disables',
        );
        assert.ok(
          preview.affected.sample.some((user) => !user.direct),
          'nested members are included',
        );
        assert.equal(preview.billable.basis, 'projected');
        const enabledMembers = nonGuestMembers.filter(
          (id) => tenant.user(id)?.accountEnabled === true,
        ).length;
        assert.equal(preview.billable.before - preview.billable.after, enabledMembers);
        const confirmed = await core.groups.confirmExclusion(partnerAdmin, client.id, preview.token);
        assert.equal(confirmed.disabledUsers, nonGuestMembers.length);

        await core.integrations.startImport(partnerAdmin, client.id);
        assert.equal(
          (await core.billing.summary(partnerAdmin, client.id)).counts.billable,
          preview.billable.after,
          "the preview's billable after is the count once the initial import has run",
        );

        // The tenant moves on: a newcomer, a newcomer nested in the excluded group, a deletion, a disabled account.
        const plain = tenant.addUser({
          displayName: 'Newcomer Plain',
          accountEnabled: true,
          userType: 'Member',
        });
        const sneaky = tenant.addUser({
          displayName: 'Newcomer Excluded',
          accountEnabled: true,
          userType: 'Member',
        });
        const nestedChild = [...tenant.transitiveGroupMembers(groupId)][0] ?? groupId;
        tenant.addMember(nestedChild, sneaky.id);
        const victims = [...tenant.users()].filter(
          (u) => u.userType === 'Member' && u.accountEnabled && !members.has(u.id),
        );
        const deleted = victims[0];
        const switchedOff = victims[1];
        assert.ok(deleted !== undefined && switchedOff !== undefined);
        tenant.softDeleteUser(deleted.id);
        tenant.updateUser(switchedOff.id, { accountEnabled: false });

        const activity = await core.signInActivitySync.run(client.id, 'manual');
        assert.equal(activity.run.status, 'succeeded', activity.run.errorMessage ?? '');
        const second = await core.directorySync.run(client.id);
        assert.equal(second.run.status, 'succeeded', second.run.errorMessage ?? '');

        const summary = await core.billing.summary(partnerAdmin, client.id);
        assert.equal(summary.activityData, 'available');
        assert.equal(summary.counts.billable, billableTruth(groupId), await difference(client.id, groupId));

        const newcomer = await core.users.get(partnerAdmin, client.id, plain.id);
        assert.deepEqual([newcomer.state, newcomer.billable], ['imported', true]);
        const excluded = await core.users.get(partnerAdmin, client.id, sneaky.id);
        assert.deepEqual([excluded.state, excluded.disableReason], ['disabled', 'excluded_group']);
        const gone = await core.users.get(partnerAdmin, client.id, deleted.id);
        assert.deepEqual([gone.state, gone.disableReason], ['disabled', 'deleted_in_entra']);
        assert.equal((await core.users.get(partnerAdmin, client.id, switchedOff.id)).billable, false);

        // Entra restores the soft-deleted user: it comes back as imported and billable.
        // Its signInActivity was not listed while it was deleted: read activity again, then the directory.
        tenant.restoreUser(deleted.id);
        await core.signInActivitySync.run(client.id, 'manual');
        await core.directorySync.run(client.id);
        const restored = await core.users.get(partnerAdmin, client.id, deleted.id);
        assert.deepEqual([restored.state, restored.disableReason], ['imported', null]);
        assert.equal(
          (await core.billing.summary(partnerAdmin, client.id)).counts.billable,
          billableTruth(groupId),
          await difference(client.id, groupId),
        );

        // Twenty days on, with no new sign-ins: the daily evaluation expires whoever's activity is now too old,
        // while users never seen stay within the grace of their import.
        app.clock.advance(20 * DAY_MS);
        await core.collection.reconcileAll();
        const later = await core.billing.summary(partnerAdmin, client.id);
        assert.ok(later.counts.expired > summary.counts.expired, 'more users expired');
        assert.equal(later.counts.billable, billableTruth(groupId), await difference(client.id, groupId));
      });
    });
  }
});
