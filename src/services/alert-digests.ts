import {
  DEFAULT_ALERT_TIME_ZONE,
  DEFAULT_DIGEST_HOUR,
  weeklyDigestDue,
  alertKindOf,
} from '../domain/alert-rules.js';
import type { Notification, NotifiedClient } from '../domain/notification-kinds.js';
import { EXPIRING_SOON_DAYS } from '../domain/notification-rules.js';
import { DAY_MS, type Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { SyncKind } from '../domain/vocabulary.js';
import type { AlertRecord } from '../store/alert-repository.js';
import type { Store } from '../store/store.js';
import { SYSTEM_ACTOR } from './actor.js';
import type { AnnounceResult } from './notification-outbox.js';
import type { BillingService } from './billing-service.js';
import type { ClientService } from './client-service.js';
import type { IntegrationService } from './integration-service.js';
import type { NotificationService } from './notification-service.js';
import type { ReportService } from './report-service.js';
import type { UserService } from './user-service.js';
import type { WebhookSender } from './webhook-sender.js';

export interface AlertDigestsOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly clients: ClientService;
  readonly integrations: IntegrationService;
  readonly users: UserService;
  readonly billing: BillingService;
  readonly reports: ReportService;
  readonly notifications: NotificationService;
  readonly webhooks: WebhookSender;
}

/**
 * The scheduled side of the alerts the admin shapes (issue 16), run for each client every few minutes (the
 * scheduler's per-client job: timers on SQLite, pg-boss on PostgreSQL): the daily digests whose hour has come, the
 * weekly summary on Mondays from the chosen hour (both in the client's alert time zone), and the webhook deliveries
 * due. Never throws.
 */
export class AlertDigests {
  constructor(private readonly options: AlertDigestsOptions) {}

  async run(clientId: string): Promise<void> {
    try {
      await this.sendDueDigests(clientId);
      await this.checkWeeklyDigest(clientId);
    } catch (error) {
      this.options.logger.error({ err: error, clientId }, 'alert digests failed');
    }
    await this.options.webhooks.drain(clientId);
  }

  /** Sends the held alerts whose digest hour has come: one card per target conversation (or subscribers). */
  async sendDueDigests(clientId: string): Promise<AnnounceResult> {
    const { store, clock } = this.options;
    const repository = store.read.alerts;
    const now = clock.now();
    const due = await repository.dueForDigest(clientId, now.toISOString());
    if (due.length === 0) return { delivered: 0, failed: 0 };
    const client = await this.notifiedClient(clientId);
    const settings = await repository.settings(clientId);
    const byTarget = new Map<string, AlertRecord[]>();
    for (const alert of due) {
      const setting = settings.find((row) => row.kind === alertKindOf(alert.kind as Notification['kind']));
      const chosen = setting?.conversationId ?? null;
      const chooser = setting?.chooserObjectId ?? null;
      const target =
        chosen !== null && chooser !== null
          ? JSON.stringify([chosen, setting?.chooserTenantId ?? null, chooser])
          : '';
      byTarget.set(target, [...(byTarget.get(target) ?? []), alert]);
    }
    let delivered = 0;
    let failed = 0;
    for (const [target, alerts] of byTarget) {
      const ids = alerts.map((alert) => alert.id);
      const notification: Notification = {
        kind: 'alert_digest',
        client,
        alerts: alerts.map((alert) => ({
          kind: alert.kind,
          summary: alert.summary,
          triggeredAt: alert.triggeredAt,
        })),
      };
      const parsed = target === '' ? undefined : (JSON.parse(target) as [string, string | null, string]);
      const result = await this.options.notifications.announce({
        clientId,
        eventKey: `alert-digest:${String(ids[0])}-${String(ids.at(-1))}`,
        kind: 'alert_digest',
        eventAt: now,
        build: () => Promise.resolve(notification),
        ...(parsed === undefined
          ? {}
          : {
              only: {
                conversationId: parsed[0],
                chooser: {
                  tenantId: parsed[1] ?? '',
                  objectId: parsed[2],
                  name: undefined,
                  channel: 'system',
                },
              },
            }),
      });
      if (result.failed === 0) await repository.markDigested(ids, now.toISOString());
      delivered += result.delivered;
      failed += result.failed;
    }
    return { delivered, failed };
  }

