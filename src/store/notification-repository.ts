import type { Kysely } from 'kysely';
import type { Database, IncidentRow } from './schema.js';
import type { ErrorCode } from '../contracts/errors.js';
import type { SyncKind } from '../domain/vocabulary.js';

/** A problem of a client (a failing sync, a missing permission): open until it is resolved. */
export interface IncidentRecord {
  readonly id: number;
  readonly clientId: string;
  readonly kind: string;
  readonly openedAt: string;
  readonly resolvedAt: string | null;
  readonly lastSeenAt: string;
  readonly message: string;
  readonly occurrences: number;
  /** Whether its opening was announced. */
  readonly notifiedOpen: boolean;
  /** Whether its resolution was announced. */
  readonly notifiedResolved: boolean;
}

/** The latest finished run of one sync kind of a client: what failed last, and why. */
export interface FinishedRunOutcome {
  readonly kind: SyncKind;
  readonly status: string;
  readonly errorCode: ErrorCode | null;
  readonly errorMessage: string | null;
  /** The permissions a `permission_missing` failure named (its stored details); empty otherwise. */
  readonly missingPermissions: string[];
}

function toIncident(row: IncidentRow): IncidentRecord {
  return {
    id: row.id,
    clientId: row.client_id,
    kind: row.kind,
    openedAt: row.opened_at,
    resolvedAt: row.resolved_at,
    lastSeenAt: row.last_seen_at,
    message: row.message,
    occurrences: row.occurrences,
    notifiedOpen: row.notified_open === 1,
    notifiedResolved: row.notified_resolved === 1,
  };
}

/**
 * The memory of DESIGN rule 11: open and closed incidents (a problem notifies when it opens and when it closes,
 * never in between) and the notifications already delivered, one row per event and conversation.
 */
export class NotificationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * The latest finished run of each sync kind of the client (what failed last, and why): `missingPermissions` are
   * those a `permission_missing` failure named (its stored details), empty otherwise.
   */
  async latestFinishedRuns(clientId: string): Promise<FinishedRunOutcome[]> {
    const latest = await this.db
      .selectFrom('sync_runs')
      .select(['kind', (eb) => eb.fn.max('id').as('id')])
      .where('client_id', '=', clientId)
      .where('status', '!=', 'running')
      .groupBy('kind')
      .execute();
    if (latest.length === 0) return [];
    const runs = await this.db
      .selectFrom('sync_runs')
      .select(['kind', 'status', 'error_code', 'error_message', 'error_details'])
      .where(
        'id',
        'in',
        latest.map((row) => row.id),
      )
      .execute();
    return runs.map((run) => ({
      kind: run.kind,
      status: run.status,
      errorCode: run.error_code,
      errorMessage: run.error_message,
      missingPermissions: missingIn(run.error_details),
    }));
  }

  async openIncident(clientId: string, kind: string): Promise<IncidentRecord | undefined> {
    const row = await this.db
      .selectFrom('incidents')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('kind', '=', kind)
      .where('resolved_at', 'is', null)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : toIncident(row);
  }

  /** The newest incident of that kind closed at or after `since`, still to be announced. */
  async unannouncedResolution(
    clientId: string,
    kind: string,
    since: string,
  ): Promise<IncidentRecord | undefined> {
    const row = await this.db
      .selectFrom('incidents')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('kind', '=', kind)
      .where('resolved_at', 'is not', null)
      .where('resolved_at', '>=', since)
      .where('notified_resolved', '=', 0)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : toIncident(row);
  }

  /** An incident opened and resolved at once (its recovery already under way), recorded for the admin to read. */
  async recordResolved(clientId: string, kind: string, message: string, at: string): Promise<void> {
    await this.db
      .insertInto('incidents')
      .values({
        client_id: clientId,
        kind,
        opened_at: at,
        resolved_at: at,
        last_seen_at: at,
        message,
        occurrences: 1,
        notified_open: 0,
        notified_resolved: 0,
      })
      .execute();
  }

  async openNew(clientId: string, kind: string, message: string, at: string): Promise<IncidentRecord> {
    const row = await this.db
      .insertInto('incidents')
      .values({
        client_id: clientId,
        kind,
        opened_at: at,
        resolved_at: null,
        last_seen_at: at,
        message,
        occurrences: 1,
        notified_open: 0,
        notified_resolved: 0,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toIncident(row);
  }

  /** Another sighting of an open incident: counted, the message refreshed, nobody told again. */
  async seenAgain(id: number, message: string, at: string): Promise<void> {
    await this.db
      .updateTable('incidents')
      .set((eb) => ({ occurrences: eb('occurrences', '+', 1), last_seen_at: at, message }))
      .where('id', '=', id)
      .execute();
  }

  /** Closes the incident; returns it as closed (undefined when someone else closed it first). */
  async resolve(id: number, at: string): Promise<IncidentRecord | undefined> {
    const result = await this.db
      .updateTable('incidents')
      .set({ resolved_at: at })
      .where('id', '=', id)
      .where('resolved_at', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) return undefined;
    const row = await this.db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toIncident(row);
  }

  async markAnnounced(id: number, which: 'open' | 'resolved'): Promise<void> {
    await this.db
      .updateTable('incidents')
      .set(which === 'open' ? { notified_open: 1 } : { notified_resolved: 1 })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Claims a delivery before it is attempted: of two checkers racing (a scheduled run and a bot-triggered one, or
   * two instances), exactly one gets `true`. A failed delivery is released again so the next check retries it.
   */
  async claim(clientId: string, key: string, at: string): Promise<boolean> {
    const result = await this.db
      .insertInto('notifications_sent')
      .values({ client_id: clientId, key, sent_at: at })
      .onConflict((conflict) => conflict.columns(['client_id', 'key']).doNothing())
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async release(clientId: string, key: string): Promise<void> {
    await this.db
      .deleteFrom('notifications_sent')
      .where('client_id', '=', clientId)
      .where('key', '=', key)
      .execute();
  }

  /** Housekeeping: forgets deliveries older than `before`. */
  async pruneSent(before: string): Promise<number> {
    const result = await this.db
      .deleteFrom('notifications_sent')
      .where('sent_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** The `missing` list of a failure's stored details (`PermissionError`, src/graph/graph-errors.ts). */
function missingIn(details: string | null): string[] {
  if (details === null) return [];
  try {
    const parsed = JSON.parse(details) as { missing?: unknown };
    return Array.isArray(parsed.missing) ? parsed.missing.filter((name) => typeof name === 'string') : [];
  } catch {
    return [];
  }
}
