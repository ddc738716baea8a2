import type { Kysely } from 'kysely';
import type { Database, SyncRunRow } from './schema.js';
import type { SyncKind, SyncStatus, SyncTrigger } from '../domain/vocabulary.js';
import type { ErrorCode } from '../contracts/errors.js';
import { isUniqueViolation } from './unique-violation.js';

/** One sync run as stored: what it is, how far it got, what it counted and how it ended. */
export interface SyncRunRecord {
  readonly id: number;
  readonly clientId: string;
  readonly kind: SyncKind;
  readonly trigger: SyncTrigger;
  readonly status: SyncStatus;
  /** ISO-8601 UTC. */
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly usersAdded: number;
  readonly usersUpdated: number;
  readonly usersRemoved: number;
  readonly groupsAdded: number;
  readonly groupsUpdated: number;
  readonly groupsRemoved: number;
  readonly edgesAdded: number;
  readonly edgesRemoved: number;
  /** Other rows written by non-directory runs (sign-ins ingested, registrations…). */
  readonly itemsWritten: number;
  readonly pages: number;
  readonly graphRequests: number;
  readonly retries: number;
  readonly throttledMs: number;
  /** The failure's code from the one catalogue (src/contracts/errors.ts). */
  readonly errorCode: ErrorCode | null;
  readonly errorMessage: string | null;
  readonly errorRequestId: string | null;
  /** JSON text of the failure's structured facts (`AppError.details`), or null. */
  readonly errorDetails: string | null;
  /** JSON text of the live progress (`{ pages, users, groups, requests }`, a phase…). */
  readonly progress: string;
  /** `host:pid:nonce` of the process running it. */
  readonly owner: string | null;
  /** Last sign of life of a running run. */
  readonly heartbeatAt: string | null;
  /** A person waits for the run: one started it, or a *Sync now* joined it. */
  readonly urgent: boolean;
}

/** A `sync_runs` row as a {@link SyncRunRecord}. */
export function toSyncRunRecord(row: SyncRunRow): SyncRunRecord {
  return {
    id: row.id,
    clientId: row.client_id,
    kind: row.kind,
    trigger: row.trigger,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    usersAdded: row.users_added,
    usersUpdated: row.users_updated,
    usersRemoved: row.users_removed,
    groupsAdded: row.groups_added,
    groupsUpdated: row.groups_updated,
    groupsRemoved: row.groups_removed,
    edgesAdded: row.edges_added,
    edgesRemoved: row.edges_removed,
    itemsWritten: row.items_written,
    pages: row.pages,
    graphRequests: row.graph_requests,
    retries: row.retries,
    throttledMs: row.throttled_ms,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    errorRequestId: row.error_request_id,
    errorDetails: row.error_details,
    progress: row.progress,
    owner: row.owner,
    heartbeatAt: row.heartbeat_at,
    urgent: row.urgent === 1,
  };
}

/** The counters a run reports when it ends (all optional: a sign-in run has no groups). */
export interface SyncRunCounts {
  usersAdded?: number;
  usersUpdated?: number;
  usersRemoved?: number;
  groupsAdded?: number;
  groupsUpdated?: number;
  groupsRemoved?: number;
  edgesAdded?: number;
  edgesRemoved?: number;
  itemsWritten?: number;
  pages?: number;
  graphRequests?: number;
  retries?: number;
  throttledMs?: number;
}

export interface SyncRunFailure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly requestId: string | undefined;
  /** The error's structured facts (`AppError.details`), kept so no one parses the message back. */
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

/** Thrown by {@link SyncRunRepository.start} when a run of that kind is already running for the client. */
export class RunAlreadyRunning extends Error {
  override readonly name = 'RunAlreadyRunning';
}

