import type { MonthlyAmount } from './licences.js';
import type { BillableBasis, EntraState } from '../domain/vocabulary.js';
import type { UserView } from './users.js';

export type GroupKind = 'security' | 'microsoft365' | 'distribution' | 'mail_enabled_security';

export interface GroupCounts {
  readonly directUsers: number;
  readonly directGroups: number;
  /** Users reachable through any depth of nesting (direct members included). */
  readonly transitiveUsers: number;
}

/** A directory group as the bot, the tab and the CLI show it. */
export interface GroupView {
  readonly id: string;
  readonly displayName: string | null;
  readonly description: string | null;
  readonly mail: string | null;
  readonly kind: GroupKind;
  readonly dynamic: boolean;
  readonly isTeam: boolean;
  readonly entraState: EntraState;
  /** Set once and for ever (rule 6). */
  readonly excluded: { readonly at: string; readonly by: string | null } | null;
  /** Selectable as a report filter (rule 7). */
  readonly reportingEnabled: boolean;
  readonly counts: GroupCounts;
}

/** One page of a client's groups, by name. */
export interface GroupPage {
  readonly items: GroupView[];
  readonly total: number;
}

/** A transitive member of a group; `direct` tells direct members from nested ones. */
export type GroupMember = UserView & { readonly direct: boolean };

/** One page of a group's transitive members. */
export interface GroupMembersPage {
  readonly group: GroupView;
  readonly items: GroupMember[];
  readonly nextCursor: string | null;
}

/** Rule 6's figures in words, worded by the server so the tab, the bot and the CLI show them the same way. */
export interface ExclusionFigures {
  readonly facts: readonly { readonly label: string; readonly value: string }[];
  readonly note: string | null;
}

/** What excluding a group would do (rule 6), and the token that confirms exactly this. */
export interface ExclusionPreview {
  /** Pass to the confirmation; single use, valid until `expiresAt`, for this admin only. */
  readonly token: string;
  readonly expiresAt: string;
  readonly group: GroupView;
  /** Nothing to do: the group is excluded already (confirming is harmless). */
  readonly alreadyExcluded: boolean;
  /** Users the exclusion disables, nested members included. */
  readonly affected: {
    readonly count: number;
    /** The first `sampleSize` by name. */
    readonly sample: readonly GroupMember[];
    /**
     * The monthly cost of the licences these users hold, at the partner's prices (excluding stops billing them; their
     * licences stay assigned until removed). Null where no price is set — never a guessed cost.
     */
    readonly monthlyLicenceCost: MonthlyAmount | null;
  };
  readonly billable: ExclusionBillable;
  /** The figures in words, as every edge shows them. */
  readonly figures: ExclusionFigures;
}

/** Rule 6's billable count before → after an exclusion. */
export interface ExclusionBillable {
  readonly before: number;
  readonly after: number;
  /** `current` once the initial import started; `projected` (who would be billable at import) before. */
  readonly basis: BillableBasis;
  /**
   * The tenant's activity has not been read yet ("reading activity…"): nobody counts as expired yet, so the figures
   * may still drop once it has been read.
   */
  readonly readingActivity: boolean;
}

export interface ExclusionResult {
  readonly group: GroupView;
  /** This confirmation excluded the group (false: it was excluded already, by an earlier or concurrent one). */
  readonly excludedNow: boolean;
  readonly disabledUsers: number;
  /** Members whose collected sign-ins were deleted with the exclusion (rule 10). */
  readonly forgottenUsers: number;
  /** Before: the figure in the confirmation's transaction before the change; after: the count right after it. */
  readonly billable: ExclusionBillable;
  /** The figures in words, as every edge shows them. */
  readonly figures: ExclusionFigures;
}
