import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * Alerts the admin shapes (issue 16, item 3):
 * - `alert_settings`: per client and alert kind — on or off, the one conversation it goes to (null: every
 *   conversation subscribed to the client, as before), immediately or in a daily digest at an hour of the client's
 *   alert time zone; who chose the conversation (their read right on the client is what lets it hear);
 * - `alert_time_zones`: the client's alert time zone (IANA name), in which digest hours are read;
 * - `alerts`: every alert triggered for a client (one row per event), what it said, how it went out, and who
 *   acknowledged it when;
 * - `alert_webhooks`: outgoing webhooks for ticketing tools, per client or partner-wide (null client), the signing
 *   secret encrypted (SecretBox, bound to the webhook's id);
 * - `webhook_deliveries`: one row per alert and webhook, its attempts, the last answer and when it is tried next.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const autoId = dialect === 'postgres' ? 'serial' : 'integer';
  await db.schema
    .createTable('alert_settings')
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('enabled', 'integer', (col) => col.notNull())
    .addColumn('conversation_id', 'text')
    .addColumn('delivery', 'text', (col) => col.notNull())
    .addColumn('digest_hour', 'integer', (col) => col.notNull())
    .addColumn('chooser_tenant_id', 'text')
    .addColumn('chooser_object_id', 'text')
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('alert_settings_pk', ['client_id', 'kind'])
    .execute();
  await db.schema
    .createTable('alert_time_zones')
    .addColumn('client_id', 'text', (col) => col.primaryKey())
    .addColumn('time_zone', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createTable('alerts')
    .addColumn('id', autoId, (col) =>
      dialect === 'sqlite' ? col.primaryKey().autoIncrement() : col.primaryKey(),
    )
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('event_key', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('summary', 'text', (col) => col.notNull())
    .addColumn('payload', 'text', (col) => col.notNull())
    .addColumn('triggered_at', 'text', (col) => col.notNull())
    .addColumn('delivery', 'text', (col) => col.notNull())
    .addColumn('digest_due_at', 'text')
    .addColumn('digested_at', 'text')
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledged_by', 'text')
    .addUniqueConstraint('alerts_event', ['client_id', 'event_key'])
    .execute();
  await db.schema.createIndex('alerts_by_client').on('alerts').columns(['client_id', 'id']).execute();
  await db.schema
    .createIndex('alerts_digest_due')
    .on('alerts')
    .columns(['digested_at', 'digest_due_at'])
    .execute();
  await db.schema
    .createTable('alert_webhooks')
    .addColumn('id', autoId, (col) =>
      dialect === 'sqlite' ? col.primaryKey().autoIncrement() : col.primaryKey(),
    )
    .addColumn('client_id', 'text')
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('secret_ciphertext', 'text', (col) => col.notNull())
    .addColumn('enabled', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', autoId, (col) =>
      dialect === 'sqlite' ? col.primaryKey().autoIncrement() : col.primaryKey(),
    )
    .addColumn('webhook_id', 'integer', (col) => col.notNull())
    .addColumn('alert_id', 'integer', (col) => col.notNull())
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull())
    .addColumn('next_attempt_at', 'text')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addUniqueConstraint('webhook_deliveries_once', ['webhook_id', 'alert_id'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_by_client')
    .on('webhook_deliveries')
    .columns(['client_id', 'id'])
    .execute();
}
