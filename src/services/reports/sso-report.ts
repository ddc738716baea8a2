import { classifyApp, isEnterpriseApplication, share, ssoModeOf } from '../../domain/report-sso.js';
import type { SsoMode } from '../../domain/vocabulary.js';
import {
  sortByName,
  compareText,
  scopeMask,
  servicePrincipalsByAppId,
  type SignInReportInputs,
} from './report-inputs.js';
import type { SsoApplicationRow, SsoCoverageReport, SsoUserRow } from '../../contracts/reports.js';
import { aggregateSignIns, APP_CLASS_OTHER, APP_CLASS_SSO } from './sign-in-aggregates.js';

const NO_MODES = (): Record<SsoMode, number> => ({ saml: 0, oidc: 0, password: 0, none: 0 });

/**
 * SSO coverage (rule 10): the tenant's enterprise applications and their single sign-on mode, which of them were
 * used in the period, and per user the share of enterprise-application sign-ins that went through Entra SSO — as
 * defined by SSO_SHARE_DEFINITION (src/domain/report-sso.ts).
 */
export function buildSsoReport(inputs: SignInReportInputs): SsoCoverageReport {
  const { period } = inputs;
  const spByApp = servicePrincipalsByAppId(inputs.servicePrincipals);
  const appClass = new Uint8Array(Math.max(1, period.keys.apps.length));
  period.keys.apps.forEach((appId, idx) => {
    const kind = classifyApp(spByApp.get(appId));
    appClass[idx] = kind === 'entra_sso' ? APP_CLASS_SSO : kind === 'other' ? APP_CLASS_OTHER : 0;
  });
  const aggregates = aggregateSignIns(period, { inScope: scopeMask(inputs), appClass });
  const discovered = new Map(inputs.discoveredApps.map((app) => [app.appId, app]));

  const applications: SsoApplicationRow[] = [];
  const bySsoMode = NO_MODES();
  const usedBySsoMode = NO_MODES();
  let appSignIns = 0;
  let ssoSignIns = 0;
  for (const sp of inputs.servicePrincipals) {
    if (!isEnterpriseApplication(sp)) continue;
    const mode = ssoModeOf(sp.preferredSingleSignOnMode);
    const idx = period.keys.appIndex.get(sp.appId);
    // Several service principals may share an app id; the sign-ins belong to the first (as the join does).
    const counted = spByApp.get(sp.appId) === sp && idx !== undefined;
    const successes = counted ? (aggregates.appSuccesses[idx] ?? 0) : 0;
    const used = successes > 0;
    bySsoMode[mode]++;
    if (used) usedBySsoMode[mode]++;
    applications.push({
      appId: sp.appId,
      appName: sp.displayName ?? discovered.get(sp.appId)?.displayName ?? sp.appId,
      servicePrincipalId: sp.id,
      ssoMode: mode,
      entraSso: mode === 'saml' || mode === 'oidc',
      accountEnabled: sp.accountEnabled,
      used,
      successfulSignIns: successes,
      activeUsers: counted ? (aggregates.appActiveUsers[idx] ?? 0) : 0,
    });
    appSignIns += successes;
    if (mode === 'saml' || mode === 'oidc') ssoSignIns += successes;
  }
  let unknownAppSignIns = 0;
  period.keys.apps.forEach((appId, idx) => {
    if (spByApp.has(appId)) return;
    const successes = aggregates.appSuccesses[idx] ?? 0;
    if ((aggregates.appSignIns[idx] ?? 0) === 0) return;
    unknownAppSignIns += successes;
    applications.push({
      appId,
      appName: discovered.get(appId)?.displayName ?? appId,
      servicePrincipalId: null,
      ssoMode: null,
      entraSso: false,
      accountEnabled: null,
      used: successes > 0,
      successfulSignIns: successes,
      activeUsers: aggregates.appActiveUsers[idx] ?? 0,
    });
  });
  applications.sort(
    (a, b) =>
      Number(b.servicePrincipalId !== null) - Number(a.servicePrincipalId !== null) ||
      Number(b.used) - Number(a.used) ||
      b.successfulSignIns - a.successfulSignIns ||
      compareText(a.appName, b.appName),
  );

  const rows: SsoUserRow[] = [];
  period.keys.users.forEach((userId, idx) => {
    const sso = aggregates.userSsoSuccesses[idx] ?? 0;
    const other = aggregates.userOtherAppSuccesses[idx] ?? 0;
    if (sso + other === 0) return;
    const otherApps = (other === 0 ? [] : aggregates.appsUsedBy(idx))
      .filter((app) => appClass[app] === APP_CLASS_OTHER)
      .map((app) => {
        const appId = period.keys.apps[app] ?? '';
        return spByApp.get(appId)?.displayName ?? discovered.get(appId)?.displayName ?? appId;
      });
    const person = inputs.directory.get(userId);
    rows.push({
      id: userId,
      displayName: person?.displayName ?? null,
      userPrincipalName: person?.userPrincipalName ?? null,
      department: person?.department ?? null,
      appSignIns: sso + other,
      ssoSignIns: sso,
      nonSsoSignIns: other,
      ssoShare: sso / (sso + other),
      nonSsoApps: otherApps.sort(compareText),
    });
  });
  const users = sortByName(rows, (a, b) => a.ssoShare - b.ssoShare || b.appSignIns - a.appSignIns);

  return {
    kind: 'sso',
    header: inputs.header,
    totals: {
      enterpriseApplications: applications.filter((app) => app.servicePrincipalId !== null).length,
      bySsoMode,
      usedApplications: applications.filter((app) => app.servicePrincipalId !== null && app.used).length,
      usedBySsoMode,
      appSignIns,
      ssoSignIns,
      ssoShare: share(ssoSignIns, appSignIns),
      usersWithAppSignIns: users.length,
      usersFullyOnSso: users.filter((user) => user.nonSsoSignIns === 0).length,
      unknownAppSignIns,
    },
    applications,
    users,
  };
}
