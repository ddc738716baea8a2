import { sql, type Kysely } from 'kysely';
import { withReportTables, type ReportDatabase } from './report-tables.js';
import type { Database, Flag } from './schema.js';

/** One sign-in event as the store keeps it (mapped from Graph's `signIn`). */
export interface SignInRecord {
  readonly id: string;
  /** ISO-8601 UTC (`toISOString()` form). */
  readonly createdAt: string;
  readonly userId: string;
  readonly appId: string;
  readonly appDisplayName: string | null;
  /** `status.errorCode` was 0. */
  readonly succeeded: boolean;
  readonly errorCode: number;
  readonly isInteractive: boolean;
  /** `singleFactorAuthentication` | `multiFactorAuthentication` from /beta; null when only v1.0 was read. */
  readonly authenticationRequirement: string | null;
  readonly conditionalAccessStatus: string | null;
  readonly clientAppUsed: string | null;
}

/** What writing one page did. */
export interface PageWrite {
  /** Events new to the store (and so counted in the aggregates). */
  readonly inserted: number;
  /** Events already stored (the overlap window, or a page fetched again after a restart). */
  readonly duplicates: number;
  /** Newest `createdAt` in the page (inserted or not); undefined for an empty page. */
  readonly newest: string | undefined;
}

export const MULTI_FACTOR = 'multiFactorAuthentication';
export const SINGLE_FACTOR = 'singleFactorAuthentication';

/** Events per insert statement: 12 parameters each, far below either engine's limit. */
const EVENT_CHUNK = 1000;
/** Aggregate rows per upsert statement (8 parameters each). */
const DAILY_CHUNK = 1000;

interface DailyDelta {
  day: string;
  userId: string;
  appId: string;
  signIns: number;
  successes: number;
  mfa: number;
  singleFactor: number;
}

interface AppDelta {
  appId: string;
  name: string | null;
  first: string;
  last: string;
  signIns: number;
}

interface UserLast {
  userId: string;
  at: string;
  appId: string;
  appName: string | null;
}

/**
 * The write side of sign-in ingestion. {@link writePage} stores a page of events and, for the events that were
 * new — and only those — brings every aggregate up to date: per user/app/day counts (`sign_in_daily`), discovered
 * applications, each user's newest successful sign-in, and the days whose report rollup must be rebuilt. Known ids
 * are ignored by the primary key, so a replayed page adds nothing anywhere. Every method works inside the caller's
 * transaction: pass the transaction as `db`.
 */
export class SignInRepository {
  private readonly db: Kysely<ReportDatabase>;

  constructor(db: Kysely<Database>) {
    this.db = withReportTables(db);
  }

  async writePage(clientId: string, events: readonly SignInRecord[]): Promise<PageWrite> {
    const unique = new Map<string, SignInRecord>();
    let newest: string | undefined;
    for (const event of events) {
      unique.set(event.id, event);
      if (newest === undefined || event.createdAt > newest) newest = event.createdAt;
    }
    const fresh: SignInRecord[] = [];
    const batch = [...unique.values()];
    for (let start = 0; start < batch.length; start += EVENT_CHUNK) {
      const chunk = batch.slice(start, start + EVENT_CHUNK);
      const inserted = await this.db
        .insertInto('sign_in_events')
        .values(chunk.map((event) => eventRow(clientId, event)))
        .onConflict((conflict) => conflict.columns(['client_id', 'id']).doNothing())
        .returning('id')
        .execute();
      if (inserted.length === chunk.length) {
        fresh.push(...chunk);
      } else {
        const ids = new Set(inserted.map((row) => row.id));
        for (const event of chunk) if (ids.has(event.id)) fresh.push(event);
      }
    }
    if (fresh.length > 0) await this.aggregate(clientId, fresh);
    return { inserted: fresh.length, duplicates: events.length - fresh.length, newest };
  }

