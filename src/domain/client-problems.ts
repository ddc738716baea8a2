import { DAY_MS } from '../shared/clock.js';
import { SECRET_EXPIRY_WINDOW_DAYS } from './notification-rules.js';
import type { SyncStatus } from './vocabulary.js';

/** What decides whether a client needs an admin's attention. */
export interface ClientHealthFacts {
  /** Null without an integration. */
  readonly integration: {
    /** The last connection check failed. */
    readonly failed: boolean;
    readonly statusMessage: string | null;
    /** Graph permissions the last check found missing, by name (`AuditLog.Read.All`). */
    readonly missingPermissions: readonly string[];
    readonly secretExpiresAt: string | null;
    readonly importStartedAt: string | null;
  } | null;
  /** The newest directory sync. */
  readonly lastSync: {
    readonly status: SyncStatus;
    readonly finishedAt: string | null;
    readonly error: string | null;
  } | null;
}

/**
 * What needs an admin's attention, in words, worst first: no integration, a failed connection check, missing
 * permissions, a client secret expired or expiring within rule 11's window, a failed sync, no sync for four
 * intervals, the initial import not started. The bot's `status`, the CLI's and the tab's partner view show these.
 */
export function clientProblems(facts: ClientHealthFacts, now: Date, syncIntervalMinutes: number): string[] {
  const { integration, lastSync } = facts;
  if (integration === null) return ['Not connected to Entra ID'];
  const problems: string[] = [];
  if (integration.failed) problems.push(integration.statusMessage ?? 'The connection check failed');
  for (const permission of integration.missingPermissions) problems.push(`Missing ${permission}`);
  if (integration.secretExpiresAt !== null) {
    const days = Math.floor((new Date(integration.secretExpiresAt).getTime() - now.getTime()) / DAY_MS);
    if (days < 0) problems.push('Client secret expired');
    else if (days <= SECRET_EXPIRY_WINDOW_DAYS)
      problems.push(`Client secret expires in ${days} day${days === 1 ? '' : 's'}`);
  }
  if (lastSync?.status === 'failed')
    problems.push(`Last sync failed${lastSync.error === null ? '' : `: ${lastSync.error}`}`);
  if (lastSync?.status === 'succeeded' && lastSync.finishedAt !== null) {
    const hours = (now.getTime() - new Date(lastSync.finishedAt).getTime()) / 3_600_000;
    if (hours * 60 > syncIntervalMinutes * 4 && hours >= 1)
      problems.push(`No sync for ${Math.floor(hours)} hours`);
  }
  if (integration.importStartedAt === null)
    problems.push('Initial import not started: review groups, then start it');
  return problems;
}
