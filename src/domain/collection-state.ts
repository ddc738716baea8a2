import type { CollectionState, DisableReason, EntraState } from './vocabulary.js';
import { isGuest } from './eligibility.js';

/** A user's collection state and, when disabled, why. */
export interface CollectionStatus {
  readonly state: CollectionState;
  readonly reason: DisableReason | null;
}

/** The five statuses a user can be in, as one key each: the rows of the transition tables below. */
export type StatusKey =
  'not_imported' | 'imported' | 'disabled:manual' | 'disabled:excluded_group' | 'disabled:deleted_in_entra';

export const STATUS_KEYS: readonly StatusKey[] = [
  'not_imported',
  'imported',
  'disabled:manual',
  'disabled:excluded_group',
  'disabled:deleted_in_entra',
];

export function statusKey(status: CollectionStatus): StatusKey {
  if (status.state !== 'disabled') return status.state;
  return `disabled:${status.reason ?? 'manual'}`;
}

export function statusOf(key: StatusKey): CollectionStatus {
  if (key === 'not_imported' || key === 'imported') return { state: key, reason: null };
  return { state: 'disabled', reason: key.slice('disabled:'.length) as DisableReason };
}

/** What the rules know about a user when the directory or the exclusions change. */
export interface ReconcileFacts {
  readonly userType: string | null;
  readonly userPrincipalName: string | null;
  readonly entraState: EntraState;
  /** Member, directly or nested, of at least one excluded group. */
  readonly inExcludedGroup: boolean;
}

/**
 * The one fact about a user that decides its collection state, taken in this order (the first that holds):
 * - `excluded_member`: a member (not a guest) of an excluded group, directly or nested (rules 3, 6);
 * - `deleted_in_entra`: deleted or soft-deleted in Entra (rule 5);
 * - `guest`: a guest by Microsoft's definition (rule 3);
 * - `eligible`: none of these.
 */
export type CollectionCondition = 'excluded_member' | 'deleted_in_entra' | 'guest' | 'eligible';

export const COLLECTION_CONDITIONS: readonly CollectionCondition[] = [
  'excluded_member',
  'deleted_in_entra',
  'guest',
  'eligible',
];

export function conditionOf(facts: ReconcileFacts): CollectionCondition {
  const guest = isGuest(facts);
  if (facts.inExcludedGroup && !guest) return 'excluded_member';
  if (facts.entraState !== 'active') return 'deleted_in_entra';
  if (guest) return 'guest';
  return 'eligible';
}

/**
 * Where a transition leads: a status, `keep` (no change), or `import` — imported once the client's initial import
 * has started (rule 2), else not imported.
 */
export type Target = StatusKey | 'keep' | 'import';

/**
 * THE transition table of a user's collection state when the directory or the exclusions change (a directory
 * sync, an exclusion confirmed, the initial import started, the daily run) — rules 2, 3, 5, 6. Per condition, per
 * current status: where the user goes. The store's set-based reconciliation is generated from this table
 * (collection-sql.ts), and {@link decideCollectionState} reads it per user, so each rule lives here only.
 *
 * - An excluded member is disabled for its group whatever else holds, and its reason stays `excluded_group`
 *   whatever else happens (a manual disable, a deletion in Entra) — until it leaves every excluded group.
 * - Otherwise a manual disable sticks until an admin imports the user again.
 * - Deleted or soft-deleted in Entra → disabled (`deleted_in_entra`); a restore lifts it.
 * - Guests are never imported.
 * - Eligible users are imported once the initial import has started; automatic disables that no longer hold lift.
 */
export const RECONCILE_TRANSITIONS: Readonly<
  Record<CollectionCondition, Readonly<Record<StatusKey, Target>>>
> = {
  excluded_member: {
    not_imported: 'disabled:excluded_group',
    imported: 'disabled:excluded_group',
    'disabled:manual': 'disabled:excluded_group',
    'disabled:excluded_group': 'keep',
    'disabled:deleted_in_entra': 'disabled:excluded_group',
  },
  deleted_in_entra: {
    not_imported: 'disabled:deleted_in_entra',
    imported: 'disabled:deleted_in_entra',
    'disabled:manual': 'keep',
    'disabled:excluded_group': 'disabled:deleted_in_entra',
    'disabled:deleted_in_entra': 'keep',
  },
  guest: {
    not_imported: 'keep',
    imported: 'not_imported',
    'disabled:manual': 'keep',
    'disabled:excluded_group': 'not_imported',
    'disabled:deleted_in_entra': 'not_imported',
  },
  eligible: {
    not_imported: 'import',
    imported: 'keep',
    'disabled:manual': 'keep',
    'disabled:excluded_group': 'import',
    'disabled:deleted_in_entra': 'import',
  },
};

