import { DAY_MS } from '../shared/clock.js';

/** A whole percentage 0–100 of `part` in `whole`, or null when there is nothing to divide. */
export function percent(part: number, whole: number): number | null {
  return whole <= 0 ? null : Math.round((part / whole) * 100);
}

/** The UTC day (`YYYY-MM-DD`) `days` days before `now`. */
export function dayBefore(now: Date, days: number): string {
  return new Date(now.getTime() - days * DAY_MS).toISOString().slice(0, 10);
}

/** How much older than its day a trend's base snapshot may be. */
export const TREND_SLACK_DAYS = 7;

/**
 * How a count moved since `daysAgo` days: now minus the newest snapshot taken on or before that day (daily
 * snapshots may skip a day), at most {@link TREND_SLACK_DAYS} days older; null when there is none.
 */
export function changeSince(
  now: number,
  history: readonly { readonly day: string; readonly billable: number }[],
  asOf: Date,
  daysAgo: number,
): number | null {
  const target = dayBefore(asOf, daysAgo);
  const oldest = dayBefore(asOf, daysAgo + TREND_SLACK_DAYS);
  let base: number | null = null;
  for (const snapshot of history) {
    if (snapshot.day <= target && snapshot.day >= oldest) base = snapshot.billable;
  }
  return base === null ? null : now - base;
}

/** MFA registrations lost since yesterday: how many fewer registered users there are now (never negative). */
export function registrationsLost(
  registeredNow: number,
  registeredYesterday: number | undefined,
): number | null {
  return registeredYesterday === undefined ? null : Math.max(0, registeredYesterday - registeredNow);
}
