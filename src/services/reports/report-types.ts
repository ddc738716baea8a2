import type { ReportKind } from '../../contracts/reports.js';

/** The four reports of DESIGN rule 10, in the order they are offered. */
export const REPORT_KINDS: readonly ReportKind[] = ['usage', 'sso', 'mfa', 'billing'];

/** What every report request may carry (all optional but the client). */
export interface ReportRequest {
  /** Client short name or id. */
  readonly client: string;
  /** First day, `YYYY-MM-DD` (UTC). Default: 29 days before `to`. */
  readonly from?: string | undefined;
  /** Last day, `YYYY-MM-DD` (UTC), included. Default: today. */
  readonly to?: string | undefined;
  /** A group imported for reporting (rule 7), by id or display name; nested members count. */
  readonly group?: string | undefined;
  /** A department, as Entra spells it (case-insensitive). */
  readonly department?: string | undefined;
}
