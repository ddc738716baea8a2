import { sql, type Kysely, type RawBuilder } from 'kysely';
import { jsonRows, type JsonColumnType } from './json-rows.js';
import type { Database } from './schema.js';
import { aggregateSignIns, markDaysDirty } from './sign-in-aggregates.js';
import type { SignInRecord } from './sign-in-record.js';

/** What writing one page did. */
export interface PageWrite {
  /** Events new to the store (and so counted in the aggregates). */
  readonly inserted: number;
  /** Events already stored (the overlap window, or a page fetched again after a restart). */
  readonly duplicates: number;
  /**
   * Events of users not enabled for data collection (not imported, guests, disabled, excluded, deleted, unknown),
   * or from before their collection (re)started: not stored (rule 10).
   */
  readonly notCollected: number;
  /** Those events, by id and time: the ingestion counts an event read twice (a window's edge) once. */
  readonly notCollectedEvents: readonly { readonly id: string; readonly createdAt: string }[];
  /** Newest `createdAt` in the page (inserted or not); undefined for an empty page. */
  readonly newest: string | undefined;
}

/** Rows per statement: each batch is one JSON parameter (see json-rows.ts), so this only bounds its size. */
const EVENT_CHUNK = 2000;
const ID_TYPES: readonly JsonColumnType[] = ['text'];

const EVENT_TYPES: readonly JsonColumnType[] = [
  'text',
  'text',
  'text',
  'text',
  'text',
  'integer',
  'integer',
  'integer',
  'text',
  'text',
  'text',
];

/**
 * The write side of sign-in ingestion. {@link writePage} stores the events of users enabled for data collection —
 * and only those (rule 10) — and, for the events that were new, brings every aggregate up to date in the same
 * transaction: per user/app/day counts (`sign_in_daily`), discovered applications, each user's newest successful
 * sign-in (also on the directory user, so expiry reflects it at once: rule 8), and the days whose report rollup
 * must be rebuilt. Known ids are ignored by the primary key, so a replayed page adds nothing anywhere.
 * {@link forgetUsers} deletes what was collected of users and brings the aggregates back. Every method works inside
 * the caller's transaction: pass the transaction as `db`.
 */
