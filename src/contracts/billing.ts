import type { MonthlyAmount } from './licences.js';
import type { ActivityDataState } from '../domain/vocabulary.js';

/** A client's users by collection state and billing status, now. */
export interface CollectionCounts {
  /** Users present in Entra (soft-deleted and deleted excluded). */
  readonly totalUsers: number;
  readonly imported: number;
  readonly notImported: number;
  readonly disabled: number;
  readonly disabledManual: number;
  readonly disabledExcludedGroup: number;
  readonly disabledDeletedInEntra: number;
  readonly expired: number;
  /**
   * Imported, present in Entra and not expired, but with sign-in blocked in Entra (`accountEnabled` false: "true if
   * the account is enabled; otherwise, false", https://learn.microsoft.com/en-us/graph/api/resources/user): not
   * billable while blocked (rule 9). With expired, what stands between the imported and the billable.
   */
  readonly blockedInEntra: number;
  readonly guests: number;
  readonly billable: number;
}

/** A client's billing position now (rule 9) and what it rests on. */
export interface BillingSummary {
  readonly clientId: string;
  readonly clientName: string;
  readonly counts: CollectionCounts;
  /** Expiry threshold in days (rule 8). */
  readonly thresholdDays: number;
  /**
   * `unknown`: the tenant's activity has not been read yet — "reading activity…": nobody is expired yet, so the
   * billable count is not final; `unavailable`: no P1/P2, so nobody expires ("activity unknown").
   */
  readonly activityData: ActivityDataState;
  /** When the initial import started; before that nobody is imported, so nobody is billable. */
  readonly importStartedAt: string | null;
}

/** One day's billing snapshot. */
export interface BillingSnapshotView {
  readonly day: string;
  readonly totalUsers: number;
  readonly imported: number;
  readonly disabled: number;
  readonly expired: number;
  readonly guests: number;
  readonly billable: number;
  readonly takenAt: string;
  /** What the client's licences cost a month that day (seats bought × the partner's prices); null where unpriced. */
  readonly licenceCost: MonthlyAmount | null;
}
