import { z } from 'zod/v4';
import { DAY_MS } from '../contracts/values.js';
import { firstWholeDayFrom, resolvePeriod, type ReportPeriod } from '../domain/report-period.js';
import { SSO_SHARE_DEFINITION } from '../domain/report-sso.js';
import type { Clock } from '../shared/clock.js';
import { NotFoundError, ValidationError } from '../shared/errors.js';
import type { ReportPersonRecord, UserScope } from '../store/report-repository.js';
import type { Store } from '../store/store.js';
import type { ClientRecord } from '../store/client-repository.js';
import type { Actor } from './actor.js';
import { clientRefSchema, type ClientAccess } from './client-access.js';
import { expiryAsOf } from '../store/collection-sql.js';
import { buildBillingReport } from './reports/billing-report.js';
import { buildMfaReport } from './reports/mfa-report.js';
import { reportCsv, reportTables, type CsvExport } from './reports/report-csv.js';
import type { SignInReportInputs } from './reports/report-inputs.js';
import { REPORT_KINDS, type ReportRequest } from './reports/report-types.js';
import type {
  ApplicationUsageReport,
  MfaCoverageReport,
  Report,
  ReportFilterOptions,
  ReportHeader,
  ReportKind,
  SignInDataStatus,
  SsoCoverageReport,
  UsersBillingReport,
} from '../contracts/reports.js';
import { buildSsoReport } from './reports/sso-report.js';
import { buildUsageReport } from './reports/usage-report.js';
import { parseInput } from './validation.js';

export interface ReportServiceOptions {
  readonly store: Store;
  readonly clientAccess: ClientAccess;
  readonly clock: Clock;
}

const day = z.iso.date({ error: 'must be a day as YYYY-MM-DD' });

/** A report request as the bot, the tab and the CLI send it. */
export const reportRequestInput = z.object({
  client: clientRefSchema,
  from: day.optional(),
  to: day.optional(),
  group: z.string().trim().min(1, 'must not be empty').max(256, 'at most 256 characters').optional(),
  department: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters').optional(),
});

const kindInput = z.enum(REPORT_KINDS, { error: `must be one of ${REPORT_KINDS.join(', ')}` });

const TITLES: Readonly<Record<ReportKind, string>> = {
  usage: 'Application usage',
  sso: 'SSO coverage',
  mfa: 'MFA coverage',
  billing: 'Users and billing',
};

const DAYS_DEFINITION = 'Days are UTC calendar days; the period includes its first and last day.';

export const REPORT_DEFINITIONS: Readonly<Record<ReportKind, readonly string[]>> = {
  usage: [
    DAYS_DEFINITION,
    'An active user of an application has at least one successful sign-in to it in the period; failed sign-ins count as sign-ins, not as activity.',
    'Applications are those seen in the sign-in log; their SSO mode comes from the tenant’s service principals.',
  ],
  sso: [
    DAYS_DEFINITION,
    SSO_SHARE_DEFINITION,
    'An enterprise application is used when it had a successful sign-in in the period.',
  ],
  mfa: [
    DAYS_DEFINITION,
    'Population: enabled member accounts present in Entra (guests are left out: their MFA is set by their home tenant).',
    'Registered, capable and the methods come from Microsoft’s record of each user’s MFA registration.',
    'MFA sign-in share = successful sign-ins that required multi-factor authentication, divided by successful sign-ins where Microsoft says whether they did (single- or multi-factor).',
  ],
  billing: [
    'Billable = imported, eligible, not expired and enabled in Entra; guests are never billable.',
    'Expired = imported and no successful sign-in in the client’s threshold of days; nobody expires where the tenant gives no activity data.',
    'Counts are as of now; the history shows the daily snapshots taken in the period.',
  ],
};

interface ReportContext {
  readonly client: ClientRecord;
  readonly period: ReportPeriod;
  readonly scope: UserScope;
  readonly filtered: boolean;
  readonly group: { readonly id: string; readonly displayName: string | null } | null;
  readonly department: string | null;
  readonly signInData: SignInDataStatus;
}

/**
 * The reports of DESIGN rule 10, for the CLI, the bot and the tab: application usage, SSO coverage, MFA coverage,
 * and users and billing. Each takes the acting person, checks `client:read` on the client, and returns plain data
 * (JSON-ready) with a header that names the period, the filters, the definitions used and whether sign-in data was
 * available (it needs Entra ID P1/P2). Each report downloads as CSV.
 *
 * Every method throws {@link ValidationError} for a malformed request (bad day, `from` after `to`, a group that is
 * not imported for reporting), {@link NotFoundError} for a client the actor cannot see, and ForbiddenError.
 */
