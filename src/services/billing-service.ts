import { subscriptionCost } from '../store/user-licence-cost.js';
import { formatCents } from '../domain/licence-cost.js';
import { z } from 'zod/v4';
import type { Kysely } from 'kysely';

import { DAY_MS, type Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { BillingRepository } from '../store/billing-repository.js';
import { CollectionRepository, type CollectionCounts } from '../store/collection-repository.js';
import type { Database } from '../store/schema.js';
import type { Actor } from './actor.js';
import type { ClientAccess } from './client-access.js';
import { parseInput } from './validation.js';
import type { BillingSnapshotView, BillingSummary } from '../contracts/billing.js';

export interface BillingServiceOptions {
  readonly db: Kysely<Database>;
  readonly clientAccess: ClientAccess;
  readonly clock: Clock;
  readonly logger: Logger;
}

const day = z.iso.date({ error: 'must be a day as YYYY-MM-DD' });
const historyInput = z.object({ from: day.optional(), to: day.optional() });
export type BillingHistoryInput = z.input<typeof historyInput>;

/** Billing (rule 9): the billable count now, its daily history, and the daily snapshot job. */
export class BillingService {
  private readonly db: Kysely<Database>;
  private readonly clientAccess: ClientAccess;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(options: BillingServiceOptions) {
    this.db = options.db;
    this.clientAccess = options.clientAccess;
    this.clock = options.clock;
    this.logger = options.logger;
  }

  /** The client's counts now. @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError} */
  async summary(actor: Actor, clientRef: string): Promise<BillingSummary> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    const integration = await this.db
      .selectFrom('integrations')
      .select(['activity_data', 'import_started_at'])
      .where('client_id', '=', client.id)
      .executeTakeFirst();
    return {
      clientId: client.id,
      clientName: client.name,
      counts: await new CollectionRepository(this.db).counts(client.id, this.clock.now()),
      thresholdDays: client.expiry_days,
      activityData: integration?.activity_data ?? 'unknown',
      importStartedAt: integration?.import_started_at ?? null,
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
    const rows = await new BillingRepository(this.db).history(client.id, from, to);
    return rows.map((row) => ({
      day: row.day,
      totalUsers: row.total_users,
      imported: row.imported,
      disabled: row.disabled,
      expired: row.expired,
      guests: row.guests,
      billable: row.billable,
      takenAt: row.created_at,
      licenceCost:
        row.licence_cost_cents === null || row.licence_currency === null
          ? null
          : {
              cents: row.licence_cost_cents,
              amount: formatCents(row.licence_cost_cents),
              currency: row.licence_currency,
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
    return this.db.transaction().execute(async (trx) => {
      const integration = await trx
        .selectFrom('integrations')
        .select('activity_data')
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      if (integration?.activity_data === 'unknown') return undefined;
      const counts = await new CollectionRepository(trx).counts(clientId, now);
      await new BillingRepository(trx).upsertSnapshot(
        clientId,
        toDay(now),
        counts,
        now.toISOString(),
        await subscriptionCost(trx, clientId),
      );
      return counts;
    });
  }

  /** The daily job: a snapshot of every client with an integration. One client failing does not stop the others. */
  async takeAllSnapshots(): Promise<number> {
    const clients = await this.db.selectFrom('integrations').select('client_id').execute();
    let taken = 0;
    for (const { client_id: clientId } of clients) {
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
