import assert from 'node:assert/strict';
import type { SimTenant } from '../../../sim/index.js';
import { REPORTS_PACE_KEY } from '../../../src/graph/tenant-gate.js';
import { DAY_MS } from '../../../src/shared/clock.js';
import { ValidationError } from '../../../src/shared/errors.js';
import { engines } from '../../support/databases.js';
import { simulatorIntegration, startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
import { partnerAdmin, person, startCore, type CoreHarness } from './fixtures/core-harness.js';

const OUTSIDER = 'bbbbbbbb-0000-4000-8000-000000000099';

/** Prices the partner sets in these tests (hundredths of GBP), by skuPartNumber. */
const PRICES: Readonly<Record<string, string>> = {
  SPE_E3: '33.00',
  Microsoft_365_Copilot: '24.70',
  MCOMEETADV: '3.75',
};
const cents = (price: string): number => Math.round(Number(price) * 100);

for (const engine of engines) {
  describe(`licences and their cost equal the simulator's truth [${engine}]`, function () {
    this.timeout(180_000);
    let harness: TestSimulator;
    let app: CoreHarness;
    let tenant: SimTenant;
    let clientId: string;

    before(async () => {
      harness = await startTestSimulator({
        users: 120,
        groups: 8,
        premium: true,
        disabledRatio: 0.1,
        guestRatio: 0.1,
        signInDays: 45,
        signInsPerUserPerDay: 0.3,
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
      const first = await app.core.clientSync.run(clientId, { parts: ['directory'] });
      assert.ok(first.succeeded, JSON.stringify(first.runs.map((r) => r.run.errorMessage)));
      assert.ok(first.runs.some((r) => r.kind === 'licences' && r.run.status === 'succeeded'));
    });
    after(async () => {
      await app.dispose();
      await harness.close();
    });

    it('reads every subscription (purchased, assigned, unused) and names it from Microsoft’s list', async () => {
      const overview = await app.core.licences.overview(partnerAdmin, clientId);
      const truth = tenant.licences.subscribedSkus();
      assert.equal(overview.subscriptions.length, truth.length);
      assert.ok(overview.read);
      for (const sku of truth) {
        const view = overview.subscriptions.find((s) => s.skuId === sku.sku.skuId);
        assert.ok(view, sku.sku.skuPartNumber);
        const consumed = tenant.licences.consumedUnits(sku.sku.skuId);
        assert.equal(view.purchasedUnits, sku.enabledUnits);
        assert.equal(view.assignedUnits, consumed);
        assert.equal(view.unusedUnits, sku.enabledUnits - consumed);
        assert.equal(view.skuPartNumber, sku.sku.skuPartNumber);
      }
      assert.equal(
        overview.subscriptions.find((s) => s.skuPartNumber === 'SPE_E3')?.productName,
        'Microsoft 365 E3',
      );
      let licensed = 0;
      for (const user of tenant.users()) if (tenant.licences.assignedLicenses(user.id).length > 0) licensed++;
      assert.equal(overview.totals.licensedUsers, licensed);
    });

    it('shows no cost anywhere while no price is set', async () => {
      const overview = await app.core.licences.overview(partnerAdmin, clientId);
      assert.equal(overview.currency, null);
      assert.equal(overview.pricedSkus, 0);
      assert.ok(overview.subscriptions.every((s) => s.price === null && s.monthlyCost === null));
      assert.equal(overview.totals.monthlyCost, null);
      assert.equal(overview.totals.inactiveCost, null);
      const inactive = await app.core.licences.inactiveLicensed(partnerAdmin, clientId, { limit: 1000 });
      assert.equal(inactive.monthlyCost, null);
      assert.ok(inactive.users.every((u) => u.monthlyCost === null));
      const csv = await app.core.licences.reportCsv(partnerAdmin, clientId);
      const total = csv.text.split('\r\n').find((line) => line.startsWith('Total'));
      assert.ok(total?.endsWith(',,,,'), total);
    });

    it('refuses bad prices with a clear error and changes nothing', async () => {
      const spe = (await app.core.licences.prices(partnerAdmin, clientId)).prices[0]!;
      const attempts: unknown[] = [
        { prices: [{ skuId: spe.skuId, monthlyPrice: '12.00' }] },
        { currency: 'pounds', prices: [] },
        { currency: 'GBP', prices: [{ skuId: spe.skuId, monthlyPrice: '-1' }] },
        { currency: 'GBP', prices: [{ skuId: spe.skuId, monthlyPrice: '1.234' }] },
        { currency: 'GBP', prices: [{ skuId: '00000000-0000-4000-8000-000000000000', monthlyPrice: '1' }] },
        { currency: 'GBP', prices: [{ skuId: 'SPE_E3', monthlyPrice: '1' }] },
        { currency: 'GBP', extra: true },
      ];
      for (const attempt of attempts) {
        await assert.rejects(
          app.core.licences.setPrices(partnerAdmin, clientId, attempt),
          (error) => error instanceof ValidationError && error.message.length > 20,
          JSON.stringify(attempt),
        );
      }
      const after = await app.core.licences.prices(partnerAdmin, clientId);
      assert.equal(after.currency, null);
      assert.ok(after.prices.every((p) => p.price === null));
    });

    it('with prices set, the cost per client, per SKU and per user equals prices × the tenant’s assignments', async () => {
      const skus = tenant.licences.subscribedSkus();
      const priced = skus.filter((s) => PRICES[s.sku.skuPartNumber] !== undefined);
      await app.core.licences.setPrices(partnerAdmin, clientId, {
        currency: 'gbp',
        prices: priced.map((s) => ({ skuId: s.sku.skuId, monthlyPrice: PRICES[s.sku.skuPartNumber]! })),
      });
      const priceOf = (skuId: string): number | undefined => {
        const sku = skus.find((s) => s.sku.skuId === skuId);
        const price = sku === undefined ? undefined : PRICES[sku.sku.skuPartNumber];
        return price === undefined ? undefined : cents(price);
      };
      const overview = await app.core.licences.overview(partnerAdmin, clientId);
      assert.equal(overview.currency, 'GBP');
      let total = 0;
      for (const sku of skus) {
        const view = overview.subscriptions.find((s) => s.skuId === sku.sku.skuId)!;
        const price = priceOf(sku.sku.skuId);
        if (price === undefined) {
          assert.equal(view.monthlyCost, null, `${sku.sku.skuPartNumber} has no price: no cost`);
          continue;
        }
        const consumed = tenant.licences.consumedUnits(sku.sku.skuId);
        assert.ok(view.monthlyCost && view.unusedCost, `${sku.sku.skuPartNumber} is priced`);
        assert.equal(view.monthlyCost.cents, sku.enabledUnits * price);
        assert.equal(view.unusedCost.cents, (sku.enabledUnits - consumed) * price);
        assert.equal(view.monthlyCost.currency, 'GBP');
        total += sku.enabledUnits * price;
      }
      assert.ok(overview.totals.monthlyCost);
      assert.equal(overview.totals.monthlyCost.cents, total);
      assert.equal(overview.totals.monthlyCost.amount, (total / 100).toFixed(2));

      // Per user: every licensed user's cost is the sum of its priced SKUs.
      for (const user of [...tenant.users()].slice(0, 60)) {
        const held = tenant.licences.assignedLicenses(user.id).map((l) => l.skuId);
        const view = await app.core.licences.userLicences(partnerAdmin, clientId, user.id);
        assert.deepEqual(view.licences.map((l) => l.skuId).sort(), [...held].sort(), user.userPrincipalName);
        const prices = held.map(priceOf).filter((p): p is number => p !== undefined);
        assert.equal(
          view.monthlyCost?.cents ?? null,
          prices.length === 0 ? null : prices.reduce((a, b) => a + b, 0),
        );
        assert.equal(view.unpricedLicences, held.length - prices.length);
      }

      const audit = await app.core.auditLog.query(partnerAdmin, { client: clientId });
      const entry = audit.items.find((item) => item.action === 'licence.set_prices');
      assert.ok(entry, 'setting prices is audited');
    });

    it('lists the inactive but licensed users — disabled accounts, never signed in, expired — with the cost they hold', async () => {
      // The activity pass and the import: rule 8 now holds, so expired and never-signed-in users can be named.
      const sync = await app.core.clientSync.run(clientId, { parts: ['activity'] });
      assert.ok(sync.succeeded);
      await app.core.integrations.startImport(partnerAdmin, clientId);
      const list = await app.core.licences.inactiveLicensed(partnerAdmin, clientId, { limit: 1000 });
      const now = app.clock.now().getTime();
      const cutoff = now - 30 * DAY_MS;
      const imported = new Set(
        (await app.core.users.list(partnerAdmin, clientId, { state: 'imported', limit: 500 })).items.map(
          (u) => u.id,
        ),
      );
      const skus = tenant.licences.subscribedSkus();
      const expected = new Map<string, string[]>();
      let expectedCost = 0;
      for (const user of tenant.users()) {
        const held = tenant.licences.assignedLicenses(user.id);
        if (held.length === 0) continue;
        const last = tenant.signInActivity(user.id)?.lastSuccessfulSignInDateTime ?? null;
        const reasons: string[] = [];
        if (imported.has(user.id) && last !== null && Date.parse(last) < cutoff) reasons.push('expired');
        if (!user.accountEnabled) reasons.push('account_disabled');
        if (last === null) reasons.push('never_signed_in');
        if (reasons.length === 0) continue;
        expected.set(user.id, reasons);
        for (const licence of held) {
          const sku = skus.find((s) => s.sku.skuId === licence.skuId)!;
          const price = PRICES[sku.sku.skuPartNumber];
          if (price !== undefined) expectedCost += cents(price);
        }
      }
      assert.ok(expected.size > 0);
      assert.equal(list.total, expected.size);
      for (const user of list.users) assert.deepEqual(user.inactiveReasons, expected.get(user.id), user.id);
      for (const reason of ['account_disabled', 'expired', 'never_signed_in']) {
        assert.ok(
          [...expected.values()].some((r) => r.includes(reason)),
          `some user is ${reason}`,
        );
      }
      assert.equal(list.monthlyCost?.cents, expectedCost);
      const overview = await app.core.licences.overview(partnerAdmin, clientId);
      assert.equal(overview.totals.inactiveCost?.cents, expectedCost);
      assert.equal(overview.totals.inactiveLicensedUsers, expected.size);
      // The partner dashboard: the reclaimable cost per client; nobody else's clients.
      const dashboard = await app.core.licences.reclaimableByClient(partnerAdmin);
      const mine = dashboard.find((view) => view.clientId === clientId);
      assert.equal(mine?.reclaimableCost?.cents, expectedCost);
      assert.equal(mine.inactiveLicensedUsers, expected.size);
      assert.deepEqual(
        await app.core.licences.reclaimableByClient(person(OUTSIDER, 'outsider@elsewhere.example')),
        [],
      );
      // Most expensive first.
      const costs = list.users.map((u) => u.monthlyCost?.cents ?? -1);
      assert.deepEqual(
        costs,
        [...costs].sort((a, b) => b - a),
      );
    });

    it('shows the optional actions as unavailable with how to grant them, and available once granted', async () => {
      const before = await app.core.licences.actionAvailability(partnerAdmin, clientId);
      assert.deepEqual(
        before.map((a) => [a.action, a.permission, a.available]),
        [
          ['block_sign_in', 'User.EnableDisableAccount.All', false],
          ['revoke_sessions', 'User.RevokeSessions.All', false],
          ['remove_licences', 'LicenseAssignment.ReadWrite.All', false],
        ],
      );
      assert.ok(before.every((a) => a.detail.includes(a.permission) && a.detail.includes('consent')));
      tenant.grantAppPermissions(harness.app.clientId, ['User.EnableDisableAccount.All']);
      try {
        const after = await app.core.licences.actionAvailability(partnerAdmin, clientId);
        assert.deepEqual(
          after.map((a) => a.available),
          [true, false, false],
        );
      } finally {
        tenant.revokeAppPermissions(harness.app.clientId, ['User.EnableDisableAccount.All']);
      }
    });

    it('follows a licence change in the tenant on the next sync, and removing a price removes its cost', async () => {
      const user = [...tenant.users()].find((u) => tenant.licences.assignedLicenses(u.id).length > 0)!;
      tenant.licences.setAssignedLicenses(user.id, []);
      const outcome = await app.core.clientSync.run(clientId, { parts: ['directory'] });
      assert.ok(outcome.succeeded);
      const view = await app.core.licences.userLicences(partnerAdmin, clientId, user.id);
      assert.deepEqual(view.licences, []);
      assert.equal(view.monthlyCost, null);
      const spe = tenant.licences.subscribedSkus().find((s) => s.sku.skuPartNumber === 'SPE_E3')!;
      await app.core.licences.setPrices(partnerAdmin, clientId, {
        prices: [{ skuId: spe.sku.skuId, monthlyPrice: null }],
      });
      const overview = await app.core.licences.overview(partnerAdmin, clientId);
      const row = overview.subscriptions.find((s) => s.skuId === spe.sku.skuId)!;
      assert.equal(row.price, null);
      assert.equal(row.monthlyCost, null);
      assert.equal(row.assignedUnits, tenant.licences.consumedUnits(spe.sku.skuId));
    });
  });
}
