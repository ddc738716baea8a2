import { trace, type Tracer } from '@opentelemetry/api';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What a finished sync run reports (SyncRunner, once per run). */
export interface RunReport {
  readonly kind: string;
  readonly trigger: string;
  /** `succeeded`, `failed` or `interrupted`. */
  readonly status: string;
  readonly seconds: number;
  /** Rows the run wrote (users, groups, memberships, sign-ins…), from its counts. */
  readonly itemsWritten: number;
}

/** What the scheduler's queue holds now, per queue (read when /metrics is scraped). */
export interface QueueStats {
  readonly queue: string;
  /** Jobs queued and not started. */
  readonly waiting: number;
  /** Jobs being run (by this instance, or by all of them with PostgreSQL). */
  readonly active: number;
  /** Age of the oldest waiting job, in seconds (0 when none waits). */
  readonly oldestWaitingSeconds: number;
}

/** One client's sync health (read from the store when /metrics is scraped). */
export interface ClientHealth {
  readonly client: string;
  readonly kind: string;
  /** Whether its latest finished run of that kind succeeded. */
  readonly healthy: boolean;
  /** When a run of that kind last succeeded (epoch seconds), if ever. */
  readonly lastSuccessSeconds: number | undefined;
}

/** Sources read at scrape time, wired once the core exists. */
export interface ScrapeSources {
  queues?: () => Promise<readonly QueueStats[]>;
  clientHealth?: () => Promise<readonly ClientHealth[]>;
}

export interface TelemetryOptions {
  /** Spans go to this tracer (default: the OpenTelemetry API's global one, a no-op unless tracing was started). */
  readonly tracer?: Tracer;
  /** Process metrics (CPU, memory, event loop lag, GC) too. Default true. */
  readonly processMetrics?: boolean;
}

/**
 * The app's metrics (Prometheus, prom-client) and its tracer (OpenTelemetry), one object per process, passed to the
 * parts that record: the sync runner (runs, durations, rows written), the Graph requests of every run (requests,
 * retries, throttled answers, time waited), the HTTP server (bot and tab latency), and — at scrape time — the
 * scheduler's queues and each client's sync health. Its own registry, not prom-client's global one: no
 * module-level state, and a test can hold several.
 */
export class Telemetry {
  readonly registry = new Registry();
  readonly tracer: Tracer;
  readonly sources: ScrapeSources = {};

  private readonly syncRuns = new Counter({
    name: 'idm_sync_runs_total',
    help: 'Sync runs finished, by stream (kind), trigger and result.',
    labelNames: ['kind', 'trigger', 'status'] as const,
    registers: [this.registry],
  });

  private readonly syncDuration = new Histogram({
    name: 'idm_sync_run_duration_seconds',
    help: 'Duration of finished sync runs, by stream (kind) and result.',
    labelNames: ['kind', 'status'] as const,
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [this.registry],
  });

