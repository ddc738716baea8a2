import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startSimulator, type Simulator, type SimTenant } from '../../../sim/index.js';
import { SIM_SKUS } from '../../../sim/licences.js';
import { loadGraphSchema } from './graph-schema.js';
import {
  connectGraph,
  isGraphError,
  readAll,
  SIM_TEST_DATA_DIR,
  type GraphConnection,
} from './sim-clients.js';

interface SubscribedSku {
  id: string;
  accountId: string;
  skuId: string;
  skuPartNumber: string;
  appliesTo: string;
  capabilityStatus: string;
  consumedUnits: number;
  prepaidUnits: { enabled: number; lockedOut: number; suspended: number; warning: number };
  servicePlans: { servicePlanId: string; servicePlanName: string }[];
}

interface UserLicences {
  id: string;
  assignedLicenses: { skuId: string; disabledPlans: string[] }[];
}

/**
 * Microsoft's documentation: subscribedSku (https://learn.microsoft.com/en-us/graph/api/resources/subscribedsku),
 * List subscribedSkus (https://learn.microsoft.com/en-us/graph/api/subscribedsku-list: application permission
 * LicenseAssignment.Read.All least privileged, Organization.Read.All and Directory.Read.All higher; only `$select`),
 * and user.assignedLicenses ("Returned only on $select", https://learn.microsoft.com/en-us/graph/api/resources/user).
 */
