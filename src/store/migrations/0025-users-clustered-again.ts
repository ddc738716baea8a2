import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/** Every column of `directory_users`, in the order of 0001–0024. */
const COLUMNS = [
  'client_id',
  'id',
  'display_name',
  'user_principal_name',
  'mail',
  'user_type',
  'account_enabled',
  'department',
  'job_title',
  'created_date_time',
  'entra_state',
  'collection_state',
  'disable_reason',
  'imported_at',
  'last_sign_in_at',
  'last_sign_in_app',
  'sign_in_activity_at',
  'search_text',
  'seen_generation',
  'updated_at',
  'collected_from',
];

/**
 * SQLite only: `directory_users` is clustered on `(client_id, id)` again (`WITHOUT ROWID`, as 0001 made it), undoing
 * 0024, which had made it an ordinary rowid table with a unique index on the key to make the sync's writes cheaper.
 *
 * What 0024 cost: a client's users were no longer stored together. Every read of all of a client's users (the
 * billing/preview counts, the users list's totals, the exclusion's counts) went through a secondary index on
 * `client_id` and fetched each row from the table by rowid — two B-tree searches per user instead of one ordered
 * pass over the client's part of the table; reads by key took the key index, then the row. Without statistics
 * (the store runs no ANALYZE) the planner picks such an index for `client_id = ?` whenever there is one: the
 * billing counts walked `directory_users_department`, the list totals `directory_users_state_sort`. On the
 * `npm run bench:rules` tenant (100k users, SQLite, quiet machine) this took the Contractors exclusion preview from
 * 238 to 309 ms, its confirmation from 839 to 1,081 ms, a department's preview/confirm from 174/301 to 270/492 ms,
 * and three users-list filters over DESIGN §8's 100 ms at p95 (department + state 49 → 107 ms, expiring within 7
 * days 114, state + expired + guest + search 122). Replaying the statements of each step on one copy of those data
 * in each layout (CPU time, rowid → clustered): preview 292 → 165 ms, confirm 562 → 309 ms, the list's department +
 * state 95 → 34 ms, expiring 122 → 39 ms, state + expired + guest + search 124 → 34 ms, billing counts 164 → 62 ms.
 *
 * What 0024 saved: in the write micro-benchmark most of the sync's saving (12.7–13.3 s → 9.9 s → 8.8 s) came from
 * the upserts built once and the 20,000-object commits that shipped with it, not from the rowid table; those stay.
 * Writing 100k users through DirectoryRepository in 20k-user commits took as much CPU in either layout (fresh
 * 3.7–3.8 s rowid, 2.9–3.6 s clustered; all seen again 3.9–4.2 s, 4.0–4.9 s; on a loaded machine).
 * ANALYZE would not have been a safe way out either: with statistics for a one-client store the planner turns the
 * clustered table's billing scan into a walk of `directory_users_sort` (3× slower), so the store keeps running
 * without them. Same columns, the indexes as 0024 lists them (the key is the table itself again, so no
 * `directory_users_pk` index; the guest index covers its condition, below), same data, copied in key order in one
 * transaction. PostgreSQL: nothing to do.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  if (dialect !== 'sqlite') return;
  const columns = sql.raw(COLUMNS.join(', '));
  await db.transaction().execute(async (trx) => {
    await sql`create table directory_users_clustered (
      client_id text not null,
      id text not null,
      display_name text,
      user_principal_name text,
      mail text,
      user_type text,
      account_enabled integer default 1 not null,
      department text,
      job_title text,
      created_date_time text,
      entra_state text default 'active' not null,
      collection_state text default 'not_imported' not null,
      disable_reason text,
      imported_at text,
      last_sign_in_at text,
      last_sign_in_app text,
      sign_in_activity_at text,
      search_text text default '' not null,
      seen_generation integer default 0 not null,
      updated_at text not null,
      collected_from text,
      constraint directory_users_pk primary key (client_id, id)
    ) without rowid`.execute(trx);
    await sql`insert into directory_users_clustered (${columns})
      select ${columns} from directory_users order by client_id, id`.execute(trx);
    await sql`drop table directory_users`.execute(trx);
    await sql`alter table directory_users_clustered rename to directory_users`.execute(trx);
    // The indexes of 0001, 0003, 0007, 0008 and 0011 as 0024 lists them, spelt the same but for the guest index.
    await sql`create index directory_users_upn on directory_users (client_id, user_principal_name)`.execute(
      trx,
    );
    await sql`create index directory_users_department on directory_users (client_id, department)`.execute(
      trx,
    );
    await sql`create index directory_users_state_sort on directory_users (client_id, collection_state, (coalesce(display_name, '')), id)`.execute(
      trx,
    );
    await sql`create index directory_users_sort on directory_users (client_id, (coalesce(display_name, '')), id, search_text, display_name)`.execute(
      trx,
    );
    await sql`create index directory_users_reason_sort on directory_users (client_id, disable_reason, (coalesce(display_name, '')), id)
      where disable_reason is not null`.execute(trx);
    // The guest index also holds the two columns of its own condition, so that a guest count is answered from it
    // alone: in the clustered table the planner otherwise read every user of the client (26–38 ms of CPU for
    // 100k users) where the rowid table had taken the index (0.3 ms); with them, 0.1 ms.
    await sql`create index directory_users_guest_sort on directory_users (client_id, (coalesce(display_name, '')), id, user_type, user_principal_name)
      where (lower(coalesce(user_type, '')) = 'guest'
        or (user_type is null and upper(coalesce(user_principal_name, '')) like '%#EXT#%'))`.execute(trx);
  });
}
