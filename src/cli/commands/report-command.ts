import fs from 'node:fs';
import path from 'node:path';
import { Argument, Option, type Command } from 'commander';
import { clientLabel } from '../../contracts/client-label.js';
import { reportCsv, reportTables } from '../../services/reports/report-csv.js';
import { REPORT_KINDS } from '../../services/reports/report-types.js';
import type {
  ApplicationUsageReport,
  MfaCoverageReport,
  Report,
  ReportHeader,
  ReportKind,
  ReportUser,
  SsoCoverageReport,
  UsersBillingReport,
} from '../../contracts/reports.js';
import { plural } from '../../shared/plural.js';
import { formatTable, type CliContext } from '../cli-context.js';

interface ReportOptions {
  group?: string;
  department?: string;
  from?: string;
  to?: string;
  csv?: string;
  json?: boolean;
}

/** Rows printed per table in the text output; --csv and --json carry everything. */
export const PRINTED_ROWS = 25;

/** `report usage|sso|mfa|billing <client> [--group] [--department] [--from] [--to] [--csv FILE] [--json]` */
export function registerReportCommand(program: Command, context: CliContext): void {
  program
    .command('report')
    .description('application usage, SSO coverage, MFA coverage, or users and billing of a client')
    .addArgument(new Argument('<kind>', 'usage | sso | mfa | billing').choices(REPORT_KINDS))
    .argument('<client>', 'client name or id')
    .option('--group <group>', 'only members (nested included) of a group imported for reporting: id or name')
    .option('--department <department>', 'only users of this department')
    .option('--from <day>', 'first day, YYYY-MM-DD (default: 29 days before --to)')
    .option('--to <day>', 'last day, YYYY-MM-DD (default: today, UTC)')
    .option(
      '--csv <file>',
      'write the report as CSV: the main table to FILE, the others next to it (FILE-<table>.csv)',
    )
    .addOption(new Option('--json', 'print the whole report as one JSON document'))
    .action(async (kind: ReportKind, client: string, options: ReportOptions) => {
      const core = await context.core();
      const report = await core.reports.report(context.actor, kind, {
        client,
        from: options.from,
        to: options.to,
        group: options.group,
        department: options.department,
      });
      if (options.csv !== undefined) {
        for (const file of writeCsvFiles(report, options.csv)) context.err(`Wrote ${file}`);
      }
      if (options.json === true) {
        context.out(JSON.stringify(report));
        return;
      }
      if (options.csv !== undefined) return;
      context.out(renderReport(report));
    });
}

/** Writes each table of the report; returns the files written. */
function writeCsvFiles(report: Report, file: string): string[] {
  const written: string[] = [];
  const extension = path.extname(file);
  const stem = extension === '' ? file : file.slice(0, -extension.length);
  reportTables(report).forEach((table, index) => {
    const exported = reportCsv(report, table.name);
    if (exported === undefined) return;
    const target = index === 0 ? file : `${stem}-${table.name}${extension === '' ? '.csv' : extension}`;
    fs.writeFileSync(target, exported.text, 'utf8');
    written.push(target);
  });
  return written;
}

function renderReport(report: Report): string {
  const parts = [renderHeader(report.header)];
  switch (report.kind) {
    case 'usage':
      parts.push(...renderUsage(report));
      break;
    case 'sso':
      parts.push(...renderSso(report));
      break;
    case 'mfa':
      parts.push(...renderMfa(report));
      break;
    case 'billing':
      parts.push(...renderBilling(report));
      break;
  }
  return parts.join('\n\n');
}

function renderHeader(header: ReportHeader): string {
  const filters = [
    header.filters.group === null
      ? undefined
      : `group ${header.filters.group.displayName ?? header.filters.group.id}`,
    header.filters.department === null ? undefined : `department ${header.filters.department}`,
  ].filter((item): item is string => item !== undefined);
  const lines = [
    `${header.title} — ${clientLabel(header.client)}`,
    `Period ${header.period.from} to ${header.period.to} (${String(header.period.days)} days, UTC)` +
      (filters.length === 0 ? '' : `; ${filters.join(', ')}`) +
      (header.usersInScope === null ? '' : `; ${plural(header.usersInScope, 'user')} in scope`),
  ];
  if (header.coverage !== null) lines.push(header.coverage);
  if (header.signInData.message !== null) lines.push(`Note: ${header.signInData.message}`);
  for (const note of header.notes) lines.push(`Note: ${note}`);
  return lines.join('\n');
}

function renderUsage(report: ApplicationUsageReport): string[] {
  const { totals } = report;
  return [
    `${plural(totals.applications, 'application')}, ${plural(totals.activeUsers, 'active user')}, ` +
      `${plural(totals.signIns, 'sign-in')} (${count(totals.failedSignIns)} failed)`,
    table(
      ['APPLICATION', 'APP ID', 'SSO', 'ACTIVE USERS', 'SIGN-INS', 'FAILED'],
      report.applications.map((app) => [
        app.appName,
        app.appId,
        // As the tab says it: Microsoft's own services sign in with Entra ID, whatever their (absent) SSO mode.
        app.appClass === 'microsoft' ? 'Microsoft service' : (app.ssoMode ?? 'unknown'),
        app.activeUsers,
        app.signIns,
        app.failedSignIns,
      ]),
    ),
    table(
      ['DAY', 'SIGN-INS', 'FAILED', 'ACTIVE USERS'],
      report.daily.map((day) => [day.day, day.signIns, day.failedSignIns, day.activeUsers]),
      report.daily.length,
    ),
  ];
}

