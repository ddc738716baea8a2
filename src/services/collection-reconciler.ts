import type { Kysely } from 'kysely';
import { expiryCutoff } from '../domain/expiry.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { DirectorySyncListener } from '../sync/directory-sync-listener.js';
import {
  CollectionRepository,
  type ExpiryEvaluation,
  type ReconcileCounts,
} from '../store/collection-repository.js';
import type { Database } from '../store/schema.js';
import { SYSTEM_ACTOR } from './actor.js';
import type { AuditTrail } from './audit-trail.js';

export interface CollectionReconcilerOptions {
  readonly db: Kysely<Database>;
  readonly audit: AuditTrail;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** What one reconciliation did. */
export interface ReconcileOutcome extends ReconcileCounts {
  readonly clientId: string;
  readonly autoImport: boolean;
  readonly expiry: ExpiryEvaluation;
}

/**
 * Applies the data-collection rules to a client's users after every directory sync (the sync engine calls
 * {@link onDirectorySynced}), on a daily schedule, and after an admin changes something the rules depend on
 * (exclusions, the import start, the expiry threshold):
 * imports eligible users once the initial import has started, disables excluded groups' members and users deleted
 * in Entra, lifts automatic disables that no longer hold, leaves manual disables alone, and re-evaluates expiry.
 * Every statement is set-based; changes are audited as the system actor, with counts.
 */
export class CollectionReconciler implements DirectorySyncListener {
  private readonly db: Kysely<Database>;
  private readonly audit: AuditTrail;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(options: CollectionReconcilerOptions) {
    this.db = options.db;
    this.audit = options.audit;
    this.clock = options.clock;
    this.logger = options.logger;
  }

  /** The sync engine's hook (DirectorySyncListener): called after each successful directory sync of a client. */
  async onDirectorySynced(clientId: string, _runId: number): Promise<void> {
    await this.reconcile(clientId);
  }

  /** Reconciles collection states, then expiry, for one client, in one transaction. */
  async reconcile(clientId: string): Promise<ReconcileOutcome> {
    const now = this.clock.now();
    const outcome = await this.db.transaction().execute(async (trx) => {
      const integration = await trx
        .selectFrom('integrations')
        .select('import_started_at')
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      const autoImport = (integration?.import_started_at ?? null) !== null;
      const counts = await new CollectionRepository(trx).reconcile(clientId, {
        autoImport,
        now: now.toISOString(),
      });
      const expiry = await this.evaluateExpiryIn(trx, clientId, now);
      if (Object.values(counts).some((count) => count > 0)) {
        await this.audit.record(trx, SYSTEM_ACTOR, {
          action: 'collection.reconcile',
          clientId,
          targetType: 'client',
          targetId: clientId,
          after: { ...counts, autoImport },
        });
      }
      return { clientId, autoImport, ...counts, expiry };
    });
    this.logger.info(
      {
        clientId,
        imported: outcome.imported,
        disabledExcludedGroup: outcome.disabledExcludedGroup,
        disabledDeletedInEntra: outcome.disabledDeletedInEntra,
        notImported: outcome.notImported,
        newlyExpired: outcome.expiry.newlyExpired,
        noLongerExpired: outcome.expiry.noLongerExpired,
      },
      'collection states reconciled',
    );
    return outcome;
  }

  /** Re-evaluates expiry only (daily, after sign-in ingestion, after a threshold change). */
  async evaluateExpiry(clientId: string): Promise<ExpiryEvaluation> {
    const now = this.clock.now();
    return this.db.transaction().execute((trx) => this.evaluateExpiryIn(trx, clientId, now));
  }

  /** The daily job: reconcile every connected client. Failures of one client do not stop the others. */
  async reconcileAll(): Promise<ReconcileOutcome[]> {
    const clients = await this.db.selectFrom('integrations').select('client_id').execute();
    const outcomes: ReconcileOutcome[] = [];
    for (const { client_id: clientId } of clients) {
      try {
        outcomes.push(await this.reconcile(clientId));
      } catch (error) {
        this.logger.error({ clientId, err: error }, 'reconciling collection states failed');
      }
    }
    return outcomes;
  }

  private async evaluateExpiryIn(
    trx: Kysely<Database>,
    clientId: string,
    now: Date,
  ): Promise<ExpiryEvaluation> {
    const policy = await trx
      .selectFrom('clients')
      .leftJoin('integrations', 'integrations.client_id', 'clients.id')
      .select(['clients.expiry_days', 'integrations.activity_data'])
      .where('clients.id', '=', clientId)
      .executeTakeFirst();
    if (policy === undefined) return { newlyExpired: 0, noLongerExpired: 0 };
    return new CollectionRepository(trx).evaluateExpiry(clientId, {
      now: now.toISOString(),
      cutoff: expiryCutoff(now, policy.expiry_days).toISOString(),
      activityAvailable: policy.activity_data === 'available',
    });
  }
}
