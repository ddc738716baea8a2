import type { Kysely } from 'kysely';
import type { ExpiryPolicy } from '../domain/expiry.js';
import type { Database } from '../store/schema.js';

/** The client's expiry policy (rule 8): its threshold and whether its tenant gives activity data. */
export async function readExpiryPolicy(db: Kysely<Database>, clientId: string): Promise<ExpiryPolicy> {
  const row = await db
    .selectFrom('clients')
    .leftJoin('integrations', 'integrations.client_id', 'clients.id')
    .select(['clients.expiry_days', 'integrations.activity_data'])
    .where('clients.id', '=', clientId)
    .executeTakeFirst();
  return { thresholdDays: row?.expiry_days ?? 30, activityData: row?.activity_data ?? 'unknown' };
}
