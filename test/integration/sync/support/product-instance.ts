/**
 * One instance of the product for the multi-instance test and `bench:estate`, in a process of its own: the real
 * core (createCore) with its scheduler on PostgreSQL — the job queue, heartbeats, claims and every client's full
 * sync — without the HTTP edges, which the estate does not exercise. Argument: a JSON object { url, schema,
 * secretsKey (base64), authorityHost, graphBaseUrl, caCertPath, and optionally concurrency, schedulerTiming (the
 * scheduler's tick, poll, heartbeat and dead-instance times in ms) and reportsPaceMs (the reports tier's spacing) }.
 * Without the optional ones it runs with the product's defaults (bench:estate). Prints `ready` once its scheduler
 * runs; SIGTERM stops it cleanly (SIGKILL is what the benchmark's `--kill` sends).
 */
import fs from 'node:fs';
import { createCore } from '../../../../src/composition/create-core.js';
import { loadConfig } from '../../../../src/config/load-config.js';
import { REPORTS_PACE_KEY } from '../../../../src/graph/tenant-gate.js';
import { createLogger } from '../../../../src/shared/logger.js';

const options = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  schema: string;
  secretsKey: string;
  authorityHost: string;
  graphBaseUrl: string;
  caCertPath: string;
  concurrency?: number;
  schedulerTiming?: { tickMs?: number; pollMs?: number; heartbeatMs?: number; deadAfterMs?: number };
  reportsPaceMs?: number;
};
const config = loadConfig({
  APP_MODE: 'demo',
  DATABASE_URL: options.url,
  DATABASE_SCHEMA: options.schema,
  SECRETS_KEY: options.secretsKey,
  ...(options.concurrency === undefined ? {} : { SYNC_CONCURRENCY: String(options.concurrency) }),
  LOG_LEVEL: 'warn',
});
const logger = createLogger({ level: 'warn', destination: process.stderr });
const core = await createCore({
  config,
  logger,
  secretsKey: Buffer.from(options.secretsKey, 'base64'),
  graphEndpoints: {
    authorityHost: options.authorityHost,
    graphBaseUrl: options.graphBaseUrl,
    trustedCaPem: fs.readFileSync(options.caCertPath, 'utf8'),
  },
  ...(options.schedulerTiming === undefined ? {} : { schedulerTiming: options.schedulerTiming }),
  ...(options.reportsPaceMs === undefined
    ? {}
    : { reportsPace: { key: REPORTS_PACE_KEY, minIntervalMs: options.reportsPaceMs } }),
});
await core.scheduler.start();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  core.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
