import { setTimeout as sleep } from 'node:timers/promises';
import PgBoss from 'pg-boss';
import type { QueueStats } from '../../observability/telemetry.js';
import type { Logger } from '../../shared/logger.js';
import {
  assertJobName,
  type ClientJob,
  type ClientLister,
  type DailyJob,
  type JobScheduler,
} from './job-scheduler.js';

export interface PgBossJobSchedulerOptions {
  readonly connectionString: string;
  /** PostgreSQL schema for pg-boss's tables (the app's own schema: its table names do not clash). */
  readonly schema: string;
  readonly listClients: ClientLister;
  readonly logger: Logger;
  /** Job runs at once in this instance, per job. Default 2. */
  readonly concurrency?: number;
  /** Cron of the tick that queues due per-client work. Default every minute. */
  readonly tickCron?: string;
  /** How often workers poll for jobs. Default 2 s. */
  readonly pollingIntervalSeconds?: number;
}

const TICK_QUEUE = 'scheduler-tick';

/**
 * The PostgreSQL scheduler (several instances): pg-boss cron fires a tick once a minute across all instances; the
 * tick queues one job per client and interval — `singletonKey` = client, `singletonSeconds` = interval, so a
 * client's slot is queued once whoever ticks — and whichever instance fetches a job runs it, exactly once. Daily
 * jobs are pg-boss cron schedules, which pg-boss also sends once across instances.
 */
export class PgBossJobScheduler implements JobScheduler {
  private readonly options: PgBossJobSchedulerOptions;
  private readonly clientJobs = new Map<string, ClientJob>();
  private readonly dailyJobs = new Map<string, DailyJob>();
  private boss: PgBoss | undefined;

  constructor(options: PgBossJobSchedulerOptions) {
    this.options = options;
  }

  registerClientJob(job: ClientJob): void {
    assertJobName(job.name, this.clientJobs, this.dailyJobs);
    if (job.name === TICK_QUEUE) throw new Error(`'${TICK_QUEUE}' is reserved.`);
    this.clientJobs.set(job.name, job);
    if (this.boss !== undefined) void this.installClientJob(this.boss, job);
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
    await createQueue(boss, { name: TICK_QUEUE, policy: 'short', retryLimit: 0 });
    await boss.schedule(TICK_QUEUE, this.options.tickCron ?? '* * * * *', {}, { retryLimit: 0 });
    await boss.work(
      TICK_QUEUE,
      { batchSize: 1, pollingIntervalSeconds: this.pollingInterval() },
      async () => {
        await this.tick();
      },
    );
    for (const job of this.clientJobs.values()) await this.installClientJob(boss, job);
    for (const job of this.dailyJobs.values()) await this.installDailyJob(boss, job);
  }

  async stop(): Promise<void> {
    const boss = this.boss;
    this.boss = undefined;
    // Runs under way were told to stop (SyncRunner.abort) and end within seconds; the whole stop stays within
    // the 10 s a SIGTERM allows (DESIGN §9).
    await boss?.stop({ graceful: true, wait: true, timeout: 6_000 });
  }

  /** Queues each client's due slot of each client job (a slot already queued by any instance is not queued again). */
  async tick(): Promise<void> {
    const boss = this.boss;
    if (boss === undefined) throw new Error('The scheduler is not started.');
    const clients = await this.options.listClients();
    for (const job of this.clientJobs.values()) {
      for (const clientId of clients) {
        await boss.send(
          job.name,
          { clientId },
          {
            singletonKey: clientId,
            singletonSeconds: Math.max(60, Math.round(job.everyMinutes * 60)),
            retryLimit: 0,
            expireInHours: 4,
          },
        );
      }
    }
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

  private async installClientJob(boss: PgBoss, job: ClientJob): Promise<void> {
    await createQueue(boss, { name: job.name, policy: 'standard', retryLimit: 0 });
    for (let worker = 0; worker < (this.options.concurrency ?? 2); worker++) {
      await boss.work<{ clientId: string }>(
        job.name,
        { batchSize: 1, pollingIntervalSeconds: this.pollingInterval() },
        async ([queued]) => {
          if (queued === undefined) return;
          try {
            await job.run(queued.data.clientId);
          } catch (error) {
            this.options.logger.error(
              { err: error, job: job.name, clientId: queued.data.clientId },
              'scheduled job failed',
            );
            throw error;
          }
        },
      );
    }
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
