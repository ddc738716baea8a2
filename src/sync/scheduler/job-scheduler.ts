import type { QueueStats } from '../../observability/telemetry.js';

/** Work done for each connected client at a fixed interval (directory sync, sign-in ingestion, signInActivity…). */
export interface ClientJob {
  /** Unique, stable, `[a-z0-9-]`: also the queue name with PostgreSQL (`directory-sync`). */
  readonly name: string;
  /** How often per client. */
  readonly everyMinutes: number;
  /**
   * Does the job for one client. Throwing only ends this attempt (logged); the job runs again at the next interval.
   * Jobs must tolerate running again early (after a restart, or when a person asked for it meanwhile). `takeover`
   * is given when this is a slot another instance had started and died running: the job goes on where it was.
   * `signal` is aborted when the job must stop at once: another instance took it over (this one was presumed dead).
   */
  run(clientId: string, takeover?: JobTakeover, signal?: AbortSignal): Promise<void>;
}

/** A client job's slot taken over from an instance that died running it. */
export interface JobTakeover {
  /**
   * When the slot was first claimed (ISO 8601, kept across successive takeovers): the work that succeeded since is
   * done for this slot and is not run again; the part cut short resumes from its checkpoint.
   */
  readonly since: string;
}

/** Work done once a day for the whole app (expiry evaluation, billing snapshot, notifications…). */
export interface DailyJob {
  /** Unique, stable, `[a-z0-9-]`. */
  readonly name: string;
  /** Hour of the day (UTC) from which it runs. Default 2. */
  readonly atHourUtc?: number;
  /** Must be idempotent for the day: after a restart it may run again the same day. */
  run(): Promise<void>;
}

/**
 * Runs registered jobs on schedule, one run per client and job at a time. Two adapters: in-process timers
 * (SQLite, one instance) and pg-boss (PostgreSQL, several instances: each scheduled run happens exactly once across
 * them). Registering a job is one call, before or after `start`.
 */
export interface JobScheduler {
  registerClientJob(job: ClientJob): void;
  registerDailyJob(job: DailyJob): void;
  start(): Promise<void>;
  /** Stops scheduling and waits for runs under way (up to a timeout). */
  stop(): Promise<void>;
  /** Looks at once for due work (the adapters also do this on their own clock). */
  tick(): Promise<void>;
  /** What the queues hold now (for /metrics): waiting and active jobs, and the oldest waiting job's age. */
  queueStats(): Promise<QueueStats[]>;
}

/** A client the per-client jobs run for, and how urgently its next run is due. */
export interface ScheduledClient {
  readonly clientId: string;
  /** Higher runs first: {@link PRIORITY_NEW_CLIENT} for a client never synced yet, else {@link PRIORITY_ROUTINE}. */
  readonly priority: number;
}

/** Which clients the per-client jobs run for: those with an integration. */
export type ClientLister = () => Promise<readonly ScheduledClient[]>;

/** A routine run (the interval came round). */
export const PRIORITY_ROUTINE = 0;
/** A just-connected client's first sync: before routine runs, so it is visible within minutes. */
export const PRIORITY_NEW_CLIENT = 10;
/** A run taken over from an instance that died mid-sync (it resumes from its checkpoints): first of all. */
export const PRIORITY_RECOVERY = 20;

const JOB_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** @throws {Error} for a malformed name or one already registered (a programming error). */
export function assertJobName(name: string, ...registries: readonly ReadonlyMap<string, unknown>[]): void {
  if (!JOB_NAME.test(name)) throw new Error(`Job name '${name}' must match ${String(JOB_NAME)}.`);
  if (registries.some((registry) => registry.has(name)))
    throw new Error(`Job '${name}' is already registered.`);
}
