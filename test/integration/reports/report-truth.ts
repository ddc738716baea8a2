/**
 * The figures each report should show, computed by the test itself from the simulator's truth (its sign-in log,
 * registration details, service principals and users) — independently of the product's store and code.
 */
import type { SimServicePrincipal, SimSignIn, SimTenant, SimUser } from '../../../sim/index.js';
import { isSimGuest, succeeded } from './report-fixture.js';

const MICROSOFT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

export interface Period {
  readonly from: string;
  readonly to: string;
}

/** Users a filter selects (present in Entra); undefined when the report is not filtered. */
export type ScopeIds = ReadonlySet<string> | undefined;

export function inPeriod(signIn: SimSignIn, period: Period): boolean {
  const day = signIn.createdDateTime.slice(0, 10);
  return day >= period.from && day <= period.to;
}

function selected(signIns: readonly SimSignIn[], period: Period, scope: ScopeIds): SimSignIn[] {
  return signIns.filter(
    (signIn) => inPeriod(signIn, period) && (scope === undefined || scope.has(signIn.userId)),
  );
}

export interface UsageTruth {
  totals: {
    applications: number;
    signIns: number;
    successfulSignIns: number;
    failedSignIns: number;
    activeUsers: number;
  };
  /** appId → figures */
  applications: Record<
    string,
    { appName: string; activeUsers: number; signIns: number; successfulSignIns: number }
  >;
  /** day → figures (days with sign-ins only) */
  daily: Record<string, { signIns: number; successfulSignIns: number; activeUsers: number }>;
  /** `day|appId` → figures */
  dailyByApp: Record<string, { signIns: number; successfulSignIns: number; activeUsers: number }>;
}

export function usageTruth(
  tenant: SimTenant,
  signIns: readonly SimSignIn[],
  period: Period,
  scope: ScopeIds,
): UsageTruth {
  const names = new Map(tenant.servicePrincipals().map((sp) => [sp.appId, sp.displayName]));
  const apps = new Map<string, { appName: string; users: Set<string>; signIns: number; ok: number }>();
  const days = new Map<string, { signIns: number; ok: number; users: Set<string> }>();
  const dayApps = new Map<string, { signIns: number; ok: number; users: Set<string> }>();
  const active = new Set<string>();
  let total = 0;
  let ok = 0;
  for (const signIn of selected(signIns, period, scope)) {
    const day = signIn.createdDateTime.slice(0, 10);
    const app = apps.get(signIn.appId) ?? {
      appName: names.get(signIn.appId) ?? signIn.appDisplayName,
      users: new Set<string>(),
      signIns: 0,
      ok: 0,
    };
    const dayTotals = days.get(day) ?? { signIns: 0, ok: 0, users: new Set<string>() };
    const dayApp = dayApps.get(`${day}|${signIn.appId}`) ?? { signIns: 0, ok: 0, users: new Set<string>() };
    total++;
    app.signIns++;
    dayTotals.signIns++;
    dayApp.signIns++;
    if (succeeded(signIn)) {
      ok++;
      app.ok++;
      dayTotals.ok++;
      dayApp.ok++;
      app.users.add(signIn.userId);
      dayTotals.users.add(signIn.userId);
      dayApp.users.add(signIn.userId);
      active.add(signIn.userId);
    }
    apps.set(signIn.appId, app);
    days.set(day, dayTotals);
    dayApps.set(`${day}|${signIn.appId}`, dayApp);
  }
  return {
    totals: {
      applications: apps.size,
      signIns: total,
      successfulSignIns: ok,
      failedSignIns: total - ok,
      activeUsers: active.size,
    },
    applications: Object.fromEntries(
      [...apps].map(([appId, app]) => [
        appId,
        {
          appName: app.appName,
          activeUsers: app.users.size,
          signIns: app.signIns,
          successfulSignIns: app.ok,
        },
      ]),
    ),
    daily: Object.fromEntries(
      [...days].map(([day, row]) => [
        day,
        { signIns: row.signIns, successfulSignIns: row.ok, activeUsers: row.users.size },
      ]),
    ),
    dailyByApp: Object.fromEntries(
      [...dayApps].map(([key, row]) => [
        key,
        { signIns: row.signIns, successfulSignIns: row.ok, activeUsers: row.users.size },
      ]),
    ),
  };
}

export function isEnterpriseApp(sp: SimServicePrincipal): boolean {
  return sp.servicePrincipalType === 'Application' && sp.appOwnerOrganizationId !== MICROSOFT;
}

export function modeOf(sp: SimServicePrincipal): 'saml' | 'oidc' | 'password' | 'none' {
  const mode = sp.preferredSingleSignOnMode;
  return mode === 'saml' || mode === 'oidc' || mode === 'password' ? mode : 'none';
}

export interface SsoTruth {
  enterpriseApplications: number;
  bySsoMode: Record<string, number>;
  usedApplications: number;
  appSignIns: number;
  ssoSignIns: number;
  /** userId → figures */
  users: Record<string, { appSignIns: number; ssoSignIns: number; nonSsoApps: string[] }>;
}

