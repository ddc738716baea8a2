/**
 * `npm run bench:actions`: blocking sign-in of 1,000 users through Graph's JSON batching (20 a batch,
 * https://learn.microsoft.com/en-us/graph/json-batching) with the simulator's documented throttling on (identity
 * tier: 8,000 resource units per 10 s per app and tenant for a tenant of over 500 users, a write to /users charged
 * 2; https://learn.microsoft.com/en-us/graph/throttling-limits#identity-and-access-service-limits), then the Undo.
 * Through the real core (authorization, preview, audit) on SQLite, against the simulator over HTTPS. Prints the time
 * against the floor (requests needed × documented limits); asserts nothing. BENCH_ACTIONS_USERS (default 1,000),
 * BENCH_ACTIONS_CAPACITY (resource units per 10 s; default the documented 8,000).
 */
import { REPORTS_PACE_KEY } from '../src/graph/tenant-gate.js';
import { BATCH_LIMIT } from '../src/services/user-actions-service.js';
import { startTestSimulator } from '../test/integration/graph/simulator-harness.js';
import { partnerAdmin, startCore } from '../test/integration/services/fixtures/core-harness.js';

const USERS = Number(process.env.BENCH_ACTIONS_USERS ?? 1000);
const CAPACITY = Number(process.env.BENCH_ACTIONS_CAPACITY ?? 8000);
const RU_PER_WRITE = 2;
const WINDOW_S = 10;

const harness = await startTestSimulator({ users: USERS + 50, groups: 5, premium: true, signInDays: 2 });
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
  tenant.grantAppPermissions(harness.app.clientId, ['User.EnableDisableAccount.All']);
  const ids = [...tenant.users()]
    .filter((u) => u.accountEnabled)
    .slice(0, USERS)
    .map((u) => u.id);
  harness.sim.faults.setRealisticThrottling(true, { identityResourceUnitsPer10s: CAPACITY });

  const requests = Math.ceil(ids.length / BATCH_LIMIT);
  const units = ids.length * RU_PER_WRITE;
  // The bucket starts full; what is beyond it refills at capacity per 10 s.
  const floorS = Math.max(0, (units - CAPACITY) / (CAPACITY / WINDOW_S));
  console.log(
    `bench:actions — ${ids.length.toString()} users, ${requests.toString()} batches of ≤${BATCH_LIMIT.toString()}, ` +
      `${units.toString()} resource units against ${CAPACITY.toString()} per ${WINDOW_S.toString()} s`,
  );
  console.log(`  throttling floor (units beyond the full bucket ÷ refill rate): ${floorS.toFixed(1)} s`);

  let t = performance.now();
  const preview = await app.core.userActions.preview(partnerAdmin, client.id, {
    action: 'block_sign_in',
    userIds: ids,
  });
  console.log(
    `  preview: ${((performance.now() - t) / 1000).toFixed(2)} s (${preview.toChange.toString()} to change)`,
  );
  for (const [action, label] of [
    ['block_sign_in', 'block'],
    ['unblock_sign_in', 'undo'],
  ] as const) {
    t = performance.now();
    const outcome = await app.core.userActions.execute(partnerAdmin, client.id, {
      action,
      userIds: ids,
      confirm: true,
    });
    const seconds = (performance.now() - t) / 1000;
    const inTenant = ids.filter(
      (id) => tenant.user(id)?.accountEnabled === (action === 'unblock_sign_in'),
    ).length;
    console.log(
      `  ${label}: ${seconds.toFixed(2)} s — ${outcome.done.toString()} done, ${outcome.refused.toString()} refused, ` +
        `${outcome.batches.toString()} batches, ${outcome.itemRequests.toString()} item requests, ` +
        `${outcome.throttledItems.toString()} throttled and resent; tenant shows ${inTenant.toString()} changed; ` +
        `vs floor ${floorS.toFixed(1)} s`,
    );
  }
} finally {
  await app.dispose();
  await harness.close();
}
