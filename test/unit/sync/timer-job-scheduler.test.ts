import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/shared/clock.js';
import { createLogger } from '../../../src/shared/logger.js';
import {
  PRIORITY_NEW_CLIENT,
  PRIORITY_ROUTINE,
  type ScheduledClient,
} from '../../../src/sync/scheduler/job-scheduler.js';
import { TimerJobScheduler } from '../../../src/sync/scheduler/timer-job-scheduler.js';

const logger = createLogger({ level: 'silent' });

function routine(...clientIds: string[]): ScheduledClient[] {
  return clientIds.map((clientId) => ({ clientId, priority: PRIORITY_ROUTINE }));
}

describe('in-process job scheduler', () => {
  it('runs a client job for every client at once, then again only after its interval', async () => {
    const clock = new FakeClock('2026-11-26T10:00:00Z');
    const runs: string[] = [];
    const scheduler = new TimerJobScheduler({
      listClients: () => Promise.resolve(routine('a', 'b')),
      clock,
      logger,
    });
    scheduler.registerClientJob({
      name: 'directory-sync',
      everyMinutes: 15,
      run: (clientId) => {
        runs.push(clientId);
        return Promise.resolve();
      },
    });
    await scheduler.tick();
    await scheduler.idle();
    assert.deepEqual(runs.sort(), ['a', 'b']);

    clock.advance(14 * 60_000);
    await scheduler.tick();
    await scheduler.idle();
    assert.equal(runs.length, 2);

    clock.advance(60_000);
    await scheduler.tick();
    await scheduler.idle();
    assert.equal(runs.length, 4);
    await scheduler.stop();
  });

  it('does not start a client job again while its previous run is still going', async () => {
    const clock = new FakeClock('2026-11-26T10:00:00Z');
    let started = 0;
    let finish: () => void = () => undefined;
    const scheduler = new TimerJobScheduler({
      listClients: () => Promise.resolve(routine('a')),
      clock,
      logger,
    });
    scheduler.registerClientJob({
      name: 'slow-job',
      everyMinutes: 1,
      run: () => {
        started++;
        return new Promise<void>((resolve) => {
          finish = resolve;
        });
      },
    });
    await scheduler.tick();
    clock.advance(10 * 60_000);
    await scheduler.tick();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(started, 1);
    finish();
    await scheduler.idle();
    await scheduler.stop();
  });

  it('starts a just-connected client’s first sync at once, even while every slot runs another tenant’s long backfill', async () => {
    const clock = new FakeClock('2026-11-26T10:00:00Z');
    let clients: ScheduledClient[] = routine('a', 'b');
    const started: string[] = [];
    const finishers: (() => void)[] = [];
    const scheduler = new TimerJobScheduler({
      listClients: () => Promise.resolve(clients),
      clock,
      logger,
      concurrency: 2,
    });
    scheduler.registerClientJob({
      name: 'client-sync',
      everyMinutes: 15,
      run: (clientId) => {
        started.push(clientId);
        return new Promise<void>((resolve) => {
          finishers.push(resolve);
        });
      },
    });
    await scheduler.tick();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started.sort(), ['a', 'b'], 'both slots busy with the backfills');
    // Consent lands: the new client is listed with the new-client priority.
    clients = [...routine('a', 'b'), { clientId: 'newcomer', priority: PRIORITY_NEW_CLIENT }];
    await scheduler.tick();
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(started.includes('newcomer'), 'the first sync is not queued behind the backfills');
    // A routine client added now still waits for a slot.
    clients = [...clients, ...routine('c')];
    await scheduler.tick();
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(!started.includes('c'));
    while (finishers.length > 0) {
      for (const finish of finishers.splice(0)) finish();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await scheduler.idle();
    assert.ok(started.includes('c'));
    await scheduler.stop();
  });

  it('runs a daily job once a day, from its hour on, and survives a job that throws', async () => {
    const clock = new FakeClock('2026-11-26T01:00:00Z');
    let runs = 0;
    const scheduler = new TimerJobScheduler({ listClients: () => Promise.resolve([]), clock, logger });
    scheduler.registerDailyJob({
      name: 'billing-snapshot',
      atHourUtc: 2,
      run: () => {
        runs++;
        return Promise.reject(new Error('boom'));
      },
    });
    await scheduler.tick();
    assert.equal(runs, 0);
    clock.set('2026-11-26T02:30:00Z');
    await scheduler.tick();
    await scheduler.idle();
    clock.set('2026-11-26T23:00:00Z');
    await scheduler.tick();
    await scheduler.idle();
    assert.equal(runs, 1);
    clock.set('2026-11-27T03:00:00Z');
    await scheduler.tick();
    await scheduler.idle();
    assert.equal(runs, 2);
    await scheduler.stop();
  });

  it('refuses a second job with the same name', () => {
    const scheduler = new TimerJobScheduler({
      listClients: () => Promise.resolve([]),
      clock: new FakeClock('2026-11-26T00:00:00Z'),
      logger,
    });
    const job = { name: 'directory-sync', everyMinutes: 5, run: () => Promise.resolve() };
    scheduler.registerClientJob(job);
    assert.throws(() => {
      scheduler.registerClientJob(job);
    }, /already registered/);
  });
});
