import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * `directory_users_upn` indexes `lower(user_principal_name)` instead of `(client_id, user_principal_name)`.
 *
 * No query could use the old index: the one lookup by UPN (a user named by UPN in the bot, the CLI and the API)
 * compares case-insensitively, as Entra does, with `lower(user_principal_name) = ?`, and an index serves an expression
 * only when it indexes that same expression (https://www.sqlite.org/expridx.html,
 * https://www.postgresql.org/docs/current/indexes-expressional.html). So every sync wrote the old index and every
 * lookup scanned all of the client's users.
 *
 * The expression alone, not after `client_id`: SQLite (no ANALYZE statistics) took the table's primary key for
 * `client_id = ?` over `(client_id, lower(upn))` and over `(lower(upn), client_id)`, and took only the one-expression
 * index — which in a `WITHOUT ROWID` table holds the key `(client_id, id)` after the expression anyway. Measured on
 * 300k users in three clients: 8 ms per lookup by a primary-key scan, 10 µs through this index. A UPN names one user of
 * one tenant, so on PostgreSQL too the expression is selective on its own.
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await sql`drop index directory_users_upn`.execute(db);
  await sql`create index directory_users_upn on directory_users ((lower(user_principal_name)))`.execute(db);
}
