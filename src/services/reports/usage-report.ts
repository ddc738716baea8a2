import { classifyApp, ssoModeOf } from '../../domain/report-sso.js';
import { daysOf } from '../../domain/report-period.js';
import {
  compareText,
  scopeMask,
  servicePrincipalsByAppId,
  type SignInReportInputs,
} from './report-inputs.js';
import type {
  ApplicationUsageReport,
  ApplicationUsageRow,
  DailyAppUsageRow,
  DailyUsageRow,
} from '../../contracts/reports.js';
import { aggregateSignIns } from './sign-in-aggregates.js';

/**
 * Application usage (rule 10): the applications seen in sign-ins in the period with their active users and
 * sign-ins, and sign-ins per day. An active user of an application is one with at least one successful sign-in to
 * it in the period; failed sign-ins count as sign-ins, not as activity.
 */
export function buildUsageReport(inputs: SignInReportInputs): ApplicationUsageReport {
  const { period } = inputs;
  const aggregates = aggregateSignIns(period, { inScope: scopeMask(inputs) });
  const spByApp = servicePrincipalsByAppId(inputs.servicePrincipals);
  const discovered = new Map(inputs.discoveredApps.map((app) => [app.appId, app]));
  const appName = (appId: string): string =>
    spByApp.get(appId)?.displayName ?? discovered.get(appId)?.displayName ?? appId;

  const applications: ApplicationUsageRow[] = [];
  period.keys.apps.forEach((appId, idx) => {
    const signIns = aggregates.appSignIns[idx] ?? 0;
    if (signIns === 0) return;
    const sp = spByApp.get(appId);
    const successes = aggregates.appSuccesses[idx] ?? 0;
    applications.push({
      appId,
      appName: appName(appId),
      servicePrincipalId: sp?.id ?? null,
      ssoMode: sp === undefined ? null : ssoModeOf(sp.preferredSingleSignOnMode),
      appClass: classifyApp(sp),
      activeUsers: aggregates.appActiveUsers[idx] ?? 0,
      signIns,
      successfulSignIns: successes,
      failedSignIns: signIns - successes,
      firstSeenAt: discovered.get(appId)?.firstSeenAt ?? null,
      lastSeenAt: discovered.get(appId)?.lastSeenAt ?? null,
    });
  });
  applications.sort(
    (a, b) => b.activeUsers - a.activeUsers || b.signIns - a.signIns || compareText(a.appName, b.appName),
  );

  // While the history is read, its unread days are not days without sign-ins: the days start where it has read.
  const { backfill } = inputs.header.signInData;
  const days = daysOf(inputs.header.period).filter((day) => backfill === null || day >= backfill.fromDay);
  const daily: DailyUsageRow[] = days.map((day) => {
    const totals = aggregates.daily.get(day);
    const signIns = totals?.signIns ?? 0;
    const successes = totals?.successes ?? 0;
    return {
      day,
      signIns,
      successfulSignIns: successes,
      failedSignIns: signIns - successes,
      activeUsers: totals?.activeUsers ?? 0,
    };
  });

  const dailyByApp: DailyAppUsageRow[] = [];
  for (const [day, byApp] of aggregates.dailyByApp) {
    for (const [idx, totals] of byApp) {
      const appId = period.keys.apps[idx] ?? '';
      dailyByApp.push({
        day,
        appId,
        appName: appName(appId),
        signIns: totals.signIns,
        successfulSignIns: totals.successes,
        activeUsers: totals.activeUsers,
      });
    }
  }
  dailyByApp.sort(
    (a, b) =>
      (a.day < b.day ? -1 : a.day > b.day ? 1 : 0) || b.signIns - a.signIns || compareText(a.appId, b.appId),
  );

  // Every sign-in read in the period, as the applications and the active users count them: while the history is
  // read, the day read in part is left out of `daily` (it would be drawn as a dip), not out of the totals.
  const signIns = applications.reduce((sum, row) => sum + row.signIns, 0);
  const successes = applications.reduce((sum, row) => sum + row.successfulSignIns, 0);
  return {
    kind: 'usage',
    header: inputs.header,
    totals: {
      applications: applications.length,
      signIns,
      successfulSignIns: successes,
      failedSignIns: signIns - successes,
      activeUsers: aggregates.activeUsers,
    },
    applications,
    daily,
    dailyByApp,
  };
}
