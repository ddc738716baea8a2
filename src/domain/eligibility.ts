import type { EntraState, IneligibilityReason } from './vocabulary.js';

/** A group that excludes its members (rule 6), as far as eligibility needs to know it. */
export interface ExcludedGroupRef {
  readonly id: string;
  readonly displayName: string | null;
}

/** What tells a guest from a member: Graph's `userType` and the user principal name. */
export interface UserKindFacts {
  /** Graph's `userType`: `Member`, `Guest`, or null when Entra did not say. */
  readonly userType: string | null;
  readonly userPrincipalName: string | null;
}

/** What eligibility looks at for one user. */
export interface EligibilityFacts extends UserKindFacts {
  readonly entraState: EntraState;
  /**
   * The excluded groups the user belongs to, directly or through nested groups at any depth (cycles are resolved
   * when the membership closure is computed, so this is a plain list).
   */
  readonly excludedGroups: readonly ExcludedGroupRef[];
}

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

/**
 * The marker Entra puts in the user principal name of an account homed in another organisation (B2B
 * collaboration): `alice_fabrikam.com#EXT#@contoso.onmicrosoft.com`.
 */
export const EXTERNAL_UPN_MARKER = '#EXT#';

function isExternalUpn(userPrincipalName: string | null): boolean {
  return userPrincipalName?.toUpperCase().includes(EXTERNAL_UPN_MARKER) === true;
}

/**
 * A guest by Microsoft's definitions: `userType` Guest (whatever its case), or no `userType` at all on an account
 * whose UPN carries `#EXT#` — an external account Entra did not classify, which B2B creates as a guest.
 * - "External guest … The user object created in the resource Microsoft Entra directory has a UserType of Guest";
 *   "External member … has a UserType of Member" — https://learn.microsoft.com/en-us/entra/external-id/user-properties
 * - B2B users' "user type … is typically set to guest and their user principal name contains the #EXT#
 *   identifier" — https://learn.microsoft.com/en-us/training/modules/manage-accounts-licenses-microsoft-365/8-create-manage-guest-users
 * - `userType` may be null (Graph supports `$filter` "eq on null values" for it) —
 *   https://learn.microsoft.com/en-us/graph/api/resources/user
 * Any other `userType` (Member, or an unknown value) is a member.
 */
export function isGuest(user: UserKindFacts): boolean {
  const type = user.userType?.toLowerCase() ?? null;
  if (type === 'guest') return true;
  return type === null && isExternalUpn(user.userPrincipalName);
}

/**
 * An external member: an account from another organisation (`#EXT#` UPN) that Entra classifies as a Member. It is
 * a member for every rule — eligible and billable — and shown as "external member" so an admin can exclude such
 * accounts knowingly.
 */
export function isExternalMember(user: UserKindFacts): boolean {
  return !isGuest(user) && isExternalUpn(user.userPrincipalName);
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
  if (isGuest(facts)) {
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
