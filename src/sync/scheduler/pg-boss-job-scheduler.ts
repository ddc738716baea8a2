import { setTimeout as sleep } from 'node:timers/promises';
import PgBoss from 'pg-boss';
import type { QueueStats } from '../../observability/telemetry.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { openDatabase, type AppDatabase } from '../../store/database.js';
import { SchedulerRepository } from '../../store/scheduler-repository.js';
import { SyncRunRepository } from '../../store/sync-run-repository.js';
import { PgBossJobTable } from './pg-boss-job-table.js';
import {
  assertJobName,
  type ClientJob,
  type ClientLister,
  type DailyJob,
  type JobScheduler,
  type JobTakeover,
  PRIORITY_RECOVERY,
} from './job-scheduler.js';

export interface PgBossJobSchedulerOptions {
  readonly connectionString: string;
  /**
   * PostgreSQL schema for pg-boss's tables and the app's (its table names do not clash). The scheduler keeps its
   * own two connections to it for instances' heartbeats and claims, so that no burst of sync writes on the app's
   * pool delays a heartbeat until the instance looks dead.
   */
  readonly schema: string;
  /** This instance: the sync runner's owner (`host:pid:nonce`), so its runs can be closed if it dies. */
  readonly instanceId: string;
  readonly clock: Clock;
  readonly listClients: ClientLister;
  readonly logger: Logger;
  /** Client job runs at once in this instance, over every client job. Default 64 (SYNC_CONCURRENCY). */
  readonly concurrency?: number;
  /** How often this instance queues due per-client work and looks for dead instances. Default 10 s. */
  readonly tickMs?: number;
  /** How often it looks for queued work when it has free slots. Default 1 s. */
  readonly pollMs?: number;
  /** How often it shows life. Default 5 s. */
  readonly heartbeatMs?: number;
  /** An instance silent for this long (on the machines' clocks) died: its jobs are taken over. Default 30 s. */
  readonly deadAfterMs?: number;
  /** How often daily-job workers poll for jobs. Default 2 s. */
  readonly pollingIntervalSeconds?: number;
}

/** A job queued this long ago and never finished is presumed lost, and its client queued again. */
const LOST_AFTER_MS = 6 * 60 * 60_000;

/** A client job's payload: the client, and for a slot taken over from a dead instance, when it was first claimed. */
interface ClientJobData {
  readonly clientId: string;
  readonly takeover?: JobTakeover;
}

/** A job this instance runs: how to stop it, and whether another instance took it over meanwhile. */
interface ActiveJob {
  running: Promise<void>;
  /** The claim's record, written as the job starts. */
  readonly claimed: Promise<void>;
  readonly controller: AbortController;
  /** Taken over by another instance (this one was presumed dead): it ends here without a word to the queue. */
  fenced: boolean;
}

/**
 * The PostgreSQL scheduler (several instances on one database):
 * - every instance ticks (at start, then every `tickMs`): a client's job is queued when its last run has finished
 *   and started at least the job's interval ago (`scheduler_slots`, updated under the row's lock, so a slot is
 *   queued once whoever ticks) — from the run, not by pg-boss's clock-aligned `singletonSeconds` windows, which
 *   queued a client again at each window's boundary — with its priority (a client never synced first);
 * - every instance takes queued jobs while it has free slots (`concurrency` over all clients: the work waits on
 *   Graph, so one instance holds many tenants in flight; each tenant's own Graph limits apply inside its run),
 *   highest priority first, then oldest — pg-boss's fetch (`SKIP LOCKED`) hands each job to exactly one instance;
 *   a client's run never waits behind another client's, however large;
 * - every instance records its heartbeat and the jobs it took; one that stays silent for `deadAfterMs` (`kill -9`,
 *   a lost machine) is declared dead by whichever instance notices first — atomically, so once: its jobs are failed,
 *   its sync runs closed as interrupted, and each of its clients queued again with the top priority, so another
 *   instance resumes them from their checkpoints within a minute — the slot's parts that had succeeded are not run
 *   again (the job is told when the slot was first claimed). A stopping instance (SIGTERM) leaves the same way;
 * - an instance that learns it was declared dead while alive (a stall longer than `deadAfterMs`) stops the runs
 *   another instance took over — their sync runs were closed, which also fences their writes (SyncRunner) — and
 *   joins again with the rest.
 * Daily jobs are pg-boss cron schedules, which pg-boss also sends once across instances.
 */
