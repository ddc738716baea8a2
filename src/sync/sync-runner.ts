import crypto from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { SpanStatusCode } from '@opentelemetry/api';
import { GraphRequestError, PermissionError } from '../graph/graph-errors.js';
import { RequestTally } from '../graph/request-tally.js';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { Telemetry } from '../observability/telemetry.js';
import type { Logger } from '../shared/logger.js';
import type { SyncRunRecord } from '../store/sync-run-repository.js';
import type { SyncKind, SyncTrigger } from '../domain/vocabulary.js';
import { RunAlreadyRunning, type SyncRunCounts, type SyncRunFailure } from '../store/sync-run-repository.js';
import type { Repositories, Store } from '../store/store.js';

/**
 * What a run's work receives: its id, counters to fill, a tally for Graph requests, whether a person waits for it, and
 * a progress channel.
 */
export interface RunContext {
  readonly runId: number;
  readonly clientId: string;
  readonly kind: SyncKind;
  readonly trigger: SyncTrigger;
  /**
   * A person waits for this run (see {@link isUrgentTrigger}), so its requests go before the tenant's background ones.
   * A scheduled run becomes urgent midway when a *Sync now* joins it: pass `() => context.urgent` as `urgent` to
   * every Graph call of the run, so each request asks anew.
   */
  readonly urgent: boolean;
  /** Charge every Graph call of the run to this tally: requests, retries and throttled time are read from it. */
  readonly tally: RequestTally;
  /** Add to these as the work goes; they are written when the run ends. */
  readonly counts: SyncRunCounts;
  /**
   * Aborted when the process stops (SIGTERM): pass it to every Graph call of the run. The run then ends as
   * `interrupted` and the next one resumes from the checkpoints written so far.
   */
  readonly signal: AbortSignal;
  /**
   * Publishes live progress (written to `sync_runs.progress`, passed to the local observer). Pass the page's
   * transaction as `tx` (its repositories) to write it there instead of in a transaction
   * of its own.
   */
  progress(update: Readonly<Record<string, unknown>>, tx?: Repositories): Promise<void>;
}

/**
 * Whether a person waits for a run of this trigger: *Sync now* (`manual`) and a client's first sync (`initial`, a
 * just-connected client the admin is looking at) are; the scheduler's routine runs (`schedule`) are not. Issue 18:
 * a just-consented client and a manual *Sync now* go first, at the tenant's gate as in the scheduler's queue.
 */
export function isUrgentTrigger(trigger: SyncTrigger): boolean {
  return trigger === 'manual' || trigger === 'initial';
}

/** How a call to {@link SyncRunner.run} ended. */
export interface RunOutcome {
  /** The run's final row. */
  readonly run: SyncRunRecord;
  /** True when this call joined a run already in progress (here or in another process) instead of starting one. */
  readonly joined: boolean;
}

export interface SyncRunnerOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Metrics and traces of every run (its Graph requests included). */
  readonly telemetry?: Telemetry;
  /** A running run whose heartbeat is older than this was interrupted. Default 2 minutes. */
  readonly staleAfterMs?: number;
  /** How often a run shows life while it waits (throttling, long pages). Default 20 s. */
  readonly heartbeatMs?: number;
  /** How often a joiner looks whether the run it joined has ended. Default 1 s. */
  readonly pollMs?: number;
}

/**
 * Runs sync work for one client and kind at a time, across processes: the run row is the lock (a unique index
 * allows one `running` row per client and kind). A second request for the same client and kind joins the run in
 * progress — the same promise in this process, or by waiting for the row in another. A run whose process died
 * (same host and its pid gone, or no heartbeat for `staleAfterMs`) is closed as interrupted and a new one starts.
 */
export class SyncRunner {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly telemetry: Telemetry | undefined;
  private readonly staleAfterMs: number;
  private readonly heartbeatMs: number;
  private readonly pollMs: number;
  /** `host:pid:nonce` — this runner in this process. */
  readonly owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
  private readonly inProcess = new Map<string, Promise<RunOutcome>>();
  /** For each run in {@link inProcess}: tells it that a person now waits for it (a *Sync now* joined it). */
  private readonly makeUrgent = new Map<string, () => void>();
  private readonly stopping = new AbortController();