export class ReportService {
  private readonly store: Store;
  private readonly clientAccess: ClientAccess;
  private readonly clock: Clock;

  constructor(options: ReportServiceOptions) {
    this.store = options.store;
    this.clientAccess = options.clientAccess;
    this.clock = options.clock;
  }

  /**
   * Applications seen in sign-ins, active users per application, sign-ins per day — of the users enabled for data
   * collection (rule 10).
   */
  async applicationUsage(actor: Actor, request: ReportRequest): Promise<ApplicationUsageReport> {
    const context = await this.context(actor, request);
    const repository = this.store.read.reports;
    const collected = await repository.collectedUserIds(context.client.id, context.scope);
    const inScope = context.filtered
      ? (await repository.scopeUserIds(context.client.id, context.scope)).length
      : null;
    const inputs = await this.signInInputs(context, 'usage', collected, new Map(), inScope);
    return buildUsageReport(inputs);
  }

  /**
   * Enterprise applications and their SSO mode, which are used, and each user's share of sign-ins through Entra SSO
   * — of the users enabled for data collection (rule 10).
   */
  async ssoCoverage(actor: Actor, request: ReportRequest): Promise<SsoCoverageReport> {
    const context = await this.context(actor, request);
    const users = await this.store.read.reports.people(context.client.id, context.scope);
    const inputs = await this.signInInputs(
      context,
      'sso',
      collectedIds(users),
      new Map(users.map((user) => [user.id, user])),
      context.filtered ? countPresent(users) : null,
    );
    if (inputs.servicePrincipals.length === 0) {
      return buildSsoReport({
        ...inputs,
        header: withNote(inputs.header, 'The tenant’s enterprise applications have not been read yet.'),
      });
    }
    return buildSsoReport(inputs);
  }

  /**
   * MFA registration and capability, the share of sign-ins that satisfied MFA, and the named users behind each gap
   * — of the users enabled for data collection (rule 10).
   */
  async mfaCoverage(actor: Actor, request: ReportRequest): Promise<MfaCoverageReport> {
    const context = await this.context(actor, request);
    const repository = this.store.read.reports;
    const users = await repository.people(context.client.id, context.scope);
    const collected = users.filter((user) => user.collected);
    const inputs = await this.signInInputs(
      context,
      'mfa',
      collectedIds(users),
      new Map(collected.map((user) => [user.id, user])),
      context.filtered ? countPresent(users) : null,
    );
    const registrations = await repository.mfaRegistrations(context.client.id);
    const requirementKnown = context.signInData.state === 'available' && context.signInData.source === 'beta';
    let header = inputs.header;
    if (registrations.length === 0)
      header = withNote(header, 'MFA registration details have not been read yet.');
    if (context.signInData.state === 'available' && !requirementKnown) {
      header = withNote(
        header,
        'Whether a sign-in satisfied MFA is unknown: this tenant’s sign-ins come from Graph v1.0.',
      );
    }
    return buildMfaReport({ ...inputs, header, registrations, requirementKnown });
  }

  /** Imported, disabled by reason, expired, guests and billable users now, and the billable history. */
  async usersAndBilling(actor: Actor, request: ReportRequest): Promise<UsersBillingReport> {
    const context = await this.context(actor, request);
    const repository = this.store.read.reports;
    const policy = await this.store.read.collection.policy(context.client.id);
    const now = this.clock.now();
    const expiry = expiryAsOf(policy, now);
    const users = await repository.users(context.client.id, context.scope, expiry);
    const counts = await repository.collectionCounts(context.client.id, context.scope, expiry);
    const history = await this.store.read.billing.history(
      context.client.id,
      context.period.from,
      context.period.to,
    );
    let header = this.header(context, 'billing', context.filtered ? countPresent(users) : null);
    if (context.filtered) {
      header = withNote(
        header,
        'The billable history is client-wide: snapshots are not kept per group or department.',
      );
    }
    return buildBillingReport({
      header,
      counts,
      users,
      history,
      policy,
      now,
    });
  }

  /** Any report by kind. @throws {ValidationError} for an unknown kind. */
  async report(actor: Actor, kind: ReportKind, request: ReportRequest): Promise<Report> {
    switch (parseInput(kindInput, kind)) {
      case 'usage':
        return this.applicationUsage(actor, request);
      case 'sso':
        return this.ssoCoverage(actor, request);
      case 'mfa':
        return this.mfaCoverage(actor, request);
      case 'billing':
        return this.usersAndBilling(actor, request);
    }
  }

