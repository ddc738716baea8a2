import crypto from 'node:crypto';
import { DAY_MS } from '../shared/clock.js';
import type { NotificationKind } from './notification-kinds.js';

/**
 * The pure decisions behind DESIGN rule 11: when a problem opens or closes an incident, which stage of a secret's
 * expiry is due, and the keys that make every notification reach each conversation exactly once.
 */

/** Rule 11: a client secret is announced from 30 days before it expires. */
export const SECRET_EXPIRY_WINDOW_DAYS = 30;
/** Rule 11: users that will expire within this many days are announced with those expired today. */
export const EXPIRING_SOON_DAYS = 7;
/** How many users an expiry notification names per list; the rest are counted. */
export const NOTIFIED_USERS_LIMIT = 10;
/**
 * One-shot events (an integration created, a first sync finished, a recovery) reach only conversations that were
 * there when they happened, and only for this long: a conversation that subscribes next month is not told about
 * last month's first sync.
 */
export const ONE_SHOT_REACH_MS = 7 * DAY_MS;

/** The incidents of rule 11: each notifies once when it opens and once when it closes. */
export type IncidentKind = 'sync_failed' | 'permission_missing';

/** What the latest look at a client found for one incident kind. */
export type HealthObservation = 'failing' | 'healthy' | 'unknown';

export type IncidentStep = 'open' | 'continue' | 'resolve' | 'none';

/**
 * The incident state machine: a failure with no open incident opens one; more failures only continue it (no new
 * notice: never a storm); the first healthy look closes it; an unknown look (a run in progress, no data) changes
 * nothing.
 */
export function nextIncidentStep(incidentOpen: boolean, observation: HealthObservation): IncidentStep {
  if (observation === 'failing') return incidentOpen ? 'continue' : 'open';
  if (observation === 'healthy') return incidentOpen ? 'resolve' : 'none';
  return 'none';
}

/**
 * The last directory sync, seen as an incident observation. A run cut short because our own process stopped
 * (`interrupted`: a shutdown or a crash; the next run resumes it) says nothing about the tenant.
 */
export function syncObservation(
  lastSync: { readonly status: string; readonly errorCode?: string | null } | null,
): HealthObservation {
  if (lastSync === null) return 'unknown';
  if (lastSync.status === 'failed' && lastSync.errorCode === 'interrupted') return 'unknown';
  if (lastSync.status === 'failed') return 'failing';
  if (lastSync.status === 'succeeded') return 'healthy';
  return 'unknown';
}

/** The permission checks of the last connection test, seen as an incident observation. */
export function permissionObservation(
  checks: readonly { readonly name: string; readonly passed: boolean }[],
): { readonly observation: HealthObservation; readonly missing: readonly string[] } {
  if (checks.length === 0) return { observation: 'unknown', missing: [] };
  const missing = checks.filter((check) => !check.passed).map((check) => check.name);
  return { observation: missing.length > 0 ? 'failing' : 'healthy', missing };
}

export type SecretExpiryStage = '30d' | '7d' | '1d' | 'expired';

/**
 * Which reminder of a secret's expiry is due now: from 30 days before, again at 7 days and on the last day, and
 * once it has expired. `undefined` while it is further away than 30 days.
 */
export function secretExpiryStage(
  expiresAt: Date,
  now: Date,
): { readonly stage: SecretExpiryStage; readonly daysLeft: number } | undefined {
  const remainingMs = expiresAt.getTime() - now.getTime();
  const daysLeft = Math.floor(remainingMs / DAY_MS);
  if (remainingMs <= 0) return { stage: 'expired', daysLeft: Math.min(daysLeft, -1) };
  // Within the last 24 hours, whatever time of day the daily check runs at.
  if (remainingMs <= DAY_MS) return { stage: '1d', daysLeft };
  if (daysLeft <= 7) return { stage: '7d', daysLeft };
  if (daysLeft <= SECRET_EXPIRY_WINDOW_DAYS) return { stage: '30d', daysLeft };
  return undefined;
}

/** The UTC calendar day of an instant, `YYYY-MM-DD`. */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** The start (00:00 UTC) of the instant's day. */
export function startOfUtcDay(instant: Date): Date {
  return new Date(`${utcDay(instant)}T00:00:00.000Z`);
}

/** The keys of `notifications_sent`: one per event, made per conversation by {@link deliveryKey}. */
export const eventKeys = {
  integrationCreated: (createdAt: string): string => `integration-created:${createdAt}`,
  firstSync: (finishedAt: string): string => `first-sync:${finishedAt}`,
  incidentOpened: (incidentId: number): string => `incident:${incidentId}:open`,
  incidentResolved: (incidentId: number): string => `incident:${incidentId}:resolved`,
  expiryDigest: (day: string): string => `expiry:${day}`,
  secretExpiry: (expiresAt: string, stage: SecretExpiryStage): string =>
    `secret-expiry:${expiresAt.slice(0, 10)}:${stage}`,
  ownSecretExpiry: (secret: string, expiresAt: string, stage: SecretExpiryStage): string =>
    `own-secret-expiry:${secret}:${expiresAt.slice(0, 10)}:${stage}`,
} as const;

/**
 * The key that records one event delivered to one conversation. Conversation ids can be long (channel threads);
 * a short hash keeps the key small and still unique in practice.
 */
export function deliveryKey(eventKey: string, conversationId: string): string {
  const hash = crypto.createHash('sha256').update(conversationId).digest('base64url').slice(0, 22);
  return `${eventKey}@${hash}`;
}

/** Events that happen once (as opposed to states that hold, like an open incident or today's expiry digest). */
export function isOneShot(kind: NotificationKind): boolean {
  return (
    kind === 'integration_created' ||
    kind === 'first_sync_finished' ||
    kind === 'sync_recovered' ||
    kind === 'permission_restored'
  );
}

/**
 * Whether an event that happened at `eventAt` should still reach a conversation known since `conversationSince`:
 * states always do; one-shot events only when the conversation was there at the time, within {@link ONE_SHOT_REACH_MS}.
 */
export function mayReach(kind: NotificationKind, eventAt: Date, conversationSince: Date, now: Date): boolean {
  if (!isOneShot(kind)) return true;
  return (
    conversationSince.getTime() <= eventAt.getTime() && now.getTime() - eventAt.getTime() <= ONE_SHOT_REACH_MS
  );
}
