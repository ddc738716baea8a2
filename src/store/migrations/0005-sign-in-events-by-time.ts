import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * Re-keys `sign_in_events` on (client_id, created_at, id) instead of (client_id, id), and drops the separate time
 * index the new key makes redundant.
 *
 * Why: sign-in ids are random GUIDs, so a table clustered on them (SQLite WITHOUT ROWID) takes every insert at a
 * random page — measured at ~22k rows/s here, against ~150k rows/s when the rows arrive in key order, which they do
 * when the key starts with the time (Graph pages newest first; each round covers a time window). It also makes
 * retention pruning a range delete on the key.
 *
 * De-duplication is unchanged: a sign-in log entry never changes, so an id always comes with the same
 * `createdDateTime`, and a replayed id conflicts on the new key exactly as on the old one.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const clustered = dialect === 'sqlite' ? sql` without rowid` : sql``;
  await sql`create table sign_in_events_by_time (
    client_id text not null,
    id text not null,
    created_at text not null,
    user_id text not null,
    app_id text not null,
    app_display_name text,
    succeeded integer not null,
    error_code integer not null default 0,
    is_interactive integer not null default 1,
    authentication_requirement text,
    conditional_access_status text,
    client_app_used text,
    primary key (client_id, created_at, id))${clustered}`.execute(db);
  await sql`insert into sign_in_events_by_time select client_id, id, created_at, user_id, app_id, app_display_name,
    succeeded, error_code, is_interactive, authentication_requirement, conditional_access_status, client_app_used
    from sign_in_events`.execute(db);
  await sql`drop table sign_in_events`.execute(db);
  await sql`alter table sign_in_events_by_time rename to sign_in_events`.execute(db);
}
