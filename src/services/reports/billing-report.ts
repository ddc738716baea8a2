import { isGuest } from '../../domain/eligibility.js';
import { evaluateExpiry, lastActivityOf, type ExpiryPolicy } from '../../domain/expiry.js';
import type { BillingSnapshotRecord } from '../../store/billing-repository.js';
import type { ReportUserRecord, ScopedCollectionCounts } from '../../store/report-repository.js';
import { sortByName } from './report-inputs.js';
import type { BillingUserRow, ReportHeader, UsersBillingReport } from '../../contracts/reports.js';

export interface BillingReportInputs {
  readonly header: ReportHeader;
  readonly counts: ScopedCollectionCounts;
  readonly users: readonly ReportUserRecord[];
  readonly history: readonly BillingSnapshotRecord[];
  readonly policy: ExpiryPolicy;
  readonly now: Date;
}

/**
 * Users and billing (rules 8, 9, 10): the collection states, expiry and billable count now — as the rules' own
 * counts define them — each user's expiry explained in rule 8's words, and the daily billable history.
 */
export function buildBillingReport(inputs: BillingReportInputs): UsersBillingReport {
  const { counts, policy, now } = inputs;
  const rows: BillingUserRow[] = inputs.users.map((user) => {
    const facts = {
      collectionState: user.collectionState,
      importedAt: user.importedAt,
      lastSignInAt: user.lastSignInAt,
      lastSignInApp: user.lastSignInApp,
      signInActivityAt: user.signInActivityAt,
    };
    const activity = lastActivityOf(facts);
    return {
      id: user.id,
      displayName: user.displayName,
      userPrincipalName: user.userPrincipalName,
      department: user.department,
      userType: user.userType,
      guest: isGuest(user),
      accountEnabled: user.accountEnabled,
      entraState: user.entraState,
      state: user.collectionState,
      disableReason: user.disableReason,
      expired: user.expired,
      billable: user.billable,
      lastActivityAt: activity?.at.toISOString() ?? null,
      lastActivityApp: activity?.app ?? null,
      expiryExplanation: evaluateExpiry(facts, policy, now).explanation,
    };
  });
  const users = sortByName(rows);
  return {
    kind: 'billing',
    header: inputs.header,
    current: {
      totalUsers: counts.totalUsers,
      imported: counts.imported,
      notImported: counts.notImported,
      disabled: counts.disabled,
      disabledByReason: {
        manual: counts.disabledManual,
        excludedGroup: counts.disabledExcludedGroup,
        deletedInEntra: counts.disabledDeletedInEntra,
      },
      expired: counts.expired,
      blockedInEntra: counts.blockedInEntra,
      guests: counts.guests,
      billable: counts.billable,
    },
    expiry: {
      thresholdDays: policy.thresholdDays,
      activityData: policy.activityData,
      message:
        policy.activityData === 'available'
          ? null
          : policy.activityData === 'unavailable'
            ? 'Activity unknown: the tenant has no Entra ID P1/P2, so nobody expires.'
            : "Reading activity…: the tenant's sign-in activity has not been read yet, so nobody is expired yet and the billable count is not final.",
    },
    history: inputs.history.map((row) => ({
      day: row.day,
      totalUsers: row.totalUsers,
      imported: row.imported,
      disabled: row.disabled,
      expired: row.expired,
      guests: row.guests,
      billable: row.billable,
    })),
    users,
  };
}