describe('simulator licences: /subscribedSkus and users’ assignedLicenses', function () {
  this.timeout(120_000);
  let sim: Simulator;
  let tenant: SimTenant;
  let graph: GraphConnection;

  before(async () => {
    sim = await startSimulator({
      dataDir: SIM_TEST_DATA_DIR,
      tenants: [{ seed: 1717, users: 600, groups: 30, signInDays: 1, premium: true }],
    });
    tenant = sim.tenants()[0]!;
    graph = connectGraph(sim, tenant);
  });
  after(async () => {
    await graph.close();
    await sim.close();
  });

  it('lists the subscriptions in Microsoft’s schema, consumed units equal to the users holding each', async () => {
    const page = (await graph.client.api('/subscribedSkus').get()) as { value: SubscribedSku[] };
    const truth = tenant.licences.subscribedSkus();
    assert.equal(page.value.length, truth.length);
    assert.ok(page.value.length >= 4);
    const schema = loadGraphSchema();
    const properties = schema.propertiesOf('v1.0', 'subscribedSku');
    const units = schema.propertiesOf('v1.0', schema.complexTypeOf('v1.0', 'subscribedSku', 'prepaidUnits')!);
    const plan = schema.propertiesOf('v1.0', schema.complexTypeOf('v1.0', 'subscribedSku', 'servicePlans')!);
    assert.ok(properties && units && plan);
    for (const sku of page.value) {
      for (const key of Object.keys(sku))
        assert.ok(properties.has(key), `subscribedSku has no property ${key}`);
      for (const key of Object.keys(sku.prepaidUnits))
        assert.ok(units.has(key), `licenseUnitsDetail: ${key}`);
      for (const key of Object.keys(sku.servicePlans[0]!))
        assert.ok(plan.has(key), `servicePlanInfo: ${key}`);
      assert.equal(sku.id, `${tenant.tenantId}_${sku.skuId}`);
      assert.equal(sku.accountId, tenant.tenantId);
      assert.equal(sku.appliesTo, 'User');
      let holders = 0;
      for (const user of tenant.users()) {
        if (tenant.licences.assignedLicenses(user.id).some((l) => l.skuId === sku.skuId)) holders++;
      }
      assert.equal(sku.consumedUnits, holders, sku.skuPartNumber);
      assert.ok(sku.prepaidUnits.enabled >= sku.consumedUnits, sku.skuPartNumber);
      const known = Object.values(SIM_SKUS).find((s) => s.skuId === sku.skuId);
      assert.equal(sku.skuPartNumber, known?.skuPartNumber);
    }
  });

  it('serves assignedLicenses on /users only when selected, equal to the tenant’s assignments', async () => {
    const plain = (await graph.client.api('/users').top(5).get()) as { value: Record<string, unknown>[] };
    assert.ok(plain.value.every((user) => !('assignedLicenses' in user)));
    const { items } = await readAll<UserLicences>(graph.client, '/users', (r) =>
      r.select('id,assignedLicenses').top(999),
    );
    assert.equal(items.length, tenant.userCount);
    let licensed = 0;
    for (const item of items) {
      const expected = tenant.licences.assignedLicenses(item.id);
      assert.deepEqual(
        item.assignedLicenses,
        expected.map((l) => ({ skuId: l.skuId, disabledPlans: [] })),
      );
      if (expected.length > 0) licensed++;
      const user = tenant.user(item.id)!;
      if (user.userType === 'Guest') assert.deepEqual(item.assignedLicenses, [], 'guests hold no licence');
    }
    assert.ok(licensed > items.length / 2);
    const disabledLicensed = [...tenant.users()].filter(
      (u) => !u.accountEnabled && tenant.licences.assignedLicenses(u.id).length > 0,
    );
    assert.ok(
      disabledLicensed.length > 0,
      'blocking sign-in does not free a seat: disabled accounts keep licences',
    );
  });

  it('reflects a licence change at once in /users and consumedUnits', async () => {
    const user = [...tenant.users()].find((u) => u.userType === 'Member')!;
    const before = (await graph.client.api('/subscribedSkus').get()) as { value: SubscribedSku[] };
    const copilot = before.value.find((s) => s.skuPartNumber === 'Microsoft_365_Copilot')!;
    const had = tenant.licences.assignedLicenses(user.id).map((l) => l.skuId);
    const without = had.filter((id) => id !== copilot.skuId);
    tenant.licences.setAssignedLicenses(user.id, [...without, copilot.skuId]);
    const after = (await graph.client.api('/subscribedSkus').get()) as { value: SubscribedSku[] };
    const delta = had.includes(copilot.skuId) ? 0 : 1;
    assert.equal(
      after.value.find((s) => s.skuId === copilot.skuId)!.consumedUnits,
      copilot.consumedUnits + delta,
    );
    const one = (await graph.client
      .api(`/users/${user.id}`)
      .select('id,assignedLicenses')
      .get()) as UserLicences;
    assert.ok(one.assignedLicenses.some((l) => l.skuId === copilot.skuId));
    assert.throws(() => {
      tenant.licences.setAssignedLicenses(user.id, [randomUUID()]);
    }, /no subscription/);
  });

  it('gets one subscription by its {tenantId}_{skuId} id and refuses $filter as the directory does', async () => {
    const id = `${tenant.tenantId}_${SIM_SKUS.SPE_E3.skuId}`;
    const one = (await graph.client.api(`/subscribedSkus/${id}`).select('skuPartNumber').get()) as Record<
      string,
      unknown
    >;
    assert.equal(one.skuPartNumber, 'SPE_E3');
    await assert.rejects(
      graph.client.api('/subscribedSkus').filter("skuPartNumber eq 'SPE_E3'").get(),
      (e) => isGraphError(e) && e.statusCode === 400,
    );
    await assert.rejects(
      graph.client.api(`/subscribedSkus/${tenant.tenantId}_${randomUUID()}`).get(),
      (e) => isGraphError(e) && e.statusCode === 404,
    );
  });

  it('needs LicenseAssignment.Read.All, Organization.Read.All or a directory role: 403 without', async () => {
    const denied = randomUUID();
    tenant.addApp({ clientId: denied, clientSecret: 'users-only', permissions: ['User.Read.All'] });
    const allowed = randomUUID();
    tenant.addApp({
      clientId: allowed,
      clientSecret: 'licences',
      permissions: ['LicenseAssignment.Read.All'],
    });
    const limited = connectGraph(sim, tenant, { clientId: denied, clientSecret: 'users-only' });
    const licences = connectGraph(sim, tenant, { clientId: allowed, clientSecret: 'licences' });
    try {
      await assert.rejects(limited.client.api('/subscribedSkus').get(), (error) => {
        assert.ok(isGraphError(error));
        assert.equal(error.statusCode, 403);
        assert.equal(error.code, 'Authorization_RequestDenied');
        return true;
      });
      const page = (await licences.client.api('/subscribedSkus').get()) as { value: unknown[] };
      assert.equal(page.value.length, tenant.licences.subscribedSkus().length);
    } finally {
      await limited.close();
      await licences.close();
    }
  });
});
