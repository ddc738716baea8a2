import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod/v4';
import type { Kysely } from 'kysely';
import type { Notification, NotifiedClient, NotifiedUserList } from '../domain/notification-kinds.js';
import type { OwnSecretExpiry } from '../domain/own-secrets.js';
import {
  NotificationDeliveryError,
  type NotificationTarget,
  type Notifier,
} from '../domain/notification-port.js';
import {
  deliveryKey,
  eventKeys,
  EXPIRING_SOON_DAYS,
  mayReach,
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
import { ForbiddenError, NotFoundError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { ConversationRepository } from '../store/conversation-repository.js';
import { NotificationRepository } from '../store/notification-repository.js';
import type { ConversationReferenceRow, Database, IncidentRow } from '../store/schema.js';
import type { AccessPolicy } from './access-policy.js';
import { SYSTEM_ACTOR, type Actor } from './actor.js';
import type { AuditTrail } from './audit-trail.js';
import type { ClientService } from './client-service.js';
import type { IntegrationService } from './integration-service.js';
import type { IntegrationView } from './integration-views.js';
import type { StatusService } from './status-service.js';
import type { TabPlacementService } from './tab-placement-service.js';
import type { UserService } from './user-service.js';
import type { UserPage } from '../contracts/users.js';
import { parseInput } from './validation.js';

export interface NotificationServiceOptions {
  readonly db: Kysely<Database>;
  readonly access: AccessPolicy;
  readonly audit: AuditTrail;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly clients: ClientService;
  readonly status: StatusService;
  readonly integrations: IntegrationService;
  readonly users: UserService;
  /** The bot's delivery; without one (the CLI) the checks do nothing and remember nothing. */
  readonly notifier?: Notifier | undefined;
  /** Waits between delivery attempts to one conversation. Default 500 ms then 2 s (three attempts). */
  readonly retryDelaysInMs?: readonly number[];
  /** Deliveries are remembered this long (then a still-open incident is announced again). Default 90 days. */
  readonly rememberSentForMs?: number;
  /** The app's own configured secrets and when they expire (from the configuration). */
  readonly ownSecrets?: readonly OwnSecretExpiry[];
  /** Where clients' channel and group-chat tabs are (a notification's buttons open the one where it is posted). */
  readonly tabPlacements?: TabPlacementService;
}

/**
 * The key under which app-wide notifications (the app's own secrets) are remembered as delivered: they belong to
 * no client, and reach the conversations subscribed to every client.
 */
const APP_WIDE = '*';

/** A conversation captured by the bot on a turn. */
export const conversationCaptureInput = z.object({
  conversationId: z.string().min(1).max(512),
  conversationType: z.string().min(1).max(32),
  tenantId: z.string().min(1).max(64),
  /** The user of a personal chat (who installed it); absent for channels and group chats. */
  userObjectId: z.string().min(1).max(64).optional(),
  /** Opaque JSON text the notifier needs to reach the conversation again. */
  reference: z.string().min(2).max(32_000),
});
export type ConversationCapture = z.input<typeof conversationCaptureInput>;

const subscriptionInput = z.object({
  enabled: z.boolean({ error: 'must be on or off' }),
  /** Only this client's notifications (short name or id); absent: every client the subscriber may see. */
  client: z.string().trim().min(1).max(100).optional(),
});
export type SubscriptionInput = z.input<typeof subscriptionInput>;

/** A conversation's notification settings, as `notifications on|off` and the bot's client choice read them. */
export interface ConversationSettings {
  readonly conversationId: string;
  readonly conversationType: string;
  readonly notificationsEnabled: boolean;
  /** The client it is bound to; null for every client (or one the reader may not see). */
  readonly client: NotifiedClient | null;
  readonly subscriber: { readonly tenantId: string; readonly objectId: string } | null;
}

/** What one round of checks delivered. */
export interface NotificationRunSummary {
  readonly delivered: number;
  readonly failed: number;
}

interface Announcement {
  /** The client it is about, or {@link APP_WIDE}: then only partner admins' conversations hear it. */
  readonly clientId: string;
  readonly eventKey: string;
  readonly kind: Notification['kind'];
  readonly eventAt: Date;
  /** Built once, when the first conversation needs it; `undefined` means there is nothing to say after all. */
  readonly build: () => Promise<Notification | undefined>;
}

interface AnnounceResult {
  readonly delivered: number;
  readonly failed: number;
}

/**
 * DESIGN rule 11: decides what to tell and whom, and hands each notification to the {@link Notifier} port.
 *
 * - Conversations are captured by the bot on every turn and forgotten on uninstall. A personal chat is subscribed
 *   from its install (its user is the subscriber); a channel or group chat once someone types `notifications on`
 *   there (that person is the subscriber). A conversation is told only about clients its subscriber may read.
 * - Events: integration created, first sync finished, sync failed / recovered and permission missing / restored
 *   (incidents: one notice when they open, one when they close — never a storm), users expired today and expiring
 *   within 7 days, client secret expiring within 30 days (again at 7 days, on the last day, and once expired).
 * - Each event reaches each conversation once (`notifications_sent`, claimed before the delivery so two checkers
 *   never both send). A failed delivery is retried a few times, logged, released, and tried again at the next
 *   check; a conversation that is gone is forgotten. Nothing here ever throws into the scheduler.
 */
export class NotificationService {
  private readonly db: Kysely<Database>;
  private readonly access: AccessPolicy;
  private readonly audit: AuditTrail;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly clients: ClientService;
  private readonly status: StatusService;
  private readonly integrations: IntegrationService;
  private readonly users: UserService;
  private readonly notifier: Notifier | undefined;
  private readonly retryDelaysInMs: readonly number[];
  private readonly rememberSentForMs: number;
  private readonly ownSecrets: readonly OwnSecretExpiry[];
  private readonly tabPlacements: TabPlacementService | undefined;

  constructor(options: NotificationServiceOptions) {
    this.db = options.db;
    this.access = options.access;
    this.audit = options.audit;
    this.clock = options.clock;
    this.logger = options.logger.child({ component: 'notifications' });
    this.clients = options.clients;
    this.status = options.status;
    this.integrations = options.integrations;
    this.users = options.users;
    this.notifier = options.notifier;
    this.retryDelaysInMs = options.retryDelaysInMs ?? [500, 2_000];
    this.rememberSentForMs = options.rememberSentForMs ?? 90 * DAY_MS;
    this.ownSecrets = options.ownSecrets ?? [];
    this.tabPlacements = options.tabPlacements;
  }

  // ------------------------------------------------------------------------------------------- conversations ---

  /**
   * Remembers (or refreshes) a conversation the bot has just seen. A new personal chat is subscribed to its user's
   * notifications; a new channel or group chat is not until someone turns them on.
   * @throws {ValidationError} for a malformed capture.
   */
  async rememberConversation(capture: ConversationCapture): Promise<void> {
    const conversation = parseInput(conversationCaptureInput, capture);
    const personal = conversation.conversationType === 'personal' && conversation.userObjectId !== undefined;
    const conversations = new ConversationRepository(this.db);
    // Every turn passes here: a read is cheaper than a write, and most turns change nothing.
    const known = await conversations.find(conversation.conversationId);
    if (
      known?.reference === conversation.reference &&
      known.conversation_type === conversation.conversationType
    )
      return;
    await conversations.upsert(
      {
        conversationId: conversation.conversationId,
        conversationType: conversation.conversationType,
        tenantId: conversation.tenantId.toLowerCase(),
        userObjectId: personal ? conversation.userObjectId?.toLowerCase() : undefined,
        reference: conversation.reference,
      },
      this.clock.now().toISOString(),
      personal,
    );
  }

  /** Forgets a conversation (the bot was uninstalled from it). Forgetting an unknown one is harmless. */
  async forgetConversation(conversationId: string): Promise<void> {
    if (await new ConversationRepository(this.db).remove(conversationId)) {
      this.logger.info({ conversationId }, 'conversation forgotten');
    }
  }

  /** A conversation's settings; its client is named only when the actor may read it. */
  async conversation(actor: Actor, conversationId: string): Promise<ConversationSettings | undefined> {
    const row = await new ConversationRepository(this.db).find(conversationId);
    if (row === undefined) return undefined;
    return this.settingsOf(actor, row);
  }

  /**
   * `notifications on|off` in a conversation: turns its notifications on (for one client, or every client the actor
   * may see) with the actor as subscriber, or off. Needs a role in the app, and the read right on the client named.
   * @throws {ValidationError} {@link NotFoundError} (unknown conversation or client) {@link ForbiddenError}
   */
  async setNotifications(
    actor: Actor,
    conversationId: string,
    input: SubscriptionInput,
  ): Promise<ConversationSettings> {
    const { enabled, client: clientRef } = parseInput(subscriptionInput, input);
    if ((await this.access.grantsOf(actor)).length === 0) {
      throw new ForbiddenError(
        'You have no role in this app yet, so there is nothing to notify you about: ask a partner admin to assign you one.',
      );
    }
    const client = clientRef === undefined ? null : await this.clients.get(actor, clientRef);
    const repository = new ConversationRepository(this.db);
    const before = await repository.find(conversationId);
    if (before === undefined) throw new NotFoundError('Conversation', conversationId);
    const at = this.clock.now().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await new ConversationRepository(trx).setSubscription(conversationId, {
        enabled,
        clientId: client?.id ?? null,
        subscriberTenantId: actor.tenantId.toLowerCase(),
        subscriberObjectId: actor.objectId.toLowerCase(),
        at,
      });
      await this.audit.record(trx, actor, {
        action: enabled ? 'notifications.on' : 'notifications.off',
        clientId: client?.id ?? null,
        targetType: 'conversation',
        targetId: conversationId,
        before: { enabled: before.notifications_enabled === 1, clientId: before.client_id },
        after: { enabled, clientId: client?.id ?? null },
      });
    });
    const after = await repository.find(conversationId);
    if (after === undefined) throw new NotFoundError('Conversation', conversationId);
    return this.settingsOf(actor, after);
  }

  // ---------------------------------------------------------------------------------------------------- checks ---

  /**
   * Every check for one client: integration created, first sync, sync health, permissions, today's expiry digest
   * and the secret's expiry. Run after each directory sync and daily. Never throws: problems are logged.
   */
  async checkClient(clientId: string): Promise<NotificationRunSummary> {
    if (this.notifier === undefined) return { delivered: 0, failed: 0 };
    const results: AnnounceResult[] = [];
    try {
      const client = await this.clients.get(SYSTEM_ACTOR, clientId);
      const notified: NotifiedClient = { id: client.id, name: client.name, displayName: client.display_name };
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
      const runs = await new NotificationRepository(this.db).latestFinishedRuns(client.id);
      const permissionFailures = runs.filter(
        (run) => run.status === 'failed' && run.error_code === 'permission_missing',
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
      await new NotificationRepository(this.db).pruneSent(before);
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
    const incidents = new NotificationRepository(this.db);
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
        eventAt: new Date(incident.opened_at),
        build: () => Promise.resolve(openedNotification(client, kind, incident, detail)),
      });
      if (result.failed === 0 && incident.notified_open === 0)
        await incidents.markAnnounced(incident.id, 'open');
      results.push(result);
    }
    const since = new Date(now.getTime() - ONE_SHOT_REACH_MS).toISOString();
    const closed = await incidents.unannouncedResolution(client.id, kind, since);
    if (closed !== undefined && closed.resolved_at !== null) {
      const resolvedAt = closed.resolved_at;
      const result = await this.announce({
        clientId: client.id,
        eventKey: eventKeys.incidentResolved(closed.id),
        kind: kind === 'sync_failed' ? 'sync_recovered' : 'permission_restored',
        eventAt: new Date(resolvedAt),
        build: () =>
          Promise.resolve(
            kind === 'sync_failed'
              ? { kind: 'sync_recovered', client, failedSince: closed.opened_at, recoveredAt: resolvedAt }
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

  // -------------------------------------------------------------------------------------------------- delivery ---

  /**
   * Delivers one event to every subscribed conversation that may hear it and has not yet: claim, deliver with
   * retries, and release the claim when it failed so that the next check tries again.
   */
  private async announce(announcement: Announcement): Promise<AnnounceResult> {
    const notifier = this.notifier;
    if (notifier === undefined) return { delivered: 0, failed: 0 };
    const conversations = new ConversationRepository(this.db);
    const sent = new NotificationRepository(this.db);
    const now = this.clock.now();
    let notification: Notification | undefined | null = null;
    let delivered = 0;
    let failed = 0;
    for (const row of await conversations.subscribedTo(announcement.clientId)) {
      if (!mayReach(announcement.kind, announcement.eventAt, new Date(row.created_at), now)) continue;
      const mayHear =
        announcement.clientId === APP_WIDE
          ? await this.access.can(subscriberOf(row), 'partner:manage')
          : await this.access.can(subscriberOf(row), 'client:read', announcement.clientId);
      if (!mayHear) continue;
      const key = deliveryKey(announcement.eventKey, row.conversation_id);
      if (!(await sent.claim(announcement.clientId, key, now.toISOString()))) continue;
      notification ??= await announcement.build().catch(async (error: unknown) => {
        await sent.release(announcement.clientId, key);
        throw error;
      });
      if (notification === undefined) {
        await sent.release(announcement.clientId, key);
        break;
      }
      const tabPlacement =
        announcement.clientId === APP_WIDE
          ? undefined
          : await this.tabPlacements?.find(announcement.clientId, row.conversation_id);
      const target: NotificationTarget = {
        conversationId: row.conversation_id,
        conversationType: row.conversation_type,
        reference: row.reference,
        ...(tabPlacement === undefined ? {} : { tabPlacement }),
      };
      try {
        await this.deliverWithRetries(notifier, target, notification);
        delivered++;
      } catch (error) {
        failed++;
        if (error instanceof NotificationDeliveryError && error.gone) {
          await conversations.remove(row.conversation_id);
          this.logger.warn(
            { conversationId: row.conversation_id, kind: announcement.kind },
            'conversation no longer reachable: forgotten',
          );
        } else {
          await sent.release(announcement.clientId, key);
          this.logger.warn(
            { err: error, conversationId: row.conversation_id, kind: announcement.kind },
            'notification not delivered; it is retried at the next check',
          );
        }
      }
    }
    if (delivered > 0) {
      this.logger.info(
        { clientId: announcement.clientId, kind: announcement.kind, delivered },
        'notification delivered',
      );
    }
    return { delivered, failed };
  }

  private async deliverWithRetries(
    notifier: Notifier,
    target: NotificationTarget,
    notification: Notification,
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await notifier.deliver(target, notification);
        return;
      } catch (error) {
        const delay = this.retryDelaysInMs[attempt];
        if ((error instanceof NotificationDeliveryError && error.gone) || delay === undefined) throw error;
        this.logger.debug({ err: error, attempt: attempt + 1 }, 'notification delivery failed; retrying');
        await sleep(delay);
      }
    }
  }

  private async settingsOf(actor: Actor, row: ConversationReferenceRow): Promise<ConversationSettings> {
    let client: NotifiedClient | null = null;
    if (row.client_id !== null) {
      client = await this.clients.get(actor, row.client_id).then(
        (found) => ({ id: found.id, name: found.name, displayName: found.display_name }),
        () => null,
      );
    }
    return {
      conversationId: row.conversation_id,
      conversationType: row.conversation_type,
      notificationsEnabled: row.notifications_enabled === 1,
      client,
      subscriber:
        row.user_object_id === null || row.tenant_id === null
          ? null
          : { tenantId: row.tenant_id, objectId: row.user_object_id },
    };
  }
}

function subscriberOf(row: ConversationReferenceRow): Actor {
  return {
    tenantId: row.tenant_id ?? '',
    objectId: row.user_object_id ?? '',
    name: undefined,
    channel: 'system',
  };
}

function openedNotification(
  client: NotifiedClient,
  kind: IncidentKind,
  incident: IncidentRow,
  detail: string,
): Notification {
  const message = detail === '' ? incident.message : detail;
  return kind === 'sync_failed'
    ? {
        kind: 'sync_failed',
        client,
        since: incident.opened_at,
        message: message === '' ? 'The sync failed.' : message,
      }
    : {
        kind: 'permission_missing',
        client,
        since: incident.opened_at,
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
