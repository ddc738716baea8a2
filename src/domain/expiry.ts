import type { ActivityDataState, ActivitySource, CollectionState, ExpiryStatus } from './vocabulary.js';
import { DAY_MS } from '../shared/clock.js';
import { plural } from '../shared/plural.js';

/** DESIGN rule 8: the expiry threshold per client, in days. */
export const DEFAULT_EXPIRY_DAYS = 30;
export const MIN_EXPIRY_DAYS = 7;
export const MAX_EXPIRY_DAYS = 365;

export interface LastActivity {
  readonly at: Date;
  readonly source: ActivitySource;
  /** The application of the sign-in, when the sign-in log named it. */
  readonly app: string | null;
}

/** What expiry looks at for one user (timestamps as the store keeps them: ISO text or null). */
export interface ActivityFacts {
  readonly collectionState: CollectionState;
  readonly importedAt: string | null;
  readonly lastSignInAt: string | null;
  readonly lastSignInApp: string | null;
  readonly signInActivityAt: string | null;
}

/**
 * The client's side of the rule: its threshold and whether its tenant's activity has been read (`unknown`: not yet —
 * "reading activity…"; `unavailable`: the tenant gives none, no Entra ID P1/P2).
 */
export interface ExpiryPolicy {
  readonly thresholdDays: number;
  readonly activityData: ActivityDataState;
  /**
   * Since when this policy holds (activity first read, or the threshold last changed), ISO; null when unknown. A
   * user already past the threshold at that moment stopped being billed then, not when it crossed it.
   */
  readonly since?: string | null;
}

export interface ExpiryVerdict {
  readonly status: ExpiryStatus;
  readonly expired: boolean;
  readonly lastActivity: LastActivity | null;
  /** Whole days since the last activity (rounded down), when there was any. */
  readonly daysSinceActivity: number | null;
  readonly thresholdDays: number;
  /** When the user expires (or expired): the reference instant + N days; null when expiry does not apply. */
  readonly expiresAt: Date | null;
  /**
   * For an expired user, since when it has not been billed: when it crossed the threshold, or — when it was past it
   * already — when it was imported or the policy took effect (activity first read, threshold changed).
   */
  readonly expiredSince: Date | null;
  /** One sentence an admin reads: "last successful sign-in 2026-10-02 (Salesforce), 55 days ago; threshold 30". */
  readonly explanation: string;
}

/** The newest successful sign-in seen: from the sign-in log, or the user's signInActivity where that is newer. */
export function lastActivityOf(facts: ActivityFacts): LastActivity | null {
  const fromLog = parseTime(facts.lastSignInAt);
  const fromActivity = parseTime(facts.signInActivityAt);
  if (fromLog !== null && (fromActivity === null || fromLog.getTime() >= fromActivity.getTime())) {
    return { at: fromLog, source: 'sign_in_log', app: facts.lastSignInApp };
  }
  return fromActivity === null ? null : { at: fromActivity, source: 'sign_in_activity', app: null };
}

/**
 * Rule 8. A user is expired when its last activity is strictly older than N days: activity exactly N days ago still
 * counts as "in the last N days". A user without any activity is expired once it was imported strictly more than N
 * days ago. Where the tenant gives no activity data nobody expires.
 */
