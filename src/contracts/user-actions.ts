import type { MonthlyAmount } from './licences.js';

/**
 * Acting on users in the client's Entra tenant (issue 17, item 3): block sign-in and its Undo (unblock); revoke
 * sign-in sessions (no Undo: Entra cannot give sessions back); remove licences and its Undo (restore the licences
 * the product removed, exactly those).
 */
export type UserActionName =
  'block_sign_in' | 'unblock_sign_in' | 'revoke_sessions' | 'remove_licences' | 'restore_licences';

/** A licence an action removes or gives back. */
export interface UserActionLicence {
  readonly skuId: string;
  readonly productName: string;
  /** The partner's monthly price (null where none is set). */
  readonly price: MonthlyAmount | null;
}

/** One selected user in a preview: what would happen to them. */
export interface UserActionTarget {
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  /** `change` (a request will be sent), `already` (already in the wanted state: done, no request), `not_applicable`. */
  readonly plan: 'change' | 'already' | 'not_applicable';
  /** Why not applicable, or what is already so. */
  readonly reason: string | null;
  /** The monthly cost of the licences the user holds (null where no price is set). */
  readonly monthlyCost: MonthlyAmount | null;
  /** Removing or restoring licences: which ones (empty for the other actions). */
  readonly licences: readonly UserActionLicence[];
}

/** What an action on a selection would do, before it is confirmed. */
export interface UserActionPreview {
  readonly clientId: string;
  readonly action: UserActionName;
  /** What Graph is asked to do, in words. */
  readonly what: string;
  /** Whether the client's tenant granted the permission the action needs; if not, how to grant it. */
  readonly available: boolean;
  readonly permission: string;
  readonly availabilityDetail: string;
  /**
   * When not available: what every edge shows instead of a Confirm (not available, why, how to grant the
   * permission), the words the core also refuses a confirm with; null when available.
   */
  readonly unavailableNotice: string | null;
  readonly targets: readonly UserActionTarget[];
  readonly toChange: number;
  readonly already: number;
  readonly notApplicable: number;
  /** The monthly licence cost the selected users hold (reclaimed once their licences are removed); null when unpriced. */
  readonly monthlyCostHeld: MonthlyAmount | null;
  /** Removing licences: the monthly cost of the licences removed (what the client stops paying); null otherwise. */
  readonly monthlyCostReclaimed: MonthlyAmount | null;
  /** The action that undoes this one, if Entra allows one. */
  readonly undo: UserActionName | null;
}

/** One user's outcome. `done` includes users already in the wanted state (no request sent). */
export interface UserActionResult {
  readonly id: string;
  /** The user's name as the directory copy holds it (results show it, with the sign-in name beside it). */
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  readonly outcome: 'done' | 'refused' | 'not_applicable';
  /** Whether a request was sent for this user (false for `already` and `not_applicable`). */
  readonly requested: boolean;
  /** Graph's HTTP status for the user's request, when one was sent. */
  readonly graphStatus: number | null;
  /** Microsoft's reason (error code and message) when refused, or why not applicable. */
  readonly reason: string | null;
  /** Removing or restoring licences: the SKUs removed or given back (empty otherwise, or when refused). */
  readonly skuIds: readonly string[];
}

export interface UserActionOutcome {
  readonly clientId: string;
  readonly action: UserActionName;
  readonly done: number;
  readonly refused: number;
  readonly notApplicable: number;
  /** Graph requests sent: batches and the items inside them (retries included). */
  readonly batches: number;
  readonly itemRequests: number;
  /** Items Graph throttled (429) and that were sent again after their Retry-After. */
  readonly throttledItems: number;
  readonly results: readonly UserActionResult[];
  /** The action that undoes this one, if Entra allows one (for the users done). */
  readonly undo: UserActionName | null;
}
