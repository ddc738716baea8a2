import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { DirectoryRulesHook } from '../sync/directory-sync-listener.js';
import type { ReconcileCounts } from '../store/collection-repository.js';
import type { Repositories, Store } from '../store/store.js';
import { SYSTEM_ACTOR } from './actor.js';
import type { AuditTrail } from './audit-trail.js';

export interface CollectionReconcilerOptions {
  readonly store: Store;
  readonly audit: AuditTrail;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** What one reconciliation did. */
export interface ReconcileOutcome extends ReconcileCounts {
  readonly clientId: string;
  readonly autoImport: boolean;
}

/** How a change of the expiry policy moved users in or out of expiry (rule 8). */
export interface ExpiryChange {
  readonly newlyExpired: number;
  readonly noLongerExpired: number;
}

/**
 * Applies the data-collection rules — the transition table of src/domain/collection-state.ts — to a client's users:
 * inside the transaction of every directory sync that changed memberships (the sync engine calls
 * {@link applyInTransaction} with the new closure), inside an exclusion's transaction, after the initial import
 * starts, and daily. It imports eligible users once the initial import has started, disables excluded members
 * (deleting what was collected of them) and users deleted in Entra, lifts automatic disables that no longer hold,
 * and leaves manual disables alone. Changes are audited as the system actor, with counts.
 *
 * Expiry needs no pass of its own: it is evaluated whenever it is read, from the data and the clock (rule 8).
 */
export class CollectionReconciler implements DirectoryRulesHook {
  private readonly store: Store;
  private readonly audit: AuditTrail;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(options: CollectionReconcilerOptions) {
    this.store = options.store;
    this.audit = options.audit;
    this.clock = options.clock;
    this.logger = options.logger;
  }

  /** The sync engine's hook: in the transaction that committed a directory sync's memberships. */
  async applyInTransaction(tx: Repositories, clientId: string): Promise<void> {
    await this.reconcileIn(tx, clientId);
  }

  /** Reconciles the client's collection states in a transaction of its own. */
  async reconcile(clientId: string): Promise<ReconcileOutcome> {
    return this.store.transaction((tx) => this.reconcileIn(tx, clientId));
  }

  /**
   * Reconciles the client's collection states inside the caller's transaction — of every user, or only of the
   * members of one group (an exclusion changes its members and nobody else).
   */
  async reconcileIn(
    tx: Repositories,
    clientId: string,
    scope: { readonly onlyMembersOf?: string } = {},
  ): Promise<ReconcileOutcome> {
    const now = this.clock.now();
    const integration = await tx.integrationAdmin.collectionFacts(clientId);
    const autoImport = (integration?.importStartedAt ?? null) !== null;
    const counts = await tx.collection.reconcile(clientId, {
      autoImport,
      now: now.toISOString(),
      ...scope,
    });
    if (Object.values(counts).some((count) => count > 0)) {
      await this.audit.record(tx, SYSTEM_ACTOR, {
        action: 'collection.reconcile',
        clientId,
        targetType: 'client',
        targetId: clientId,
        after: { ...counts, autoImport },
      });
      this.logger.info({ clientId, ...counts, autoImport }, 'collection states reconciled');
    }
    return { clientId, autoImport, ...counts };
  }

  /**
   * How many users a change of the expiry policy moves into and out of expiry, now: call it in the transaction
   * that changes the policy, with the policy before the change (rule 8's threshold).
   */
  async expiryChange(
    tx: Repositories,
    clientId: string,
    before: { readonly thresholdDays: number },
  ): Promise<ExpiryChange> {
    return tx.collection.expiryChange(clientId, before, this.clock.now());
  }

  /** The daily job: reconcile every connected client. Failures of one client do not stop the others. */
  async reconcileAll(): Promise<ReconcileOutcome[]> {
    const clientIds = await this.store.read.integrationAdmin.clientIds();
    const outcomes: ReconcileOutcome[] = [];
    for (const clientId of clientIds) {
      try {
        outcomes.push(await this.reconcile(clientId));
      } catch (error) {
        this.logger.error({ clientId, err: error }, 'reconciling collection states failed');
      }
    }
    return outcomes;
  }
}
