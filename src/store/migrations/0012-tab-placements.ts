import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * Where a client's channel (or group chat) tab was added in Teams: a card posted there about that client opens that
 * tab through its deep link, instead of the personal tab (a deep link to a configurable tab names its channel).
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('tab_placements')
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('place_kind', 'text', (col) => col.notNull())
    .addColumn('place_id', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('tab_placements_pk', ['client_id', 'place_id'])
    .execute();
}