  constructor(options: SyncRunnerOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.logger = options.logger;
    this.telemetry = options.telemetry;
    this.staleAfterMs = options.staleAfterMs ?? 120_000;
    this.heartbeatMs = options.heartbeatMs ?? 20_000;
    this.pollMs = options.pollMs ?? 1_000;
  }

  /**
   * Runs `work` as a recorded run of `kind` for the client, or joins the one in progress. Never throws for a failed
   * run: the outcome's row says `failed` with the classified error.
   */
  async run(
    clientId: string,
    kind: SyncKind,
    trigger: SyncTrigger,
    work: (context: RunContext) => Promise<void>,
    observer?: (progress: Readonly<Record<string, unknown>>) => void,
  ): Promise<RunOutcome> {
    const key = `${clientId}:${kind}`;
    const current = this.inProcess.get(key);
    if (current !== undefined) {
      if (isUrgentTrigger(trigger)) this.makeUrgent.get(key)?.();
      return { ...(await current), joined: true };
    }
    const promise = this.claimAndRun(clientId, kind, trigger, work, observer);
    this.inProcess.set(key, promise);
    try {
      return await promise;
    } finally {
      this.inProcess.delete(key);
      this.makeUrgent.delete(key);
    }
  }

  /** Whether this process is running a run of that kind for the client now. */
  isRunningHere(clientId: string, kind: SyncKind): boolean {
    return this.inProcess.has(`${clientId}:${kind}`);
  }

  /** Waits for every run this process has under way. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inProcess.values()]);
  }

  /**
   * The process is stopping: every run under way is told to stop (its Graph calls are cancelled, its waits for a
   * throttled tenant end), and no new run starts. Runs end as `interrupted` with their checkpoints in place.
   */
  abort(): void {
    this.stopping.abort(new AppError('shutting_down', 'The server is shutting down.', { status: 503 }));
  }

  /** Whether {@link abort} was called. */
  get aborted(): boolean {
    return this.stopping.signal.aborted;
  }

  private async claimAndRun(
    clientId: string,
    kind: SyncKind,
    trigger: SyncTrigger,
    work: (context: RunContext) => Promise<void>,
    observer: ((progress: Readonly<Record<string, unknown>>) => void) | undefined,
  ): Promise<RunOutcome> {
    const runs = this.store.read.syncRuns;
    this.stopping.signal.throwIfAborted();
    for (let attempt = 0; ; attempt++) {
      try {
        const row = await runs.start({
          clientId,
          kind,
          trigger,
          urgent: isUrgentTrigger(trigger),
          owner: this.owner,
          at: this.clock.now(),
        });
        return { run: await this.execute(row, work, observer), joined: false };
      } catch (error) {
        if (!(error instanceof RunAlreadyRunning) || attempt > 5) throw error;
      }
      const running = await runs.findRunning(clientId, kind);
      if (running === undefined) continue;
      if (this.isStale(running)) {
        if (await runs.markInterrupted(running.id, this.clock.now())) {
          this.logger.warn(
            { clientId, kind, runId: running.id, owner: running.owner },
            'closed an interrupted sync run',
          );
        }
        continue;
      }
      this.logger.info({ clientId, kind, runId: running.id }, 'joining the sync run in progress');
      // Another instance runs it: a person waiting for it now is told to that instance through the row.
      this.makeUrgent.set(`${clientId}:${kind}`, () => {
        this.markUrgent(running.id);
      });
      if (isUrgentTrigger(trigger) && !running.urgent) this.markUrgent(running.id);
      return { run: await this.waitFor(running.id, observer), joined: true };
    }
  }