export class PgBossJobScheduler implements JobScheduler {
  private readonly options: PgBossJobSchedulerOptions;
  private readonly clientJobs = new Map<string, ClientJob>();
  private readonly dailyJobs = new Map<string, DailyJob>();
  private readonly active = new Map<string, ActiveJob>();
  private readonly timers: NodeJS.Timeout[] = [];
  private boss: PgBoss | undefined;
  /** Its own connections (see `schema`): liveness, claims, slots, runs taken over; pg-boss's job table. */
  private liveness:
    | {
        readonly database: AppDatabase;
        readonly repository: SchedulerRepository;
        readonly runs: SyncRunRepository;
        readonly jobTable: PgBossJobTable;
      }
    | undefined;
  private stopping = false;
  private pumping = false;
  private ticking: Promise<void> | undefined;

  constructor(options: PgBossJobSchedulerOptions) {
    this.options = options;
  }

  registerClientJob(job: ClientJob): void {
    assertJobName(job.name, this.clientJobs, this.dailyJobs);
    this.clientJobs.set(job.name, job);
    if (this.boss !== undefined)
      void createQueue(this.boss, { name: job.name, policy: 'standard', retryLimit: 0 });
  }

  registerDailyJob(job: DailyJob): void {
    assertJobName(job.name, this.clientJobs, this.dailyJobs);
    this.dailyJobs.set(job.name, job);
    if (this.boss !== undefined) void this.installDailyJob(this.boss, job);
  }

  async start(): Promise<void> {
    if (this.boss !== undefined) return;
    const boss = new PgBoss({
      connectionString: this.options.connectionString,
      schema: this.options.schema,
      application_name: 'entra-teams-idm-scheduler',
      max: 4,
    });
    boss.on('error', (error) => {
      this.options.logger.error({ err: error }, 'pg-boss error');
    });
    await boss.start();
    const database = await openDatabase(
      { kind: 'postgres', url: this.options.connectionString, schema: this.options.schema },
      { migrate: false, connections: 2 },
    );
    this.liveness = {
      database,
      repository: new SchedulerRepository(database.db),
      runs: new SyncRunRepository(database.db),
      jobTable: new PgBossJobTable(boss, this.options.schema),
    };
    this.boss = boss;
    this.stopping = false;
    await this.own().repository.join(this.options.instanceId, livenessNow());
    for (const job of this.clientJobs.values()) {
      await createQueue(boss, { name: job.name, policy: 'standard', retryLimit: 0 });
    }
    for (const job of this.dailyJobs.values()) await this.installDailyJob(boss, job);
    this.every(this.options.heartbeatMs ?? 5_000, () => this.beat());
    this.every(this.options.tickMs ?? 10_000, () => this.tick());
    this.every(this.options.pollMs ?? 1_000, () => this.pump());
    await this.tick();
  }

  /**
   * Stops taking work, lets runs under way end (they were told to stop: SyncRunner.abort), then leaves: jobs that
   * ended are completed; those cut short stay claimed, and the instance's record is removed so another instance
   * takes them over at once. Within the 10 s a SIGTERM allows (DESIGN §9).
   */
  async stop(): Promise<void> {
    const boss = this.boss;
    if (boss === undefined) return;
    this.stopping = true;
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await Promise.race([
      Promise.allSettled([this.ticking, ...[...this.active.values()].map((job) => job.running)]),
      new Promise((resolve) => setTimeout(resolve, 5_000).unref()),
    ]);
    const liveness = this.own();
    await liveness.repository.leave(this.options.instanceId).catch((error: unknown) => {
      this.options.logger.warn({ err: error }, 'scheduler: could not leave');
    });
    this.boss = undefined;
    this.liveness = undefined;
    await boss.stop({ graceful: true, wait: true, timeout: 3_000 });
    await liveness.database.close();
  }

  /** Queues every client's due slot, and takes over the work of instances that died. */
  async tick(): Promise<void> {
    this.ticking ??= (async () => {
      try {
        await this.queueDue();
        await this.takeOverFromDead();
      } catch (error) {
        if (!this.stopping) this.options.logger.error({ err: error }, 'scheduler: tick failed');
      } finally {
        this.ticking = undefined;
      }
    })();
    await this.ticking;
    await this.pump();
  }

