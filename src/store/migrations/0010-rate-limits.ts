import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * The counters of the request rate limits when several instances share a PostgreSQL store (server/request-limits.ts;
 * rate-limiter-flexible's RateLimiterPostgres layout). SQLite has one instance, which counts in memory.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`create table rate_limits (key varchar(255) primary key, points integer not null default 0, expire bigint)`.execute(
    db,
  );
}
