/**
 * `npm run sim -- --seed 1 --users 10000 [--port P] [--json] [--data-dir D]`: runs the simulator with one tenant
 * until interrupted. With `--json`, prints exactly one JSON line once ready (what a benchmark or the product needs
 * to connect) and nothing else on stdout; logs go to stderr.
 */
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { demoTenantSpec, startSimulator } from './index.js';
import type { SimLogger } from './types.js';

function integer(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`must be an integer >= ${min.toString()}`);
    return n;
  };
}

const program = new Command()
  .name('sim')
  .description('Local Entra ID + Microsoft Graph simulator (HTTPS)')
  .option('--seed <n>', 'tenant seed (same seed, same tenant)', integer(0), 1)
  .option('--users <n>', 'number of users', integer(0), 2000)
  .option('--groups <n>', 'number of groups (default: users / 20)', integer(1))
  .option('--sign-in-days <n>', 'days of sign-in history', integer(0), 30)
  .option('--no-premium', 'tenant without Entra ID P1/P2 (sign-in data answers 403)')
  .option('--port <n>', 'port (0 = any free port)', integer(0), 0)
  .option('--host <address>', 'listen address', '127.0.0.1')
  .option('--data-dir <dir>', 'folder for the CA, server certificate and signing key', 'data/sim')
  .option('--latency-ms <n>', 'latency added to every response', integer(0), 0)
  .option('--realistic-throttling', 'enforce Graph throttling limits (reports and identity tiers)')
  .option('--json', 'print one JSON line with the connection details once ready')
  .parse(process.argv);

const opts = program.opts<{
  seed: number;
  users: number;
  groups?: number;
  signInDays: number;
  premium: boolean;
  port: number;
  host: string;
  dataDir: string;
  latencyMs: number;
  realisticThrottling?: boolean;
  json?: boolean;
}>();

const logger: SimLogger = {
  info: (message, details) => {
    console.error(`[sim] ${message}${details ? ` ${JSON.stringify(details)}` : ''}`);
  },
  warn: (message, details) => {
    console.error(`[sim] WARN ${message}${details ? ` ${JSON.stringify(details)}` : ''}`);
  },
};

const started = Date.now();
const simulator = await startSimulator({
  dataDir: path.resolve(opts.dataDir),
  port: opts.port,
  host: opts.host,
  latencyMs: opts.latencyMs,
  realisticThrottling: opts.realisticThrottling === true,
  logger,
  tenants: [
    demoTenantSpec({
      seed: opts.seed,
      users: opts.users,
      displayName: `Simulated Tenant ${opts.seed.toString()}`,
      domain: `sim${opts.seed.toString()}.onmicrosoft.com`,
      groups: opts.groups ?? Math.max(8, Math.round(opts.users / 20)),
      signInDays: opts.signInDays,
      premium: opts.premium,
    }),
  ],
});

const tenant = simulator.tenants()[0];
const app = tenant?.registeredApps()[0];
if (!tenant || !app) throw new Error('the simulator started without a tenant or app');
const details = {
  authorityHost: simulator.authorityHost,
  graphBaseUrl: simulator.graphBaseUrl,
  tenantId: tenant.tenantId,
  clientId: app.clientId,
  clientSecret: app.clientSecret,
  caCertPath: simulator.caCertPath,
  controlUrl: simulator.controlUrl,
};
if (opts.json === true) {
  console.log(JSON.stringify(details));
} else {
  logger.info(`ready in ${(Date.now() - started).toString()} ms`, {
    users: tenant.userCount,
    groups: tenant.groupCount,
    signIns: tenant.signInCount,
  });
  for (const [key, value] of Object.entries(details)) console.log(`${key.padEnd(14)} ${value}`);
  console.log(`\nTrust the CA: NODE_EXTRA_CA_CERTS=${simulator.caCertPath}`);
}

const stop = (): void => {
  simulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
// Orphaned (the parent — npm, a benchmark — died without stopping us): stop too, rather than serve forever.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stop();
}, 2000).unref();
