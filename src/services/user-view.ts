import { isBillable } from '../domain/billable.js';
import { checkEligibility, isExternalMember, isGuest, type ExcludedGroupRef } from '../domain/eligibility.js';
import { evaluateExpiry, type ExpiryPolicy } from '../domain/expiry.js';
import type { UserRecord } from '../store/user-repository.js';
import type { UserView } from '../contracts/users.js';

/** Maps a stored user, the excluded groups it belongs to and the client's expiry policy to its view. */
export function toUserView(
  row: UserRecord,
  excludedGroups: readonly ExcludedGroupRef[],
  policy: ExpiryPolicy,
  now: Date,
): UserView {
  const kind = { userType: row.userType, userPrincipalName: row.userPrincipalName };
  const eligibility = checkEligibility({ ...kind, entraState: row.entraState, excludedGroups });
  const verdict = evaluateExpiry(
    {
      collectionState: row.collectionState,
      importedAt: row.importedAt,
      lastSignInAt: row.lastSignInAt,
      lastSignInApp: row.lastSignInApp,
      signInActivityAt: row.signInActivityAt,
    },
    policy,
    now,
  );
  const expired = verdict.expired;
  return {
    id: row.id,
    displayName: row.displayName,
    userPrincipalName: row.userPrincipalName,
    mail: row.mail,
    userType: row.userType,
    guest: isGuest(kind),
    externalMember: isExternalMember(kind),
    accountEnabled: row.accountEnabled,
    onPremisesSynced: row.onPremisesSynced,
    department: row.department,
    jobTitle: row.jobTitle,
    entraState: row.entraState,
    state: row.collectionState,
    disableReason: row.disableReason,
    importedAt: row.importedAt,
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
      collectionState: row.collectionState,
      entraState: row.entraState,
      accountEnabled: row.accountEnabled,
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
