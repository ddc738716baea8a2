import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import PgBoss from 'pg-boss';
import { FakeClock, systemClock, type Clock } from '../../../src/shared/clock.js';
import { createLogger } from '../../../src/shared/logger.js';
import type { StoreConfig } from '../../../src/config/load-config.js';
import { openDatabase, type AppDatabase } from '../../../src/store/database.js';
import {
  PRIORITY_NEW_CLIENT,
  PRIORITY_ROUTINE,
  type JobTakeover,
  type ScheduledClient,
} from '../../../src/sync/scheduler/job-scheduler.js';
import { PgBossJobScheduler } from '../../../src/sync/scheduler/pg-boss-job-scheduler.js';
import { dropStore, freshStoreConfig } from '../../support/databases.js';
import { repoRoot } from '../../support/processes.js';

const logger = createLogger({ level: 'silent' });

interface Run {
  readonly clientId: string;
  readonly instance: string;
  readonly startedAt: number;
  endedAt?: number;
}

/**
 * The PostgreSQL scheduler with several instances on one database: each client's slot runs exactly once across
 * them, many clients run side by side in each instance and a long backfill delays nobody, a never-synced client
 * goes first, and the work of an instance killed with `kill -9` mid-run is taken over by another within seconds
 * (its run closed as interrupted, the client queued again at the front).
 */
