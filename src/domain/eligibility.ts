import type { EntraState } from '../store/schema.js';

/** A group that excludes its members (rule 6), as far as eligibility needs to know it. */
export interface ExcludedGroupRef {
  readonly id: string;
  readonly displayName: string | null;
}

/** What eligibility looks at for one user. */
export interface EligibilityFacts {
  /** Graph's `userType`: `Member`, `Guest`, or null when Entra did not say (treated as a member). */
  readonly userType: string | null;
  readonly entraState: EntraState;
  /**
   * The excluded groups the user belongs to, directly or through nested groups at any depth (cycles are resolved
   * when the membership closure is computed, so this is a plain list).
   */
  readonly excludedGroups: readonly ExcludedGroupRef[];
}

export type IneligibilityReason = 'guest' | 'deleted_in_entra' | 'excluded_group';

export type Eligibility =
  | { readonly eligible: true }
  | {
      readonly eligible: false;
      readonly reason: IneligibilityReason;
      /** The excluded group to name in the refusal (the first by name), for `excluded_group`. */
      readonly group?: ExcludedGroupRef;
      /** For an admin: "member of excluded group Contractors", "guest account", "deleted in Entra". */
      readonly explanation: string;
    };

export function isGuest(userType: string | null): boolean {
  return userType?.toLowerCase() === 'guest';
}

/**
 * Rule 3: a user is eligible when it is not a guest, not deleted (or soft-deleted) in Entra, and not a member of an
 * excluded group. When several reasons hold, the most fundamental one is named: deleted, then guest, then group.
 */
export function checkEligibility(facts: EligibilityFacts): Eligibility {
  if (facts.entraState !== 'active') {
    return {
      eligible: false,
      reason: 'deleted_in_entra',
      explanation:
        facts.entraState === 'soft_deleted'
          ? 'deleted in Entra (restorable for 30 days)'
          : 'deleted in Entra',
    };
  }
  if (isGuest(facts.userType)) {
    return { eligible: false, reason: 'guest', explanation: 'guest account' };
  }
  const [group] = [...facts.excludedGroups].sort((a, b) =>
    (a.displayName ?? a.id).localeCompare(b.displayName ?? b.id),
  );
  if (group !== undefined) {
    return {
      eligible: false,
      reason: 'excluded_group',
      group,
      explanation: `member of excluded group ${group.displayName ?? group.id}`,
    };
  }
  return { eligible: true };
}
