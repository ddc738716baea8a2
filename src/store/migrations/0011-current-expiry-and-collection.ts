import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * Billing and data collection right from the first minute (issue 11):
 * - Expiry is no longer materialised: a user's verdict is computed whenever it is read, from its last activity,
 *   its import time, the client's threshold and whether the tenant's activity has been read — so no screen can show
 *   a verdict that the clock or a later pass would correct. `expired_at` and `last_activity_at` go.
 * - `integrations.expiry_policy_at`: since when the client's expiry policy holds (activity first read, threshold
 *   last changed); a user already past the threshold then stopped being billed at that moment.
 * - `directory_users.collected_from`: sign-ins from before this moment are not collected — set when a user comes
 *   back to collection after a manual disable or an exclusion; null means "from the start".
 * - Guests are recognised by Microsoft's definitions (`userType` Guest, or no `userType` with a `#EXT#` UPN): the
 *   guests' list index follows the new predicate, spelt exactly as `isGuestSql` spells it.
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await sql`drop index if exists directory_users_expired`.execute(db);
  await db.schema.alterTable('directory_users').dropColumn('expired_at').execute();
  await db.schema.alterTable('directory_users').dropColumn('last_activity_at').execute();
  await db.schema.alterTable('directory_users').addColumn('collected_from', 'text').execute();
  await db.schema.alterTable('integrations').addColumn('expiry_policy_at', 'text').execute();

  await sql`drop index if exists directory_users_guest_sort`.execute(db);
  await sql`create index directory_users_guest_sort on directory_users (client_id, (coalesce(display_name, '')), id)
    where (lower(coalesce(user_type, '')) = 'guest'
      or (user_type is null and upper(coalesce(user_principal_name, '')) like '%#EXT#%'))`.execute(db);
}