  /**
   * Copies each user's newest successful sign-in to `directory_users.last_sign_in_at` / `last_sign_in_app` where it
   * is newer than what the row holds (newest wins). Idempotent; run it after ingestion and after a directory sync
   * added users. Returns how many users changed.
   */
  async applyLastSignIns(clientId: string): Promise<number> {
    const result = await sql`update directory_users
      set last_sign_in_at = l.last_success_at, last_sign_in_app = coalesce(l.app_display_name, l.app_id)
      from sign_in_user_last l
      where l.client_id = directory_users.client_id and l.user_id = directory_users.id
        and directory_users.client_id = ${clientId}
        and (directory_users.last_sign_in_at is null or directory_users.last_sign_in_at < l.last_success_at)`.execute(
      this.db,
    );
    return Number(result.numAffectedRows ?? 0n);
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

  private async aggregate(clientId: string, events: readonly SignInRecord[]): Promise<void> {
    const daily = new Map<string, DailyDelta>();
    const apps = new Map<string, AppDelta>();
    const lastByUser = new Map<string, UserLast>();
    const days = new Set<string>();
    for (const event of events) {
      const day = event.createdAt.slice(0, 10);
      days.add(day);
      const key = `${day}|${event.userId}|${event.appId}`;
      let delta = daily.get(key);
      if (delta === undefined) {
        delta = {
          day,
          userId: event.userId,
          appId: event.appId,
          signIns: 0,
          successes: 0,
          mfa: 0,
          singleFactor: 0,
        };
        daily.set(key, delta);
      }
      delta.signIns++;
      if (event.succeeded) {
        delta.successes++;
        if (event.authenticationRequirement === MULTI_FACTOR) delta.mfa++;
        else if (event.authenticationRequirement === SINGLE_FACTOR) delta.singleFactor++;
        const last = lastByUser.get(event.userId);
        if (last === undefined || event.createdAt > last.at) {
          lastByUser.set(event.userId, {
            userId: event.userId,
            at: event.createdAt,
            appId: event.appId,
            appName: event.appDisplayName,
          });
        }
      }
      const app = apps.get(event.appId);
      if (app === undefined) {
        apps.set(event.appId, {
          appId: event.appId,
          name: event.appDisplayName,
          first: event.createdAt,
          last: event.createdAt,
          signIns: 1,
        });
      } else {
        app.signIns++;
        if (event.createdAt < app.first) app.first = event.createdAt;
        if (event.createdAt >= app.last) {
          app.last = event.createdAt;
          app.name = event.appDisplayName ?? app.name;
        }
      }
    }

    const dailyRows = [...daily.values()];
    for (let start = 0; start < dailyRows.length; start += DAILY_CHUNK) {
      await this.db
        .insertInto('sign_in_daily')
        .values(
          dailyRows.slice(start, start + DAILY_CHUNK).map((delta) => ({
            client_id: clientId,
            day: delta.day,
            user_id: delta.userId,
            app_id: delta.appId,
            sign_ins: delta.signIns,
            successes: delta.successes,
            mfa_sign_ins: delta.mfa,
            single_factor_sign_ins: delta.singleFactor,
          })),
        )
        .onConflict((conflict) =>
          conflict.columns(['client_id', 'day', 'user_id', 'app_id']).doUpdateSet((eb) => ({
            sign_ins: eb('sign_in_daily.sign_ins', '+', eb.ref('excluded.sign_ins')),
            successes: eb('sign_in_daily.successes', '+', eb.ref('excluded.successes')),
            mfa_sign_ins: eb('sign_in_daily.mfa_sign_ins', '+', eb.ref('excluded.mfa_sign_ins')),
            single_factor_sign_ins: eb(
              'sign_in_daily.single_factor_sign_ins',
              '+',
              eb.ref('excluded.single_factor_sign_ins'),
            ),
          })),
        )
        .execute();
    }

    await this.db
      .insertInto('sign_in_apps')
      .values(
        [...apps.values()].map((app) => ({
          client_id: clientId,
          app_id: app.appId,
          display_name: app.name,
          first_seen_at: app.first,
          last_seen_at: app.last,
          sign_ins: app.signIns,
        })),
      )
      .onConflict((conflict) =>
        conflict.columns(['client_id', 'app_id']).doUpdateSet({
          // The newest sign-in names the application: apps get renamed.
          display_name: sql`case when excluded.last_seen_at >= sign_in_apps.last_seen_at
            then coalesce(excluded.display_name, sign_in_apps.display_name) else sign_in_apps.display_name end`,
          first_seen_at: sql`case when excluded.first_seen_at < sign_in_apps.first_seen_at
            then excluded.first_seen_at else sign_in_apps.first_seen_at end`,
          last_seen_at: sql`case when excluded.last_seen_at > sign_in_apps.last_seen_at
            then excluded.last_seen_at else sign_in_apps.last_seen_at end`,
          sign_ins: sql`sign_in_apps.sign_ins + excluded.sign_ins`,
        }),
      )
      .execute();

    const lastRows = [...lastByUser.values()];
    for (let start = 0; start < lastRows.length; start += DAILY_CHUNK) {
      await this.db
        .insertInto('sign_in_user_last')
        .values(
          lastRows.slice(start, start + DAILY_CHUNK).map((last) => ({
            client_id: clientId,
            user_id: last.userId,
            last_success_at: last.at,
            app_id: last.appId,
            app_display_name: last.appName,
          })),
        )
        .onConflict((conflict) =>
          conflict
            .columns(['client_id', 'user_id'])
            .doUpdateSet((eb) => ({
              last_success_at: eb.ref('excluded.last_success_at'),
              app_id: eb.ref('excluded.app_id'),
              app_display_name: eb.ref('excluded.app_display_name'),
            }))
            .where(sql<boolean>`excluded.last_success_at > sign_in_user_last.last_success_at`),
        )
        .execute();
    }

    await this.db
      .insertInto('sign_in_rollup_dirty')
      .values([...days].map((day) => ({ client_id: clientId, day, version: 1 })))
      .onConflict((conflict) =>
        conflict
          .columns(['client_id', 'day'])
          .doUpdateSet({ version: sql`sign_in_rollup_dirty.version + 1` }),
      )
      .execute();
  }
}

function eventRow(
  clientId: string,
  event: SignInRecord,
): {
  client_id: string;
  id: string;
  created_at: string;
  user_id: string;
  app_id: string;
  app_display_name: string | null;
  succeeded: Flag;
  error_code: number;
  is_interactive: Flag;
  authentication_requirement: string | null;
  conditional_access_status: string | null;
  client_app_used: string | null;
} {
  return {
    client_id: clientId,
    id: event.id,
    created_at: event.createdAt,
    user_id: event.userId,
    app_id: event.appId,
    app_display_name: event.appDisplayName,
    succeeded: event.succeeded ? 1 : 0,
    error_code: event.errorCode,
    is_interactive: event.isInteractive ? 1 : 0,
    authentication_requirement: event.authenticationRequirement,
    conditional_access_status: event.conditionalAccessStatus,
    client_app_used: event.clientAppUsed,
  };
}
