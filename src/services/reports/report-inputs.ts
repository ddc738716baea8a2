import type {
  DiscoveredAppRow,
  PeriodTuples,
  ReportUserRow,
  ServicePrincipalRow,
} from '../../store/report-repository.js';
import type { ReportHeader, ReportUser } from './report-types.js';

/** Everything a sign-in report is computed from, loaded by the report service. */
export interface SignInReportInputs {
  readonly header: ReportHeader;
  readonly period: PeriodTuples;
  /** Ids of the directory users within the filters; undefined when the report is not filtered. */
  readonly scopeUserIds: readonly string[] | undefined;
  /** The directory users the report may name, by id: those within the filters, or all when not filtered. */
  readonly directory: ReadonlyMap<string, ReportUserRow>;
  readonly servicePrincipals: readonly ServicePrincipalRow[];
  readonly discoveredApps: readonly DiscoveredAppRow[];
}

/** Marks the dense keys of the users in scope; undefined (everyone) when the report is not filtered. */
export function scopeMask(inputs: SignInReportInputs): Uint8Array | undefined {
  if (inputs.scopeUserIds === undefined) return undefined;
  const mask = new Uint8Array(inputs.period.keys.users.length);
  for (const id of inputs.scopeUserIds) {
    const idx = inputs.period.keys.userIndex.get(id);
    if (idx !== undefined) mask[idx] = 1;
  }
  return mask;
}

/** The service principal of each app id (the first, when a tenant has several). */
export function servicePrincipalsByAppId(
  rows: readonly ServicePrincipalRow[],
): Map<string, ServicePrincipalRow> {
  const byApp = new Map<string, ServicePrincipalRow>();
  for (const row of rows) if (!byApp.has(row.appId)) byApp.set(row.appId, row);
  return byApp;
}

/** What a report shows of a user: the directory copy's facts, or just the id for a user it does not have. */
export function reportUser(id: string, directory: ReadonlyMap<string, ReportUserRow>): ReportUser {
  const row = directory.get(id);
  return {
    id,
    displayName: row?.displayName ?? null,
    userPrincipalName: row?.userPrincipalName ?? null,
    department: row?.department ?? null,
  };
}

/** Sorts people by display name, then UPN, then id (stable, locale-aware). */
export function byName(a: ReportUser, b: ReportUser): number {
  return (
    (a.displayName ?? '\uffff').localeCompare(b.displayName ?? '\uffff') ||
    (a.userPrincipalName ?? '').localeCompare(b.userPrincipalName ?? '') ||
    a.id.localeCompare(b.id)
  );
}