export function evaluateExpiry(facts: ActivityFacts, policy: ExpiryPolicy, now: Date): ExpiryVerdict {
  const threshold = policy.thresholdDays;
  const lastActivity = lastActivityOf(facts);
  const daysSinceActivity =
    lastActivity === null ? null : Math.floor((now.getTime() - lastActivity.at.getTime()) / DAY_MS);
  const base = { lastActivity, daysSinceActivity, thresholdDays: threshold };
  const activityText = describeActivity(lastActivity, now);

  if (facts.collectionState !== 'imported') {
    return {
      ...base,
      status: 'not_applicable',
      expired: false,
      expiresAt: null,
      expiredSince: null,
      explanation: `${activityText}; ${facts.collectionState === 'disabled' ? 'disabled' : 'not imported'}, so it does not expire`,
    };
  }
  if (policy.activityData !== 'available') {
    return {
      ...base,
      status: policy.activityData === 'unavailable' ? 'activity_unknown' : 'reading_activity',
      expired: false,
      expiresAt: null,
      expiredSince: null,
      explanation:
        policy.activityData === 'unavailable'
          ? 'activity unknown: the tenant has no Entra ID P1/P2 licence, so nobody expires'
          : "reading activity…: the tenant's sign-in activity has not been read yet, so nobody expires until it is",
    };
  }
  const cutoff = expiryCutoff(now, threshold).getTime();
  if (lastActivity !== null) {
    const expiresAt = new Date(lastActivity.at.getTime() + threshold * DAY_MS);
    const expired = lastActivity.at.getTime() < cutoff;
    return {
      ...base,
      status: expired ? 'expired' : 'active',
      expired,
      expiresAt,
      expiredSince: expired ? latestOf(expiresAt, facts.importedAt, policy.since ?? null) : null,
      explanation: `${activityText}; threshold ${threshold}`,
    };
  }
  const importedAt = parseTime(facts.importedAt);
  if (importedAt === null) {
    // Rows imported before import times were recorded: give them the benefit of the doubt rather than bill nobody.
    return {
      ...base,
      status: 'new_without_activity',
      expired: false,
      expiresAt: null,
      expiredSince: null,
      explanation: `no sign-in seen; import date unknown; threshold ${threshold}`,
    };
  }
  const expiresAt = new Date(importedAt.getTime() + threshold * DAY_MS);
  const expired = importedAt.getTime() < cutoff;
  return {
    ...base,
    status: expired ? 'expired' : 'new_without_activity',
    expired,
    expiresAt,
    expiredSince: expired ? latestOf(expiresAt, facts.importedAt, policy.since ?? null) : null,
    explanation: `no sign-in seen since import on ${day(importedAt)}, ${ago(importedAt, now)}; threshold ${threshold}`,
  };
}

/** Whether `days` is an acceptable per-client threshold (whole days, 7–365). */
export function isValidExpiryDays(days: number): boolean {
  return Number.isInteger(days) && days >= MIN_EXPIRY_DAYS && days <= MAX_EXPIRY_DAYS;
}

/**
 * The instant before which activity is too old: `now` − N days, to the whole second. Expiry works at one-second
 * precision because Graph's timestamps have none finer (`2026-10-02T09:15:00Z`), and the store compares them as text
 * with our own (`…00.000Z`): at whole seconds both spellings order the same.
 */
export function expiryCutoff(now: Date, thresholdDays: number): Date {
  const exact = now.getTime() - thresholdDays * DAY_MS;
  return new Date(exact - (((exact % 1000) + 1000) % 1000));
}

function describeActivity(lastActivity: LastActivity | null, now: Date): string {
  if (lastActivity === null) return 'no sign-in seen';
  const where =
    lastActivity.source === 'sign_in_activity'
      ? ' (last sign-in date recorded by Entra)'
      : lastActivity.app === null || lastActivity.app === ''
        ? ''
        : ` (${lastActivity.app})`;
  return `last successful sign-in ${day(lastActivity.at)}${where}, ${ago(lastActivity.at, now)}`;
}

/** The latest of an instant and optional ISO times. */
function latestOf(first: Date, ...others: readonly (string | null)[]): Date {
  let latest = first.getTime();
  for (const other of others) {
    const time = parseTime(other);
    if (time !== null && time.getTime() > latest) latest = time.getTime();
  }
  return new Date(latest);
}

function parseTime(value: string | null): Date | null {
  if (value === null || value === '') return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : time;
}

function day(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/**
 * How long ago the day printed beside it was, in calendar days (UTC, as the date is printed): "2026-12-05, 1 day
 * ago" on Dec 6 even a few hours after it, never "today". Counted this way a user not expired never reads more days
 * ago than its threshold (N + 1 calendar days is always more than N days).
 */
function ago(time: Date, now: Date): string {
  const days = Math.round((Date.parse(day(now)) - Date.parse(day(time))) / DAY_MS);
  return days <= 0 ? 'today' : `${plural(days, 'day')} ago`;
}
