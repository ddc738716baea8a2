/**
 * One scheduler instance in a process of its own, for the multi-instance test (which `kill -9`s it): the real
 * PgBossJobScheduler on the test's PostgreSQL store, whose client job prints `started <client> <instance>` and then
 * holds its slot until killed. Argument: a JSON object { url, schema, instanceId, clients, job }.
 */
import { createLogger } from '../../../../src/shared/logger.js';
import { systemClock } from '../../../../src/shared/clock.js';
import { PgBossJobScheduler } from '../../../../src/sync/scheduler/pg-boss-job-scheduler.js';

const { url, schema, instanceId, clients, job } = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  schema: string;
  instanceId: string;
  clients: string[];
  job: string;
};
const scheduler = new PgBossJobScheduler({
  connectionString: url,
  schema,
  instanceId,
  clock: systemClock,
  listClients: () => Promise.resolve(clients.map((clientId) => ({ clientId, priority: 0 }))),
  logger: createLogger({ level: 'silent' }),
  concurrency: 4,
  tickMs: 500,
  pollMs: 200,
  heartbeatMs: 300,
  deadAfterMs: 3_000,
});
scheduler.registerClientJob({
  name: job,
  everyMinutes: 60,
  run: async (clientId) => {
    process.stdout.write(`started ${clientId} ${instanceId}\n`);
    await new Promise(() => undefined);
  },
});
await scheduler.start();
process.stdout.write('ready\n');
