/**
 * The proactive notifications of DESIGN rule 11, as plain data: the core decides what to say and to whom, the bot
 * turns each into an Adaptive Card. Every notification names its client, except the app's own secret expiring,
 * which concerns the whole MSP.
 */
import type { OwnSecret } from './own-secrets.js';

/** The client a notification is about. */
export interface NotifiedClient {
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
}

/** A user listed in an expiry notification, with the sentence that explains it (rule 8). */
export interface NotifiedUser {
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  /** When it expired or will expire (ISO), null when unknown. */
  readonly expiresAt: string | null;
  readonly explanation: string;
}

/** A group of users in an expiry notification: the first few by name, and how many there are in all. */
export interface NotifiedUserList {
  readonly total: number;
  readonly users: readonly NotifiedUser[];
}

export type Notification =
  | {
      readonly kind: 'integration_created';
      readonly client: NotifiedClient;
      readonly tenantId: string;
      readonly organizationName: string | null;
      readonly createdAt: string;
      readonly createdBy: string;
    }
  | {
      readonly kind: 'first_sync_finished';
      readonly client: NotifiedClient;
      readonly users: number;
      readonly groups: number;
      readonly finishedAt: string;
    }
  | {
      readonly kind: 'sync_failed';
      readonly client: NotifiedClient;
      /** When the first failure of this incident happened. */
      readonly since: string;
      readonly message: string;
    }
  | {
      readonly kind: 'sync_recovered';
      readonly client: NotifiedClient;
      readonly failedSince: string;
      readonly recoveredAt: string;
    }
  | {
      readonly kind: 'users_expiring';
      readonly client: NotifiedClient;
      /** The UTC day this digest is for (`YYYY-MM-DD`). */
      readonly day: string;
      readonly thresholdDays: number;
      /** Imported users whose expiry started today: no longer billable. */
      readonly expiredToday: NotifiedUserList;
      /** Imported users that will expire within the next 7 days unless they sign in. */
      readonly expiringSoon: NotifiedUserList;
    }
  | {
      readonly kind: 'permission_missing';
      readonly client: NotifiedClient;
      readonly missing: readonly string[];
      readonly since: string;
    }
  | {
      readonly kind: 'permission_restored';
      readonly client: NotifiedClient;
      readonly restoredAt: string;
    }
  | {
      readonly kind: 'secret_expiring';
      readonly client: NotifiedClient;
      readonly expiresAt: string;
      /** Whole days left (0 on the last day, negative once it has expired). */
      readonly daysLeft: number;
    }
  | {
      /** One of the app's own secrets (the bot password, the consent app's secret): told to partner admins. */
      readonly kind: 'app_secret_expiring';
      readonly secret: OwnSecret;
      readonly expiresAt: string;
      /** Whole days left (0 on the last day, negative once it has expired). */
      readonly daysLeft: number;
    }
  | {
      /** The weekly summary of a client (issue 16): billable trend, expiries, MFA and SSO coverage, top apps. */
      readonly kind: 'weekly_digest';
      readonly client: NotifiedClient;
      /** The Monday (`YYYY-MM-DD`) of the week it sums up. */
      readonly week: string;
      readonly billable: {
        readonly now: number;
        /** A week earlier (the oldest daily snapshot within the last 7 days), null without one. */
        readonly weekAgo: number | null;
      };
      readonly expiredThisWeek: number;
      readonly expiringSoon: number;
      /** Share (0–1) of enabled members registered for MFA, null without registration data. */
      readonly mfaRegistered: number | null;
      /** Share (0–1) of enterprise-app sign-ins through Entra SSO in the last 30 days, null without any. */
      readonly ssoShare: number | null;
      readonly topApps: readonly { readonly name: string; readonly activeUsers: number }[];
    }
  | {
      /** The alerts of a client held back for its daily digest (issue 16). */
      readonly kind: 'alert_digest';
      readonly client: NotifiedClient;
      readonly alerts: readonly {
        readonly kind: NotificationKindOfAlert;
        readonly summary: string;
        readonly triggeredAt: string;
      }[];
    };

/** The kinds an alert listed in a digest can be (any but the digests themselves). */
export type NotificationKindOfAlert = string;

export type NotificationKind = Notification['kind'];
