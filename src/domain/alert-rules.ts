import { DAY_MS } from '../shared/clock.js';
import { plural } from '../shared/plural.js';
import type { Notification, NotificationKind } from './notification-kinds.js';

/**
 * Alerts the admin shapes (issue 16): the kinds an admin can turn on or off, send to one conversation, and have
 * immediately or in a daily digest — and when a digest is due, in the client's alert time zone. Pure.
 */

/** What an admin configures per client; an incident's opening and closing are one kind. */
export const ALERT_KINDS = [
  'integration_created',
  'first_sync_finished',
  'sync_failed',
  'permission_missing',
  'users_expiring',
  'secret_expiring',
  'weekly_digest',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** How an alert goes out. The weekly digest is always sent as it is due (it is a digest itself). */
export const ALERT_DELIVERIES = ['immediate', 'daily_digest'] as const;
export type AlertDelivery = (typeof ALERT_DELIVERIES)[number];

/** Plain names and what each alert is about, as the tab shows them. */
export const ALERT_KIND_LABELS: Readonly<
  Record<AlertKind, { readonly name: string; readonly about: string }>
> = {
  integration_created: { name: 'Client connected', about: 'The client’s Microsoft tenant was connected.' },
  first_sync_finished: { name: 'First sync finished', about: 'The first copy of the directory is ready.' },
  sync_failed: { name: 'Sync failing', about: 'Syncing stopped working, and when it works again.' },
  permission_missing: {
    name: 'Permission missing',
    about: 'A permission the app needs was taken away, and when it is back.',
  },
  users_expiring: {
    name: 'Users expiring',
    about: 'Users who stopped being billed today, and those who will within a week.',
  },
  secret_expiring: {
    name: 'Client secret expiring',
    about: 'The secret used to connect expires within 30 days.',
  },
  weekly_digest: {
    name: 'Weekly summary',
    about: 'Every Monday: billable users, expiries, MFA and SSO coverage, top apps.',
  },
};

/** Default for a kind nobody has configured: on, to every subscribed conversation, immediately; digests at 08:00. */
export const DEFAULT_DIGEST_HOUR = 8;
export const DEFAULT_ALERT_TIME_ZONE = 'UTC';

/** The configurable kind a notification belongs to; undefined for notifications that are not a client's alert. */
export function alertKindOf(kind: NotificationKind): AlertKind | undefined {
  switch (kind) {
    case 'sync_failed':
    case 'sync_recovered':
      return 'sync_failed';
    case 'permission_missing':
    case 'permission_restored':
      return 'permission_missing';
    case 'integration_created':
    case 'first_sync_finished':
    case 'users_expiring':
    case 'secret_expiring':
    case 'weekly_digest':
      return kind;
    default:
      return undefined;
  }
}

/** Whether `timeZone` is an IANA time zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly weekday: number;
}

/** The wall-clock time of an instant in a time zone (weekday: 0 Sunday … 6 Saturday). */
export function wallClock(instant: Date, timeZone: string): WallClock {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    weekday: 'short',
  }).formatToParts(instant);
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '0';
  const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  return {
    year: Number(part('year')),
    month: Number(part('month')),
    day: Number(part('day')),
    hour: Number(part('hour')),
    minute: Number(part('minute')),
    weekday: weekdays.indexOf(part('weekday')),
  };
}

/** The instant at which the wall clock of `timeZone` shows `hour`:00 on the given calendar day. */
function instantAt(year: number, month: number, day: number, hour: number, timeZone: string): Date {
  const wanted = Date.UTC(year, month - 1, day, hour);
  let guess = wanted;
  // Two corrections settle the offset, also across a daylight-saving change.
  for (let i = 0; i < 2; i++) {
    const seen = wallClock(new Date(guess), timeZone);
    const shown = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute);
    guess += wanted - shown;
  }
  return new Date(guess);
}

/**
 * When an alert triggered at `triggeredAt` goes out in a daily digest at `hour` (0–23) of `timeZone`: at the next
 * `hour`:00 there, today's when it is still ahead, else tomorrow's.
 */
export function nextDigestAt(triggeredAt: Date, hour: number, timeZone: string): Date {
  const today = wallClock(triggeredAt, timeZone);
  const candidate = instantAt(today.year, today.month, today.day, hour, timeZone);
  if (candidate.getTime() > triggeredAt.getTime()) return candidate;
  const tomorrow = wallClock(new Date(candidate.getTime() + DAY_MS), timeZone);
  return instantAt(tomorrow.year, tomorrow.month, tomorrow.day, hour, timeZone);
}

/**
 * The weekly summary: due from Monday `hour`:00 in the time zone; the key names that Monday, so it goes out once a
 * week. Undefined when it is not due now.
 */
export function weeklyDigestDue(now: Date, hour: number, timeZone: string): string | undefined {
  const local = wallClock(now, timeZone);
  // Monday = 1: days since this week's Monday.
  const sinceMonday = (local.weekday + 6) % 7;
  if (sinceMonday === 0 && local.hour < hour) return undefined;
  const monday = new Date(Date.UTC(local.year, local.month - 1, local.day) - sinceMonday * DAY_MS);
  return monday.toISOString().slice(0, 10);
}

/** `today`, `tomorrow`, `in 5 days`. */
function inDays(days: number): string {
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  return `in ${plural(days, 'day')}`;
}

/** One line saying what an alert was about, for the Notifications screen, digests and webhooks. */
export function alertSummary(notification: Notification): string {
  switch (notification.kind) {
    case 'integration_created':
      return `${notification.client.displayName} was connected to its Microsoft tenant.`;
    case 'first_sync_finished':
      return `First sync of ${notification.client.displayName} finished: ${plural(notification.users, 'user')}, ${plural(notification.groups, 'group')}.`;
    case 'sync_failed':
      return `Syncing ${notification.client.displayName} is failing: ${notification.message}`;
    case 'sync_recovered':
      return `Syncing ${notification.client.displayName} works again.`;
    case 'permission_missing':
      return `${notification.client.displayName} is missing a permission the app needs: ${notification.missing.join(', ')}.`;
    case 'permission_restored':
      return `${notification.client.displayName} has every permission the app needs again.`;
    case 'users_expiring':
      return `${notification.client.displayName}: ${plural(notification.expiredToday.total, 'user')} stopped being billed, ${notification.expiringSoon.total.toLocaleString('en-US')} will within 7 days.`;
    case 'secret_expiring':
      return notification.daysLeft < 0
        ? `The client secret of ${notification.client.displayName} has expired.`
        : `The client secret of ${notification.client.displayName} expires ${inDays(notification.daysLeft)}.`;
    case 'app_secret_expiring':
      return `One of the app’s own secrets expires ${inDays(notification.daysLeft)}.`;
    case 'weekly_digest':
      return `Weekly summary of ${notification.client.displayName}: ${plural(notification.billable.now, 'billable user')}.`;
    case 'alert_digest':
      return `${plural(notification.alerts.length, 'alert')} for ${notification.client.displayName}.`;
  }
}
