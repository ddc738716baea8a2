import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * Drops `sign_in_daily_user` (client_id, user_id, day). Nothing reads `sign_in_daily` by user — the reports read
 * the day rollups, the rollups are built per day on the primary key — while every ingested page paid for it: a
 * second random-order B-tree insert per aggregate row, about as many dirty pages per commit as the table itself.
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await sql`drop index if exists sign_in_daily_user`.execute(db);
}
