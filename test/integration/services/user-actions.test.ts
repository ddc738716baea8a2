import assert from 'node:assert/strict';
import type { SimTenant } from '../../../sim/index.js';
import { REPORTS_PACE_KEY } from '../../../src/graph/tenant-gate.js';
import type { CliContext } from '../../../src/cli/cli-context.js';
import { runCli } from '../../../src/cli/program.js';
import type { UserActionOutcome } from '../../../src/contracts/user-actions.js';
import { isAppError, ValidationError } from '../../../src/shared/errors.js';
import { engines } from '../../support/databases.js';
import { simulatorIntegration, startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
import { partnerAdmin, startCore, type CoreHarness } from './fixtures/core-harness.js';

/**
 * Block sign-in of inactive users and its Undo (issue 17, item 3), through the real core against the simulator over
 * HTTPS: preview, confirmation, Graph's JSON batching (20 a batch, https://learn.microsoft.com/en-us/graph/json-batching),
 * per-item throttling honoured, the per-user result and the audit; without User.EnableDisableAccount.All the preview
 * says so and a confirm is refused before anything is sent.
 */
for (const engine of engines) {
  describe(`block sign-in of inactive users, previewed, confirmed, audited, undone [${engine}]`, function () {
    this.timeout(240_000);
    let harness: TestSimulator;
    let app: CoreHarness;
    let tenant: SimTenant;
    let clientId: string;
    let selection: string[];

    before(async () => {
      harness = await startTestSimulator({
        users: 400,
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
      const client = await app.core.clients.add(partnerAdmin, { name: `act-${engine}` });
      clientId = client.id;
      await app.core.integrationStore.save(simulatorIntegration(harness, clientId, app.clock.now()));
      const sync = await app.core.clientSync.run(clientId, { parts: ['directory', 'activity'] });
      assert.ok(sync.succeeded, JSON.stringify(sync.runs.map((r) => r.run.errorMessage)));
      await app.core.integrations.startImport(partnerAdmin, clientId);
      const inactive = await app.core.licences.inactiveLicensed(partnerAdmin, clientId, { limit: 1000 });
      // Not the tenant's administrators: Microsoft refuses to let an app block them (offboarding.test.ts shows how
      // the product says so).
      selection = inactive.users
        .filter(
          (u) =>
            u.inactiveReasons.includes('expired') &&
            u.accountEnabled &&
            tenant.registrationDetails(u.id)?.isAdmin !== true,
        )
        .map((u) => u.id);
      assert.ok(selection.length >= 3, `expired, enabled, licensed users: ${selection.length.toString()}`);
      for (const id of selection) assert.equal(tenant.user(id)?.accountEnabled, true);
    });
    after(async () => {
      await app.dispose();
      await harness.close();
    });

    const audited = async (action: string): Promise<Map<string, Record<string, unknown>[]>> => {
      const page = await app.core.auditLog.query(partnerAdmin, { client: clientId, action, limit: 1000 });
      const byUser = new Map<string, Record<string, unknown>[]>();
      for (const item of page.items) {
        assert.equal(item.targetType, 'user');
        assert.equal(item.actor.objectId, partnerAdmin.objectId);
        const list = byUser.get(item.targetId!) ?? [];
        list.push(item.after as Record<string, unknown>);
        byUser.set(item.targetId!, list);
      }
      return byUser;
    };

    it('without the permission: shown unavailable with the consent hint; a forced confirm is refused with the same words, nothing sent or changed, the attempt audited as refused', async () => {
      const preview = await app.core.userActions.preview(partnerAdmin, clientId, {
        action: 'block_sign_in',
        userIds: selection,
      });
      assert.equal(preview.available, false);
      assert.match(preview.availabilityDetail, /User\.EnableDisableAccount\.All/);
      assert.match(preview.availabilityDetail, /consent/);
      assert.equal(
        preview.unavailableNotice,
        `Not available for this client yet. ${preview.availabilityDetail}`,
      );
      assert.equal(preview.toChange, selection.length);
      // A confirm that arrives anyway (an old card, a direct API call): refused before any request to Graph.
      await assert.rejects(
        app.core.userActions.execute(partnerAdmin, clientId, {
          action: 'block_sign_in',
          userIds: selection,
          confirm: true,
        }),
        (error: unknown) =>
          isAppError(error, 'permission_missing') &&
          error.status === 409 &&
          error.message === preview.unavailableNotice,
      );
      for (const id of selection) assert.equal(tenant.user(id)?.accountEnabled, true);
      // The attempt is audited, each user as refused for the missing permission.
      const refused = await audited('user.block_sign_in');
      assert.deepEqual([...refused.keys()].sort(), [...selection].sort());
      for (const id of selection)
        assert.deepEqual(
          refused.get(id)?.map((a) => [a.outcome, a.reason, a.permission]),
          [['refused', 'permission_missing', 'User.EnableDisableAccount.All']],
        );
    });

    it('with the permission: preview (who, what, cost), no change without confirm, then every selected user blocked in the tenant, each audited; a retry sends nothing', async () => {
      tenant.grantAppPermissions(harness.app.clientId, ['User.EnableDisableAccount.All']);
      const spe = tenant.licences.subscribedSkus().find((s) => s.sku.skuPartNumber === 'SPE_E3')!;
      await app.core.licences.setPrices(partnerAdmin, clientId, {
        currency: 'GBP',
        prices: [{ skuId: spe.sku.skuId, monthlyPrice: '33.00' }],
      });
      const deleted = '00000000-0000-4000-8000-00000000abcd';
      const preview = await app.core.userActions.preview(partnerAdmin, clientId, {
        action: 'block_sign_in',
        userIds: [...selection, deleted],
      });
      assert.equal(preview.available, true);
      assert.equal(preview.toChange, selection.length);
      assert.equal(preview.notApplicable, 1);
      assert.equal(preview.targets.find((t) => t.id === deleted)?.plan, 'not_applicable');
      const holders = selection.filter((id) =>
        tenant.licences.assignedLicenses(id).some((l) => l.skuId === spe.sku.skuId),
      ).length;
      assert.equal(preview.monthlyCostHeld?.cents ?? 0, holders * 3300);
      await assert.rejects(
        app.core.userActions.execute(partnerAdmin, clientId, { action: 'block_sign_in', userIds: selection }),
        ValidationError,
      );
      for (const id of selection) assert.equal(tenant.user(id)?.accountEnabled, true);

      // Through the CLI: the preview first (nothing changed), then --confirm.
      const out: string[] = [];
      const cli: CliContext = {
        actor: partnerAdmin,
        out: (text) => out.push(text),
        err: (text) => out.push(text),
        core: () => Promise.resolve(app.core),
      };
      assert.equal(await runCli(['users', 'block', clientId, ...selection], cli), 0);
      assert.match(out.join('\n'), new RegExp(`${selection.length.toString()} to change, 0 already so`));
      assert.match(out.join('\n'), /run the same command with --confirm/);
      for (const id of selection) assert.equal(tenant.user(id)?.accountEnabled, true);
      out.length = 0;
      assert.equal(await runCli(['users', 'block', clientId, ...selection, '--confirm', '--json'], cli), 0);
      const outcome = JSON.parse(out.join('')) as UserActionOutcome;
      assert.equal(
        outcome.done,
        selection.length,
        JSON.stringify(outcome.results.filter((r) => r.outcome !== 'done')),
      );
      assert.equal(outcome.batches, Math.ceil(selection.length / 20));
      for (const id of selection) assert.equal(tenant.user(id)?.accountEnabled, false, id);
      const audit = await audited('user.block_sign_in');
      for (const id of selection) {
        assert.deepEqual(
          audit
            .get(id)
            ?.filter((a) => a.reason !== 'permission_missing')
            .map((a) => [a.outcome, a.graphStatus, a.displayName]),
          [['done', 204, tenant.user(id)?.displayName]],
          id,
        );
      }

      const again = await app.core.userActions.execute(partnerAdmin, clientId, {
        action: 'block_sign_in',
        userIds: selection,
        confirm: true,
      });
      assert.equal(again.done, selection.length);
      assert.equal(again.itemRequests, 0);
      assert.ok(again.results.every((r) => !r.requested && r.reason === 'Sign-in is already blocked.'));
    });

    it('Undo under Graph’s throttling: every throttled item waits its Retry-After and is sent again; sign-in allowed again', async () => {
      // A write is one resource unit: a bucket smaller than the selection throttles the last items of the batch.
      // It refills in 2 s rather than Graph's 10 s, so each Retry-After is the simulator's minimum of 1 s instead of
      // several: the same throttling, told and honoured, without the suite waiting Graph's real seconds.
      const capacity = selection.length - 1;
      harness.sim.faults.setRealisticThrottling(true, {
        identityResourceUnitsPer10s: capacity,
        identityWindowMs: 2_000,
      });
      try {
        const outcome = await app.core.userActions.execute(partnerAdmin, clientId, {
          action: 'unblock_sign_in',
          userIds: selection,
          confirm: true,
        });
        assert.equal(outcome.done, selection.length, JSON.stringify(outcome.results));
        assert.ok(outcome.throttledItems >= selection.length - capacity, outcome.throttledItems.toString());
        assert.ok(outcome.batches > Math.ceil(selection.length / 20));
        assert.equal(outcome.itemRequests, selection.length + outcome.throttledItems);
        for (const id of selection) assert.equal(tenant.user(id)?.accountEnabled, true, id);
        const audit = await audited('user.unblock_sign_in');
        for (const id of selection)
          assert.deepEqual(
            audit.get(id)?.map((a) => a.outcome),
            ['done'],
            id,
          );
      } finally {
        harness.sim.faults.setRealisticThrottling(false);
        tenant.revokeAppPermissions(harness.app.clientId, ['User.EnableDisableAccount.All']);
      }
    });
  });
}