  /**
   * A report as a CSV download (RFC 4180, UTF-8, formula injection neutralised): its main table, or the one named.
   * @throws {ValidationError} for an unknown kind or table.
   */
  async csv(actor: Actor, kind: ReportKind, request: ReportRequest, table?: string): Promise<CsvExport> {
    const report = await this.report(actor, kind, request);
    const exported = reportCsv(report, table);
    if (exported === undefined) {
      const names = reportTables(report).map((candidate) => candidate.name);
      throw new ValidationError(
        `Invalid input — table: the ${kind} report has the tables ${names.join(', ')}.`,
        [{ path: 'table', message: `must be one of ${names.join(', ')}` }],
      );
    }
    return exported;
  }

  /** The groups imported for reporting and the departments a report can be filtered by. */
  async filters(actor: Actor, clientRef: string): Promise<ReportFilterOptions> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    const repository = this.store.read.reports;
    return {
      groups: await repository.reportingGroups(client.id),
      departments: await repository.departments(client.id),
    };
  }

  private async context(actor: Actor, request: ReportRequest): Promise<ReportContext> {
    const client = await this.clientAccess.resolve(actor, request.client, 'client:read');
    const input = parseInput(reportRequestInput, request);
    const period = resolvePeriod(input, this.clock.now());
    if ('problems' in period) {
      const summary = period.problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');
      throw new ValidationError(`Invalid input — ${summary}.`, period.problems);
    }
    const group = input.group === undefined ? null : await this.reportingGroup(client.id, input.group);
    const department = input.department ?? null;
    return {
      client,
      period,
      scope: { groupId: group?.id, department: department ?? undefined },
      filtered: group !== null || department !== null,
      group,
      department,
      signInData: await this.signInDataStatus(client.id),
    };
  }

  private async reportingGroup(
    clientId: string,
    ref: string,
  ): Promise<{ id: string; displayName: string | null }> {
    const matches = await this.store.read.reports.findReportingGroups(clientId, ref);
    if (matches.length === 0) throw new NotFoundError('Group', ref);
    if (matches.length > 1 && !matches.some((match) => match.id === ref.toLowerCase())) {
      throw new ValidationError(
        `Invalid input — group: several groups are named '${ref}'; use the group's id.`,
        [{ path: 'group', message: 'ambiguous name; use the id' }],
      );
    }
    const group = matches.find((match) => match.id === ref.toLowerCase()) ?? matches[0];
    if (group === undefined) throw new NotFoundError('Group', ref);
    if (!group.reportingEnabled) {
      throw new ValidationError(
        `Invalid input — group: '${group.displayName ?? group.id}' is not imported for reporting; import it for reporting first.`,
        [{ path: 'group', message: 'not imported for reporting' }],
      );
    }
    return { id: group.id, displayName: group.displayName };
  }

  private async signInDataStatus(clientId: string): Promise<SignInDataStatus> {
    const integration = await this.store.read.integrationAdmin.collectionFacts(clientId);
    const checkpoint = await this.store.read.checkpoints.get(clientId, 'sign_ins');
    const rawSource = checkpoint?.state.source;
    const source = rawSource === 'beta' || rawSource === 'v1.0' ? rawSource : null;
    const newestSignInAt = await this.store.read.reports.newestSignIn(clientId);
    const state = integration?.activityData ?? 'unknown';
    const backfill =
      integration === undefined || checkpoint?.watermark !== null ? null : backfillProgress(checkpoint.state);
    let message: string | null = null;
    if (integration === undefined) {
      message = 'No Entra tenant is connected to this client yet, so there is no sign-in data.';
    } else if (backfill !== null) {
      message = `Reading the sign-in history: ${String(backfill.daysRead)} of ${String(backfill.daysTotal)} days read, newest first. The figures below are partial until it has finished.`;
    } else if (state === 'unavailable') {
      message =
        'Sign-in data needs Entra ID P1 or P2: this tenant has no such licence, so Microsoft Graph gives no sign-ins ' +
        'and no MFA registration details. Application usage, SSO usage and MFA figures stay empty, and nobody ' +
        'expires (activity unknown).';
    } else if (integration.importStartedAt === null) {
      // Sign-ins are kept for users enabled for data collection only (rule 10), and nobody is before the import.
      message =
        'No user is imported yet, so no sign-in is collected: the figures start once the initial import has started.';
    } else if (state === 'unknown' || checkpoint === undefined || checkpoint.watermark === null) {
      // Also when the activity is known but the sign-in log's first read has not begun: zeros would read as idleness.
      message =
        'Reading activity…: the sign-in history has not been read from this tenant yet; figures appear once it has been.';
    } else if (source === 'v1.0') {
      message =
        'Microsoft gives this tenant’s interactive sign-ins only, and does not say whether a sign-in satisfied MFA.';
    }
    return { state, source, newestSignInAt, message, backfill };
  }

  private header(context: ReportContext, kind: ReportKind, usersInScope: number | null): ReportHeader {
    const notes: string[] = [];
    if (context.department !== null && usersInScope === 0) {
      notes.push(`No user in this scope has the department '${context.department}'.`);
    }
    if (context.filtered && kind !== 'billing') {
      notes.push('Filtered reports count only users who are in the group or department as of the last sync.');
    }
    return {
      kind,
      title: TITLES[kind],
      client: { id: context.client.id, name: context.client.name, displayName: context.client.displayName },
      period: { from: context.period.from, to: context.period.to, days: context.period.days },
      filters: { group: context.group, department: context.department },
      usersInScope,
      coverage: null,
      generatedAt: this.clock.now().toISOString(),
      signInData: context.signInData,
      definitions: REPORT_DEFINITIONS[kind],
      notes,
    };
  }

  private async signInInputs(
    context: ReportContext,
    kind: ReportKind,
    /** The users enabled for data collection within the filters: whom the report covers. */
    scopeUserIds: readonly string[],
    directory: ReadonlyMap<string, ReportPersonRecord>,
    usersInScope: number | null,
  ): Promise<SignInReportInputs> {
    const repository = this.store.read.reports;
    const clientId = context.client.id;
    // Independent reads: PostgreSQL runs them side by side on the pool; SQLite one after the other as ever.
    const [period, servicePrincipals, discoveredApps] = await Promise.all([
      repository.periodTuples(clientId, context.period.from, context.period.to),
      repository.servicePrincipals(clientId),
      repository.discoveredApps(clientId),
    ]);
    const header = this.header(context, kind, usersInScope);
    return {
      header: {
        ...header,
        coverage: `Covers the ${scopeUserIds.length.toLocaleString('en-US')} users enabled for data collection (imported, not disabled); sign-ins of anyone else are not collected.`,
      },
      period,
      scopeUserIds,
      directory,
      servicePrincipals,
      discoveredApps,
    };
  }
}