  /** {@link record} inside a `sync.run` span, counted and timed in the metrics. */
  private async execute(
    row: SyncRunRecord,
    work: (context: RunContext) => Promise<void>,
    observer: ((progress: Readonly<Record<string, unknown>>) => void) | undefined,
  ): Promise<SyncRunRecord> {
    const telemetry = this.telemetry;
    if (telemetry === undefined) return this.record(row, work, observer, new RequestTally());
    const started = performance.now();
    telemetry.runStarted(row.kind);
    return telemetry.tracer.startActiveSpan(
      'sync.run',
      {
        attributes: {
          'idm.client.id': row.clientId,
          'idm.sync.kind': row.kind,
          'idm.sync.trigger': row.trigger,
        },
      },
      async (span) => {
        let status = 'failed';
        let itemsWritten = 0;
        try {
          const tally = new RequestTally((operation, change) => {
            telemetry.graphCharged(operation, change);
          });
          const final = await this.record(row, work, observer, tally);
          status = final.status;
          itemsWritten =
            final.usersAdded +
            final.usersUpdated +
            final.usersRemoved +
            final.groupsAdded +
            final.groupsUpdated +
            final.groupsRemoved +
            final.edgesAdded +
            final.edgesRemoved +
            final.itemsWritten;
          const total = tally.total();
          span.setAttributes({
            'idm.sync.run_id': row.id,
            'idm.sync.status': final.status,
            'idm.graph.requests': total.requests,
            'idm.graph.retries': total.retries,
            'idm.graph.throttled': total.throttled,
            'idm.graph.throttled_ms': total.throttledMs,
            'idm.sync.items_written': itemsWritten,
          });
          if (final.status === 'failed') {
            span.setStatus({ code: SpanStatusCode.ERROR, message: final.errorCode ?? 'failed' });
          }
          return final;
        } catch (error) {
          span.recordException(error instanceof Error ? error : String(error));
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw error;
        } finally {
          telemetry.runEnded({
            kind: row.kind,
            trigger: row.trigger,
            status,
            seconds: (performance.now() - started) / 1000,
            itemsWritten,
          });
          span.end();
        }
      },
    );
  }

  private async record(
    row: SyncRunRecord,
    work: (context: RunContext) => Promise<void>,
    observer: ((progress: Readonly<Record<string, unknown>>) => void) | undefined,
    tally: RequestTally,
  ): Promise<SyncRunRecord> {
    const runs = this.store.read.syncRuns;
    const counts: SyncRunCounts = {};
    let latest: Readonly<Record<string, unknown>> = {};
    const started = Date.now();
    const snapshot = (): Record<string, unknown> => {
      const total = tally.total();
      return {
        ...latest,
        requests: total.requests,
        retries: total.retries,
        throttledMs: total.throttledMs,
        elapsedMs: Date.now() - started,
      };
    };
    // The fence: once another process has closed this run (it presumed this one dead and took the client over),
    // the run stops — its Graph calls are cancelled, and the transaction whose progress found it closed rolls back,
    // so it writes nothing more over the run that took its place.
    const fence = new AbortController();
    const takenOver = (): AppError => {
      if (!fence.signal.aborted) {
        fence.abort(
          new AppError(
            'run_taken_over',
            'Another instance took this sync over (it presumed this one dead); this run stopped.',
            { status: 409 },
          ),
        );
      }
      return fence.signal.reason as AppError;
    };
    let urgent = row.urgent;
    const heard = (answer: { readonly urgent: boolean } | undefined): boolean => {
      if (answer?.urgent === true) urgent = true;
      return answer !== undefined;
    };
    this.makeUrgent.set(`${row.clientId}:${row.kind}`, () => {
      if (urgent) return;
      urgent = true;
      this.markUrgent(row.id);
    });
    const timer = setInterval(() => {
      runs
        .heartbeat(row.id, this.clock.now(), snapshot())
        .then((answer) => {
          if (!heard(answer)) takenOver();
        })
        .catch((error: unknown) => {
          this.logger.warn({ err: error, runId: row.id }, 'could not record the sync heartbeat');
        });
    }, this.heartbeatMs);
    timer.unref();
    const context: RunContext = {
      runId: row.id,
      clientId: row.clientId,
      kind: row.kind,
      trigger: row.trigger,
      get urgent() {
        return urgent;
      },
      tally,
      counts,
      signal: AbortSignal.any([this.stopping.signal, fence.signal]),
      progress: async (update, tx) => {
        latest = { ...latest, ...update };
        const progress = snapshot();
        observer?.(progress);
        if (
          !heard(await (tx === undefined ? runs : tx.syncRuns).heartbeat(row.id, this.clock.now(), progress))
        )
          throw takenOver();
      },
    };
    const withRequests = (): SyncRunCounts => {
      const total = tally.total();
      return {
        ...counts,
        graphRequests: total.requests,
        retries: total.retries,
        throttledMs: total.throttledMs,
      };
    };
    try {
      await work(context);
      const progress = { ...snapshot(), done: true };
      observer?.(progress);
      await runs.succeed(row.id, withRequests(), this.clock.now(), progress);
      this.logger.info(
        {
          clientId: row.clientId,
          kind: row.kind,
          runId: row.id,
          ...withRequests(),
          ms: Date.now() - started,
        },
        'sync run succeeded',
      );
    } catch (error) {
      if (fence.signal.aborted) {
        this.logger.warn(
          { clientId: row.clientId, kind: row.kind, runId: row.id },
          'sync run stopped: another instance took it over',
        );
        clearInterval(timer);
        return (await runs.get(row.id)) ?? row;
      }
      if (this.stopping.signal.aborted) {
        // Not the tenant's failure: the process stopped. The checkpoints written so far are where the next run goes on.
        await runs.markInterrupted(row.id, this.clock.now());
        this.logger.info(
          { clientId: row.clientId, kind: row.kind, runId: row.id },
          'sync run interrupted by shutdown',
        );
        clearInterval(timer);
        return (await runs.get(row.id)) ?? row;
      }
      const failure = classifyFailure(error);
      await runs.fail(row.id, failure, withRequests(), this.clock.now(), { ...snapshot(), done: true });
      const level = error instanceof AppError ? 'warn' : 'error';
      this.logger[level](
        { clientId: row.clientId, kind: row.kind, runId: row.id, err: error, requestId: failure.requestId },
        'sync run failed',
      );
    } finally {
      clearInterval(timer);
    }
    const final = await runs.get(row.id);
    if (final === undefined) throw new Error(`sync run ${row.id} disappeared`);
    return final;
  }

