import type { CollectionState, DisableReason, EntraState } from '../store/schema.js';
import { isGuest } from './eligibility.js';

/** A user's collection state and, when disabled, why. */
export interface CollectionStatus {
  readonly state: CollectionState;
  readonly reason: DisableReason | null;
}

/** What the reconciler knows about a user after a directory sync. */
export interface ReconcileFacts {
  readonly userType: string | null;
  readonly entraState: EntraState;
  /** Member, directly or nested, of at least one excluded group. */
  readonly inExcludedGroup: boolean;
}

export interface ReconcileOptions {
  /** The client's initial import has started (rule 2): eligible users are imported automatically. */
  readonly autoImport: boolean;
}

const NOT_IMPORTED: CollectionStatus = { state: 'not_imported', reason: null };
const IMPORTED: CollectionStatus = { state: 'imported', reason: null };

/**
 * The state a user should have after a directory sync (rules 2, 3, 5, 6). This is the specification of the
 * set-based reconciliation the store runs (see CollectionRepository.reconcile); tests hold both to the same table.
 *
 * In order:
 * 1. A manual disable sticks until an admin imports the user again — whatever happens in Entra.
 * 2. Deleted or soft-deleted in Entra → disabled (`deleted_in_entra`).
 * 3. Guests are never imported → not imported.
 * 4. Member of an excluded group (nested included) → disabled (`excluded_group`); this holds before the initial
 *    import too, so an excluded group's members are never imported.
 * 5. Otherwise the user is eligible: automatic disables lift (restored in Entra, left the excluded group) and new
 *    users are imported — once the initial import has started; before that they wait as not imported.
 */
export function decideCollectionState(
  current: CollectionStatus,
  facts: ReconcileFacts,
  options: ReconcileOptions,
): CollectionStatus {
  if (current.state === 'disabled' && current.reason === 'manual') return current;
  if (facts.entraState !== 'active') return { state: 'disabled', reason: 'deleted_in_entra' };
  if (isGuest(facts.userType)) return NOT_IMPORTED;
  if (facts.inExcludedGroup) return { state: 'disabled', reason: 'excluded_group' };
  if (current.state === 'imported') return current;
  return options.autoImport ? IMPORTED : NOT_IMPORTED;
}

export function sameStatus(a: CollectionStatus, b: CollectionStatus): boolean {
  return a.state === b.state && a.reason === b.reason;
}
