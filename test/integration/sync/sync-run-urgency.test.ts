import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SyncTrigger } from '../../../src/domain/vocabulary.js';
import { systemClock } from '../../../src/shared/clock.js';
import { seedClient } from '../services/fixtures/directory-fixture.js';
import { SecretBox } from '../../../src/store/secret-box.js';
import { createStore } from '../../../src/store/store.js';
import { SyncRunner } from '../../../src/sync/sync-runner.js';
import { describeEachEngine } from '../../support/databases.js';
import { silentLogger } from './sync-harness.js';

describeEachEngine('which sync runs a person waits for', (ctx) => {
  it('tells a manual and an initial run that they are urgent, not a scheduled one', async () => {
    const clientId = await seedClient(ctx.database.db, { integration: false });
    const store = createStore(ctx.database.db, new SecretBox(crypto.randomBytes(32)));
    const runner = new SyncRunner({ store, clock: systemClock, logger: silentLogger });
    const urgent = new Map<SyncTrigger, boolean>();
    for (const trigger of ['manual', 'initial', 'schedule'] as const) {
      const outcome = await runner.run(clientId, 'licences', trigger, async (context) => {
        urgent.set(trigger, context.urgent);
        await Promise.resolve();
      });
      assert.equal(outcome.run.status, 'succeeded', outcome.run.errorMessage ?? '');
    }
    assert.deepEqual(Object.fromEntries(urgent), { manual: true, initial: true, schedule: false });
  });

  it('makes a scheduled run urgent when a Sync now joins it in the same process', async () => {
    const clientId = await seedClient(ctx.database.db, { integration: false });
    const store = createStore(ctx.database.db, new SecretBox(crypto.randomBytes(32)));
    const runner = new SyncRunner({ store, clock: systemClock, logger: silentLogger });
    const seen: boolean[] = [];
    let joinNow: () => void = () => undefined;
    const joined = new Promise<void>((resolve) => {
      joinNow = resolve;
    });
    const scheduled = runner.run(clientId, 'licences', 'schedule', async (context) => {
      seen.push(context.urgent);
      joinNow();
      await sleep(50); // the Sync now joins meanwhile
      seen.push(context.urgent);
    });
    await joined;
    const manual = await runner.run(clientId, 'licences', 'manual', () => Promise.resolve());
    const outcome = await scheduled;
    assert.equal(manual.joined, true);
    assert.deepEqual(seen, [false, true], 'urgent from the join on');
    assert.equal(outcome.run.urgent, true, 'the row says a person waited for it');
    assert.equal(outcome.run.trigger, 'schedule', 'who started it is unchanged');
  });

  it("makes another instance's scheduled run urgent when a Sync now joins it", async () => {
    const clientId = await seedClient(ctx.database.db, { integration: false });
    const store = createStore(ctx.database.db, new SecretBox(crypto.randomBytes(32)));
    // Two instances on one store; the manual one polls the run it joins quickly.
    const scheduler = new SyncRunner({ store, clock: systemClock, logger: silentLogger });
    const tab = new SyncRunner({ store, clock: systemClock, logger: silentLogger, pollMs: 20 });
    const seen: boolean[] = [];
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const scheduled = scheduler.run(clientId, 'licences', 'schedule', async (context) => {
      seen.push(context.urgent);
      started();
      // Page after page, each writing its progress, until the instance running it hears a person waits.
      for (let page = 1; page <= 200 && !context.urgent; page++) {
        await sleep(10);
        await context.progress({ pages: page });
      }
      seen.push(context.urgent);
    });
    await running;
    const manual = await tab.run(clientId, 'licences', 'manual', () =>
      Promise.reject(new Error('never run')),
    );
    const outcome = await scheduled;
    assert.equal(manual.joined, true);
    assert.equal(manual.run.id, outcome.run.id);
    assert.deepEqual(seen, [false, true], 'heard at a progress write');
    assert.equal(outcome.run.status, 'succeeded');
    assert.equal(outcome.run.urgent, true);
  });
});
