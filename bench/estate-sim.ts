/**
 * The simulator of `bench:estate`, in a process of its own: many tenants in one simulator, a latency on every
 * response and Graph's documented throttling on. Argument: a JSON object { dataDir, latencyMs, tenants: [{ seed,
 * users }] }. Prints one JSON line once ready: the endpoints and, per tenant, its id, app credentials and user count.
 */
import { demoTenantSpec, startSimulator } from '../sim/index.js';

const { dataDir, latencyMs, tenants } = JSON.parse(process.argv[2] ?? '{}') as {
  dataDir: string;
  latencyMs: number;
  tenants: { seed: number; users: number }[];
};
const simulator = await startSimulator({
  dataDir,
  latencyMs,
  tenants: tenants.map(({ seed, users }) =>
    demoTenantSpec({
      seed,
      users,
      displayName: `Estate tenant ${String(seed)}`,
      domain: `estate${String(seed)}.onmicrosoft.com`,
      groups: Math.max(4, Math.round(users / 20)),
      nestingDepth: 3,
      signInDays: 30,
      signInsPerUserPerDay: 1,
    }),
  ),
});
// Graph's documented limits (identity and access tiers, reports tier): sim/throttling.ts.
simulator.faults.setRealisticThrottling(true);
process.stdout.write(
  `${JSON.stringify({
    authorityHost: simulator.authorityHost,
    graphBaseUrl: simulator.graphBaseUrl,
    caCertPath: simulator.caCertPath,
    controlUrl: simulator.controlUrl,
    tenants: simulator.tenants().map((tenant) => {
      const app = tenant.registeredApps()[0];
      if (app === undefined) throw new Error(`tenant ${tenant.tenantId} has no app`);
      return {
        tenantId: tenant.tenantId,
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        users: tenant.userCount,
      };
    }),
  })}\n`,
);
const stop = (): void => {
  simulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
