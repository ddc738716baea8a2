import { isBillable } from '../domain/billable.js';
import { checkEligibility, isExternalMember, isGuest, type ExcludedGroupRef } from '../domain/eligibility.js';
import { evaluateExpiry, type ExpiryPolicy } from '../domain/expiry.js';
import type { DirectoryUserRow } from '../store/schema.js';
import type { UserView } from '../contracts/users.js';

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