describe('pg-boss scheduler: three instances, fifty clients [postgres]', function () {
  this.timeout(120_000);
  const store = freshStoreConfig('postgres') as Extract<StoreConfig, { kind: 'postgres' }>;
  let database: AppDatabase;
  const instances: PgBossJobScheduler[] = [];
  const children: ChildProcess[] = [];

  before(async () => {
    database = await openDatabase(store);
  });
  afterEach(async () => {
    await Promise.all(instances.splice(0).map((instance) => instance.stop()));
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await database.close();
    await dropStore(store);
  });

  async function startInstances(
    count: number,
    clients: () => readonly ScheduledClient[],
    run: (
      clientId: string,
      instance: string,
      takeover: JobTakeover | undefined,
      signal: AbortSignal | undefined,
    ) => Promise<void>,
    {
      concurrency = 4,
      job,
      clock = systemClock,
      everyMinutes = 60,
      tickMs = 500,
      heartbeatMs = 300,
      deadAfterMs = 3_000,
      name = 'instance',
    }: {
      concurrency?: number;
      job: string;
      clock?: Clock;
      everyMinutes?: number;
      tickMs?: number;
      heartbeatMs?: number;
      deadAfterMs?: number;
      name?: string;
    },
  ): Promise<PgBossJobScheduler[]> {
    const started: PgBossJobScheduler[] = [];
    for (let index = 0; index < count; index++) {
      const instance = `${name}-${String(index)}`;
      const scheduler = new PgBossJobScheduler({
        connectionString: store.url,
        schema: store.schema,
        instanceId: `${instance}:${String(Date.now())}`,
        clock,
        listClients: () => Promise.resolve(clients()),
        logger,
        concurrency,
        tickMs,
        pollMs: 200,
        heartbeatMs,
        deadAfterMs,
      });
      // Each test its own queue, so no test meets another's jobs.
      scheduler.registerClientJob({
        name: job,
        everyMinutes,
        run: (clientId, takeover, signal) => run(clientId, instance, takeover, signal),
      });
      started.push(scheduler);
    }
    instances.push(...started);
    await Promise.all(started.map((instance) => instance.start()));
    return started;
  }

  it('runs every client exactly once across three instances, side by side, a 12-second backfill delaying no one', async () => {
    const clients = Array.from({ length: 50 }, (_, index) => ({
      clientId: `client-${String(index).padStart(2, '0')}`,
      priority: PRIORITY_ROUTINE,
    }));
    const runs: Run[] = [];
    const began = Date.now();
    await startInstances(
      3,
      () => clients,
      async (clientId, instance) => {
        const entry: Run = { clientId, instance, startedAt: Date.now() - began };
        runs.push(entry);
        // client-00 is the large tenant's backfill; the others are small tenants' syncs. 12 s (was 20) is still
        // far longer than the 49 small runs take on the 12 slots (~1.5 s), leaving the 5 s margin checked below.
        await sleep(clientId === 'client-00' ? 12_000 : 300);
        entry.endedAt = Date.now() - began;
      },
      { job: 'spread' },
    );
    for (
      let waited = 0;
      runs.filter((run) => run.endedAt !== undefined).length < 50 && waited < 60_000;
      waited += 200
    ) {
      await sleep(200);
    }
    await sleep(2_000); // ticks keep coming: any duplicate would show
    assert.deepEqual(
      runs.map((run) => run.clientId).sort(),
      clients.map((client) => client.clientId),
      'every client once, none twice',
    );
    const backfill = runs.find((run) => run.clientId === 'client-00');
    assert.ok(backfill?.endedAt !== undefined);
    const small = runs.filter((run) => run.clientId !== 'client-00');
    // Fairness: every small tenant's sync had finished long before the backfill did.
    const lastSmall = Math.max(...small.map((run) => run.endedAt ?? Infinity));
    assert.ok(
      lastSmall < backfill.endedAt - 5_000,
      `small tenants done at ${String(lastSmall)} ms, backfill at ${String(backfill.endedAt)} ms`,
    );
    // The work spread over the three instances.
    assert.equal(new Set(runs.map((run) => run.instance)).size, 3);
  });

  it('starts a just-connected client before routine runs already queued', async () => {
    const routine = Array.from({ length: 20 }, (_, index) => ({
      clientId: `routine-${String(index).padStart(2, '0')}`,
      priority: PRIORITY_ROUTINE,
    }));
    let clients: ScheduledClient[] = routine;
    const started: string[] = [];
    // One instance with one slot: the order in which queued work starts is the priority order.
    await startInstances(
      1,
      () => clients,
      async (clientId) => {
        started.push(clientId);
        await sleep(150);
      },
      { concurrency: 1, job: 'priorities' },
    );
    for (let waited = 0; started.length < 3 && waited < 10_000; waited += 50) await sleep(50);
    clients = [...routine, { clientId: 'newcomer', priority: PRIORITY_NEW_CLIENT }];
    await instances[0]?.tick();
    for (let waited = 0; !started.includes('newcomer') && waited < 10_000; waited += 50) await sleep(50);
    const position = started.indexOf('newcomer');
    // Queued after all twenty, it started while at least ten routine runs were still waiting.
    assert.ok(
      position !== -1 && position < routine.length - 10,
      `the newcomer started as number ${String(position + 1)}: ${started.join(', ')}`,
    );
    assert.ok(started.length < routine.length, 'while routine runs were still waiting');
  });

  it('queues a client again once its run has finished and started the interval ago, at no clock-aligned boundary', async () => {
    // pg-boss's singletonSeconds windows are aligned to the clock: a client synced at 07:53 was queued again at
    // 08:00, and a test straddling a boundary saw every client twice. The interval counts from the run's start, on
    // the app's clock, as the in-process scheduler does; a run still going is not queued again.
    const clock = new FakeClock(new Date());
    const starts: number[] = [];
    let release: (() => void) | undefined;
    let hold = false;
    const both = await startInstances(
      2,
      () => [{ clientId: 'due-a', priority: PRIORITY_ROUTINE }],
      async () => {
        starts.push(clock.now().getTime());
        if (hold) await new Promise<void>((resolve) => (release = resolve));
      },
      { job: 'due-time', clock, everyMinutes: 15, tickMs: 600_000 },
    );
    const finished = async (): Promise<boolean> => {
      const slot = await database.db
        .selectFrom('scheduler_slots')
        .select('finished_at')
        .where('queue', '=', 'due-time')
        .where('client_id', '=', 'due-a')
        .executeTakeFirst();
      return slot?.finished_at !== null && slot?.finished_at !== undefined;
    };
    const tickBoth = async (): Promise<void> => {
      await Promise.all(both.map((instance) => instance.tick()));
      await sleep(1_000); // the instances poll every 200 ms: a queued run would have started
    };
    for (let waited = 0; !(await finished()) && waited < 10_000; waited += 100) await sleep(100);
    const first = starts[0] ?? 0;
    await tickBoth();
    assert.equal(starts.length, 1, 'both instances ticked at their start: one run');

    clock.advance(14 * 60_000);
    await tickBoth();
    assert.equal(starts.length, 1, '14 minutes after its start: not due');

    clock.advance(60_000);
    hold = true;
    await tickBoth();
    assert.deepEqual(starts, [first, first + 15 * 60_000], '15 minutes after its start: due, queued once');

    clock.advance(20 * 60_000);
    await tickBoth();
    assert.equal(starts.length, 2, 'a run still going is not queued again');

    hold = false;
    release?.();
    for (let waited = 0; !(await finished()) && waited < 10_000; waited += 100) await sleep(100);
    await tickBoth();
    assert.equal(starts.length, 3, 'due again once it has finished: its start was 20 minutes ago');
  });

  it('an instance declared dead while alive stops the job another instance took over; the client runs once more, by the survivor', async () => {
    interface Attempt {
      readonly instance: string;
      readonly since: string | undefined;
      stoppedBy?: string | undefined;
    }
    const attempts: Attempt[] = [];
    const clients = (): ScheduledClient[] => [{ clientId: 'fence-a', priority: PRIORITY_ROUTINE }];
    const work = async (
      _clientId: string,
      instance: string,
      takeover: JobTakeover | undefined,
      signal: AbortSignal | undefined,
    ): Promise<void> => {
      const attempt: Attempt = { instance, since: takeover?.since };
      attempts.push(attempt);
      if (!instance.startsWith('stalled')) return sleep(100);
      // The stalled instance's run goes on until it is told to stop (at most 20 s).
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 20_000);
        signal?.addEventListener('abort', () => {
          attempt.stoppedBy = (signal.reason as { code?: string }).code;
          clearTimeout(timer);
          resolve();
        });
      });
    };
    // The stalled instance beats every 4 s: longer than the survivor's 1.5 s limit, as an instance stalled by a
    // long pause would be. It takes the client first, alone.
    await startInstances(1, clients, work, {
      job: 'fence',
      name: 'stalled',
      concurrency: 1,
      heartbeatMs: 4_000,
      deadAfterMs: 60_000,
    });
    for (let waited = 0; attempts.length < 1 && waited < 10_000; waited += 100) await sleep(100);
    const stalled = attempts.find((attempt) => attempt.instance === 'stalled-0');
    assert.ok(stalled !== undefined, 'the stalled instance took the client');
    await startInstances(1, clients, work, { job: 'fence', name: 'survivor', deadAfterMs: 1_500 });
    for (let waited = 0; stalled.stoppedBy === undefined && waited < 15_000; waited += 100) await sleep(100);
    await sleep(2_000);
    assert.equal(stalled.stoppedBy, 'run_taken_over', 'the stalled instance stopped its run');
    assert.deepEqual(
      attempts.map((attempt) => attempt.instance),
      ['stalled-0', 'survivor-0'],
      'the client ran once more, by the survivor',
    );
    assert.ok(attempts[1]?.since !== undefined, 'the survivor resumed the slot as a takeover');
    const claims = await database.db
      .selectFrom('scheduler_claims')
      .selectAll()
      .where('queue', '=', 'fence')
      .execute();
    assert.deepEqual(claims, [], 'no job left claimed');
  });

  it('runs a job an instance fetched and died before it recorded its claim: queued again by another, run once', async () => {
    // The moment between fetching a job and recording its claim: a bare pg-boss fetches the job, then stops.
    const fetcher = new PgBoss({ connectionString: store.url, schema: store.schema });
    await fetcher.start();
    await fetcher.createQueue('lost', { name: 'lost', policy: 'standard', retryLimit: 0 });
    await fetcher.send('lost', { clientId: 'lost-a' }, { retryLimit: 0 });
    const fetched = await fetcher.fetch('lost');
    assert.equal(fetched.length, 1);
    await fetcher.stop({ graceful: false, wait: true });
    const ran: string[] = [];
    await startInstances(
      1,
      () => [],
      async (clientId) => {
        ran.push(clientId);
        await sleep(50);
      },
      { job: 'lost', deadAfterMs: 1_500 },
    );
    for (let waited = 0; ran.length < 1 && waited < 15_000; waited += 100) await sleep(100);
    await sleep(2_000);
    assert.deepEqual(ran, ['lost-a'], 'run once, by the live instance');
    const claims = await database.db
      .selectFrom('scheduler_claims')
      .selectAll()
      .where('queue', '=', 'lost')
      .execute();
    assert.deepEqual(claims, [], 'no job left claimed');
  });

  it('takes over the job of an instance killed with kill -9 mid-run: its run closed as interrupted, the client run again once', async () => {
    const clients = ['kill-a', 'kill-b'];
    // The doomed instance first, alone, so it takes both clients.
    const doomedId = `doomed:${String(Date.now())}`;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(repoRoot, 'test/integration/sync/support/scheduler-instance.ts'),
        JSON.stringify({
          url: store.url,
          schema: store.schema,
          instanceId: doomedId,
          clients,
          job: 'takeover',
        }),
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        resolve();
      });
    });
    for (let waited = 0; (output.match(/^started /gm) ?? []).length < 2 && waited < 60_000; waited += 100) {
      await sleep(100);
    }
    assert.equal((output.match(/^started /gm) ?? []).length, 2, output);
    // Its sync run in the store, as the sync runner writes it (owner = the instance).
    const client = await database.db
      .insertInto('clients')
      .values({
        id: 'kill-a',
        name: 'kill-a',
        display_name: 'kill-a',
        expiry_days: 30,
        created_at: new Date().toISOString(),
        created_by: 'test',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const run = await database.db
      .insertInto('sync_runs')
      .values({
        client_id: client.id,
        kind: 'directory',
        trigger: 'schedule',
        status: 'running',
        started_at: new Date().toISOString(),
        users_added: 0,
        users_updated: 0,
        users_removed: 0,
        groups_added: 0,
        groups_updated: 0,
        groups_removed: 0,
        edges_added: 0,
        edges_removed: 0,
        items_written: 0,
        pages: 3,
        graph_requests: 3,
        retries: 0,
        throttled_ms: 0,
        progress: '{}',
        owner: doomedId,
        heartbeat_at: new Date().toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    const taken: { clientId: string; instance: string; startedAt: number; since: string | undefined }[] = [];
    await startInstances(
      2,
      () => clients.map((clientId) => ({ clientId, priority: PRIORITY_ROUTINE })),
      async (clientId, instance, takeover) => {
        taken.push({ clientId, instance, startedAt: Date.now(), since: takeover?.since });
        await sleep(100);
      },
      { job: 'takeover' },
    );
    await sleep(1_500);
    assert.equal(taken.length, 0, 'nothing runs twice while the first instance lives');

    const killedAt = Date.now();
    child.kill('SIGKILL');
    await exited;
    const takenOver = (): number => taken.length;
    for (let waited = 0; takenOver() < 2 && waited < 30_000; waited += 100) await sleep(100);
    await sleep(2_000);
    assert.deepEqual(taken.map((entry) => entry.clientId).sort(), clients, 'each client once, by a survivor');
    // Each job knows it is a takeover, and since when its slot ran (the dead instance's claim): what it finished is done.
    for (const entry of taken) {
      const since = Date.parse(entry.since ?? '');
      assert.ok(
        since <= killedAt && since > killedAt - 60_000,
        `${entry.clientId}: since ${String(entry.since)}`,
      );
    }
    const recovery = Math.max(...taken.map((entry) => entry.startedAt), 0) - killedAt;
    assert.ok(recovery < 60_000, `taken over ${String(recovery)} ms after the kill`);
    const closed = await database.db
      .selectFrom('sync_runs')
      .selectAll()
      .where('id', '=', run.id)
      .executeTakeFirstOrThrow();
    assert.equal(closed.status, 'failed');
    assert.equal(closed.error_code, 'interrupted');
    const claims = await database.db.selectFrom('scheduler_claims').selectAll().execute();
    assert.deepEqual(claims, [], 'no job left claimed');
  });
});
