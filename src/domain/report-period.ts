import { DAY_MS } from '../shared/clock.js';

/** A report period: whole UTC days, both ends included. */
export interface ReportPeriod {
  /** `YYYY-MM-DD` */
  readonly from: string;
  /** `YYYY-MM-DD` */
  readonly to: string;
  readonly days: number;
}

export const DEFAULT_PERIOD_DAYS = 30;
/** The longest period a report covers (a year and a day, so "the same day last year" fits). */
export const MAX_PERIOD_DAYS = 367;

/** Why a requested period is refused. */
export interface PeriodProblem {
  readonly path: 'from' | 'to';
  readonly message: string;
}

/**
 * The period a report covers: `to` defaults to today (UTC), `from` to 29 days before `to` — the last 30 days,
 * today included. Returns the problems instead when `from` is after `to` or the span exceeds {@link MAX_PERIOD_DAYS}.
 */
export function resolvePeriod(
  request: { readonly from?: string | undefined; readonly to?: string | undefined },
  now: Date,
): ReportPeriod | { readonly problems: readonly PeriodProblem[] } {
  const to = request.to ?? dayOf(now);
  const from = request.from ?? addDays(to, -(DEFAULT_PERIOD_DAYS - 1));
  if (from > to) return { problems: [{ path: 'from', message: `must not be after 'to' (${to})` }] };
  const days = daysBetween(from, to) + 1;
  if (days > MAX_PERIOD_DAYS) {
    return {
      problems: [{ path: 'from', message: `the period may span at most ${String(MAX_PERIOD_DAYS)} days` }],
    };
  }
  return { from, to, days };
}

/** Every day of the period, oldest first. */
export function daysOf(period: ReportPeriod): string[] {
  const out: string[] = [];
  for (let i = 0; i < period.days; i++) out.push(addDays(period.from, i));
  return out;
}

/** The UTC calendar day of an instant. */
export function dayOf(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/** The first whole UTC day at or after an instant: the day itself when the instant is its midnight, else the next. */
export function firstWholeDayFrom(time: Date): string {
  return dayOf(new Date(Math.ceil(time.getTime() / DAY_MS) * DAY_MS));
}

export function addDays(day: string, count: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + count * DAY_MS).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00.000Z`) - Date.parse(`${from}T00:00:00.000Z`)) / DAY_MS);
}
