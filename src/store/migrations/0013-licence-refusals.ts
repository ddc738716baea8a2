import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * When Microsoft first refused a client's audit data for want of an Entra ID P1/P2 licence, while that refusal is
 * not yet confirmed (src/graph/licence-check.ts): one 403 alone does not make a licensed tenant "no P1/P2".
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema.alterTable('integrations').addColumn('licence_refused_at', 'text').execute();
}
