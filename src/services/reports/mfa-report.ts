import { isGuest } from '../../domain/eligibility.js';
import { share } from '../../domain/report-sso.js';
import type { MfaRegistrationRow, ReportUserRow } from '../../store/report-repository.js';
import { byName, type SignInReportInputs } from './report-inputs.js';
import type { MfaCoverageReport, MfaGap, MfaUserRow, ReportUser } from './report-types.js';
import { aggregateSignIns } from './sign-in-aggregates.js';

export interface MfaReportInputs extends SignInReportInputs {
  readonly registrations: readonly MfaRegistrationRow[];
  /** Whether sign-ins carry `authenticationRequirement` (read from /beta). */
  readonly requirementKnown: boolean;
}

/**
 * The MFA report's population: member accounts (not guests — their MFA is their home tenant's business) that are
 * present and enabled in Entra, within the filters.
 */
export function isMfaPopulation(user: ReportUserRow): boolean {
  return user.entraState === 'active' && user.accountEnabled && !isGuest(user.userType);
}

/**
 * MFA coverage (rule 10): who is registered and capable for MFA (userRegistrationDetails) and, where the tenant's
 * sign-ins say it, the share of successful sign-ins that satisfied MFA — with every user behind every gap named.
 */
export function buildMfaReport(inputs: MfaReportInputs): MfaCoverageReport {
  const population = [...inputs.directory.values()].filter(isMfaPopulation);
  const { keys } = inputs.period;
  const mask = new Uint8Array(keys.users.length);
  for (const user of population) {
    const idx = keys.userIndex.get(user.id);
    if (idx !== undefined) mask[idx] = 1;
  }
  const aggregates = aggregateSignIns(inputs.period, { inScope: mask });
  const registrations = new Map(inputs.registrations.map((row) => [row.userId, row]));
  const methodCounts = new Map<string, number>();

  const users: MfaUserRow[] = [];
  for (const user of population) {
    const registration = registrations.get(user.id);
    const idx = keys.userIndex.get(user.id);
    const successes = idx === undefined ? 0 : (aggregates.userSuccesses[idx] ?? 0);
    const mfa = idx === undefined ? 0 : (aggregates.userMfa[idx] ?? 0);
    const single = idx === undefined ? 0 : (aggregates.userSingleFactor[idx] ?? 0);
    const gaps: MfaGap[] = [];
    if (registration === undefined) gaps.push('no_registration_data');
    else {
      if (!registration.isMfaRegistered) gaps.push('not_registered');
      if (!registration.isMfaCapable) gaps.push('not_capable');
      for (const method of registration.methodsRegistered) {
        methodCounts.set(method, (methodCounts.get(method) ?? 0) + 1);
      }
    }
    if (single > 0) gaps.push('single_factor_sign_ins');
    users.push({
      ...toReportUser(user),
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
  users.sort((a, b) => b.gaps.length - a.gaps.length || byName(a, b));

  const named = (gap: MfaGap): ReportUser[] =>
    users
      .filter((user) => user.gaps.includes(gap))
      .map(toReportUser)
      .sort(byName);
  const withData = users.filter((user) => user.mfaRegistered !== null);
  const registered = withData.filter((user) => user.mfaRegistered === true).length;
  const capable = withData.filter((user) => user.mfaCapable === true).length;
  const successes = users.reduce((sum, user) => sum + user.successfulSignIns, 0);
  const mfa = users.reduce((sum, user) => sum + user.mfaSignIns, 0);
  const single = users.reduce((sum, user) => sum + user.singleFactorSignIns, 0);
  const syncedAt = inputs.registrations.reduce<string | null>(
    (latest, row) => (latest === null || row.syncedAt > latest ? row.syncedAt : latest),
    null,
  );

  return {
    kind: 'mfa',
    header: inputs.header,
    registration: {
      users: users.length,
      withRegistrationData: withData.length,
      mfaRegistered: registered,
      mfaCapable: capable,
      passwordlessCapable: population.filter(
        (user) => registrations.get(user.id)?.isPasswordlessCapable === true,
      ).length,
      notRegistered: withData.length - registered,
      notCapable: withData.length - capable,
      noRegistrationData: users.length - withData.length,
      registeredShare: share(registered, withData.length),
      capableShare: share(capable, withData.length),
      methods: [...methodCounts]
        .map(([method, count]) => ({ method, users: count }))
        .sort((a, b) => b.users - a.users || a.method.localeCompare(b.method)),
      syncedAt,
    },
    signIns: {
      known: inputs.requirementKnown,
      successfulSignIns: successes,
      mfaSignIns: mfa,
      singleFactorSignIns: single,
      unknownRequirement: successes - mfa - single,
      mfaShare: share(mfa, mfa + single),
    },
    gaps: {
      notRegistered: named('not_registered'),
      notCapable: named('not_capable'),
      noRegistrationData: named('no_registration_data'),
      singleFactorSignIns: users
        .filter((user) => user.singleFactorSignIns > 0)
        .sort((a, b) => b.singleFactorSignIns - a.singleFactorSignIns || byName(a, b))
        .map((user) => ({
          ...toReportUser(user),
          singleFactorSignIns: user.singleFactorSignIns,
          successfulSignIns: user.successfulSignIns,
        })),
    },
    users,
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