  /**
   * Waits for another process's run to end, passing its progress (as that process records it at each page and
   * heartbeat) to the observer whenever it changed: a joiner shows the run it waits for, not a still screen.
   */
  private async waitFor(
    runId: number,
    observer?: (progress: Readonly<Record<string, unknown>>) => void,
  ): Promise<SyncRunRecord> {
    const runs = this.store.read.syncRuns;
    let seen = '';
    for (;;) {
      const row = await runs.get(runId);
      if (row === undefined) throw new Error(`sync run ${runId} disappeared`);
      if (row.status !== 'running') return row;
      if (observer !== undefined && row.progress !== seen) {
        seen = row.progress;
        observer({ ...(JSON.parse(row.progress) as Record<string, unknown>), joined: true });
      }
      if (this.isStale(row)) {
        await runs.markInterrupted(row.id, this.clock.now());
        return (await runs.get(runId)) ?? row;
      }
      await sleep(this.pollMs);
    }
  }

  /** Records on the run's row that a person now waits for it (for the instance running it); never throws. */
  private markUrgent(runId: number): void {
    this.store.read.syncRuns.markUrgent(runId).catch((error: unknown) => {
      this.logger.warn({ err: error, runId }, 'could not mark the sync run urgent');
    });
  }

  private isStale(row: SyncRunRecord): boolean {
    if (row.owner === this.owner) return false;
    const [host, pid] = (row.owner ?? '').split(':');
    if (
      host === os.hostname() &&
      pid !== undefined &&
      Number(pid) !== process.pid &&
      !processAlive(Number(pid))
    ) {
      return true;
    }
    const heartbeat = Date.parse(row.heartbeatAt ?? row.startedAt);
    return this.clock.now().getTime() - heartbeat > this.staleAfterMs;
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The error a run row records: a stable code, a message for the admin, and Graph's request id when there is one. */
export function classifyFailure(error: unknown): SyncRunFailure {
  if (error instanceof GraphRequestError || error instanceof PermissionError) {
    return { code: error.code, message: error.message, requestId: error.requestId, details: error.details };
  }
  if (error instanceof AppError) {
    return { code: error.code, message: error.message, requestId: undefined, details: error.details };
  }
  return {
    code: 'internal_error',
    message: 'The sync failed unexpectedly; the server log has the details.',
    requestId: undefined,
  };
}