  /** The weekly summary, once a week from Monday at the chosen hour; only from final figures. */
  async checkWeeklyDigest(clientId: string): Promise<AnnounceResult> {
    const { store, clock } = this.options;
    const repository = store.read.alerts;
    const setting = await repository.setting(clientId, 'weekly_digest');
    const timeZone = (await repository.timeZone(clientId)) ?? DEFAULT_ALERT_TIME_ZONE;
    const week = weeklyDigestDue(clock.now(), setting?.digestHour ?? DEFAULT_DIGEST_HOUR, timeZone);
    if (week === undefined) return { delivered: 0, failed: 0 };
    const integration = await this.options.integrations.get(SYSTEM_ACTOR, clientId);
    if (integration?.activityData !== 'available') return { delivered: 0, failed: 0 };
    // A client connected during the week gets its first summary the next Monday (not a partial week's at once).
    if (integration.createdAt >= `${week}T00:00:00.000Z`) return { delivered: 0, failed: 0 };
    // Only once the sign-in log, the MFA registrations and the applications have been read once: before that, the
    // coverage and the top apps would be partial.
    const finished = new Set(
      (await store.read.notifications.latestFinishedRuns(clientId)).map((r) => r.kind),
    );
    if (
      !['sign_ins', 'mfa_registration', 'service_principals'].every((kind) => finished.has(kind as SyncKind))
    )
      return { delivered: 0, failed: 0 };
    return this.options.notifications.announce({
      clientId,
      eventKey: `weekly-digest:${week}`,
      kind: 'weekly_digest',
      eventAt: clock.now(),
      build: async () => this.weeklyDigest(clientId, week),
    });
  }

  /** The weekly summary's figures, as of now. */
  async weeklyDigest(clientId: string, week: string): Promise<Notification> {
    const { clock, billing, users, reports } = this.options;
    const client = await this.notifiedClient(clientId);
    const now = clock.now();
    const summary = await billing.summary(SYSTEM_ACTOR, clientId);
    const history = await billing.history(SYSTEM_ACTOR, clientId, {
      from: new Date(now.getTime() - 7 * DAY_MS).toISOString().slice(0, 10),
    });
    const expired = await users.list(SYSTEM_ACTOR, clientId, {
      expiredSince: new Date(now.getTime() - 7 * DAY_MS).toISOString(),
      limit: 1,
      withTotal: true,
    });
    const expiring = await users.list(SYSTEM_ACTOR, clientId, {
      expiringWithinDays: EXPIRING_SOON_DAYS,
      limit: 1,
      withTotal: true,
    });
    const mfa = await reports.mfaCoverage(SYSTEM_ACTOR, { client: clientId });
    const sso = await reports.ssoCoverage(SYSTEM_ACTOR, { client: clientId });
    const usage = await reports.applicationUsage(SYSTEM_ACTOR, { client: clientId });
    return {
      kind: 'weekly_digest',
      client,
      week,
      billable: { now: summary.counts.billable, weekAgo: history[0]?.billable ?? null },
      expiredThisWeek: expired.total ?? expired.items.length,
      expiringSoon: expiring.total ?? expiring.items.length,
      mfaRegistered: mfa.registration.registeredShare,
      ssoShare: sso.totals.ssoShare,
      topApps: usage.applications
        .slice(0, 5)
        .map((app) => ({ name: app.appName, activeUsers: app.activeUsers })),
    };
  }

  private async notifiedClient(clientId: string): Promise<NotifiedClient> {
    const client = await this.options.clients.get(SYSTEM_ACTOR, clientId);
    return { id: client.id, name: client.name, displayName: client.displayName };
  }
}
