import type { OwnSecretExpiry } from '../domain/own-secrets.js';
import { type Notifier } from '../domain/notification-port.js';
import { DAY_MS, type Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/store.js';
import type { AccessPolicy } from './access-policy.js';
import { type Actor } from './actor.js';
import { AuditTrail } from './audit-trail.js';
import type { ClientService } from './client-service.js';
import type { IntegrationService } from './integration-service.js';
import type { StatusService } from './status-service.js';
import type { TabPlacementService } from './tab-placement-service.js';
import type { UserService } from './user-service.js';
import {
  ConversationSubscriptions,
  type ConversationCapture,
  type ConversationSettings,
} from './conversation-subscriptions.js';
import { NotificationChecks, type NotificationRunSummary } from './notification-checks.js';
import { NotificationOutbox, type Announcement, type AnnounceResult } from './notification-outbox.js';
import type { AlertRouter } from './alert-router.js';

/**
 * What the notifications read what happened through, and the policy that decides who may hear it: the core's own
 * services (the composition root's `Core` has every one of them by these names).
 */
export interface NotificationSources {
  readonly access: AccessPolicy;
  readonly logger: Logger;
  readonly clients: ClientService;
  readonly status: StatusService;
  readonly integrations: IntegrationService;
  readonly users: UserService;
  /** Where clients' channel and group-chat tabs are (a notification's buttons open the one where it is posted). */
  readonly tabPlacements?: TabPlacementService | undefined;
  /** The admin's alert settings, applied to every client alert (issue 16); without it, every alert goes out as before. */
  readonly alertRouter?: AlertRouter | undefined;
}

/** How notifications are delivered and remembered, and the app's own secrets to watch (from the configuration). */
export interface NotificationSettings {
  /** Waits between delivery attempts to one conversation. Default 500 ms then 2 s (three attempts). */
  readonly retryDelaysInMs?: readonly number[];
  /** Deliveries are remembered this long (then a still-open incident is announced again). Default 90 days. */
  readonly rememberSentForMs?: number;
  /** The app's own configured secrets and when they expire. */
  readonly ownSecrets?: readonly OwnSecretExpiry[];
}

export interface NotificationServiceOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** The bot's delivery; without one (the CLI) the checks do nothing and remember nothing. */
  readonly notifier: Notifier | undefined;
  readonly sources: NotificationSources;
  readonly settings?: NotificationSettings;
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
  private readonly subscriptions: ConversationSubscriptions;
  private readonly checks: NotificationChecks;
  private readonly outbox: NotificationOutbox;

  constructor(options: NotificationServiceOptions) {
    const { store, clock, notifier, sources, settings = {} } = options;
    const logger = sources.logger.child({ component: 'notifications' });
    const outbox = (this.outbox = new NotificationOutbox({
      store,
      access: sources.access,
      clock,
      logger,
      notifier,
      retryDelaysInMs: settings.retryDelaysInMs ?? [500, 2_000],
      tabPlacements: sources.tabPlacements,
      alertRouter: sources.alertRouter,
    }));
    this.subscriptions = new ConversationSubscriptions({
      store,
      access: sources.access,
      audit: new AuditTrail({ clock }),
      clock,
      logger,
      clients: sources.clients,
    });
    this.checks = new NotificationChecks({
      store,
      clock,
      logger,
      clients: sources.clients,
      status: sources.status,
      integrations: sources.integrations,
      users: sources.users,
      notifier,
      rememberSentForMs: settings.rememberSentForMs ?? 90 * DAY_MS,
      ownSecrets: settings.ownSecrets,
      outbox,
    });
  }

  /** See {@link ConversationSubscriptions.rememberConversation}. */
  async rememberConversation(capture: ConversationCapture): Promise<void> {
    return this.subscriptions.rememberConversation(capture);
  }

  /** See {@link ConversationSubscriptions.forgetConversation}. */
  async forgetConversation(conversationId: string): Promise<void> {
    return this.subscriptions.forgetConversation(conversationId);
  }

  /** See {@link ConversationSubscriptions.conversation}. */
  async conversation(actor: Actor, conversationId: string): Promise<ConversationSettings | undefined> {
    return this.subscriptions.conversation(actor, conversationId);
  }

  /** See {@link ConversationSubscriptions.setNotifications}. */
  async setNotifications(
    ...args: Parameters<ConversationSubscriptions['setNotifications']>
  ): ReturnType<ConversationSubscriptions['setNotifications']> {
    return this.subscriptions.setNotifications(...args);
  }

  /** See {@link NotificationChecks.checkClient}. */
  async checkClient(clientId: string): Promise<NotificationRunSummary> {
    return this.checks.checkClient(clientId);
  }

  /** See {@link NotificationChecks.checkAll}. */
  async checkAll(): Promise<NotificationRunSummary> {
    return this.checks.checkAll();
  }

  /** Announces one event through the outbox (the alert digests and the weekly summary). */
  async announce(announcement: Announcement): Promise<AnnounceResult> {
    return this.outbox.announce(announcement);
  }

  /** See {@link NotificationChecks.checkOwnSecrets}. */
  async checkOwnSecrets(): Promise<NotificationRunSummary> {
    return this.checks.checkOwnSecrets();
  }
}
