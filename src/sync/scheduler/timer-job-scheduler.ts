import PQueue from 'p-queue';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { QueueStats } from '../../observability/telemetry.js';
import {
  assertJobName,
  type ClientJob,
  type ClientLister,
  type DailyJob,
  type JobScheduler,
  type ScheduledClient,
  PRIORITY_NEW_CLIENT,
} from './job-scheduler.js';

export interface TimerJobSchedulerOptions {
  readonly listClients: ClientLister;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often to look for due work. Default 30 s. */
  readonly tickMs?: number;
  /** Job runs at once, over all clients (queued ones start by priority, then in order). Default 2. */
  readonly concurrency?: number;
}

/**
 * The in-process scheduler (SQLite, a single instance): a timer looks for due work; per-client jobs run when
 * `everyMinutes` have passed since their last start (at once for a client not yet seen); daily jobs once a day
 * after their hour. A job still running for a client is not started again.
 */
export class TimerJobScheduler implements JobScheduler {
  private readonly options: TimerJobSchedulerOptions;
  private readonly clientJobs = new Map<string, ClientJob>();
  private readonly dailyJobs = new Map<string, DailyJob>();
  private readonly lastStart = new Map<string, number>();
  private readonly lastDay = new Map<string, string>();
  private readonly running = new Set<string>();
  /** When each queued run not started yet was queued (for the queue's oldest age). */
  private readonly queuedAt = new Map<string, number>();
  private readonly queue: PQueue;
  /**
   * A lane of its own for a just-connected client's first sync: priority only orders what waits, so with every
   * slot busy on another tenant's long sign-in backfill the first sync would wait minutes (issue 16).
   */
  private readonly firstRuns = new PQueue({ concurrency: 1 });
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(options: TimerJobSchedulerOptions) {
    this.options = options;
    this.queue = new PQueue({ concurrency: options.concurrency ?? 2 });
  }

  registerClientJob(job: ClientJob): void {
    assertJobName(job.name, this.clientJobs, this.dailyJobs);
    this.clientJobs.set(job.name, job);
  }

  registerDailyJob(job: DailyJob): void {
    assertJobName(job.name, this.clientJobs, this.dailyJobs);
    this.dailyJobs.set(job.name, job);
  }

  start(): Promise<void> {
    if (this.timer !== undefined) return Promise.resolve();
    this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? 30_000);
    this.timer.unref();
    void this.tick();
    return Promise.resolve();
  }

  /**
   * Stops scheduling and waits for the runs under way — at most `timeoutMs` (default 6 s): runs were told to stop
   * (SyncRunner.abort) and end at their next Graph call; a SIGTERM must end the process within 10 s (DESIGN §9).
   */
  async stop(timeoutMs = 6_000): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.queue.clear();
    this.firstRuns.clear();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.options.logger.warn(
          { pending: this.queue.pending + this.firstRuns.pending },
          'scheduler: runs still under way at shutdown',
        );
        resolve();
      }, timeoutMs);
      timer.unref();
    });
    await Promise.race([
      (async () => {
        await this.ticking;
        await Promise.all([this.queue.onIdle(), this.firstRuns.onIdle()]);
      })(),
      deadline,
    ]);
    clearTimeout(timer);
  }

  /** Queues every due run; resolves once they are queued (not finished). */
  async tick(): Promise<void> {
    this.ticking ??= this.enqueueDue().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  queueStats(): Promise<QueueStats[]> {
    const now = Date.now();
    const oldest = Math.min(now, ...this.queuedAt.values());
    return Promise.resolve([
      {
        queue: 'jobs',
        waiting: this.queue.size + this.firstRuns.size,
        active: this.queue.pending + this.firstRuns.pending,
        oldestWaitingSeconds: (now - oldest) / 1000,
      },
    ]);
  }

  /** Resolves when every queued run has finished (tests). */
  async idle(): Promise<void> {
    await Promise.all([this.queue.onIdle(), this.firstRuns.onIdle()]);
  }

  private async enqueueDue(): Promise<void> {
    const now = this.options.clock.now();
    if (this.clientJobs.size > 0) {
      let clients: readonly ScheduledClient[];
      try {
        clients = await this.options.listClients();
      } catch (error) {
        this.options.logger.error({ err: error }, 'scheduler: could not list clients');
        return;
      }
      for (const job of this.clientJobs.values()) {
        for (const { clientId, priority } of clients) {
          const key = `${job.name}:${clientId}`;
          const last = this.lastStart.get(key);
          if (
            this.running.has(key) ||
            (last !== undefined && now.getTime() - last < job.everyMinutes * 60_000)
          )
            continue;
          this.running.add(key);
          this.lastStart.set(key, now.getTime());
          this.queuedAt.set(key, Date.now());
          const lane = priority >= PRIORITY_NEW_CLIENT ? this.firstRuns : this.queue;
          void lane.add(() => this.runOne(key, job.name, () => job.run(clientId), clientId), {
            priority,
          });
        }
      }
    }
    const day = now.toISOString().slice(0, 10);
    for (const job of this.dailyJobs.values()) {
      if (now.getUTCHours() < (job.atHourUtc ?? 2) || this.lastDay.get(job.name) === day) continue;
      if (this.running.has(job.name)) continue;
      this.running.add(job.name);
      this.lastDay.set(job.name, day);
      this.queuedAt.set(job.name, Date.now());
      void this.queue.add(() => this.runOne(job.name, job.name, () => job.run(), undefined));
    }
  }

  private async runOne(
    key: string,
    name: string,
    run: () => Promise<void>,
    clientId: string | undefined,
  ): Promise<void> {
    this.queuedAt.delete(key);
    try {
      await run();
    } catch (error) {
      this.options.logger.error({ err: error, job: name, clientId }, 'scheduled job failed');
    } finally {
      this.running.delete(key);
    }
  }
}