  private async queueDue(): Promise<void> {
    const boss = this.started();
    const clients = await this.options.listClients();
    const priorities = new Map(clients.map((client) => [client.clientId, client.priority]));
    const now = this.options.clock.now().getTime();
    for (const job of this.clientJobs.values()) {
      const due = await this.own().repository.queueDue(job.name, [...priorities.keys()], {
        now: new Date(now).toISOString(),
        startedBy: new Date(now - job.everyMinutes * 60_000).toISOString(),
        lostBy: new Date(now - LOST_AFTER_MS).toISOString(),
      });
      for (const clientId of due) {
        const data: ClientJobData = { clientId };
        const sent = await boss
          .send(job.name, data, {
            priority: priorities.get(clientId) ?? 0,
            retryLimit: 0,
            expireInHours: 4,
          })
          .catch((error: unknown) => {
            this.options.logger.error({ err: error, job: job.name, clientId }, 'scheduler: could not queue');
            return null;
          });
        // Not queued after all: due again at the next tick.
        if (sent === null) await this.own().repository.unqueue(job.name, clientId);
      }
    }
  }

  /**
   * Instances silent for `deadAfterMs` are removed (each by exactly one instance: the delete returns it once);
   * claims whose instance is gone are taken over one by one, each by the instance whose update made it its own.
   */
  private async takeOverFromDead(): Promise<void> {
    const boss = this.started();
    const { logger } = this.options;
    const shared = this.own().repository;
    const cutoff = new Date(Date.now() - (this.options.deadAfterMs ?? 30_000)).toISOString();
    for (const instance of await shared.removeSilentSince(cutoff))
      logger.warn({ instance }, 'scheduler: an instance stopped answering');
    for (const orphan of await shared.orphanClaims()) {
      if (!(await shared.takeOrphan(orphan.jobId, this.options.instanceId))) continue;
      await boss.fail(orphan.queue, orphan.jobId, { reason: 'its instance died' }).catch(() => undefined);
      const runsInterrupted = await this.own().runs.markInterruptedOfOwner(
        orphan.instanceId,
        orphan.clientId,
        this.options.clock.now(),
      );
      // The claim keeps the slot's first claim time across takeovers (see launch).
      const data: ClientJobData = { clientId: orphan.clientId, takeover: { since: orphan.claimedAt } };
      await boss.send(orphan.queue, data, { priority: PRIORITY_RECOVERY, retryLimit: 0, expireInHours: 4 });
      await shared.release(orphan.jobId);
      logger.warn(
        { clientId: orphan.clientId, job: orphan.queue, from: orphan.instanceId, runsInterrupted },
        'scheduler: took over the job of an instance that died; it resumes from its checkpoints',
      );
    }
    // A job fetched by an instance that died before it recorded its claim: claimed here first (the claim's key lets
    // one instance take it, and refuses a late claim by its fetcher), then queued again at the front.
    const unclaimed = await this.own().jobTable.unclaimedActive(
      [...this.clientJobs.keys()],
      (this.options.deadAfterMs ?? 30_000) / 1000,
    );
    for (const job of unclaimed) {
      const claim = {
        jobId: job.id,
        queue: job.queue,
        clientId: job.clientId,
        instanceId: this.options.instanceId,
        claimedAt: this.now(),
      };
      if (!(await shared.claimIfFree(claim))) continue;
      await boss
        .fail(job.queue, job.id, { reason: 'fetched by an instance that stopped at once' })
        .catch(() => undefined);
      const data: ClientJobData = { clientId: job.clientId };
      await boss.send(job.queue, data, { priority: PRIORITY_RECOVERY, retryLimit: 0, expireInHours: 4 });
      await shared.release(job.id);
      logger.warn(
        { clientId: job.clientId, job: job.queue },
        'scheduler: queued again a job fetched by an instance that stopped before it started it',
      );
    }
  }

  /** Takes queued client jobs while this instance has free slots. */
  private async pump(): Promise<void> {
    if (this.pumping || this.stopping || this.boss === undefined) return;
    this.pumping = true;
    try {
      for (const job of this.clientJobs.values()) {
        const free = (this.options.concurrency ?? 64) - this.active.size;
        if (free <= 0) break;
        const fetched = await this.boss.fetch<ClientJobData>(job.name, {
          batchSize: free,
          priority: true,
        });
        for (const queued of fetched) this.launch(job, queued.id, queued.data);
      }
    } catch (error) {
      this.options.logger.error({ err: error }, 'scheduler: could not fetch jobs');
    } finally {
      this.pumping = false;
    }
  }

