import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * The data-collection rules (DESIGN §3 rules 2, 8): the materialised activity and expiry of each user, the moment a
 * client's initial import was started, and the indexes the users list pages through at 100k users.
 *
 * The users list sorts by `coalesce(display_name, '')` then `id` — an expression both engines can index — so keyset
 * pagination works even for users Entra gave no display name.
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema.alterTable('directory_users').addColumn('last_activity_at', 'text').execute();
  await db.schema.alterTable('directory_users').addColumn('expired_at', 'text').execute();
  await db.schema.alterTable('integrations').addColumn('import_started_at', 'text').execute();

  await sql`create index directory_users_sort on directory_users (client_id, (coalesce(display_name, '')), id)`.execute(
    db,
  );
  await sql`create index directory_users_state_sort on directory_users (client_id, collection_state, (coalesce(display_name, '')), id)`.execute(
    db,
  );
  await db.schema
    .createIndex('directory_users_expired')
    .on('directory_users')
    .columns(['client_id', 'expired_at'])
    .execute();
  await db.schema.createIndex('audit_log_action').on('audit_log').columns(['action', 'at']).execute();
  await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor_object_id', 'at']).execute();
}