function renderSso(report: SsoCoverageReport): string[] {
  const { totals } = report;
  return [
    `${plural(totals.enterpriseApplications, 'enterprise application')} (SAML ${count(totals.bySsoMode.saml)}, ` +
      `OIDC ${count(totals.bySsoMode.oidc)}, password ${count(totals.bySsoMode.password)}, none ` +
      `${count(totals.bySsoMode.none)}); ${count(totals.usedApplications)} used. SSO share of sign-ins: ` +
      `${percent(totals.ssoShare)}; ${count(totals.usersFullyOnSso)} of ${plural(totals.usersWithAppSignIns, 'user')} fully on SSO.`,
    table(
      ['APPLICATION', 'SSO MODE', 'USED', 'SIGN-INS', 'ACTIVE USERS'],
      report.applications.map((app) => [
        app.appName,
        app.ssoMode ?? 'unknown',
        app.used ? 'yes' : 'no',
        app.successfulSignIns,
        app.activeUsers,
      ]),
    ),
    `Users with the lowest SSO share:\n` +
      table(
        ['USER', 'SSO SHARE', 'APP SIGN-INS', 'WITHOUT SSO'],
        report.users.map((user) => [
          name(user),
          percent(user.ssoShare),
          user.appSignIns,
          user.nonSsoApps.join(', '),
        ]),
      ),
  ];
}

function renderMfa(report: MfaCoverageReport): string[] {
  const { registration, signIns, gaps } = report;
  const lines = [
    `${plural(registration.users, 'user')}: ${count(registration.mfaRegistered)} registered for MFA ` +
      `(${percent(registration.registeredShare)}), ${count(registration.mfaCapable)} capable, ` +
      `${count(registration.noRegistrationData)} without registration data.`,
    signIns.known
      ? `Sign-ins that satisfied MFA: ${percent(signIns.mfaShare)} (${count(signIns.mfaSignIns)} of ` +
        `${count(signIns.mfaSignIns + signIns.singleFactorSignIns)}).`
      : 'Whether sign-ins satisfied MFA is not known for this tenant.',
  ];
  const named = (title: string, users: readonly ReportUser[]): string =>
    `${title} (${count(users.length)}):\n` +
    (users.length === 0
      ? '  nobody'
      : table(
          ['USER', 'UPN', 'DEPARTMENT'],
          users.map((user) => [name(user), user.userPrincipalName, user.department]),
        ));
  lines.push(named('Not registered for MFA', gaps.notRegistered));
  lines.push(named('Not MFA capable', gaps.notCapable));
  lines.push(named('No registration data', gaps.noRegistrationData));
  lines.push(
    `Single-factor sign-ins (${plural(gaps.singleFactorSignIns.length, 'user')}):\n` +
      (gaps.singleFactorSignIns.length === 0
        ? '  nobody'
        : table(
            ['USER', 'SINGLE-FACTOR', 'SUCCESSFUL'],
            gaps.singleFactorSignIns.map((user) => [
              name(user),
              user.singleFactorSignIns,
              user.successfulSignIns,
            ]),
          )),
  );
  return lines;
}

function renderBilling(report: UsersBillingReport): string[] {
  const { current } = report;
  const lines = [
    table(
      [
        'USERS',
        'IMPORTED',
        'NOT IMPORTED',
        'DISABLED',
        'MANUAL',
        'EXCLUDED GROUP',
        'DELETED',
        'EXPIRED',
        'BLOCKED IN ENTRA',
        'GUESTS',
        'BILLABLE',
      ],
      [
        [
          current.totalUsers,
          current.imported,
          current.notImported,
          current.disabled,
          current.disabledByReason.manual,
          current.disabledByReason.excludedGroup,
          current.disabledByReason.deletedInEntra,
          current.expired,
          current.blockedInEntra,
          current.guests,
          current.billable,
        ],
      ],
    ),
  ];
  if (report.expiry.message !== null) lines.push(report.expiry.message);
  lines.push(
    report.history.length === 0
      ? 'No billing snapshots in the period.'
      : table(
          ['DAY', 'BILLABLE', 'IMPORTED', 'EXPIRED', 'DISABLED', 'GUESTS'],
          report.history.map((row) => [
            row.day,
            row.billable,
            row.imported,
            row.expired,
            row.disabled,
            row.guests,
          ]),
          report.history.length,
        ),
  );
  lines.push(`${plural(report.users.length, 'user')} listed in --csv and --json.`);
  return lines;
}

function table(
  headers: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
  limit = PRINTED_ROWS,
): string {
  const shown = formatTable(headers, rows.slice(0, limit));
  return rows.length > limit
    ? `${shown}\n… and ${count(rows.length - limit)} more (see --csv or --json)`
    : shown;
}

function name(user: ReportUser): string {
  return user.displayName ?? user.userPrincipalName ?? user.id;
}

/** A number in the report's sentences, thousands separated as the core's own sentences have them. */
function count(value: number): string {
  return value.toLocaleString('en-US');
}

function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)} %`;
}