  private launch(job: ClientJob, jobId: string, data: ClientJobData): void {
    const boss = this.started();
    const shared = this.own().repository;
    const { logger } = this.options;
    const { clientId, takeover } = data;
    const now = this.now();
    // A taken-over slot keeps its first claim time: if this instance dies too, the next one knows it still.
    const claimed = shared.claim({
      jobId,
      queue: job.name,
      clientId,
      instanceId: this.options.instanceId,
      claimedAt: takeover?.since ?? now,
    });
    const entry: ActiveJob = {
      running: Promise.resolve(),
      claimed,
      controller: new AbortController(),
      fenced: false,
    };
    this.active.set(jobId, entry);
    entry.running = (async () => {
      await claimed;
      await shared.started(job.name, clientId, now);
      try {
        await job.run(clientId, takeover, entry.controller.signal);
        if (this.stopping || entry.fenced) return; // cut short: left claimed, or the claim is another's now
        await boss.complete(job.name, jobId);
      } catch (error) {
        if (this.stopping || entry.fenced) return;
        logger.error({ err: error, job: job.name, clientId }, 'scheduled job failed');
        await boss.fail(job.name, jobId, { message: error instanceof Error ? error.message : String(error) });
      }
      await shared.release(jobId);
      await shared.finished(job.name, clientId, this.now());
    })()
      .catch((error: unknown) => {
        logger.error({ err: error, job: job.name, clientId }, 'scheduler: could not record a job');
      })
      .finally(() => {
        this.active.delete(jobId);
        void this.pump();
      });
  }

  private async beat(): Promise<void> {
    const shared = this.own().repository;
    if ((await shared.beat(this.options.instanceId, livenessNow())) || this.stopping) return;
    // Declared dead while alive (stalled for longer than deadAfterMs). Join again first, so that no claim of this
    // instance is orphaned from here on; then each run whose claim is gone was taken over by another instance:
    // it stops here (its sync run was closed by the takeover, which fences its writes too).
    await shared.join(this.options.instanceId, livenessNow());
    await Promise.allSettled([...this.active.values()].map((active) => active.claimed));
    const kept = await shared.stillClaimed(this.options.instanceId, [...this.active.keys()]);
    let stopped = 0;
    for (const [jobId, active] of this.active) {
      if (kept.has(jobId) || active.fenced) continue;
      active.fenced = true;
      active.controller.abort(
        new AppError('run_taken_over', 'Another instance took this job over; it stops here.', {
          status: 409,
        }),
      );
      stopped++;
    }
    this.options.logger.error(
      { stopped, kept: kept.size },
      'scheduler: this instance was declared dead (no heartbeat in time): the jobs taken over meanwhile stop here; it joins again',
    );
  }

  private every(ms: number, work: () => Promise<void>): void {
    const timer = setInterval(() => {
      work().catch((error: unknown) => {
        if (!this.stopping) this.options.logger.error({ err: error }, 'scheduler: background step failed');
      });
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private started(): PgBoss {
    if (this.boss === undefined) throw new Error('The scheduler is not started.');
    return this.boss;
  }

  private own(): NonNullable<PgBossJobScheduler['liveness']> {
    if (this.liveness === undefined) throw new Error('The scheduler is not started.');
    return this.liveness;
  }

  private now(): string {
    return this.options.clock.now().toISOString();
  }

  /** Every instance's jobs, from pg-boss's job table (one grouped query). */
  async queueStats(): Promise<QueueStats[]> {
    const jobTable = this.liveness?.jobTable;
    if (jobTable === undefined) return [];
    return jobTable.queueStats([...this.clientJobs.keys(), ...this.dailyJobs.keys()]);
  }

  private pollingInterval(): number {
    return this.options.pollingIntervalSeconds ?? 2;
  }

  private async installDailyJob(boss: PgBoss, job: DailyJob): Promise<void> {
    await createQueue(boss, { name: job.name, policy: 'short', retryLimit: 0 });
    await boss.schedule(job.name, `0 ${job.atHourUtc ?? 2} * * *`, {}, { retryLimit: 0, tz: 'UTC' });
    await boss.work(job.name, { batchSize: 1, pollingIntervalSeconds: this.pollingInterval() }, async () => {
      try {
        await job.run();
      } catch (error) {
        this.options.logger.error({ err: error, job: job.name }, 'daily job failed');
        throw error;
      }
    });
  }
}

/**
 * Creates a queue if missing. Instances starting together race to create the same queue (pg-boss checks, then
 * creates a partition): a deadlock or duplicate is retried, after which the queue exists.
 */
async function createQueue(boss: PgBoss, queue: PgBoss.Queue): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      if ((await boss.getQueue(queue.name)) !== null) return;
      await boss.createQueue(queue.name, queue);
      return;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= 5 || (code !== '40P01' && code !== '23505' && code !== '42P07')) throw error;
      await sleep(50 + Math.random() * 200);
    }
  }
}

/**
 * Heartbeats are on the machines' clocks: whether an instance is alive is a matter of real time between
 * processes, whatever clock the app is given.
 */
function livenessNow(): string {
  return new Date().toISOString();
}
