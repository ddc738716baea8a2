import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * Issue 17.
 * - `billing_snapshots.licence_cost_cents` / `licence_currency`: the client's monthly licence cost (seats bought ×
 *   the partner's price, priced SKUs only) on the snapshot's day, so the billing history shows what licences cost
 *   then; null where no price was set (never guessed) and for snapshots taken before this migration.
 * - `licence_removals`: each licence (SKU) the product removed from a user in Entra, who removed it and
 * when, and when it was given back — so the Undo re-assigns exactly what was removed, no more, no less. A row stays
 * after the Undo (restored_at set) as the record of what happened; removing the same licence again starts it over.
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema.alterTable('billing_snapshots').addColumn('licence_cost_cents', 'integer').execute();
  await db.schema.alterTable('billing_snapshots').addColumn('licence_currency', 'text').execute();
  await db.schema
    .createTable('licence_removals')
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('sku_id', 'text', (col) => col.notNull())
    .addColumn('removed_at', 'text', (col) => col.notNull())
    .addColumn('removed_by', 'text', (col) => col.notNull())
    .addColumn('restored_at', 'text')
    .addPrimaryKeyConstraint('licence_removals_pk', ['client_id', 'user_id', 'sku_id'])
    .execute();
}
