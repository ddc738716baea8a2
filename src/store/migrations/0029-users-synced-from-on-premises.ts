import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * `directory_users.on_premises_sync`: 1 while the user is synchronised from an on-premises Active Directory (Graph's
 * `onPremisesSyncEnabled`). Such an account is mastered there: Graph refuses to block its sign-in, and Microsoft has
 * it disabled in Active Directory instead (https://learn.microsoft.com/en-us/entra/identity/users/users-revoke-access,
 * "Revoke access for a user in the hybrid environment").
 *
 * The users stream now selects the property, but a stored deltaLink keeps the `$select` of the round that made it
 * (https://learn.microsoft.com/en-us/graph/delta-query-users: query parameters "must be specified in the initial
 * request"). So each client's users stream starts its next round afresh: a full round that reads every user once and
 * changes only what differs, as after a delta token expires.
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema
    .alterTable('directory_users')
    .addColumn('on_premises_sync', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
  await sql`update sync_checkpoints set next_link = null, delta_link = null, round_kind = 'full'
    where stream = 'users'`.execute(db);
}