export interface ReconcileOptions {
  /** The client's initial import has started (rule 2): eligible users are imported automatically. */
  readonly autoImport: boolean;
}

/** Resolves a table target for a user now in `current`. */
export function resolveTarget(
  current: CollectionStatus,
  target: Target,
  options: ReconcileOptions,
): CollectionStatus {
  if (target === 'keep') return current;
  if (target === 'import') return options.autoImport ? statusOf('imported') : statusOf('not_imported');
  return statusOf(target);
}

/** The state a user should have after the directory or the exclusions changed: {@link RECONCILE_TRANSITIONS}. */
export function decideCollectionState(
  current: CollectionStatus,
  facts: ReconcileFacts,
  options: ReconcileOptions,
): CollectionStatus {
  return resolveTarget(current, RECONCILE_TRANSITIONS[conditionOf(facts)][statusKey(current)], options);
}

/**
 * Whether a move re-starts collection after a stop: from disabled back to imported. Sign-ins from before that
 * moment stay uncollected (a manual disable stops collection "from that moment"; an excluded member's data is
 * never collected), so the store records the moment.
 */
export function restartsCollection(from: CollectionStatus, to: CollectionStatus): boolean {
  return from.state === 'disabled' && to.state === 'imported';
}

export function sameStatus(a: CollectionStatus, b: CollectionStatus): boolean {
  return a.state === b.state && a.reason === b.reason;
}

// ----------------------------------------------------------------------------------------- admin actions ---

/** What an admin does to one user from the users list (rules 4, 5). */
export type AdminAction = 'import' | 'disable';

/**
 * What an admin action does from a status:
 * - `to`: the new status; with `needsEligible`, only when the user is eligible now (else refused with the reason);
 * - `unchanged`: nothing to do, and why (repeating an action is harmless);
 * - `refused`: the action makes no sense from there, and why (a 409 for the admin).
 */
export type AdminOutcome =
  | { readonly kind: 'to'; readonly status: StatusKey; readonly needsEligible: boolean }
  | { readonly kind: 'unchanged'; readonly why: string }
  | {
      readonly kind: 'refused';
      readonly code: 'user_not_collected' | 'user_excluded' | 'user_deleted';
      readonly why: string;
    };

/**
 * THE table of admin actions on one user (rules 4, 5), used by the user service:
 * - Import (rule 4) sets `imported` for an eligible user — also how a manual disable is undone; an ineligible one
 *   is refused with the reason. An imported user stays as it is.
 * - Disable (rule 5) stops the collection of an imported user (`manual`). A user never imported has nothing
 *   collected, so there is nothing to stop; an excluded member stays disabled for its group; a user deleted in
 *   Entra is disabled for that already.
 */
export const ADMIN_TRANSITIONS: Readonly<Record<AdminAction, Readonly<Record<StatusKey, AdminOutcome>>>> = {
  import: {
    not_imported: { kind: 'to', status: 'imported', needsEligible: true },
    imported: { kind: 'unchanged', why: 'already imported' },
    'disabled:manual': { kind: 'to', status: 'imported', needsEligible: true },
    'disabled:excluded_group': { kind: 'to', status: 'imported', needsEligible: true },
    'disabled:deleted_in_entra': { kind: 'to', status: 'imported', needsEligible: true },
  },
  disable: {
    not_imported: {
      kind: 'refused',
      code: 'user_not_collected',
      why: 'it was never imported, so nothing is collected for it and there is nothing to stop',
    },
    imported: { kind: 'to', status: 'disabled:manual', needsEligible: false },
    'disabled:manual': { kind: 'unchanged', why: 'already disabled by an admin' },
    'disabled:excluded_group': {
      kind: 'refused',
      code: 'user_excluded',
      why: 'it is already disabled as a member of an excluded group, and that stays its reason',
    },
    'disabled:deleted_in_entra': {
      kind: 'refused',
      code: 'user_deleted',
      why: 'it is deleted in Entra, so it is disabled and nothing is collected',
    },
  },
};

export function decideAdminAction(action: AdminAction, current: CollectionStatus): AdminOutcome {
  return ADMIN_TRANSITIONS[action][statusKey(current)];
}