/** `sync_runs`: one row per run, `running` while under way (at most one per client and kind — a unique index). */
export class SyncRunRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Records a new running run.
   * @throws {RunAlreadyRunning} when the client already has a running run of this kind (in any process).
   */
  async start(input: {
    clientId: string;
    kind: SyncKind;
    trigger: SyncTrigger;
    /** A person waits for it (a *Sync now*, a first sync). Default false. */
    urgent?: boolean;
    owner: string;
    at: Date;
  }): Promise<SyncRunRecord> {
    const at = input.at.toISOString();
    try {
      const row = await this.db
        .insertInto('sync_runs')
        .values({
          client_id: input.clientId,
          kind: input.kind,
          trigger: input.trigger,
          status: 'running',
          started_at: at,
          heartbeat_at: at,
          owner: input.owner,
          progress: '{}',
          urgent: input.urgent === true ? 1 : 0,
          ...zeroCounts,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toSyncRunRecord(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw new RunAlreadyRunning(`A ${input.kind} run is already running.`);
      throw error;
    }
  }

  async get(id: number): Promise<SyncRunRecord | undefined> {
    const row = await this.db.selectFrom('sync_runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toSyncRunRecord(row);
  }

  async findRunning(clientId: string, kind: SyncKind): Promise<SyncRunRecord | undefined> {
    const row = await this.db
      .selectFrom('sync_runs')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('kind', '=', kind)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return row === undefined ? undefined : toSyncRunRecord(row);
  }

  /** The newest run of a kind, optionally only successful ones. */
  async latest(
    clientId: string,
    kind: SyncKind,
    status?: 'succeeded' | 'failed',
  ): Promise<SyncRunRecord | undefined> {
    let query = this.db
      .selectFrom('sync_runs')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('kind', '=', kind)
      .orderBy('id', 'desc')
      .limit(1);
    if (status !== undefined) query = query.where('status', '=', status);
    const row = await query.executeTakeFirst();
    return row === undefined ? undefined : toSyncRunRecord(row);
  }

  /** The kinds with a run for the client that succeeded (finished) at or after `since`. */
  async kindsSucceededSince(clientId: string, since: string): Promise<Set<SyncKind>> {
    const rows = await this.db
      .selectFrom('sync_runs')
      .select('kind')
      .distinct()
      .where('client_id', '=', clientId)
      .where('status', '=', 'succeeded')
      .where('finished_at', '>=', since)
      .execute();
    return new Set(rows.map((row) => row.kind));
  }

  /** Newest first. */
  async list(clientId: string, options: { kind?: SyncKind; limit?: number } = {}): Promise<SyncRunRecord[]> {
    let query = this.db
      .selectFrom('sync_runs')
      .selectAll()
      .where('client_id', '=', clientId)
      .orderBy('id', 'desc')
      .limit(options.limit ?? 20);
    if (options.kind !== undefined) query = query.where('kind', '=', options.kind);
    return (await query.execute()).map(toSyncRunRecord);
  }

  /**
   * Live progress and a sign of life, answering whether a person now waits for the run (a *Sync now* joined it).
   * `undefined` when the run is no longer running: another process closed it (it presumed this one dead and took the
   * work over), so this run must stop without writing more.
   */
  async heartbeat(
    id: number,
    at: Date,
    progress?: Readonly<Record<string, unknown>>,
  ): Promise<{ readonly urgent: boolean } | undefined> {
    const row = await this.db
      .updateTable('sync_runs')
      .set({
        heartbeat_at: at.toISOString(),
        ...(progress === undefined ? {} : { progress: JSON.stringify(progress) }),
      })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .returning('urgent')
      .executeTakeFirst();
    return row === undefined ? undefined : { urgent: row.urgent === 1 };
  }

  /**
   * A person now waits for a running run (a *Sync now* joined it): the instance running it reads this back at its next
   * progress write or heartbeat. Answers whether the run was still running.
   */
  async markUrgent(id: number): Promise<boolean> {
    const result = await this.db
      .updateTable('sync_runs')
      .set({ urgent: 1 })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async succeed(
    id: number,
    counts: SyncRunCounts,
    at: Date,
    progress?: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    await this.finish(id, 'succeeded', counts, undefined, at, progress);
  }

  async fail(
    id: number,
    failure: SyncRunFailure,
    counts: SyncRunCounts,
    at: Date,
    progress?: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    await this.finish(id, 'failed', counts, failure, at, progress);
  }

  /** Closes a run whose process died. Returns whether it was still running (and so was closed by this call). */
  async markInterrupted(id: number, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('sync_runs')
      .set(interrupted(at, 'the next run resumed from its checkpoint'))
      .where('id', '=', id)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * Closes the client's runs still running under a scheduler instance declared dead (`owner`), when another
   * instance takes its job over. Returns how many it closed.
   */
  async markInterruptedOfOwner(owner: string, clientId: string, at: Date): Promise<number> {
    const result = await this.db
      .updateTable('sync_runs')
      .set(interrupted(at, 'another instance resumed it from its checkpoint'))
      .where('status', '=', 'running')
      .where('owner', '=', owner)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  private async finish(
    id: number,
    status: 'succeeded' | 'failed',
    counts: SyncRunCounts,
    failure: SyncRunFailure | undefined,
    at: Date,
    progress: Readonly<Record<string, unknown>> | undefined,
  ): Promise<void> {
    await this.db
      .updateTable('sync_runs')
      .set({
        status,
        finished_at: at.toISOString(),
        heartbeat_at: at.toISOString(),
        users_added: counts.usersAdded ?? 0,
        users_updated: counts.usersUpdated ?? 0,
        users_removed: counts.usersRemoved ?? 0,
        groups_added: counts.groupsAdded ?? 0,
        groups_updated: counts.groupsUpdated ?? 0,
        groups_removed: counts.groupsRemoved ?? 0,
        edges_added: counts.edgesAdded ?? 0,
        edges_removed: counts.edgesRemoved ?? 0,
        items_written: counts.itemsWritten ?? 0,
        pages: counts.pages ?? 0,
        graph_requests: counts.graphRequests ?? 0,
        retries: counts.retries ?? 0,
        throttled_ms: Math.round(counts.throttledMs ?? 0),
        error_code: failure?.code ?? null,
        error_message: failure?.message ?? null,
        error_request_id: failure?.requestId ?? null,
        error_details: failure?.details === undefined ? null : JSON.stringify(failure.details),
        ...(progress === undefined ? {} : { progress: JSON.stringify(progress) }),
      })
      .where('id', '=', id)
      // A run closed meanwhile (taken over by another process) keeps the outcome it was given.
      .where('status', '=', 'running')
      .execute();
  }
}

const zeroCounts = {
  users_added: 0,
  users_updated: 0,
  users_removed: 0,
  groups_added: 0,
  groups_updated: 0,
  groups_removed: 0,
  edges_added: 0,
  edges_removed: 0,
  items_written: 0,
  pages: 0,
  graph_requests: 0,
  retries: 0,
  throttled_ms: 0,
} as const;

/** How a run closes when whatever ran it stopped before it finished: failed, `interrupted`, saying what resumes it. */
function interrupted(at: Date, resumed: string) {
  return {
    status: 'failed' as const,
    finished_at: at.toISOString(),
    error_code: 'interrupted' as const,
    error_message: `The process running this sync stopped before it finished; ${resumed}.`,
  };
}
