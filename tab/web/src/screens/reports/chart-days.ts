/** At most this many dates under a daily chart: one a day for a week, then every few days. */
const MOST_TICKS = 7;

/**
 * Where a daily chart's axis marks the days (`YYYY-MM-DD`, oldest first): every day, or every few days ending on the
 * newest. Left to itself the chart marks hours when it has only a few days ("Dec 04, 12 PM").
 */
export function dayTicks(days: readonly string[]): Date[] {
  const step = Math.max(1, Math.ceil(days.length / MOST_TICKS));
  return days
    .filter((_day, index) => (days.length - 1 - index) % step === 0)
    .map((day) => new Date(`${day}T00:00:00Z`));
}
