/**
 * The days a daily chart draws, and where its axis marks them.
 *
 * While the first read of a tenant's sign-in history runs (newest day first), the days it has not reached yet have
 * no sign-ins in the store: drawn as zeros they would read as days nobody signed in. These helpers keep to the days
 * read in full.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** The first whole UTC day (`YYYY-MM-DD`) at or after `readFrom` (ISO), the oldest instant read so far. */
export function firstDayRead(readFrom: string): string {
  return new Date(Math.ceil(Date.parse(readFrom) / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/** The rows of the days read in full, or every row when no history read is under way. */
export function daysRead<T extends { readonly day: string }>(
  rows: readonly T[],
  backfill: { readonly readFrom: string } | null,
): readonly T[] {
  if (backfill === null) return rows;
  const first = firstDayRead(backfill.readFrom);
  return rows.filter((row) => row.day >= first);
}

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
