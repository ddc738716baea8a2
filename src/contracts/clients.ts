import type { ErrorCode } from './errors.js';
import type { ActivityDataState, RoleName, SyncKind, SyncStatus, SyncTrigger } from '../domain/vocabulary.js';

/** A client as a list names it. */
export interface ClientRef {
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
}

/** Who the caller is and what they may do: the tab shows or hides actions from this (the core still decides). */
export interface Me {
  readonly name: string | null;
  readonly tenantId: string;
  readonly objectId: string;
  readonly grants: readonly { readonly role: RoleName; readonly clientScope: string }[];
  readonly isPartnerAdmin: boolean;
  readonly clients: readonly ClientRef[];
}

/** The newest sync of a client, in a line. */
export interface LastSyncSummary {
  readonly kind: SyncKind;
  readonly trigger: SyncTrigger;
  readonly status: SyncStatus;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly error: string | null;
  /** The failure's stable code (`interrupted` when our own process stopped mid-run). */
  readonly errorCode?: ErrorCode | null;
}

/** How a client's tenant is connected: not at all, connected, or connected but its last check failed. */
export type IntegrationHealth = 'not connected' | 'connected' | 'error';

/** What every screen of a client shows on top — name, connection, organization — without counting anything. */
export interface ClientHeader extends ClientRef {
  readonly integration: IntegrationHealth;
  readonly tenantId: string | null;
  readonly organizationName: string | null;
  /** `unknown` while the tenant's activity is being read ("reading activity…"); null without an integration. */
  readonly activityData: ActivityDataState | null;
}

/**
 * One client's health at a glance, the same on every edge (the CLI's and the bot's `status`, the tab's Clients
 * screen): connection, directory copy, last sync, billable count and the open problems.
 */
export interface ClientStatus extends ClientRef {
  readonly integration: IntegrationHealth;
  readonly tenantId: string | null;
  readonly organizationName: string | null;
  readonly users: number;
  readonly groups: number;
  readonly lastSync: LastSyncSummary | null;
  /** Billable users now (rule 9). */
  readonly billable: number;
  /** Null without an integration; `unknown` while the tenant's activity is being read (billable not final). */
  readonly activityData: ActivityDataState | null;
  readonly importStartedAt: string | null;
  readonly secretExpiresAt: string | null;
  /** Open problems, in words, worst first (sync failing, permission missing, secret expiring…). */
  readonly problems: readonly string[];
}