  private readonly syncRowsWritten = new Counter({
    name: 'idm_sync_rows_written_total',
    help: 'Rows written by finished sync runs (users, groups, memberships, sign-ins…), by stream: the ingestion rate is its rate().',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  private readonly syncRunning = new Gauge({
    name: 'idm_sync_runs_in_progress',
    help: 'Sync runs under way in this instance, by stream (kind).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  private readonly graphRequests = new Counter({
    name: 'idm_graph_requests_total',
    help: 'Microsoft Graph requests sent by sync runs (retries included), by operation.',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });

  private readonly graphRetries = new Counter({
    name: 'idm_graph_retries_total',
    help: 'Microsoft Graph requests that repeated a failed or throttled one, by operation.',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });

  private readonly graphThrottled = new Counter({
    name: 'idm_graph_throttled_responses_total',
    help: 'Microsoft Graph answers 429 (throttled), by operation.',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });

  private readonly graphWaited = new Counter({
    name: 'idm_graph_throttle_wait_seconds_total',
    help: 'Time requests waited because Graph throttled the tenant (Retry-After), by operation.',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });

  private readonly httpDuration = new Histogram({
    name: 'idm_http_request_duration_seconds',
    help: 'HTTP requests answered, by surface (bot, tab, other), method, route pattern and status code.',
    labelNames: ['surface', 'method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly queueJobs = new Gauge({
    name: 'idm_queue_jobs',
    help: "Jobs in the scheduler's queue, by queue and state (waiting, active).",
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  private readonly queueAge = new Gauge({
    name: 'idm_queue_oldest_waiting_job_age_seconds',
    help: 'Age of the oldest job waiting in the queue (0 when none waits).',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });

  private readonly clientHealthy = new Gauge({
    name: 'idm_client_sync_healthy',
    help: "1 when a client's latest finished run of that stream succeeded, else 0 (per client: a tenant's health).",
    labelNames: ['client', 'kind'] as const,
    registers: [this.registry],
  });

  private readonly clientLastSuccess = new Gauge({
    name: 'idm_client_last_success_timestamp_seconds',
    help: "When a client's run of that stream last succeeded (Unix time).",
    labelNames: ['client', 'kind'] as const,
    registers: [this.registry],
  });

  constructor(options: TelemetryOptions = {}) {
    this.tracer = options.tracer ?? trace.getTracer('entra-teams-idm');
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'idm_' });
  }

  /** A sync run started (in this instance). */
  runStarted(kind: string): void {
    this.syncRunning.inc({ kind });
  }

  /** A sync run ended: counted, timed, its rows added to the ingestion total. */
  runEnded(report: RunReport): void {
    this.syncRunning.dec({ kind: report.kind });
    this.syncRuns.inc({ kind: report.kind, trigger: report.trigger, status: report.status });
    this.syncDuration.observe({ kind: report.kind, status: report.status }, report.seconds);
    if (report.itemsWritten > 0) this.syncRowsWritten.inc({ kind: report.kind }, report.itemsWritten);
  }

  /** Graph requests charged to a run, as they happen (RequestTally's sink). */
  graphCharged(
    operation: string,
    change: { requests?: number; retries?: number; throttledMs?: number; throttled?: number },
  ): void {
    if (change.requests !== undefined && change.requests > 0)
      this.graphRequests.inc({ operation }, change.requests);
    if (change.retries !== undefined && change.retries > 0)
      this.graphRetries.inc({ operation }, change.retries);
    if (change.throttled !== undefined && change.throttled > 0) {
      this.graphThrottled.inc({ operation }, change.throttled);
    }
    if (change.throttledMs !== undefined && change.throttledMs > 0) {
      this.graphWaited.inc({ operation }, change.throttledMs / 1000);
    }
  }

  /** An HTTP request was answered. */
  httpAnswered(surface: string, method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ surface, method, route, status: String(status) }, seconds);
  }

  /**
   * The text /metrics serves (Prometheus exposition format). The queue and client-health gauges are read from
   * their sources first (prom-client collects metrics concurrently, so one source feeding several gauges is read
   * here, once per scrape).
   */
  async exposition(): Promise<{ contentType: string; body: string }> {
    const [queues, health] = await Promise.all([
      this.sources.queues?.() ?? [],
      this.sources.clientHealth?.() ?? [],
    ]);
    this.queueJobs.reset();
    this.queueAge.reset();
    for (const stats of queues) {
      this.queueJobs.set({ queue: stats.queue, state: 'waiting' }, stats.waiting);
      this.queueJobs.set({ queue: stats.queue, state: 'active' }, stats.active);
      this.queueAge.set({ queue: stats.queue }, stats.oldestWaitingSeconds);
    }
    this.clientHealthy.reset();
    this.clientLastSuccess.reset();
    for (const entry of health) {
      this.clientHealthy.set({ client: entry.client, kind: entry.kind }, entry.healthy ? 1 : 0);
      if (entry.lastSuccessSeconds !== undefined) {
        this.clientLastSuccess.set({ client: entry.client, kind: entry.kind }, entry.lastSuccessSeconds);
      }
    }
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
