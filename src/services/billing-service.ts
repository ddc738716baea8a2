import { formatCents } from '../domain/licence-cost.js';
import { z } from 'zod/v4';
import { DAY_MS, type Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { CollectionCounts } from '../store/collection-repository.js';
import type { Store } from '../store/store.js';
import type { Actor } from './actor.js';
import type { ClientAccess } from './client-access.js';
import { parseInput } from './validation.js';
import type { BillingSnapshotView, BillingSummary } from '../contracts/billing.js';

export interface BillingServiceOptions {
  readonly store: Store;
  readonly clientAccess: ClientAccess;
  readonly clock: Clock;
  readonly logger: Logger;
}

const day = z.iso.date({ error: 'must be a day as YYYY-MM-DD' });
const historyInput = z.object({ from: day.optional(), to: day.optional() });
export type BillingHistoryInput = z.input<typeof historyInput>;

/** Billing (rule 9): the billable count now, its daily history, and the daily snapshot job. */
export class BillingService {
  private readonly store: Store;
  private readonly clientAccess: ClientAccess;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(options: BillingServiceOptions) {
    this.store = options.store;
    this.clientAccess = options.clientAccess;
    this.clock = options.clock;
    this.logger = options.logger;
  }

  /** The client's counts now. @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError} */
  async summary(actor: Actor, clientRef: string): Promise<BillingSummary> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    const integration = await this.store.read.integrationAdmin.collectionFacts(client.id);
    return {
      clientId: client.id,
      clientName: client.name,
      counts: await this.store.read.collection.counts(client.id, this.clock.now()),
      thresholdDays: client.expiryDays,
      activityData: integration?.activityData ?? 'unknown',
      importStartedAt: integration?.importStartedAt ?? null,
    };
  }

  /**
   * Daily snapshots between two days, inclusive (default: the last 90 days), oldest first.
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async history(
    actor: Actor,
    clientRef: string,
    input: BillingHistoryInput = {},
  ): Promise<BillingSnapshotView[]> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    const query = parseInput(historyInput, input);
    const today = this.clock.now();
    const to = query.to ?? toDay(today);
    const from = query.from ?? toDay(new Date(today.getTime() - 89 * DAY_MS));
    const rows = await this.store.read.billing.history(client.id, from, to);
    return rows.map((row) => ({
      day: row.day,
      totalUsers: row.totalUsers,
      imported: row.imported,
      disabled: row.disabled,
      expired: row.expired,
      guests: row.guests,
      billable: row.billable,
      takenAt: row.takenAt,
      licenceCost:
        row.licenceCostCents === null || row.licenceCurrency === null
          ? null
          : {
              cents: row.licenceCostCents,
              amount: formatCents(row.licenceCostCents),
              currency: row.licenceCurrency,
            },
    }));
  }

  /**
   * The daily job for one client: today's snapshot (UTC day) of the counts now, rewritten if taken again the same
   * day. Skipped (undefined) while the tenant's activity is being read: those figures are not final, and the pass
   * that finishes reading takes the day's snapshot itself.
   */
  async takeSnapshot(clientId: string): Promise<CollectionCounts | undefined> {
    const now = this.clock.now();
    return this.store.transaction(async (tx) => {
      const integration = await tx.integrationAdmin.collectionFacts(clientId);
      if (integration?.activityData === 'unknown') return undefined;
      const counts = await tx.collection.counts(clientId, now);
      await tx.billing.upsertSnapshot(
        clientId,
        toDay(now),
        counts,
        now.toISOString(),
        await tx.licenceCosts.subscriptionCost(clientId),
      );
      return counts;
    });
  }

  /** The daily job: a snapshot of every client with an integration. One client failing does not stop the others. */
  async takeAllSnapshots(): Promise<number> {
    const clientIds = await this.store.read.integrationAdmin.clientIds();
    let taken = 0;
    for (const clientId of clientIds) {
      try {
        if ((await this.takeSnapshot(clientId)) !== undefined) taken += 1;
      } catch (error) {
        this.logger.error({ clientId, err: error }, 'billing snapshot failed');
      }
    }
    return taken;
  }
}

function toDay(time: Date): string {
  return time.toISOString().slice(0, 10);
}
