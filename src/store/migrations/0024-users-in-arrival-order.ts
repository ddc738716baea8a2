import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * SQLite only: `directory_users` becomes an ordinary rowid table with a unique index on its key, instead of a table
 * clustered on `(client_id, id)` (`WITHOUT ROWID`, 0001). User ids are random GUIDs, so every user a sync wrote
 * landed on a random page of the whole table — some 400 bytes a row, a 40 MB tree for 100k users — and each commit
 * rewrote nearly every page of it. Rows now go at the end of the table in the order they arrive; only the key index
 * (80 bytes an entry) takes random inserts, and the other indexes point at the 8-byte rowid instead of repeating
 * the 36-character id. Reads by key take one more lookup (index, then row), which the users screens do not notice.
 * Same columns, same indexes, same data. PostgreSQL tables are heaps with a separate key index already: nothing to
 * do there.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  if (dialect !== 'sqlite') return;
  const columns = sql.raw(
    [
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
    ].join(', '),
  );
  await sql`create table directory_users_by_rowid (
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
    collected_from text
  )`.execute(db);
  await sql`insert into directory_users_by_rowid (${columns})
    select ${columns} from directory_users order by client_id, id`.execute(db);
  await sql`drop table directory_users`.execute(db);
  await sql`alter table directory_users_by_rowid rename to directory_users`.execute(db);
  await sql`create unique index directory_users_pk on directory_users (client_id, id)`.execute(db);
  // The indexes of 0001, 0003, 0007, 0008 and 0011 as they stood, spelt the same.
  await sql`create index directory_users_upn on directory_users (client_id, user_principal_name)`.execute(db);
  await sql`create index directory_users_department on directory_users (client_id, department)`.execute(db);
  await sql`create index directory_users_state_sort on directory_users (client_id, collection_state, (coalesce(display_name, '')), id)`.execute(
    db,
  );
  await sql`create index directory_users_sort on directory_users (client_id, (coalesce(display_name, '')), id, search_text, display_name)`.execute(
    db,
  );
  await sql`create index directory_users_reason_sort on directory_users (client_id, disable_reason, (coalesce(display_name, '')), id)
    where disable_reason is not null`.execute(db);
  await sql`create index directory_users_guest_sort on directory_users (client_id, (coalesce(display_name, '')), id)
    where (lower(coalesce(user_type, '')) = 'guest'
      or (user_type is null and upper(coalesce(user_principal_name, '')) like '%#EXT#%'))`.execute(db);
}
