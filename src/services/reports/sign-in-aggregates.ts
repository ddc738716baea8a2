import type { PeriodTuples } from '../../store/sign-in-rollup-repository.js';

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
  /** The applications (keys) the user signed in to successfully in the period, ascending. */
  appsUsedBy(user: number): number[];
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
/** Up to this many (user, app) pairs, active pairs are marked in a byte array (64 MB at most). */
const PAIR_BITMAP_LIMIT = 64 * 1024 * 1024;
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
  const appSignIns = new Float64Array(appCount);
  const appSuccesses = new Float64Array(appCount);
  const appActiveUsers = new Uint32Array(appCount);
  // Who was active on which app: one byte per (user, app) while that fits comfortably, else a set of pair keys.
  const pairBytes =
    userCount * appCount <= PAIR_BITMAP_LIMIT ? new Uint8Array(userCount * appCount) : undefined;
  const pairSet = pairBytes === undefined ? new Set<number>() : undefined;
  const activeUser = new Uint8Array(userCount);
  let activeUsers = 0;
  // The day (1-based position) each user was last counted active in: counts distinct users per day in one pass.
  const activeOnDay = new Uint32Array(userCount);
  const daily = new Map<string, DayTotals>();
  const dailyByApp = new Map<string, Map<number, DayTotals>>();
  const { inScope, appClass } = options;
  const daySignIns = new Float64Array(appCount);
  const daySuccesses = new Float64Array(appCount);
  const dayActive = new Float64Array(appCount);

  period.days.forEach(({ day, tuples }, dayIndex) => {
    const totals: DayTotals = { signIns: 0, successes: 0, activeUsers: 0 };
    daySignIns.fill(0);
    daySuccesses.fill(0);
    dayActive.fill(0);
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
      daySignIns[app] = (daySignIns[app] ?? 0) + count;
      daySuccesses[app] = (daySuccesses[app] ?? 0) + ok;
      totals.signIns += count;
      totals.successes += ok;
      if (ok === 0) continue;
      // A tuple is one (day, user, app): a success in it makes the user active for that app on that day.
      dayActive[app] = (dayActive[app] ?? 0) + 1;
      if (activeOnDay[user] !== dayIndex + 1) {
        activeOnDay[user] = dayIndex + 1;
        totals.activeUsers++;
      }
      if (activeUser[user] === 0) {
        activeUser[user] = 1;
        activeUsers++;
      }
      const pair = user * appCount + app;
      if (pairBytes !== undefined) {
        if (pairBytes[pair] === 0) {
          pairBytes[pair] = 1;
          appActiveUsers[app] = (appActiveUsers[app] ?? 0) + 1;
        }
      } else if (pairSet !== undefined && !pairSet.has(pair)) {
        pairSet.add(pair);
        appActiveUsers[app] = (appActiveUsers[app] ?? 0) + 1;
      }
      const kind = appClass?.[app] ?? APP_CLASS_NONE;
      if (kind === APP_CLASS_SSO) {
        userSsoSuccesses[user] = (userSsoSuccesses[user] ?? 0) + ok;
      } else if (kind === APP_CLASS_OTHER) {
        userOtherAppSuccesses[user] = (userOtherAppSuccesses[user] ?? 0) + ok;
      }
    }
    const byApp = new Map<number, DayTotals>();
    for (let app = 0; app < appCount; app++) {
      const appSignInsOfDay = daySignIns[app] ?? 0;
      if (appSignInsOfDay === 0) continue;
      byApp.set(app, {
        signIns: appSignInsOfDay,
        successes: daySuccesses[app] ?? 0,
        activeUsers: dayActive[app] ?? 0,
      });
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
    appsUsedBy: (user) => {
      const used: number[] = [];
      for (let app = 0; app < appCount; app++) {
        const pair = user * appCount + app;
        if (pairBytes !== undefined ? pairBytes[pair] === 1 : pairSet?.has(pair) === true) used.push(app);
      }
      return used;
    },
    appSignIns,
    appSuccesses,
    appActiveUsers,
    activeUsers,
    daily,
    dailyByApp,
  };
}
