import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * What sign-in ingestion and the reports need beyond the first schema (see src/store/schema.ts for the
 * row types):
 * - `sign_in_apps`: applications discovered in sign-ins (name, first and last seen) — kept after the events
 *   themselves are pruned.
 * - `sign_in_user_last`: each user's newest successful sign-in, kept even for users the directory sync has not
 *   copied yet, so `directory_users.last_sign_in_at` can be filled in whichever order the two syncs run.
 * - `sign_in_keys`, `sign_in_rollups`, `sign_in_rollup_dirty`: a compact per-day copy of `sign_in_daily` (integer
 *   user and app keys, one binary row per client and day) that the reports read in one pass, and the days whose
 *   copy is behind `sign_in_daily`. 30 days × 10k users is half a million daily rows: grouping them in SQL per
 *   report costs seconds on either engine, decoding thirty rows costs milliseconds.
 * - `service_principals.app_owner_organization_id`: tells Microsoft's own services from the tenant's enterprise
 *   applications (the SSO coverage report counts only the latter).
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const clustered = dialect === 'sqlite' ? sql` without rowid` : sql``;
  const blob = dialect === 'postgres' ? sql`bytea` : sql`blob`;

  await sql`create table sign_in_apps (
    client_id text not null,
    app_id text not null,
    display_name text,
    first_seen_at text not null,
    last_seen_at text not null,
    sign_ins integer not null default 0,
    primary key (client_id, app_id))${clustered}`.execute(db);

  await sql`create table sign_in_user_last (
    client_id text not null,
    user_id text not null,
    last_success_at text not null,
    app_id text not null,
    app_display_name text,
    primary key (client_id, user_id))${clustered}`.execute(db);

  await sql`create table sign_in_keys (
    client_id text not null,
    kind text not null,
    key text not null,
    idx integer not null,
    primary key (client_id, kind, key))${clustered}`.execute(db);
  await sql`create unique index sign_in_keys_idx on sign_in_keys (client_id, kind, idx)`.execute(db);

  await sql`create table sign_in_rollups (
    client_id text not null,
    day text not null,
    tuples ${blob} not null,
    tuple_count integer not null,
    built_at text not null,
    primary key (client_id, day))${clustered}`.execute(db);

  await sql`create table sign_in_rollup_dirty (
    client_id text not null,
    day text not null,
    version integer not null,
    primary key (client_id, day))${clustered}`.execute(db);

  await db.schema.alterTable('service_principals').addColumn('app_owner_organization_id', 'text').execute();
}
