import { setTimeout as sleep } from 'node:timers/promises';
import PgBoss from 'pg-boss';
import type { Kysely } from 'kysely';
import type { QueueStats } from '../../observability/telemetry.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { Database } from '../../store/schema.js';
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
  /** PostgreSQL schema for pg-boss's tables (the app's own schema: its table names do not clash). */
  readonly schema: string;
  /** The app's store (the same database): instances' heartbeats and claims, and the runs of a dead instance. */
  readonly db: Kysely<Database>;
  /** This instance: the sync runner's owner (`host:pid:nonce`), so its runs can be closed if it dies. */
  readonly instanceId: string;
  readonly clock: Clock;
  readonly listClients: ClientLister;
  readonly logger: Logger;
  /** Client job runs at once in this instance, over every client job. Default 16. */
  readonly concurrency?: number;
  /** How often this instance queues due per-client work and looks for dead instances. Default 10 s. */
  readonly tickMs?: number;
  /** How often it looks for queued work when it has free slots. Default 1 s. */
  readonly pollMs?: number;
  /** How often it shows life. Default 5 s. */
  readonly heartbeatMs?: number;
  /** An instance silent for this long died: its jobs are taken over. Default 30 s. */
  readonly deadAfterMs?: number;
  /** How often daily-job workers poll for jobs. Default 2 s. */
  readonly pollingIntervalSeconds?: number;
}

const SYNC_RUN_FAILED_INTERRUPTED = 'interrupted';

/** A client job's payload: the client, and for a slot taken over from a dead instance, when it was first claimed. */
interface ClientJobData {
  readonly clientId: string;
  readonly takeover?: JobTakeover;
}

/**
 * The PostgreSQL scheduler (several instances on one database):
 * - every instance ticks (at start, then every `tickMs`): each client's due slot of each client job is sent once —
 *   `singletonKey` = client and `singletonSeconds` = interval, so a slot is queued once whoever ticks — with its
 *   priority (a client never synced first);
 * - every instance takes queued jobs while it has free slots (`concurrency` over all clients: the work waits on
 *   Graph, so one instance holds many tenants in flight; each tenant's own Graph limits apply inside its run),
 *   highest priority first, then oldest — pg-boss's fetch (`SKIP LOCKED`) hands each job to exactly one instance;
 *   a client's run never waits behind another client's, however large;
 * - every instance records its heartbeat and the jobs it took; one that stays silent for `deadAfterMs` (`kill -9`,
 *   a lost machine) is declared dead by whichever instance notices first — atomically, so once: its jobs are failed,
 *   its sync runs closed as interrupted, and each of its clients queued again with the top priority, so another
 *   instance resumes them from their checkpoints within a minute — the slot's parts that had succeeded are not run
 *   again (the job is told when the slot was first claimed). A stopping instance (SIGTERM) leaves the same way.
 * Daily jobs are pg-boss cron schedules, which pg-boss also sends once across instances.
 */
