import type { Notification, NotifiedClient, NotifiedUserList } from '../domain/notification-kinds.js';
import type { OwnSecretExpiry } from '../domain/own-secrets.js';
import { type Notifier } from '../domain/notification-port.js';
import {
  eventKeys,
  EXPIRING_SOON_DAYS,
  nextIncidentStep,
  NOTIFIED_USERS_LIMIT,
  ONE_SHOT_REACH_MS,
  permissionObservation,
  secretExpiryStage,
  syncObservation,
  utcDay,
  type HealthObservation,
  type IncidentKind,
} from '../domain/notification-rules.js';
import { DAY_MS, type Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { IncidentRecord } from '../store/notification-repository.js';
import type { Store } from '../store/store.js';
import { SYSTEM_ACTOR } from './actor.js';
import type { ClientService } from './client-service.js';
import type { IntegrationService } from './integration-service.js';
import type { IntegrationView } from './integration-views.js';
import type { StatusService } from './status-service.js';
import type { UserService } from './user-service.js';
import type { UserPage } from '../contracts/users.js';
import {
  APP_WIDE,
  type Announcement,
  type AnnounceResult,
  type NotificationOutbox,
} from './notification-outbox.js';

/** What one round of checks delivered. */
export interface NotificationRunSummary {
  readonly delivered: number;
  readonly failed: number;
}

/**
 * Decides what happened and is due to be told (DESIGN rule 11): integration created, first sync finished, sync
 * failed / recovered and permission missing / restored (incidents: one notice when they open, one when they close),
 * users expired today and expiring within 7 days, a client's and the app's own secrets expiring. Each due event
 * goes to the {@link NotificationOutbox}. Nothing here ever throws into the scheduler.
 */
export class NotificationChecks {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly clients: ClientService;
  private readonly status: StatusService;
  private readonly integrations: IntegrationService;
  private readonly users: UserService;
  private readonly notifier: Notifier | undefined;
  private readonly rememberSentForMs: number;
  private readonly ownSecrets: readonly OwnSecretExpiry[];
  private readonly outbox: NotificationOutbox;

  constructor(options: {
    readonly store: Store;
    readonly clock: Clock;
    readonly logger: Logger;
    readonly clients: ClientService;
    readonly status: StatusService;
    readonly integrations: IntegrationService;
    readonly users: UserService;
    readonly notifier: Notifier | undefined;
    readonly rememberSentForMs: number;
    readonly ownSecrets?: readonly OwnSecretExpiry[] | undefined;
    readonly outbox: NotificationOutbox;
  }) {
    this.store = options.store;
    this.clock = options.clock;
    this.logger = options.logger;
    this.clients = options.clients;
    this.status = options.status;
    this.integrations = options.integrations;
    this.users = options.users;
    this.notifier = options.notifier;
    this.rememberSentForMs = options.rememberSentForMs;
    this.ownSecrets = options.ownSecrets ?? [];
    this.outbox = options.outbox;
  }

  /**
   * Every check for one client: integration created, first sync, sync health, permissions, today's expiry digest
   * and the secret's expiry. Run after each directory sync and daily. Never throws: problems are logged.
   */
  async checkClient(clientId: string): Promise<NotificationRunSummary> {
    if (this.notifier === undefined) return { delivered: 0, failed: 0 };
    const results: AnnounceResult[] = [];
    try {
      const client = await this.clients.get(SYSTEM_ACTOR, clientId);
      const notified: NotifiedClient = { id: client.id, name: client.name, displayName: client.displayName };
      const integration = await this.integrations.get(SYSTEM_ACTOR, client.id);
      if (integration === null) return { delivered: 0, failed: 0 };
      const [status] = await this.status.list(SYSTEM_ACTOR, client.id);
      const lastSync = status?.lastSync ?? null;

      results.push(await this.checkIntegrationCreated(notified, integration));
      if (
        lastSync?.status === 'succeeded' &&
        lastSync.trigger === 'initial' &&
        lastSync.finishedAt !== null
      ) {
        const finishedAt = lastSync.finishedAt;
        results.push(
          await this.announce({
            clientId: client.id,
            eventKey: eventKeys.firstSync(finishedAt),
            kind: 'first_sync_finished',
            eventAt: new Date(finishedAt),
            build: () =>
              Promise.resolve({
                kind: 'first_sync_finished',
                client: notified,
                users: status?.users ?? 0,
                groups: status?.groups ?? 0,
                finishedAt,
              }),
          }),
        );
      }
      // A permission revoked after connecting makes syncs fail with `permission_missing`: that is the permission
      // incident's to announce, not a second "sync failing" for the same cause.
      const runs = await this.store.read.notifications.latestFinishedRuns(client.id);
      const permissionFailures = runs.filter(
        (run) => run.status === 'failed' && run.errorCode === 'permission_missing',
      );
      const directoryLacksPermission = permissionFailures.some((run) => run.kind === 'directory');
      results.push(
        ...(await this.checkIncident(
          notified,
          'sync_failed',
          directoryLacksPermission && lastSync?.status === 'failed' ? 'unknown' : syncObservation(lastSync),
          lastSync?.error ?? '',
        )),
      );
      const checks = permissionObservation(
        integration.permissionChecks.flatMap((check) =>
          check.permission === undefined ? [] : [{ name: check.permission, passed: check.passed }],
        ),
      );
      const missing = [
        ...new Set([
          ...checks.missing,
          ...permissionFailures.flatMap((run) =>
            run.missingPermissions.length > 0 ? run.missingPermissions : ['(named in the last sync error)'],
          ),
        ]),
      ];
      const permissions =
        missing.length > 0
          ? 'failing'
          : checks.observation === 'healthy' || runs.some((run) => run.status === 'succeeded')
            ? 'healthy'
            : 'unknown';
      results.push(
        ...(await this.checkIncident(notified, 'permission_missing', permissions, missing.join(', '))),
      );
      results.push(await this.checkExpiryDigest(notified, integration));
      results.push(await this.checkSecret(notified, integration));
    } catch (error) {
      this.logger.error({ err: error, clientId }, 'notification checks failed for a client');
    }
    return sum(results);
  }

  /** The daily round: the app's own secrets, every connected client's checks, then housekeeping. Never throws. */
  async checkAll(): Promise<NotificationRunSummary> {
    if (this.notifier === undefined) return { delivered: 0, failed: 0 };
    const results: NotificationRunSummary[] = [];
    try {
      results.push(await this.checkOwnSecrets());
      for (const client of await this.clients.list(SYSTEM_ACTOR)) {
        results.push(await this.checkClient(client.id));
      }
      const before = new Date(this.clock.now().getTime() - this.rememberSentForMs).toISOString();
      await this.store.read.notifications.pruneSent(before);
    } catch (error) {
      this.logger.error({ err: error }, 'daily notification checks failed');
    }
    const total = sum(results);
    this.logger.info(total, 'daily notification checks done');
    return total;
  }

  private async checkIntegrationCreated(
    client: NotifiedClient,
    integration: IntegrationView,
  ): Promise<AnnounceResult> {
    return this.announce({
      clientId: client.id,
      eventKey: eventKeys.integrationCreated(integration.createdAt),
      kind: 'integration_created',
      eventAt: new Date(integration.createdAt),
      build: () =>
        Promise.resolve({
          kind: 'integration_created',
          client,
          tenantId: integration.tenantId,
          organizationName: integration.organizationName,
          createdAt: integration.createdAt,
          createdBy: integration.createdBy,
        }),
    });
  }

  /**
   * One incident kind: opens, continues or closes it from the latest observation, then announces what is due — the
   * opening to every subscriber (also ones that subscribe while it lasts), the closing once to those who were there.
   */
  private async checkIncident(
    client: NotifiedClient,
    kind: IncidentKind,
    observation: HealthObservation,
    detail: string,
  ): Promise<AnnounceResult[]> {
    const incidents = this.store.read.notifications;
    const now = this.clock.now();
    const at = now.toISOString();
    let open = await incidents.openIncident(client.id, kind);
    const step = nextIncidentStep(open !== undefined, observation);
    if (step === 'open') {
      open = await incidents.openNew(client.id, kind, detail, at);
      this.logger.warn({ clientId: client.id, kind, incidentId: open.id }, 'incident opened');
    } else if (step === 'continue' && open !== undefined) {
      await incidents.seenAgain(open.id, detail, at);
    } else if (step === 'resolve' && open !== undefined) {
      await incidents.resolve(open.id, at);
      this.logger.info({ clientId: client.id, kind, incidentId: open.id }, 'incident resolved');
      open = undefined;
    }
    const results: AnnounceResult[] = [];
    if (open !== undefined) {
      const incident = open;
      const result = await this.announce({
        clientId: client.id,
        eventKey: eventKeys.incidentOpened(incident.id),
        kind: kind === 'sync_failed' ? 'sync_failed' : 'permission_missing',
        eventAt: new Date(incident.openedAt),
        build: () => Promise.resolve(openedNotification(client, kind, incident, detail)),
      });
      if (result.failed === 0 && !incident.notifiedOpen) await incidents.markAnnounced(incident.id, 'open');
      results.push(result);
    }
    const since = new Date(now.getTime() - ONE_SHOT_REACH_MS).toISOString();
    const closed = await incidents.unannouncedResolution(client.id, kind, since);
    if (closed !== undefined && closed.resolvedAt !== null) {
      const resolvedAt = closed.resolvedAt;
      const result = await this.announce({
        clientId: client.id,
        eventKey: eventKeys.incidentResolved(closed.id),
        kind: kind === 'sync_failed' ? 'sync_recovered' : 'permission_restored',
        eventAt: new Date(resolvedAt),
        build: () =>
          Promise.resolve(
            kind === 'sync_failed'
              ? { kind: 'sync_recovered', client, failedSince: closed.openedAt, recoveredAt: resolvedAt }
              : { kind: 'permission_restored', client, restoredAt: resolvedAt },
          ),
      });
      if (result.failed === 0) await incidents.markAnnounced(closed.id, 'resolved');
      results.push(result);
    }
    return results;
  }

  private async checkExpiryDigest(
    client: NotifiedClient,
    integration: IntegrationView,
  ): Promise<AnnounceResult> {
    // Only from current, final figures: while the tenant's activity is being read nobody is expired yet, and the
    // pass that finishes reading it checks the client again at once.
    if (integration.activityData !== 'available') return { delivered: 0, failed: 0 };
    const now = this.clock.now();
    const day = utcDay(now);
    return this.announce({
      clientId: client.id,
      eventKey: eventKeys.expiryDigest(day),
      kind: 'users_expiring',
      eventAt: now,
      build: async () => {
        const expiredToday = toUserList(
          await this.users.list(SYSTEM_ACTOR, client.id, {
            // Since the previous day's digest (one a day): whoever stopped being billed in the last 24 hours —
            // by crossing the threshold, or by being found past it when the activity was read or the threshold set.
            expiredSince: new Date(now.getTime() - DAY_MS).toISOString(),
            limit: NOTIFIED_USERS_LIMIT,
            withTotal: true,
          }),
          'since',
        );
        const expiringSoon = toUserList(
          await this.users.list(SYSTEM_ACTOR, client.id, {
            expiringWithinDays: EXPIRING_SOON_DAYS,
            limit: NOTIFIED_USERS_LIMIT,
            withTotal: true,
          }),
          'at',
        );
        if (expiredToday.total === 0 && expiringSoon.total === 0) return undefined;
        return {
          kind: 'users_expiring',
          client,
          day,
          thresholdDays: integration.expiryThresholdDays,
          expiredToday,
          expiringSoon,
        };
      },
    });
  }

  private async checkSecret(client: NotifiedClient, integration: IntegrationView): Promise<AnnounceResult> {
    const expiresAt = integration.secret.expiresAt;
    if (integration.kind !== 'client_credentials' || expiresAt === null) return { delivered: 0, failed: 0 };
    const now = this.clock.now();
    const due = secretExpiryStage(new Date(expiresAt), now);
    if (due === undefined) return { delivered: 0, failed: 0 };
    return this.announce({
      clientId: client.id,
      eventKey: eventKeys.secretExpiry(expiresAt, due.stage),
      kind: 'secret_expiring',
      eventAt: now,
      build: () => Promise.resolve({ kind: 'secret_expiring', client, expiresAt, daysLeft: due.daysLeft }),
    });
  }

  /**
   * The app's own secrets (bot password, consent app secret): the same reminders as a client's secret — 30, 7 and
   * 1 days before and once expired — to the partner admins' conversations. Never throws.
   */
  async checkOwnSecrets(): Promise<NotificationRunSummary> {
    if (this.notifier === undefined) return { delivered: 0, failed: 0 };
    const results: AnnounceResult[] = [];
    try {
      const now = this.clock.now();
      for (const { secret, expiresAt } of this.ownSecrets) {
        if (expiresAt === undefined) continue;
        const due = secretExpiryStage(new Date(expiresAt), now);
        if (due === undefined) continue;
        results.push(
          await this.announce({
            clientId: APP_WIDE,
            eventKey: eventKeys.ownSecretExpiry(secret, expiresAt, due.stage),
            kind: 'app_secret_expiring',
            eventAt: now,
            build: () =>
              Promise.resolve({ kind: 'app_secret_expiring', secret, expiresAt, daysLeft: due.daysLeft }),
          }),
        );
      }
    } catch (error) {
      this.logger.error({ err: error }, 'checking the app’s own secrets failed');
    }
    return sum(results);
  }

  private async announce(announcement: Announcement): Promise<AnnounceResult> {
    return this.outbox.announce(announcement);
  }
}

function openedNotification(
  client: NotifiedClient,
  kind: IncidentKind,
  incident: IncidentRecord,
  detail: string,
): Notification {
  const message = detail === '' ? incident.message : detail;
  return kind === 'sync_failed'
    ? {
        kind: 'sync_failed',
        client,
        since: incident.openedAt,
        message: message === '' ? 'The sync failed.' : message,
      }
    : {
        kind: 'permission_missing',
        client,
        since: incident.openedAt,
        missing: message
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== ''),
      };
}

function toUserList(page: UserPage, when: 'since' | 'at'): NotifiedUserList {
  return {
    total: page.total ?? page.items.length,
    users: page.items.map((user) => ({
      id: user.id,
      displayName: user.displayName,
      userPrincipalName: user.userPrincipalName,
      expiresAt: when === 'since' ? user.expiredSince : user.expiry.expiresAt,
      explanation: user.expiry.explanation,
    })),
  };
}

function sum(results: readonly AnnounceResult[]): NotificationRunSummary {
  return results.reduce(
    (total, result) => ({
      delivered: total.delivered + result.delivered,
      failed: total.failed + result.failed,
    }),
    { delivered: 0, failed: 0 },
  );
}
