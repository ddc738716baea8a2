import type { MonthlyAmount } from './licences.js';
/**
 * One line of a connection check, as the admin sees it. `name` is the line's label (`Sign in`,
 * `Permission User.Read.All`, `Read organization`); a line that checks a Microsoft Graph application permission
 * names it in `permission`, which is what code reads (never the label).
 */
export interface PermissionCheck {
  readonly name: string;
  /** The Graph application permission this line checks; absent for the sign-in and organization lines. */
  readonly permission?: string;
  readonly passed: boolean;
  readonly reason: string;
}

/** What changing the expiry threshold would do now (rule 8), before it is set: nothing changes. */
export interface ExpiryThresholdPreview {
  readonly currentDays: number;
  readonly thresholdDays: number;
  /** Users past the new threshold who are not past the current one (no longer billed once it is set). */
  readonly newlyExpired: number;
  /** Users expired now who would not be under the new threshold (billed again). */
  readonly noLongerExpired: number;
  /** What the newly expired users' licences cost a month at the partner's prices; null where none is priced. */
  readonly newlyExpiredLicenceCost: MonthlyAmount | null;
}
