import { DAY_MS } from '../../../src/contracts/values.js';

/**
 * Dates and numbers in the viewer's language and region (the Teams context's locale, else the browser's) and in
 * the viewer's time zone (the browser's, which is the device's).
 */
let locale: string | undefined;
let formats = formatsFor(undefined);

/** The formatters of one locale (undefined: the browser's), made once per locale. */
function formatsFor(tag: string | undefined) {
  return {
    number: new Intl.NumberFormat(tag),
    tenths: new Intl.NumberFormat(tag, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    date: new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'short', year: 'numeric' }),
    dateTime: new Intl.DateTimeFormat(tag, {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    }),
  };
}

/** Writes dates and numbers as `tag` does (a BCP 47 tag from the host); an unknown tag keeps the browser's. */
export function setDisplayLocale(tag: string): void {
  try {
    locale = Intl.getCanonicalLocales(tag)[0];
  } catch {
    return;
  }
  formats = formatsFor(locale);
}

export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : formats.number.format(value);
}

export function formatDate(iso: string | null | undefined): string {
  return iso === null || iso === undefined ? '—' : formats.date.format(new Date(iso));
}

export function formatDateTime(iso: string | null | undefined): string {
  return iso === null || iso === undefined ? '—' : formats.dateTime.format(new Date(iso));
}

/** "3 minutes ago", "in 5 days", "just now". */
export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
  if (iso === null || iso === undefined) return 'never';
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (abs >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(seconds, 'second');
}

/**
 * How many calendar days from today, in the viewer's time zone: "today", "tomorrow", "in 5 days", "yesterday". For a
 * date the viewer reads beside it (an expiry on Dec 7 is "tomorrow" all of Dec 6, where {@link formatRelative}'s
 * rounded hours would say "in 2 days" on the evening before).
 */
export function formatDaysFromToday(iso: string, now: number = Date.now()): string {
  const midnight = (time: number): number => {
    const day = new Date(time);
    day.setHours(0, 0, 0, 0);
    return day.getTime();
  };
  // Rounded: a day across a daylight-saving change is 23 or 25 hours long.
  const days = Math.round((midnight(new Date(iso).getTime()) - midnight(now)) / DAY_MS);
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(days, 'day');
}

/**
 * How long something took: milliseconds under a second (a demo tenant's delta sync takes some 40 ms, which "0 s"
 * made read as if nothing ran), "7.2 s" under ten seconds, whole seconds under 90, then minutes, then hours and
 * minutes.
 */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 0.9995) return `${formatNumber(Math.round(seconds * 1000))} ms`;
  if (seconds < 9.95) return `${formats.tenths.format(seconds)} s`;
  if (seconds < 89.5) return `${formatNumber(Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${formatNumber(minutes)} min`;
  return `${formatNumber(Math.floor(minutes / 60))} h ${formatNumber(minutes % 60)} min`;
}

/** Whole days from now until `iso` (negative when past). */
export function daysUntil(iso: string, now: number = Date.now()): number {
  return Math.floor((new Date(iso).getTime() - now) / DAY_MS);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatNumber(count)} ${count === 1 ? one : many}`;
}
