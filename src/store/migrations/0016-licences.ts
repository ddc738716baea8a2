import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * Licences (issue 17):
 * - `licence_subscriptions`: the tenant's subscriptions (`/subscribedSkus`): SKU, seats bought (`prepaidUnits.enabled`)
 *   and assigned (`consumedUnits`) — tenant data, swept each round;
 * - `user_licences`: each user's `assignedLicenses` (one row per user and SKU) — tenant data, swept each round;
 * - `licence_prices`: the partner's monthly resale price per SKU for the client, in hundredths of the client's
 *   currency — the client's own record (no price means "no price set", never zero);
 * - `licence_settings`: the client's currency (ISO 4217), set with the first price.
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('licence_subscriptions')
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('sku_id', 'text', (col) => col.notNull())
    .addColumn('sku_part_number', 'text', (col) => col.notNull())
    .addColumn('applies_to', 'text')
    .addColumn('capability_status', 'text')
    .addColumn('enabled_units', 'integer', (col) => col.notNull())
    .addColumn('consumed_units', 'integer', (col) => col.notNull())
    .addColumn('round_stamp', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('licence_subscriptions_pk', ['client_id', 'sku_id'])
    .execute();
  await db.schema
    .createTable('user_licences')
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('sku_id', 'text', (col) => col.notNull())
    .addColumn('round_stamp', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('user_licences_pk', ['client_id', 'user_id', 'sku_id'])
    .execute();
  await db.schema
    .createIndex('user_licences_sku')
    .on('user_licences')
    .columns(['client_id', 'sku_id'])
    .execute();
  await db.schema
    .createTable('licence_prices')
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('sku_id', 'text', (col) => col.notNull())
    .addColumn('monthly_price_cents', 'integer', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('licence_prices_pk', ['client_id', 'sku_id'])
    .execute();
  await db.schema
    .createTable('licence_settings')
    .addColumn('client_id', 'text', (col) => col.primaryKey())
    .addColumn('currency', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .execute();
}
