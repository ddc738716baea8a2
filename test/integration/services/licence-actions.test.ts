import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import type { SimTenant } from '../../../sim/index.js';
import { SIM_SKUS } from '../../../sim/licences.js';
import { REPORTS_PACE_KEY } from '../../../src/graph/tenant-gate.js';
import { isAppError, ValidationError } from '../../../src/shared/errors.js';
import { engines } from '../../support/databases.js';
import { simulatorIntegration, startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
import { partnerAdmin, startCore, type CoreHarness } from './fixtures/core-harness.js';

/**
 * Removing inactive users' licences and its Undo, and revoking their sessions (issue 17, item 3), through the real
 * core against the simulator over HTTPS. assignLicense with removeLicenses needs LicenseAssignment.ReadWrite.All and
 * revokeSignInSessions User.RevokeSessions.All (https://learn.microsoft.com/en-us/graph/api/user-assignlicense,
 * https://learn.microsoft.com/en-us/graph/api/user-revokesigninsessions); without them the preview says so and the
 * core refuses a confirm before sending anything (Graph would answer 403 Authorization_RequestDenied per user). A licence inherited from a group cannot be removed from the user (Microsoft
 * answers 400): that user is reported refused and keeps every licence. The Undo re-assigns exactly what was removed.
 */
for (const engine of engines) {
  describe(`remove licences (and Undo), revoke sessions: previewed, confirmed, audited [${engine}]`, function () {
    this.timeout(240_000);
    let harness: TestSimulator;
    let app: CoreHarness;
    let tenant: SimTenant;
    let clientId: string;
    let selection: string[];
    let inheriting: string;
    const original = new Map<string, string[]>();
    const speE3 = SIM_SKUS.SPE_E3.skuId;
    const copilot = SIM_SKUS.Microsoft_365_Copilot.skuId;
    const skusInTenant = (id: string): string[] =>
      tenant.licences
        .assignedLicenses(id)
        .map((l) => l.skuId)
        .sort();

    before(async () => {
      harness = await startTestSimulator({
        users: 300,
        groups: 4,
        premium: true,
        disabledRatio: 0.1,
        guestRatio: 0.05,
        signInDays: 60,
        signInsPerUserPerDay: 0.2,
      });
      tenant = harness.tenant;
      app = await startCore(engine, {
        graphEndpoints: harness.endpoints,
        start: new Date(Math.floor(harness.sim.now().getTime() / 1000) * 1000).toISOString(),
        reportsPace: { key: REPORTS_PACE_KEY, minIntervalMs: 0 },
      });
      const client = await app.core.clients.add(partnerAdmin, { name: `lic-${engine}` });
      clientId = client.id;
      await app.core.integrationStore.save(simulatorIntegration(harness, clientId, app.clock.now()));
      // Before the sync: one member also holds Copilot through a licensed group (group-based licensing).
      const sync0 = await app.core.clientSync.run(clientId, { parts: ['directory', 'activity'] });
      assert.ok(sync0.succeeded);
      await app.core.integrations.startImport(partnerAdmin, clientId);
      const inactive = await app.core.licences.inactiveLicensed(partnerAdmin, clientId, { limit: 1000 });
      // Not the tenant's administrators (the simulator's seed is random): Microsoft refuses to let an app sign them
      // out (offboarding.test.ts shows how the product says so).
      const expired = inactive.users
        .filter(
          (u) => u.inactiveReasons.includes('expired') && tenant.registrationDetails(u.id)?.isAdmin !== true,
        )
        .map((u) => u.id);
      assert.ok(expired.length >= 4, `expired, licensed users: ${expired.length.toString()}`);
      // One who does not hold Copilot directly: a licence held both ways loses its direct assignment and keeps the
      // inherited one, which Graph does not refuse (it failed for a seed whose first expired user held both).
      inheriting = expired.find((id) => !skusInTenant(id).includes(copilot)) ?? expired[0]!;
      tenant.licences.setGroupLicences(inheriting, [copilot]);
      const sync = await app.core.clientSync.run(clientId, { parts: ['directory'] });
      assert.ok(sync.succeeded, JSON.stringify(sync.runs.map((r) => r.run.errorMessage)));
      selection = [inheriting, ...expired.filter((id) => id !== inheriting)].slice(0, 12);
      for (const id of selection) original.set(id, skusInTenant(id));
      assert.ok(original.get(inheriting)?.includes(copilot));
      await app.core.licences.setPrices(partnerAdmin, clientId, {
        currency: 'GBP',
        prices: [{ skuId: speE3, monthlyPrice: '33.00' }],
      });
    });
    after(async () => {
      await app.dispose();
      await harness.close();
    });

    const audited = async (action: string): Promise<Map<string, Record<string, unknown>[]>> => {
      const page = await app.core.auditLog.query(partnerAdmin, { client: clientId, action, limit: 1000 });
      const byUser = new Map<string, Record<string, unknown>[]>();
      for (const item of [...page.items].reverse()) {
        assert.equal(item.targetType, 'user');
        const list = byUser.get(item.targetId!) ?? [];
        list.push(item.after as Record<string, unknown>);
        byUser.set(item.targetId!, list);
      }
      return byUser;
    };

    it('the Users list shows each user’s licence cost where a price is set, equal to the tenant’s truth; none where not', async () => {
      const page = await app.core.users.list(partnerAdmin, clientId, { limit: 100 });
      assert.ok(page.items.length > 0);
      let priced = 0;
      for (const user of page.items) {
        const holdsE3 = skusInTenant(user.id).includes(speE3);
        const cost = page.monthlyLicenceCosts[user.id];
        if (holdsE3) {
          priced++;
          assert.deepEqual(cost, { cents: 3300, amount: '33.00', currency: 'GBP' }, user.id);
        } else {
          assert.equal(cost, undefined, `${user.id}: no priced licence, no cost`);
        }
      }
      assert.ok(priced > 0);
    });

    it('the exclusion preview names what the affected users’ licences cost where prices are set', async () => {
      const groups = await app.core.groups.list(partnerAdmin, clientId);
      let checked = 0;
      for (const group of groups.items.slice(0, 4)) {
        const preview = await app.core.groups.previewExclusion(partnerAdmin, clientId, group.id, {
          sampleSize: 500,
        });
        if (preview.affected.count === 0 || preview.affected.count > 500) continue;
        assert.equal(preview.affected.sample.length, preview.affected.count);
        const holders = preview.affected.sample.filter((u) => skusInTenant(u.id).includes(speE3)).length;
        const fact = preview.figures.facts.find((f) => f.label === 'Licences they hold');
        if (holders === 0) {
          assert.equal(preview.affected.monthlyLicenceCost, null);
          assert.equal(fact, undefined);
        } else {
          assert.equal(preview.affected.monthlyLicenceCost?.cents, holders * 3300, group.id);
          assert.equal(fact?.value, `${(holders * 33).toFixed(2)} GBP a month (still assigned)`);
          checked++;
        }
      }
      assert.ok(checked > 0, 'a group with priced licences among its members');
    });

    it('bad input is refused with a clear 400 and changes nothing', async () => {
      for (const input of [
        { action: 'block_sign_in', userIds: selection, skuIds: [speE3] },
        { action: 'remove_licences', userIds: selection, skuIds: ['E3'] },
        { action: 'remove_licences', userIds: selection, skuIds: [] },
        { action: 'delete_user', userIds: selection },
      ]) {
        await assert.rejects(app.core.userActions.preview(partnerAdmin, clientId, input), ValidationError);
        await assert.rejects(
          app.core.userActions.execute(partnerAdmin, clientId, { ...input, confirm: true }),
          ValidationError,
        );
      }
      for (const id of selection) assert.deepEqual(skusInTenant(id), original.get(id));
    });

    it('without LicenseAssignment.ReadWrite.All: unavailable with the consent hint; a forced confirm is refused with the same words, nothing sent, the attempt audited as refused; nothing to undo', async () => {
      const preview = await app.core.userActions.preview(partnerAdmin, clientId, {
        action: 'remove_licences',
        userIds: selection,
      });
      assert.equal(preview.available, false);
      assert.equal(preview.permission, 'LicenseAssignment.ReadWrite.All');
      assert.match(preview.availabilityDetail, /LicenseAssignment\.ReadWrite\.All.*consent/);
      assert.equal(
        preview.unavailableNotice,
        `Not available for this client yet. ${preview.availabilityDetail}`,
      );
      await assert.rejects(
        app.core.userActions.execute(partnerAdmin, clientId, {
          action: 'remove_licences',
          userIds: selection,
          confirm: true,
        }),
        (error: unknown) =>
          isAppError(error, 'permission_missing') &&
          error.status === 409 &&
          error.message === preview.unavailableNotice &&
          error.details?.permission === 'LicenseAssignment.ReadWrite.All',
      );
      for (const id of selection) assert.deepEqual(skusInTenant(id), original.get(id));
      const refused = await audited('user.remove_licences');
      for (const id of selection)
        assert.deepEqual(
          refused.get(id)?.map((a) => [a.outcome, a.reason]),
          [['refused', 'permission_missing']],
          id,
        );
      const undo = await app.core.userActions.preview(partnerAdmin, clientId, {
        action: 'restore_licences',
        userIds: selection,
      });
      assert.equal(undo.notApplicable, selection.length);
    });

    it('with it: the preview names the licences and the cost reclaimed; confirmed, each user’s licences go (the inherited one is refused by Graph and reported); a retry sends nothing', async () => {
      tenant.grantAppPermissions(harness.app.clientId, ['LicenseAssignment.ReadWrite.All']);
      const preview = await app.core.userActions.preview(partnerAdmin, clientId, {
        action: 'remove_licences',
        userIds: selection,
      });
      assert.equal(preview.available, true);
      assert.equal(preview.undo, 'restore_licences');
      assert.equal(preview.toChange, selection.length);
      for (const target of preview.targets) {
        assert.deepEqual(target.licences.map((l) => l.skuId).sort(), original.get(target.id), target.id);
        const e3 = target.licences.find((l) => l.skuId === speE3);
        if (e3 !== undefined) assert.equal(e3.price?.amount, '33.00');
        // Only prices set count: a user holding no priced licence shows no cost, never zero.
        assert.equal(target.monthlyCost?.cents ?? null, e3 === undefined ? null : 3300);
      }
      const holders = selection.filter((id) => original.get(id)?.includes(speE3)).length;
      assert.equal(preview.monthlyCostReclaimed?.cents, holders * 3300);
      assert.equal(preview.monthlyCostReclaimed.currency, 'GBP');

      const outcome = await app.core.userActions.execute(partnerAdmin, clientId, {
        action: 'remove_licences',
        userIds: selection,
        confirm: true,
      });
      assert.equal(
        outcome.refused,
        1,
        JSON.stringify(outcome.results.filter((r) => r.outcome === 'refused')),
      );
      assert.equal(outcome.done, selection.length - 1);
      const refused = outcome.results.find((r) => r.outcome === 'refused');
      assert.equal(refused?.id, inheriting);
      assert.equal(refused.graphStatus, 400);
      assert.match(refused.reason ?? '', /inherited from a group membership/);
      // Nothing half-done: the refused user keeps every licence.
      assert.deepEqual(skusInTenant(inheriting), original.get(inheriting));
      for (const id of selection.filter((i) => i !== inheriting)) {
        assert.deepEqual(skusInTenant(id), [], id);
        const result = outcome.results.find((r) => r.id === id);
        assert.deepEqual([...(result?.skuIds ?? [])].sort(), original.get(id), id);
      }
      const audit = await audited('user.remove_licences');
      for (const id of selection) {
        const last = audit
          .get(id)
          ?.filter((a) => a.reason !== 'permission_missing')
          .at(-1);
        assert.equal(last?.displayName, tenant.user(id)?.displayName, id);
        assert.equal(last?.outcome, id === inheriting ? 'refused' : 'done', id);
        if (id !== inheriting) assert.deepEqual([...(last.skuIds as string[])].sort(), original.get(id));
      }
      // The copy holds what Graph holds: the users done no longer count as licensed.
      const licensed = await app.core.licences.userLicences(partnerAdmin, clientId, selection[1]);
      assert.deepEqual(licensed.licences, []);

      const again = await app.core.userActions.execute(partnerAdmin, clientId, {
        action: 'remove_licences',
        userIds: selection.filter((i) => i !== inheriting),
        confirm: true,
      });
      assert.equal(again.itemRequests, 0);
      assert.ok(again.results.every((r) => r.outcome === 'done' && r.reason === 'Holds no licences.'));
    });

    it('Undo gives back exactly the licences removed; the refused user has nothing to give back', async () => {
      const preview = await app.core.userActions.preview(partnerAdmin, clientId, {
        action: 'restore_licences',
        userIds: selection,
      });
      assert.equal(preview.toChange, selection.length - 1);
      assert.equal(preview.targets.find((t) => t.id === inheriting)?.plan, 'not_applicable');
      const outcome = await app.core.userActions.execute(partnerAdmin, clientId, {
        action: 'restore_licences',
        userIds: selection,
        confirm: true,
      });
      assert.equal(outcome.done, selection.length - 1, JSON.stringify(outcome.results));
      for (const id of selection) assert.deepEqual(skusInTenant(id), original.get(id), id);
      const audit = await audited('user.restore_licences');
      for (const id of selection)
        assert.equal(audit.get(id)?.at(-1)?.outcome, id === inheriting ? 'not_applicable' : 'done', id);
      // Undone once: a second Undo has nothing left to give back.
      const twice = await app.core.userActions.preview(partnerAdmin, clientId, {
        action: 'restore_licences',
        userIds: selection,
      });
      assert.equal(twice.toChange, 0);
    });

    it('removing only the licences chosen leaves the others; the Undo gives back only those', async () => {
      const target = selection
        .filter((i) => i !== inheriting)
        .find((id) => (original.get(id)?.length ?? 0) > 1);
      assert.ok(target, 'a selected user holds more than one licence');
      const chosen = original.get(target)![0]!;
      const outcome = await app.core.userActions.execute(partnerAdmin, clientId, {
        action: 'remove_licences',
        userIds: [target],
        skuIds: [chosen],
        confirm: true,
      });
      assert.deepEqual(outcome.results[0]?.skuIds, [chosen]);
      assert.deepEqual(
        skusInTenant(target),
        original.get(target)!.filter((s) => s !== chosen),
      );
      await app.core.userActions.execute(partnerAdmin, clientId, {
        action: 'restore_licences',
        userIds: [target],
        confirm: true,
      });
      assert.deepEqual(skusInTenant(target), original.get(target));
    });

    it('the billing history records what licences cost each day where prices are set, and nothing where not', async () => {
      const latest = async () => {
        const days = await app.core.billing.history(partnerAdmin, clientId);
        return days.at(-1);
      };
      await app.core.licences.setPrices(partnerAdmin, clientId, {
        currency: 'GBP',
        prices: [{ skuId: speE3, monthlyPrice: null }],
      });
      assert.ok(await app.core.billing.takeSnapshot(clientId));
      assert.equal((await latest())?.licenceCost, null);
      await app.core.licences.setPrices(partnerAdmin, clientId, {
        currency: 'GBP',
        prices: [{ skuId: speE3, monthlyPrice: '33.00' }],
      });
      assert.ok(await app.core.billing.takeSnapshot(clientId));
      const seats =
        tenant.licences.subscribedSkus().find((sub) => sub.sku.skuId === speE3)?.enabledUnits ?? 0;
      assert.ok(seats > 0);
      assert.deepEqual((await latest())?.licenceCost, {
        cents: seats * 3300,
        amount: (seats * 33).toFixed(2),
        currency: 'GBP',
      });
      // The CSV export carries the same cost as the history view, day by day (empty where no price was set).
      const download = await app.core.exports.billingCsv(partnerAdmin, clientId, {});
      let text = '';
      for await (const chunk of download.chunks) text += chunk;
      const rows = parse<Record<string, string>>(text, { columns: true });
      const days = await app.core.billing.history(partnerAdmin, clientId);
      assert.equal(rows.length, days.length);
      assert.deepEqual(
        rows.map((row) => [row.day, row.billable, row.monthlyLicenceCost, row.currency]),
        days.map((day) => [
          day.day,
          String(day.billable),
          day.licenceCost?.amount ?? '',
          day.licenceCost?.currency ?? '',
        ]),
      );
      assert.equal(rows.at(-1)?.monthlyLicenceCost, (seats * 33).toFixed(2));
    });

    it('the threshold change preview counts who would expire and what their licences cost, as setting it then does', async () => {
      const expiredIds = async (): Promise<Set<string>> =>
        new Set(
          (await app.core.users.list(partnerAdmin, clientId, { expired: true, limit: 500 })).items.map(
            (u) => u.id,
          ),
        );
      const was = await expiredIds();
      const preview = await app.core.integrations.previewExpiryThreshold(partnerAdmin, clientId, 7);
      assert.equal(preview.thresholdDays, 7);
      assert.deepEqual(await expiredIds(), was, 'the preview changed nothing');
      const set = await app.core.integrations.setExpiryThreshold(partnerAdmin, clientId, 7);
      assert.equal(preview.newlyExpired, set.newlyExpired);
      assert.equal(preview.noLongerExpired, set.noLongerExpired);
      assert.ok(preview.newlyExpired > 0, 'a shorter threshold expires more users');
      const newly = [...(await expiredIds())].filter((id) => !was.has(id));
      assert.equal(newly.length, preview.newlyExpired);
      const holders = newly.filter((id) => skusInTenant(id).includes(speE3)).length;
      assert.equal(preview.newlyExpiredLicenceCost?.cents ?? null, holders === 0 ? null : holders * 3300);
      await app.core.integrations.setExpiryThreshold(partnerAdmin, clientId, preview.currentDays);
      await assert.rejects(
        app.core.integrations.previewExpiryThreshold(partnerAdmin, clientId, 3),
        ValidationError,
      );
    });

    it('revoke sessions: refused without User.RevokeSessions.All (nothing sent), done with it; no Undo', async () => {
      const users = selection.slice(0, 5);
      await assert.rejects(
        app.core.userActions.execute(partnerAdmin, clientId, {
          action: 'revoke_sessions',
          userIds: users,
          confirm: true,
        }),
        (error: unknown) => isAppError(error, 'permission_missing'),
      );
      for (const id of users) assert.equal(tenant.sessions.validFromOf(id), undefined);
      tenant.grantAppPermissions(harness.app.clientId, ['User.RevokeSessions.All']);
      const preview = await app.core.userActions.preview(partnerAdmin, clientId, {
        action: 'revoke_sessions',
        userIds: users,
      });
      assert.equal(preview.available, true);
      assert.equal(preview.undo, null);
      const outcome = await app.core.userActions.execute(partnerAdmin, clientId, {
        action: 'revoke_sessions',
        userIds: users,
        confirm: true,
      });
      assert.equal(outcome.done, users.length, JSON.stringify(outcome.results));
      assert.equal(outcome.undo, null);
      for (const id of users) assert.ok(tenant.sessions.validFromOf(id), id);
      const audit = await audited('user.revoke_sessions');
      for (const id of users)
        assert.deepEqual(
          audit.get(id)?.map((a) => [a.outcome, a.graphStatus ?? a.reason]),
          [
            ['refused', 'permission_missing'],
            ['done', 200],
          ],
          id,
        );
    });
  });
}
