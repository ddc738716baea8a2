import { isBillable } from '../domain/billable.js';
import {
  checkEligibility,
  isExternalMember,
  isGuest,
  type ExcludedGroupRef,
  type IneligibilityReason,
} from '../domain/eligibility.js';
import {
  evaluateExpiry,
  type ActivitySource,
  type ExpiryPolicy,
  type ExpiryStatus,
} from '../domain/expiry.js';
import type { CollectionState, DirectoryUserRow, DisableReason, EntraState } from '../store/schema.js';

/** A directory user as the bot, the tab and the CLI show it. */
export interface UserView {
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  readonly mail: string | null;
  readonly userType: string | null;
  /** A guest by Microsoft's definitions: `userType` Guest, or no `userType` on a `#EXT#` account. */
  readonly guest: boolean;
  /** An account from another organisation (`#EXT#` UPN) that Entra classifies as a member: billable like one. */
  readonly externalMember: boolean;
  readonly accountEnabled: boolean;
  readonly department: string | null;
  readonly jobTitle: string | null;
  readonly entraState: EntraState;
  readonly state: CollectionState;
  readonly disableReason: DisableReason | null;
  readonly importedAt: string | null;
  readonly lastActivity: {
    readonly at: string;
    readonly source: ActivitySource;
    readonly app: string | null;
  } | null;
  /** Rule 8 now: what billing counts. */
  readonly expired: boolean;
  /** For an expired user, since when it has not been billed. */
  readonly expiredSince: string | null;
  /** Rule 8 evaluated now, with the sentence that explains it. */
  readonly expiry: {
    readonly status: ExpiryStatus;
    readonly explanation: string;
    readonly expiresAt: string | null;
  };
  readonly billable: boolean;
  /** Rule 3: whether the user may be imported, and if not, why (the excluded group named). */
  readonly eligibility:
    | { readonly eligible: true }
    | {
        readonly eligible: false;
        readonly reason: IneligibilityReason;
        readonly explanation: string;
        readonly group?: ExcludedGroupRef;
      };
}

/** Maps a stored user, the excluded groups it belongs to and the client's expiry policy to its view. */
export function toUserView(
  row: DirectoryUserRow,
  excludedGroups: readonly ExcludedGroupRef[],
  policy: ExpiryPolicy,
  now: Date,
): UserView {
  const kind = { userType: row.user_type, userPrincipalName: row.user_principal_name };
  const eligibility = checkEligibility({ ...kind, entraState: row.entra_state, excludedGroups });
  const verdict = evaluateExpiry(
    {
      collectionState: row.collection_state,
      importedAt: row.imported_at,
      lastSignInAt: row.last_sign_in_at,
      lastSignInApp: row.last_sign_in_app,
      signInActivityAt: row.sign_in_activity_at,
    },
    policy,
    now,
  );
  const expired = verdict.expired;
  return {
    id: row.id,
    displayName: row.display_name,
    userPrincipalName: row.user_principal_name,
    mail: row.mail,
    userType: row.user_type,
    guest: isGuest(kind),
    externalMember: isExternalMember(kind),
    accountEnabled: row.account_enabled === 1,
    department: row.department,
    jobTitle: row.job_title,
    entraState: row.entra_state,
    state: row.collection_state,
    disableReason: row.disable_reason,
    importedAt: row.imported_at,
    lastActivity:
      verdict.lastActivity === null
        ? null
        : {
            at: verdict.lastActivity.at.toISOString(),
            source: verdict.lastActivity.source,
            app: verdict.lastActivity.app,
          },
    expired,
    expiredSince: verdict.expiredSince === null ? null : verdict.expiredSince.toISOString(),
    expiry: {
      status: verdict.status,
      explanation: verdict.explanation,
      expiresAt: verdict.expiresAt === null ? null : verdict.expiresAt.toISOString(),
    },
    billable: isBillable({
      ...kind,
      collectionState: row.collection_state,
      entraState: row.entra_state,
      accountEnabled: row.account_enabled === 1,
      inExcludedGroup: excludedGroups.length > 0,
      expired,
    }),
    eligibility: eligibility.eligible
      ? { eligible: true }
      : {
          eligible: false,
          reason: eligibility.reason,
          explanation: eligibility.explanation,
          ...(eligibility.group === undefined ? {} : { group: eligibility.group }),
        },
  };
}
