import { toCsv, type CsvTable } from '../../shared/csv.js';
import type { Report } from '../../contracts/reports.js';

/** One downloadable table of a report. */
export interface ReportTable {
  /** Stable name: `applications`, `daily`, `users`… */
  readonly name: string;
  readonly title: string;
  readonly table: CsvTable;
}

/** A CSV download: its file name and its text (RFC 4180, UTF-8). */
export interface CsvExport {
  readonly fileName: string;
  readonly text: string;
  readonly table: string;
}

const ratio = (value: number | null): number | null =>
  value === null ? null : Math.round(value * 10_000) / 10_000;

/** The tables of a report, the main one first. */
export function reportTables(report: Report): ReportTable[] {
  switch (report.kind) {
    case 'usage':
      return [
        {
          name: 'applications',
          title: 'Applications',
          table: {
            columns: [
              'app_id',
              'app_name',
              'sso_mode',
              'app_class',
              'active_users',
              'sign_ins',
              'successful_sign_ins',
              'failed_sign_ins',
              'first_seen_at',
              'last_seen_at',
            ],
            rows: report.applications.map((app) => [
              app.appId,
              app.appName,
              app.ssoMode,
              app.appClass,
              app.activeUsers,
              app.signIns,
              app.successfulSignIns,
              app.failedSignIns,
              app.firstSeenAt,
              app.lastSeenAt,
            ]),
          },
        },
        {
          name: 'daily',
          title: 'Sign-ins per day',
          table: {
            columns: ['day', 'sign_ins', 'successful_sign_ins', 'failed_sign_ins', 'active_users'],
            rows: report.daily.map((day) => [
              day.day,
              day.signIns,
              day.successfulSignIns,
              day.failedSignIns,
              day.activeUsers,
            ]),
          },
        },
        {
          name: 'daily-by-app',
          title: 'Sign-ins per day and application',
          table: {
            columns: ['day', 'app_id', 'app_name', 'sign_ins', 'successful_sign_ins', 'active_users'],
            rows: report.dailyByApp.map((row) => [
              row.day,
              row.appId,
              row.appName,
              row.signIns,
              row.successfulSignIns,
              row.activeUsers,
            ]),
          },
        },
      ];
    case 'sso':
      return [
        {
          name: 'applications',
          title: 'Enterprise applications',
          table: {
            columns: [
              'app_id',
              'app_name',
              'service_principal_id',
              'sso_mode',
              'entra_sso',
              'account_enabled',
              'used',
              'successful_sign_ins',
              'active_users',
            ],
            rows: report.applications.map((app) => [
              app.appId,
              app.appName,
              app.servicePrincipalId,
              app.ssoMode ?? 'unknown',
              app.entraSso,
              app.accountEnabled,
              app.used,
              app.successfulSignIns,
              app.activeUsers,
            ]),
          },
        },
        {
          name: 'users',
          title: 'SSO share per user',
          table: {
            columns: [
              'user_id',
              'display_name',
              'user_principal_name',
              'department',
              'app_sign_ins',
              'sso_sign_ins',
              'non_sso_sign_ins',
              'sso_share',
              'non_sso_apps',
            ],
            rows: report.users.map((user) => [
              user.id,
              user.displayName,
              user.userPrincipalName,
              user.department,
              user.appSignIns,
              user.ssoSignIns,
              user.nonSsoSignIns,
              ratio(user.ssoShare),
              user.nonSsoApps.join('; '),
            ]),
          },
        },
      ];
    case 'mfa':
      return [
        {
          name: 'users',
          title: 'MFA per user',
          table: {
            columns: [
              'user_id',
              'display_name',
              'user_principal_name',
              'department',
              'is_admin',
              'mfa_registered',
              'mfa_capable',
              'methods',
              'successful_sign_ins',
              'mfa_sign_ins',
              'single_factor_sign_ins',
              'mfa_share',
              'gaps',
            ],
            rows: report.users.map((user) => [
              user.id,
              user.displayName,
              user.userPrincipalName,
              user.department,
              user.isAdmin,
              user.mfaRegistered,
              user.mfaCapable,
              user.methods.join('; '),
              user.successfulSignIns,
              user.mfaSignIns,
              user.singleFactorSignIns,
              ratio(user.mfaShare),
              user.gaps.join('; '),
            ]),
          },
        },
        {
          name: 'methods',
          title: 'Registered methods',
          table: {
            columns: ['method', 'users'],
            rows: report.registration.methods.map((method) => [method.method, method.users]),
          },
        },
      ];
    case 'billing':
      return [
        {
          name: 'users',
          title: 'Users',
          table: {
            columns: [
              'user_id',
              'display_name',
              'user_principal_name',
              'department',
              'user_type',
              'account_enabled',
              'entra_state',
              'state',
              'disable_reason',
              'expired',
              'billable',
              'last_activity_at',
              'last_activity_app',
              'expiry',
            ],
            rows: report.users.map((user) => [
              user.id,
              user.displayName,
              user.userPrincipalName,
              user.department,
              user.userType,
              user.accountEnabled,
              user.entraState,
              user.state,
              user.disableReason,
              user.expired,
              user.billable,
              user.lastActivityAt,
              user.lastActivityApp,
              user.expiryExplanation,
            ]),
          },
        },
        {
          name: 'history',
          title: 'Billable history',
          table: {
            columns: ['day', 'total_users', 'imported', 'disabled', 'expired', 'guests', 'billable'],
            rows: report.history.map((row) => [
              row.day,
              row.totalUsers,
              row.imported,
              row.disabled,
              row.expired,
              row.guests,
              row.billable,
            ]),
          },
        },
      ];
  }
}

/**
 * One table of a report as a CSV download (the main table when `tableName` is omitted).
 * @returns undefined when the report has no table of that name.
 */
export function reportCsv(report: Report, tableName?: string): CsvExport | undefined {
  const tables = reportTables(report);
  const chosen = tableName === undefined ? tables[0] : tables.find((table) => table.name === tableName);
  if (chosen === undefined) return undefined;
  const { header } = report;
  const fileName = `${header.client.name}-${report.kind}-${chosen.name}-${header.period.from}-to-${header.period.to}.csv`;
  return { fileName, text: toCsv(chosen.table), table: chosen.name };
}
