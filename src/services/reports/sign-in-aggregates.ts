import type { PeriodTuples } from '../../store/report-repository.js';

/** Totals of one day (or one day and application). */
export interface DayTotals {
  signIns: number;
  successes: number;
  activeUsers: number;
}

/**
 * A period of sign-ins summed every way the reports need, in one pass over the day rollups. Arrays are indexed by
 * the dense user and application keys of {@link PeriodTuples.keys}.
 */
export interface SignInAggregates {
  readonly userSignIns: Float64Array;
  readonly userSuccesses: Float64Array;
  readonly userMfa: Float64Array;
  readonly userSingleFactor: Float64Array;
  /** Successful sign-ins to applications of class `entra_sso` / `other` (see {@link AggregateOptions.appClass}). */
  readonly userSsoSuccesses: Float64Array;
  readonly userOtherAppSuccesses: Float64Array;
  /** Per user, the `other`-class applications signed in to successfully. */
  readonly userOtherApps: ReadonlyMap<number, ReadonlySet<number>>;
  readonly appSignIns: Float64Array;
  readonly appSuccesses: Float64Array;
  /** Users with a successful sign-in to the application in the period. */
  readonly appActiveUsers: Uint32Array;
  /** Users with a successful sign-in to anything in the period. */
  readonly activeUsers: number;
  readonly daily: ReadonlyMap<string, DayTotals>;
  readonly dailyByApp: ReadonlyMap<string, ReadonlyMap<number, DayTotals>>;
}

export interface AggregateOptions {
  /** Users to count (by key); undefined counts everyone. */
  readonly inScope?: Uint8Array | undefined;
  /** Per application key: 1 = Entra SSO, 2 = other enterprise application, 0 = not counted for SSO. */
  readonly appClass?: Uint8Array | undefined;
}

export const APP_CLASS_NONE = 0;
export const APP_CLASS_SSO = 1;
export const APP_CLASS_OTHER = 2;

/** Sums the period's tuples. Runs in a few milliseconds for 30 days × 10k users. */
export function aggregateSignIns(period: PeriodTuples, options: AggregateOptions = {}): SignInAggregates {
  const userCount = period.keys.users.length;
  const appCount = Math.max(1, period.keys.apps.length);
  const userSignIns = new Float64Array(userCount);
  const userSuccesses = new Float64Array(userCount);
  const userMfa = new Float64Array(userCount);
  const userSingleFactor = new Float64Array(userCount);
  const userSsoSuccesses = new Float64Array(userCount);
  const userOtherAppSuccesses = new Float64Array(userCount);
  const userOtherApps = new Map<number, Set<number>>();
  const appSignIns = new Float64Array(appCount);
  const appSuccesses = new Float64Array(appCount);
  const appActiveUsers = new Uint32Array(appCount);
  const activePairs = new Set<number>();
  const activeUser = new Uint8Array(userCount);
  let activeUsers = 0;
  // The day (1-based position) each user was last counted active in: counts distinct users per day in one pass.
  const activeOnDay = new Uint32Array(userCount);
  const daily = new Map<string, DayTotals>();
  const dailyByApp = new Map<string, Map<number, DayTotals>>();
  const { inScope, appClass } = options;

  period.days.forEach(({ day, tuples }, dayIndex) => {
    const totals: DayTotals = { signIns: 0, successes: 0, activeUsers: 0 };
    const byApp = new Map<number, DayTotals>();
    const { users, apps, signIns, successes, mfa, singleFactor } = tuples;
    for (let i = 0; i < tuples.length; i++) {
      const user = users[i] ?? 0;
      if (inScope !== undefined && inScope[user] !== 1) continue;
      const app = apps[i] ?? 0;
      const count = signIns[i] ?? 0;
      const ok = successes[i] ?? 0;
      userSignIns[user] = (userSignIns[user] ?? 0) + count;
      userSuccesses[user] = (userSuccesses[user] ?? 0) + ok;
      userMfa[user] = (userMfa[user] ?? 0) + (mfa[i] ?? 0);
      userSingleFactor[user] = (userSingleFactor[user] ?? 0) + (singleFactor[i] ?? 0);
      appSignIns[app] = (appSignIns[app] ?? 0) + count;
      appSuccesses[app] = (appSuccesses[app] ?? 0) + ok;
      totals.signIns += count;
      totals.successes += ok;
      let appDay = byApp.get(app);
      if (appDay === undefined) {
        appDay = { signIns: 0, successes: 0, activeUsers: 0 };
        byApp.set(app, appDay);
      }
      appDay.signIns += count;
      appDay.successes += ok;
      if (ok === 0) continue;
      // A tuple is one (day, user, app): a success in it makes the user active for that app on that day.
      appDay.activeUsers++;
      if (activeOnDay[user] !== dayIndex + 1) {
        activeOnDay[user] = dayIndex + 1;
        totals.activeUsers++;
      }
      if (activeUser[user] === 0) {
        activeUser[user] = 1;
        activeUsers++;
      }
      const pair = user * appCount + app;
      if (!activePairs.has(pair)) {
        activePairs.add(pair);
        appActiveUsers[app] = (appActiveUsers[app] ?? 0) + 1;
      }
      const kind = appClass?.[app] ?? APP_CLASS_NONE;
      if (kind === APP_CLASS_SSO) {
        userSsoSuccesses[user] = (userSsoSuccesses[user] ?? 0) + ok;
      } else if (kind === APP_CLASS_OTHER) {
        userOtherAppSuccesses[user] = (userOtherAppSuccesses[user] ?? 0) + ok;
        let set = userOtherApps.get(user);
        if (set === undefined) {
          set = new Set();
          userOtherApps.set(user, set);
        }
        set.add(app);
      }
    }
    daily.set(day, totals);
    dailyByApp.set(day, byApp);
  });

  return {
    userSignIns,
    userSuccesses,
    userMfa,
    userSingleFactor,
    userSsoSuccesses,
    userOtherAppSuccesses,
    userOtherApps,
    appSignIns,
    appSuccesses,
    appActiveUsers,
    activeUsers,
    daily,
    dailyByApp,
  };
}
