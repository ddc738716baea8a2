/**
 * `npm run bench:actions`: blocking sign-in of 1,000 users and removing their licences through Graph's JSON batching
 * (20 a batch, https://learn.microsoft.com/en-us/graph/json-batching), each followed by its Undo, with the
 * simulator's documented throttling on. Identity and access service limits per app and tenant
 * (https://learn.microsoft.com/en-us/graph/throttling-limits#identity-and-access-service-limits): a token bucket of
 * 8,000 resource units per 10 s for a tenant of over 500 users (the simulator charges a write to /users 2 units,
 * assignLicense 1 — an endpoint the table does not list costs 1), and a write quota of 3,000 writes per 2 minutes
 * 30 seconds. Through the real core (authorization, preview, audit) on SQLite, against the simulator over HTTPS.
 * Prints each step's time against its floor (requests needed × documented limits); asserts nothing.
 * BENCH_ACTIONS_USERS (default 1,000), BENCH_ACTIONS_CAPACITY (resource units per 10 s; default the documented 8,000).
 */
import { REPORTS_PACE_KEY } from '../src/graph/tenant-gate.js';
import { BATCH_LIMIT } from '../src/services/user-actions-service.js';
import { startTestSimulator } from '../test/integration/graph/simulator-harness.js';
import { partnerAdmin, startCore } from '../test/integration/services/fixtures/core-harness.js';

const USERS = Number(process.env.BENCH_ACTIONS_USERS ?? 1000);
const CAPACITY = Number(process.env.BENCH_ACTIONS_CAPACITY ?? 8000);
const WINDOW_S = 10;
/** Microsoft's write quota per app and tenant: 3,000 writes per 150 s. */
const WRITES_PER_WINDOW = 3000;
const WRITE_WINDOW_S = 150;
/** Resource units per item, as the simulator charges them. */
const UNITS: Record<string, number> = {
  block_sign_in: 2,
  unblock_sign_in: 2,
  remove_licences: 1,
  restore_licences: 1,
};

const harness = await startTestSimulator({
  users: Math.ceil(USERS / 0.9) + 20,
  groups: 5,
  premium: true,
  signInDays: 2,
});
const tenant = harness.tenant;
const app = await startCore('sqlite', {
  graphEndpoints: harness.endpoints,
  start: new Date(Math.floor(harness.sim.now().getTime() / 1000) * 1000).toISOString(),
  reportsPace: { key: REPORTS_PACE_KEY, minIntervalMs: 0 },
});
try {
  const client = await app.core.clients.add(partnerAdmin, { name: 'bench-actions' });
  await app.core.integrationStore.save({
    clientId: client.id,
    kind: 'client_credentials',
    tenantId: tenant.tenantId,
    tenantInput: tenant.domain,
    appClientId: harness.app.clientId,
    clientSecret: harness.app.clientSecret,
    actor: 'bench',
    at: app.clock.now(),
  });
  const sync = await app.core.clientSync.run(client.id, { parts: ['directory'] });
  if (!sync.succeeded) throw new Error('the directory sync failed');
  tenant.grantAppPermissions(harness.app.clientId, [
    'User.EnableDisableAccount.All',
    'LicenseAssignment.ReadWrite.All',
  ]);
  const ids = [...tenant.users()]
    .filter((u) => u.accountEnabled && tenant.licences.assignedLicenses(u.id).length > 0)
    .slice(0, USERS)
    .map((u) => u.id);
  const held = new Map(
    ids.map((id) => [
      id,
      tenant.licences
        .assignedLicenses(id)
        .map((l) => l.skuId)
        .sort(),
    ]),
  );
  harness.sim.faults.setRealisticThrottling(true, { identityResourceUnitsPer10s: CAPACITY });

  const requests = Math.ceil(ids.length / BATCH_LIMIT);
  console.log(
    `bench:actions — ${ids.length.toString()} licensed users, ${requests.toString()} batches of ≤${BATCH_LIMIT.toString()} ` +
      `per action; ${CAPACITY.toString()} resource units per ${WINDOW_S.toString()} s, ` +
      `${WRITES_PER_WINDOW.toString()} writes per ${WRITE_WINDOW_S.toString()} s`,
  );
  let t = performance.now();
  const preview = await app.core.userActions.preview(partnerAdmin, client.id, {
    action: 'remove_licences',
    userIds: ids,
  });
  console.log(
    `  preview (remove licences): ${((performance.now() - t) / 1000).toFixed(2)} s ` +
      `(${preview.toChange.toString()} to change)`,
  );
  // The floor: the bucket starts full and refills at capacity per 10 s; the write window holds 3,000 writes, so the
  // writes beyond each 3,000 wait for the window to move on (the first write of the run opens it).
  const began = performance.now();
  let writes = 0;
  let unitsBeyond = -CAPACITY;
  for (const [action, label] of [
    ['block_sign_in', 'block sign-in'],
    ['unblock_sign_in', 'undo (allow sign-in)'],
    ['remove_licences', 'remove licences'],
    ['restore_licences', 'undo (give back)'],
  ] as const) {
    const units = ids.length * (UNITS[action] ?? 1);
    const floorS = Math.max(0, (units - CAPACITY) / (CAPACITY / WINDOW_S));
    writes += ids.length;
    unitsBeyond += units;
    t = performance.now();
    const outcome = await app.core.userActions.execute(partnerAdmin, client.id, {
      action,
      userIds: ids,
      confirm: true,
    });
    const seconds = (performance.now() - t) / 1000;
    const inTenant = ids.filter((id) => {
      if (action === 'block_sign_in') return tenant.user(id)?.accountEnabled === false;
      if (action === 'unblock_sign_in') return tenant.user(id)?.accountEnabled === true;
      const now = tenant.licences
        .assignedLicenses(id)
        .map((l) => l.skuId)
        .sort();
      return action === 'remove_licences'
        ? now.length === 0
        : JSON.stringify(now) === JSON.stringify(held.get(id));
    }).length;
    const cumulativeFloorS = Math.max(
      unitsBeyond / (CAPACITY / WINDOW_S),
      Math.floor((writes - 1) / WRITES_PER_WINDOW) * WRITE_WINDOW_S,
    );
    console.log(
      `  ${label}: ${seconds.toFixed(2)} s (floor ${floorS.toFixed(1)} s alone) — ${outcome.done.toString()} done, ` +
        `${outcome.refused.toString()} refused, ${outcome.batches.toString()} batches, ` +
        `${outcome.itemRequests.toString()} item requests, ${outcome.throttledItems.toString()} throttled and resent; ` +
        `tenant shows ${inTenant.toString()} changed; run so far ${((performance.now() - began) / 1000).toFixed(1)} s ` +
        `vs floor ${Math.max(0, cumulativeFloorS).toFixed(1)} s (${writes.toString()} writes)`,
    );
  }
} finally {
  await app.dispose();
  await harness.close();
}
