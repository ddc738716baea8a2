import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * Indexes measured by `npm run bench:rules` at 100k users:
 * - SQLite: the users list's sort index also carries `search_text` and `display_name`, so finding a page's ids is a
 *   covering scan that filters a search on index entries (SQLite does not count the indexed `coalesce(display_name,
 *   '')` as covering `display_name` itself). PostgreSQL does not filter on index entries, so it keeps the narrow one.
 * - Both: lists of guests, and lists filtered by disable reason, walk their own (small) index in sort order.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  if (dialect === 'sqlite') {
    await sql`drop index directory_users_sort`.execute(db);
    await sql`create index directory_users_sort on directory_users (client_id, (coalesce(display_name, '')), id, search_text, display_name)`.execute(
      db,
    );
  }
  await sql`create index directory_users_reason_sort on directory_users (client_id, disable_reason, (coalesce(display_name, '')), id)`.execute(
    db,
  );
  await sql`create index directory_users_guest_sort on directory_users (client_id, (coalesce(display_name, '')), id)
    where lower(coalesce(user_type, '')) = 'guest'`.execute(db);
}
