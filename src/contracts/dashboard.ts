import type { ClientStatus } from './clients.js';

/** A figure now, and how it moved against an earlier day's snapshot (null where no snapshot of that day exists). */
export interface TrendFigure {
  readonly now: number;
  /** Change since the snapshot 7 days ago. */
  readonly change7Days: number | null;
  /** Change since the snapshot 30 days ago. */
  readonly change30Days: number | null;
}

/** What changed in a client since yesterday (the last 24 hours, or yesterday's snapshot where a count is compared). */
export interface SinceYesterday {
  /** Users created in Entra in the last 24 hours. */
  readonly newUsers: number;
  /** Users who expired in the last 24 hours (no longer billed since then). */
  readonly newExpiries: number;
  /** Applications seen in sign-ins for the first time in the last 24 hours. */
  readonly newApps: number;
  /**
   * How many fewer users are registered for MFA than at the end of yesterday (0 when as many or more); null without
   * yesterday's snapshot.
   */
  readonly mfaRegistrationsLost: number | null;
}

/**
 * One client on the partner dashboard: its health (the same as `status`) and the figures an MSP admin checks every
 * morning. Percentages are 0–100, rounded; null where there is nothing to divide (no data read yet).
 */
export interface ClientDashboardRow extends ClientStatus {
  readonly billableTrend: TrendFigure;
  /** Imported users with no activity for longer than the client's threshold (rule 8). */
  readonly expired: number;
  readonly guests: number;
  /** Active member users registered for MFA, of those with a registration record. */
  readonly mfaRegisteredPercent: number | null;
  /**
   * Share of the last 30 days' successful sign-ins to enterprise applications that went through Entra single sign-on
   * (SAML or OpenID Connect), as the SSO report defines it.
   */
  readonly ssoSharePercent: number | null;
  readonly sinceYesterday: SinceYesterday;
}

/** The partner dashboard: every client the caller may see. */
export interface PartnerDashboard {
  readonly clients: readonly ClientDashboardRow[];
  /** When the figures were computed (ISO). */
  readonly asOf: string;
}
