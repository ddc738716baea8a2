import type { Kysely } from 'kysely';
import type { CollectionCounts } from './collection-repository.js';
import type { BillingSnapshotRow, Database } from './schema.js';

/** One client's billing snapshot of one day (rule 9). */
export interface BillingSnapshotRecord {
  readonly clientId: string;
  /** `YYYY-MM-DD` (UTC). */
  readonly day: string;
  readonly totalUsers: number;
  readonly imported: number;
  readonly disabled: number;
  readonly expired: number;
  readonly guests: number;
  readonly billable: number;
  /** When it was taken (the last one taken that day wins). */
  readonly takenAt: string;
  /** The monthly licence cost that day at the partner's prices; null where none was set. */
  readonly licenceCostCents: number | null;
  readonly licenceCurrency: string | null;
}

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
  async history(clientId: string, from: string, to: string): Promise<BillingSnapshotRecord[]> {
    const rows = await this.db
      .selectFrom('billing_snapshots')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('day', '>=', from)
      .where('day', '<=', to)
      .orderBy('day')
      .execute();
    return rows.map(toRecord);
  }
}

function toRecord(row: BillingSnapshotRow): BillingSnapshotRecord {
  return {
    clientId: row.client_id,
    day: row.day,
    totalUsers: row.total_users,
    imported: row.imported,
    disabled: row.disabled,
    expired: row.expired,
    guests: row.guests,
    billable: row.billable,
    takenAt: row.created_at,
    licenceCostCents: row.licence_cost_cents,
    licenceCurrency: row.licence_currency,
  };
}