export class PgBossJobScheduler implements JobScheduler {
  private readonly options: PgBossJobSchedulerOptions;
  private readonly clientJobs = new Map<string, ClientJob>();
  private readonly dailyJobs = new Map<string, DailyJob>();
  private readonly active = new Map<string, Promise<void>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private boss: PgBoss | undefined;
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
    this.boss = boss;
    this.stopping = false;
    const now = this.now();
    await this.options.db
      .insertInto('scheduler_instances')
      .values({ id: this.options.instanceId, started_at: now, heartbeat_at: now })
      .onConflict((conflict) => conflict.column('id').doUpdateSet({ heartbeat_at: now }))
      .execute();
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
      Promise.allSettled([this.ticking, ...this.active.values()]),
      new Promise((resolve) => setTimeout(resolve, 5_000).unref()),
    ]);
    await this.options.db
      .deleteFrom('scheduler_instances')
      .where('id', '=', this.options.instanceId)
      .execute()
      .catch((error: unknown) => {
        this.options.logger.warn({ err: error }, 'scheduler: could not leave');
      });
    this.boss = undefined;
    await boss.stop({ graceful: true, wait: true, timeout: 3_000 });
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
    for (const job of this.clientJobs.values()) {
      for (const { clientId, priority } of clients) {
        await boss.send(
          job.name,
          { clientId },
          {
            singletonKey: clientId,
            singletonSeconds: Math.max(60, Math.round(job.everyMinutes * 60)),
            priority,
            retryLimit: 0,
            expireInHours: 4,
          },
        );
      }
    }
  }

  /**
   * Instances silent for `deadAfterMs` are removed (each by exactly one instance: the delete returns it once);
   * claims whose instance is gone are taken over one by one, each by the instance whose delete returned it.
   */
  private async takeOverFromDead(): Promise<void> {
    const boss = this.started();
    const { db, logger } = this.options;
    const cutoff = new Date(this.options.clock.now().getTime() - (this.options.deadAfterMs ?? 30_000));
    const dead = await db
      .deleteFrom('scheduler_instances')
      .where('heartbeat_at', '<', cutoff.toISOString())
      .returning('id')
      .execute();
    for (const instance of dead)
      logger.warn({ instance: instance.id }, 'scheduler: an instance stopped answering');
    const orphans = await db
      .selectFrom('scheduler_claims')
      .selectAll()
      .where('instance_id', 'not in', (eb) => eb.selectFrom('scheduler_instances').select('id'))
      .execute();
    for (const orphan of orphans) {
      const taken = await db
        .deleteFrom('scheduler_claims')
        .where('job_id', '=', orphan.job_id)
        .returning('job_id')
        .executeTakeFirst();
      if (taken === undefined) continue;
      await boss.fail(orphan.queue, orphan.job_id, { reason: 'its instance died' }).catch(() => undefined);
      const interrupted = await db
        .updateTable('sync_runs')
        .set({
          status: 'failed',
          finished_at: this.now(),
          error_code: SYNC_RUN_FAILED_INTERRUPTED,
          error_message:
            'The instance running this sync stopped before it finished; another one resumed it from its checkpoint.',
        })
        .where('status', '=', 'running')
        .where('owner', '=', orphan.instance_id)
        .where('client_id', '=', orphan.client_id)
        .executeTakeFirst();
      // The claim keeps the slot's first claim time across takeovers (see launch).
      const data: ClientJobData = { clientId: orphan.client_id, takeover: { since: orphan.claimed_at } };
      await boss.send(orphan.queue, data, { priority: PRIORITY_RECOVERY, retryLimit: 0, expireInHours: 4 });
      logger.warn(
        {
          clientId: orphan.client_id,
          job: orphan.queue,
          from: orphan.instance_id,
          runsInterrupted: Number(interrupted.numUpdatedRows),
        },
        'scheduler: took over the job of an instance that died; it resumes from its checkpoints',
      );
    }
  }

  /** Takes queued client jobs while this instance has free slots. */
  private async pump(): Promise<void> {
    if (this.pumping || this.stopping || this.boss === undefined) return;
    this.pumping = true;
    try {
      for (const job of this.clientJobs.values()) {
        const free = (this.options.concurrency ?? 16) - this.active.size;
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
    const { db, logger } = this.options;
    const { clientId, takeover } = data;
    const running = (async () => {
      await db
        .insertInto('scheduler_claims')
        .values({
          job_id: jobId,
          queue: job.name,
          client_id: clientId,
          instance_id: this.options.instanceId,
          // A taken-over slot keeps its first claim time: if this instance dies too, the next one knows it still.
          claimed_at: takeover?.since ?? this.now(),
        })
        .execute();
      try {
        await job.run(clientId, takeover);
        if (this.stopping) return; // cut short: left claimed, taken over once this instance has left
        await boss.complete(job.name, jobId);
      } catch (error) {
        logger.error({ err: error, job: job.name, clientId }, 'scheduled job failed');
        if (this.stopping) return;
        await boss.fail(job.name, jobId, { message: error instanceof Error ? error.message : String(error) });
      }
      await db.deleteFrom('scheduler_claims').where('job_id', '=', jobId).execute();
    })()
      .catch((error: unknown) => {
        logger.error({ err: error, job: job.name, clientId }, 'scheduler: could not record a job');
      })
      .finally(() => {
        this.active.delete(jobId);
        void this.pump();
      });
    this.active.set(jobId, running);
  }

  private async beat(): Promise<void> {
    const result = await this.options.db
      .updateTable('scheduler_instances')
      .set({ heartbeat_at: this.now() })
      .where('id', '=', this.options.instanceId)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n && !this.stopping) {
      // Declared dead while alive (paused for longer than deadAfterMs): its jobs were taken over; it goes on as a
      // new member, and its runs under way meet the takeover's runs through the sync runner's lock.
      this.options.logger.error(
        'scheduler: this instance was declared dead (no heartbeat in time); joining again',
      );
      const now = this.now();
      await this.options.db
        .insertInto('scheduler_instances')
        .values({ id: this.options.instanceId, started_at: now, heartbeat_at: now })
        .onConflict((conflict) => conflict.column('id').doUpdateSet({ heartbeat_at: now }))
        .execute();
    }
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

  private now(): string {
    return this.options.clock.now().toISOString();
  }

  /** Every instance's jobs, from pg-boss's job table (one grouped query). */
  async queueStats(): Promise<QueueStats[]> {
    const boss = this.boss;
    if (boss === undefined) return [];
    const names = [...this.clientJobs.keys(), ...this.dailyJobs.keys()];
    const result = await boss.getDb().executeSql(
      `select name, count(*) filter (where state in ('created', 'retry'))::int as waiting,
                count(*) filter (where state = 'active')::int as active,
                coalesce(extract(epoch from now() - min(created_on) filter (where state in ('created', 'retry'))), 0)::float as oldest
           from "${this.options.schema}".job where name = any($1) and state in ('created', 'retry', 'active') group by name`,
      [names],
    );
    const rows = result.rows as { name: string; waiting: number; active: number; oldest: number }[];
    const byName = new Map(rows.map((row) => [row.name, row]));
    return names.map((name) => {
      const row = byName.get(name);
      return {
        queue: name,
        waiting: row?.waiting ?? 0,
        active: row?.active ?? 0,
        oldestWaitingSeconds: row?.oldest ?? 0,
      };
    });
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
