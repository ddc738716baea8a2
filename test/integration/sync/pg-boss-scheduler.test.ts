import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../../src/shared/logger.js';
import { PgBossJobScheduler } from '../../../src/sync/scheduler/pg-boss-job-scheduler.js';
import { dropStore, freshStoreConfig } from '../../support/databases.js';

const logger = createLogger({ level: 'silent' });

describe('pg-boss job scheduler across instances [postgres]', function () {
  this.timeout(60_000);
  const store = freshStoreConfig('postgres');
  const instances: PgBossJobScheduler[] = [];

  after(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await dropStore(store);
  });

  it('runs each client’s scheduled slot exactly once, whichever instances tick', async () => {
    if (store.kind !== 'postgres') throw new Error('postgres store expected');
    const clients = ['c1', 'c2', 'c3'];
    const runs: string[] = [];
    for (let index = 0; index < 2; index++) {
      const scheduler = new PgBossJobScheduler({
        connectionString: store.url,
        schema: store.schema,
        listClients: () => Promise.resolve(clients),
        logger,
        pollingIntervalSeconds: 0.5,
        // Ticks come from the test, not from cron.
        tickCron: '0 0 1 1 *',
      });
      scheduler.registerClientJob({
        name: 'directory-sync',
        everyMinutes: 15,
        run: async (clientId) => {
          runs.push(`${clientId}@${index}`);
          await sleep(50);
        },
      });
      instances.push(scheduler);
    }
    await Promise.all(instances.map((instance) => instance.start()));

    await Promise.all([...instances, ...instances].map((instance) => instance.tick()));
    for (let waited = 0; runs.length < clients.length && waited < 20_000; waited += 100) await sleep(100);
    await sleep(1_500); // time for any duplicate to show up
    assert.deepEqual(runs.map((run) => run.split('@')[0]).sort(), clients);

    // Later ticks within the same interval queue nothing new.
    await Promise.all(instances.map((instance) => instance.tick()));
    await sleep(1_500);
    assert.equal(runs.length, clients.length);
  });
});