export function ssoTruth(
  tenant: SimTenant,
  signIns: readonly SimSignIn[],
  period: Period,
  scope: ScopeIds,
): SsoTruth {
  const enterprise = tenant.servicePrincipals().filter(isEnterpriseApp);
  const byApp = new Map(enterprise.map((sp) => [sp.appId, sp]));
  const bySsoMode: Record<string, number> = { saml: 0, oidc: 0, password: 0, none: 0 };
  for (const sp of enterprise) bySsoMode[modeOf(sp)] = (bySsoMode[modeOf(sp)] ?? 0) + 1;
  const used = new Set<string>();
  const users = new Map<string, { appSignIns: number; ssoSignIns: number; nonSsoApps: Set<string> }>();
  let appSignIns = 0;
  let ssoSignIns = 0;
  for (const signIn of selected(signIns, period, scope)) {
    const sp = byApp.get(signIn.appId);
    if (sp === undefined || !succeeded(signIn)) continue;
    used.add(sp.appId);
    const user = users.get(signIn.userId) ?? { appSignIns: 0, ssoSignIns: 0, nonSsoApps: new Set<string>() };
    user.appSignIns++;
    appSignIns++;
    const mode = modeOf(sp);
    if (mode === 'saml' || mode === 'oidc') {
      user.ssoSignIns++;
      ssoSignIns++;
    } else {
      user.nonSsoApps.add(sp.displayName);
    }
    users.set(signIn.userId, user);
  }
  return {
    enterpriseApplications: enterprise.length,
    bySsoMode,
    usedApplications: used.size,
    appSignIns,
    ssoSignIns,
    users: Object.fromEntries(
      [...users].map(([id, user]) => [
        id,
        { appSignIns: user.appSignIns, ssoSignIns: user.ssoSignIns, nonSsoApps: [...user.nonSsoApps].sort() },
      ]),
    ),
  };
}

export interface MfaTruth {
  users: number;
  mfaRegistered: number;
  mfaCapable: number;
  notRegistered: string[];
  notCapable: string[];
  successfulSignIns: number;
  mfaSignIns: number;
  singleFactorSignIns: number;
  /** userId → single-factor successful sign-ins, for users with any */
  singleFactorUsers: Record<string, number>;
  methods: Record<string, number>;
}

/** The MFA report's population: enabled members present in Entra (within the scope). */
export function mfaPopulation(tenant: SimTenant, scope: ScopeIds): SimUser[] {
  return [...tenant.users()].filter(
    (user) => user.accountEnabled && !isSimGuest(user) && (scope === undefined || scope.has(user.id)),
  );
}

export function mfaTruth(
  tenant: SimTenant,
  signIns: readonly SimSignIn[],
  period: Period,
  scope: ScopeIds,
): MfaTruth {
  const population = mfaPopulation(tenant, scope);
  const ids = new Set(population.map((user) => user.id));
  const notRegistered: string[] = [];
  const notCapable: string[] = [];
  const methods: Record<string, number> = {};
  for (const user of population) {
    const details = tenant.registrationDetails(user.id);
    if (details === undefined) continue;
    if (!details.isMfaRegistered) notRegistered.push(user.id);
    if (!details.isMfaCapable) notCapable.push(user.id);
    for (const method of details.methodsRegistered) methods[method] = (methods[method] ?? 0) + 1;
  }
  let successes = 0;
  let mfa = 0;
  let single = 0;
  const singleFactorUsers: Record<string, number> = {};
  for (const signIn of selected(signIns, period, ids)) {
    if (!succeeded(signIn)) continue;
    successes++;
    if (signIn.authenticationRequirement === 'multiFactorAuthentication') mfa++;
    else {
      single++;
      singleFactorUsers[signIn.userId] = (singleFactorUsers[signIn.userId] ?? 0) + 1;
    }
  }
  return {
    users: population.length,
    mfaRegistered: population.length - notRegistered.length,
    mfaCapable: population.length - notCapable.length,
    notRegistered: notRegistered.sort(),
    notCapable: notCapable.sort(),
    successfulSignIns: successes,
    mfaSignIns: mfa,
    singleFactorSignIns: single,
    singleFactorUsers,
    methods,
  };
}

/** Users of a department (case-insensitive), present in Entra. */
export function departmentIds(tenant: SimTenant, department: string): Set<string> {
  return new Set(
    [...tenant.users()]
      .filter((user) => user.department?.toLowerCase() === department.toLowerCase())
      .map((user) => user.id),
  );
}

/** Users of a group, nested members included, present in Entra. */
export function groupIds(tenant: SimTenant, groupId: string): Set<string> {
  return new Set(tenant.transitiveUserMembers(groupId));
}

export function intersect(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  return new Set([...a].filter((id) => b.has(id)));
}
