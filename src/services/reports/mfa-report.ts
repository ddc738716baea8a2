import { isGuest } from '../../domain/eligibility.js';
import { share } from '../../domain/report-sso.js';
import type { ReportMfaRegistrationRecord, ReportPersonRecord } from '../../store/report-repository.js';
import { compareText, sortByName, type SignInReportInputs } from './report-inputs.js';
import type { MfaCoverageReport, MfaGap, MfaUserRow, ReportUser } from '../../contracts/reports.js';
import { aggregateSignIns } from './sign-in-aggregates.js';

export interface MfaReportInputs extends SignInReportInputs {
  readonly registrations: readonly ReportMfaRegistrationRecord[];
  /** Whether sign-ins carry `authenticationRequirement` (read from /beta). */
  readonly requirementKnown: boolean;
}

/**
 * The MFA report's population: member accounts (not guests — their MFA is their home tenant's business) that are
 * present and enabled in Entra, within the filters. The partner dashboard's MFA column counts the same users, in SQL
 * (`DashboardRepository.mfaFigures`).
 */
export function isMfaPopulation(user: ReportPersonRecord): boolean {
  return user.entraState === 'active' && user.accountEnabled && !isGuest(user);
}

/**
 * MFA coverage (rule 10): who is registered and capable for MFA (userRegistrationDetails) and, where the tenant's
 * sign-ins say it, the share of successful sign-ins that satisfied MFA — with every user behind every gap named.
 */
export function buildMfaReport(inputs: MfaReportInputs): MfaCoverageReport {
  // One pass over the population in name order: every list built from it comes out in name order too, and a stable
  // sort by a count keeps that order among equals — so people are sorted by name once.
  const population = sortByName([...inputs.directory.values()].filter(isMfaPopulation));
  const { keys } = inputs.period;
  const mask = new Uint8Array(keys.users.length);
  for (const user of population) {
    const idx = keys.userIndex.get(user.id);
    if (idx !== undefined) mask[idx] = 1;
  }
  const aggregates = aggregateSignIns(inputs.period, { inScope: mask });
  const registrations = new Map(inputs.registrations.map((row) => [row.userId, row]));
  const methodCounts = new Map<string, number>();
  const notRegistered: ReportUser[] = [];
  const notCapable: ReportUser[] = [];
  const noRegistrationData: ReportUser[] = [];
  const singleFactorUsers: (ReportUser & { singleFactorSignIns: number; successfulSignIns: number })[] = [];
  const totals = { withData: 0, registered: 0, capable: 0, passwordless: 0, successes: 0, mfa: 0, single: 0 };

  const rows: MfaUserRow[] = [];
  for (const user of population) {
    const person = toReportUser(user);
    const registration = registrations.get(user.id);
    const idx = keys.userIndex.get(user.id);
    const successes = idx === undefined ? 0 : (aggregates.userSuccesses[idx] ?? 0);
    const mfa = idx === undefined ? 0 : (aggregates.userMfa[idx] ?? 0);
    const single = idx === undefined ? 0 : (aggregates.userSingleFactor[idx] ?? 0);
    const gaps: MfaGap[] = [];
    if (registration === undefined) {
      gaps.push('no_registration_data');
      noRegistrationData.push(person);
    } else {
      totals.withData++;
      if (registration.isMfaRegistered) totals.registered++;
      else {
        gaps.push('not_registered');
        notRegistered.push(person);
      }
      if (registration.isMfaCapable) totals.capable++;
      else {
        gaps.push('not_capable');
        notCapable.push(person);
      }
      if (registration.isPasswordlessCapable) totals.passwordless++;
      for (const method of registration.methodsRegistered) {
        methodCounts.set(method, (methodCounts.get(method) ?? 0) + 1);
      }
    }
    if (single > 0) {
      gaps.push('single_factor_sign_ins');
      singleFactorUsers.push({ ...person, singleFactorSignIns: single, successfulSignIns: successes });
    }
    totals.successes += successes;
    totals.mfa += mfa;
    totals.single += single;
    rows.push({
      id: person.id,
      displayName: person.displayName,
      userPrincipalName: person.userPrincipalName,
      department: person.department,
      isAdmin: registration?.isAdmin ?? null,
      mfaRegistered: registration?.isMfaRegistered ?? null,
      mfaCapable: registration?.isMfaCapable ?? null,
      methods: registration?.methodsRegistered ?? [],
      successfulSignIns: successes,
      mfaSignIns: mfa,
      singleFactorSignIns: single,
      mfaShare: share(mfa, mfa + single),
      gaps,
    });
  }
  rows.sort((a, b) => b.gaps.length - a.gaps.length);
  singleFactorUsers.sort((a, b) => b.singleFactorSignIns - a.singleFactorSignIns);
  const syncedAt = inputs.registrations.reduce<string | null>(
    (latest, row) => (latest === null || row.syncedAt > latest ? row.syncedAt : latest),
    null,
  );

  return {
    kind: 'mfa',
    header: inputs.header,
    registration: {
      users: rows.length,
      withRegistrationData: totals.withData,
      mfaRegistered: totals.registered,
      mfaCapable: totals.capable,
      passwordlessCapable: totals.passwordless,
      notRegistered: totals.withData - totals.registered,
      notCapable: totals.withData - totals.capable,
      noRegistrationData: rows.length - totals.withData,
      registeredShare: share(totals.registered, totals.withData),
      capableShare: share(totals.capable, totals.withData),
      methods: [...methodCounts]
        .map(([method, count]) => ({ method, users: count }))
        .sort((a, b) => b.users - a.users || compareText(a.method, b.method)),
      syncedAt,
    },
    signIns: {
      known: inputs.requirementKnown,
      successfulSignIns: totals.successes,
      mfaSignIns: totals.mfa,
      singleFactorSignIns: totals.single,
      unknownRequirement: totals.successes - totals.mfa - totals.single,
      mfaShare: share(totals.mfa, totals.mfa + totals.single),
    },
    gaps: { notRegistered, notCapable, noRegistrationData, singleFactorSignIns: singleFactorUsers },
    users: rows,
  };
}

function toReportUser(user: ReportUser): ReportUser {
  return {
    id: user.id,
    displayName: user.displayName,
    userPrincipalName: user.userPrincipalName,
    department: user.department,
  };
}
