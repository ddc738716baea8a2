import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * Every index on `directory_users` is paid for by every user a sync writes (100k on a first sync). Two indexes of
 * 0001 are covered by the sort indexes of 0003/0007 (`(client_id, collection_state, …)` and
 * `(client_id, coalesce(display_name, ''), id)`), and two others index a column that is null for nearly every
 * user (`expired_at`, `disable_reason`): those become partial, so rows without a value cost nothing.
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await sql`drop index directory_users_state`.execute(db);
  await sql`drop index directory_users_name`.execute(db);
  await sql`drop index directory_users_expired`.execute(db);
  await sql`create index directory_users_expired on directory_users (client_id, expired_at) where expired_at is not null`.execute(
    db,
  );
  await sql`drop index directory_users_reason_sort`.execute(db);
  await sql`create index directory_users_reason_sort on directory_users (client_id, disable_reason, (coalesce(display_name, '')), id)
    where disable_reason is not null`.execute(db);
}