export class SignInRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Stores a page of events; only those new to the store update the aggregates.
   * @param lastSuccess each user's newest successful sign-in known to the caller (from {@link lastSuccessByUser},
   *   kept up to date by this method): users whose known one is at least as new are not written again. A round
   *   reads newest first, so after its first pages almost no user needs a write.
   */
  async writePage(
    clientId: string,
    events: readonly SignInRecord[],
    lastSuccess?: Map<string, string>,
  ): Promise<PageWrite> {
    const unique = new Map<string, SignInRecord>();
    let newest: string | undefined;
    for (const event of events) {
      unique.set(event.id, event);
      if (newest === undefined || event.createdAt > newest) newest = event.createdAt;
    }
    const collecting = await this.collectedSince(
      clientId,
      [...unique.values()].map((event) => event.userId),
    );
    const batch: SignInRecord[] = [];
    const notCollectedEvents: { id: string; createdAt: string }[] = [];
    for (const event of unique.values()) {
      const since = collecting.get(event.userId);
      if (since !== undefined && (since === null || event.createdAt >= since)) batch.push(event);
      else notCollectedEvents.push({ id: event.id, createdAt: event.createdAt });
    }
    const notCollected = notCollectedEvents.length;
    const fresh: SignInRecord[] = [];
    for (let start = 0; start < batch.length; start += EVENT_CHUNK) {
      const chunk = batch.slice(start, start + EVENT_CHUNK);
      const source = jsonRows(this.db, chunk.map(eventTuple), EVENT_TYPES);
      const { rows: inserted } = await sql<{
        id: string;
      }>`insert into sign_in_events (client_id, id, created_at,
          user_id, app_id, app_display_name, succeeded, error_code, is_interactive, authentication_requirement,
          conditional_access_status, client_app_used)
        select ${clientId}, ${source.columns} from ${source.from} where true
        on conflict (client_id, created_at, id) do nothing
        returning id`.execute(this.db);
      if (inserted.length === chunk.length) {
        fresh.push(...chunk);
      } else {
        const ids = new Set(inserted.map((row) => row.id));
        for (const event of chunk) if (ids.has(event.id)) fresh.push(event);
      }
    }
    if (fresh.length > 0) await aggregateSignIns(this.db, clientId, fresh, lastSuccess);
    return {
      inserted: fresh.length,
      duplicates: events.length - fresh.length - notCollected,
      notCollected,
      notCollectedEvents,
      newest,
    };
  }

  /**
   * For each of the users given that is enabled for data collection (imported), since when its sign-ins are
   * collected (null: from the start); users not collected are absent.
   */
  private async collectedSince(
    clientId: string,
    userIds: readonly string[],
  ): Promise<Map<string, string | null>> {
    const ids = [...new Set(userIds)];
    const out = new Map<string, string | null>();
    for (let start = 0; start < ids.length; start += EVENT_CHUNK) {
      const rows = await this.db
        .selectFrom('directory_users')
        .select(['id', 'collected_from'])
        .where('client_id', '=', clientId)
        .where('id', 'in', ids.slice(start, start + EVENT_CHUNK))
        .where('collection_state', '=', 'imported')
        .execute();
      for (const row of rows) out.set(row.id, row.collected_from);
    }
    return out;
  }

  /**
   * Copies each user's newest successful sign-in to `directory_users.last_sign_in_at` / `last_sign_in_app` where it
   * is newer than what the row holds (newest wins) — for every user, or only those given. Idempotent. Returns how
   * many users changed.
   */
  async applyLastSignIns(clientId: string, userIds?: readonly string[]): Promise<number> {
    if (userIds?.length === 0) return 0;
    const only =
      userIds === undefined
        ? sql``
        : sql`and directory_users.id in (${sql.join([...new Set(userIds)].map((id) => sql`${id}`))})`;
    const result = await sql`update directory_users
      set last_sign_in_at = l.last_success_at, last_sign_in_app = coalesce(l.app_display_name, l.app_id)
      from sign_in_user_last l
      where l.client_id = directory_users.client_id and l.user_id = directory_users.id
        and directory_users.client_id = ${clientId} ${only}
        and (directory_users.last_sign_in_at is null or directory_users.last_sign_in_at < l.last_success_at)`.execute(
      this.db,
    );
    return Number(result.numAffectedRows ?? 0n);
  }

  /**
   * Deletes everything collected of these users — their events, their per-day counts (the days' report rollups are
   * marked for rebuilding, and reports read the counts themselves until then), their newest sign-in, and the last
   * sign-in on their directory row — as when a group is excluded (rule 10). Returns how many users were given.
   */
  async forgetUsers(clientId: string, userIds: readonly string[]): Promise<number> {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) return 0;
    // One pass over each table (its rows are keyed by time, not by user): the users as one JSON parameter.
    const users = (): RawBuilder<unknown> => {
      const source = jsonRows(
        this.db,
        ids.map((id) => [id]),
        ID_TYPES,
      );
      return sql`(select ${source.columns} from ${source.from})`;
    };
    await sql`delete from sign_in_events where client_id = ${clientId} and user_id in ${users()}`.execute(
      this.db,
    );
    const { rows: daily } = await sql<{ day: string }>`delete from sign_in_daily
      where client_id = ${clientId} and user_id in ${users()} returning day`.execute(this.db);
    await sql`delete from sign_in_user_last where client_id = ${clientId} and user_id in ${users()}`.execute(
      this.db,
    );
    await sql`update directory_users set last_sign_in_at = null, last_sign_in_app = null
      where client_id = ${clientId} and id in ${users()} and last_sign_in_at is not null`.execute(this.db);
    const days = [...new Set(daily.map((row) => row.day))];
    if (days.length > 0) await markDaysDirty(this.db, clientId, days);
    return ids.length;
  }

  /** Deletes events older than `before` (retention). Aggregates, discovered apps and last activity stay. */
  async pruneEvents(clientId: string, before: string): Promise<number> {
    const result = await this.db
      .deleteFrom('sign_in_events')
      .where('client_id', '=', clientId)
      .where('created_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Stored events and their time span, for status and tests. */
  async eventSummary(
    clientId: string,
  ): Promise<{ count: number; oldest: string | null; newest: string | null }> {
    const row = await this.db
      .selectFrom('sign_in_events')
      .select((eb) => [
        eb.fn.countAll<number>().as('count'),
        eb.fn.min<string | null>('created_at').as('oldest'),
        eb.fn.max<string | null>('created_at').as('newest'),
      ])
      .where('client_id', '=', clientId)
      .executeTakeFirstOrThrow();
    return { count: row.count, oldest: row.oldest, newest: row.newest };
  }

  /** Each user's newest successful sign-in as stored, for {@link writePage}. */
  async lastSuccessByUser(clientId: string): Promise<Map<string, string>> {
    const rows = await this.db
      .selectFrom('sign_in_user_last')
      .select(['user_id', 'last_success_at'])
      .where('client_id', '=', clientId)
      .execute();
    return new Map(rows.map((row) => [row.user_id, row.last_success_at]));
  }
}

/** An event as a row of the JSON batch, in the column order of the insert. */
function eventTuple(event: SignInRecord): (string | number | null)[] {
  return [
    event.id,
    event.createdAt,
    event.userId,
    event.appId,
    event.appDisplayName,
    event.succeeded ? 1 : 0,
    event.errorCode,
    event.isInteractive ? 1 : 0,
    event.authenticationRequirement,
    event.conditionalAccessStatus,
    event.clientAppUsed,
  ];
}
