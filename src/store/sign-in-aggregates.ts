import { sql, type Kysely } from 'kysely';
import { jsonRows, type JsonColumnType } from './json-rows.js';
import type { Database } from './schema.js';
import { MULTI_FACTOR, SINGLE_FACTOR, type SignInRecord } from './sign-in-record.js';

/* The aggregates sign-in ingestion keeps up to date as new events are stored (see SignInRepository.writePage). */

/** Rows per statement: each batch is one JSON parameter (see json-rows.ts), so this only bounds its size. */
const DAILY_CHUNK = 2000;
const DAILY_TYPES: readonly JsonColumnType[] = [
  'text',
  'text',
  'text',
  'integer',
  'integer',
  'integer',
  'integer',
];
const LAST_TYPES: readonly JsonColumnType[] = ['text', 'text', 'text', 'text'];

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
 * Brings every aggregate up to date for events just stored (new to the store), in the caller's transaction: per
 * user/app/day counts (`sign_in_daily`), discovered applications, each user's newest successful sign-in (also on the
 * directory user, so expiry reflects it at once: rule 8), and the days whose report rollup must be rebuilt.
 * @param lastSuccess each user's newest successful sign-in known to the caller: users whose known one is at least
 *   as new are not written again; updated with what is written.
 */
export async function aggregateSignIns(
  db: Kysely<Database>,
  clientId: string,
  events: readonly SignInRecord[],
  lastSuccess: Map<string, string> | undefined,
): Promise<void> {
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
    const source = jsonRows(
      db,
      dailyRows
        .slice(start, start + DAILY_CHUNK)
        .map((delta) => [
          delta.day,
          delta.userId,
          delta.appId,
          delta.signIns,
          delta.successes,
          delta.mfa,
          delta.singleFactor,
        ]),
      DAILY_TYPES,
    );
    await sql`insert into sign_in_daily (client_id, day, user_id, app_id, sign_ins, successes, mfa_sign_ins,
        single_factor_sign_ins)
      select ${clientId}, ${source.columns} from ${source.from} where true
      on conflict (client_id, day, user_id, app_id) do update set
        sign_ins = sign_in_daily.sign_ins + excluded.sign_ins,
        successes = sign_in_daily.successes + excluded.successes,
        mfa_sign_ins = sign_in_daily.mfa_sign_ins + excluded.mfa_sign_ins,
        single_factor_sign_ins = sign_in_daily.single_factor_sign_ins + excluded.single_factor_sign_ins`.execute(
      db,
    );
  }

  await db
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

  const lastRows = [...lastByUser.values()].filter((last) => {
    const known = lastSuccess?.get(last.userId);
    return known === undefined || last.at > known;
  });
  for (let start = 0; start < lastRows.length; start += DAILY_CHUNK) {
    const source = jsonRows(
      db,
      lastRows
        .slice(start, start + DAILY_CHUNK)
        .map((last) => [last.userId, last.at, last.appId, last.appName]),
      LAST_TYPES,
    );
    await sql`insert into sign_in_user_last (client_id, user_id, last_success_at, app_id, app_display_name)
      select ${clientId}, ${source.columns} from ${source.from} where true
      on conflict (client_id, user_id) do update set
        last_success_at = excluded.last_success_at,
        app_id = excluded.app_id,
        app_display_name = excluded.app_display_name
      where excluded.last_success_at > sign_in_user_last.last_success_at`.execute(db);
  }
  for (const last of lastRows) lastSuccess?.set(last.userId, last.at);
  // The same transaction brings the users' last activity up to date: their expiry verdicts follow at once. A
  // round reads newest first, so after its first pages hardly any user has a newer one.
  for (const last of lastRows) {
    await db
      .updateTable('directory_users')
      .set({ last_sign_in_at: last.at, last_sign_in_app: last.appName ?? last.appId })
      .where('client_id', '=', clientId)
      .where('id', '=', last.userId)
      .where((eb) => eb.or([eb('last_sign_in_at', 'is', null), eb('last_sign_in_at', '<', last.at)]))
      .execute();
  }

  await markDaysDirty(db, clientId, [...days]);
}

/** Marks days whose report rollup must be rebuilt (`version` grows each time). */
export async function markDaysDirty(
  db: Kysely<Database>,
  clientId: string,
  days: readonly string[],
): Promise<void> {
  await db
    .insertInto('sign_in_rollup_dirty')
    .values(days.map((day) => ({ client_id: clientId, day, version: 1 })))
    .onConflict((conflict) =>
      conflict.columns(['client_id', 'day']).doUpdateSet({ version: sql`sign_in_rollup_dirty.version + 1` }),
    )
    .execute();
}