/** The users enabled for data collection (imported): the only ones whose sign-ins are collected. */
function collectedIds(users: readonly ReportPersonRecord[]): string[] {
  return users.filter((user) => user.collected).map((user) => user.id);
}

function countPresent(users: readonly ReportPersonRecord[]): number {
  return presentIds(users).length;
}

/** Users present in Entra (not soft-deleted or deleted): the ones a scope counts. */
function presentIds(users: readonly ReportPersonRecord[]): string[] {
  return users.filter((user) => user.entraState === 'active').map((user) => user.id);
}

function withNote(header: ReportHeader, note: string): ReportHeader {
  return { ...header, notes: [...header.notes, note] };
}

/**
 * How far the first read of the sign-in history has come, from the ingestion's checkpoint (sign-in-ingestion.ts):
 * a round runs from `roundTo` (when it started) back to `roundFrom` in one-day windows, newest first, and
 * `windowTo` is the end of the window under way. Null when no round is under way.
 */
function backfillProgress(
  state: Readonly<Record<string, unknown>> | undefined,
): { daysRead: number; daysTotal: number; fromDay: string } | null {
  const time = (value: unknown): number => (typeof value === 'string' ? Date.parse(value) : Number.NaN);
  const from = time(state?.roundFrom);
  const to = time(state?.roundTo);
  const windowTo = time(state?.windowTo);
  if (Number.isNaN(from) || Number.isNaN(to) || Number.isNaN(windowTo) || to <= from) return null;
  const daysTotal = Math.max(1, Math.round((to - from) / DAY_MS));
  const daysRead = Math.min(daysTotal, Math.max(0, Math.round((to - windowTo) / DAY_MS)));
  return { daysRead, daysTotal, fromDay: firstWholeDayFrom(new Date(Math.max(from, windowTo))) };
}
