import type { Kysely } from 'kysely';
import type { CollectionCounts } from './collection-repository.js';
import type { BillingSnapshotRow, Database } from './schema.js';

/** Daily billing snapshots per client (rule 9), for history charts and exports. */
export class BillingRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Writes (or rewrites) the client's snapshot of `day`: the last one taken that day wins. */
  async upsertSnapshot(
    clientId: string,
    day: string,
    counts: CollectionCounts,
    at: string,
    licenceCost: { readonly cents: number; readonly currency: string } | null = null,
  ): Promise<void> {
    const values = {
      licence_cost_cents: licenceCost?.cents ?? null,
      licence_currency: licenceCost?.currency ?? null,
      total_users: counts.totalUsers,
      imported: counts.imported,
      disabled: counts.disabled,
      expired: counts.expired,
      guests: counts.guests,
      billable: counts.billable,
      created_at: at,
    };
    await this.db
      .insertInto('billing_snapshots')
      .values({ client_id: clientId, day, ...values })
      .onConflict((conflict) => conflict.columns(['client_id', 'day']).doUpdateSet(values))
      .execute();
  }

  /** Snapshots of one client between two days (inclusive), oldest first. */
  async history(clientId: string, from: string, to: string): Promise<BillingSnapshotRow[]> {
    return this.db
      .selectFrom('billing_snapshots')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('day', '>=', from)
      .where('day', '<=', to)
      .orderBy('day')
      .execute();
  }
}
