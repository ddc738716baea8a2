import { setTimeout as sleep } from 'node:timers/promises';
import type { Notification } from '../domain/notification-kinds.js';
import {
  NotificationDeliveryError,
  type NotificationTarget,
  type Notifier,
} from '../domain/notification-port.js';
import { deliveryKey, mayReach } from '../domain/notification-rules.js';
import { type Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { ConversationRecord } from '../store/conversation-repository.js';
import type { Store } from '../store/store.js';
import type { AccessPolicy } from './access-policy.js';
import { type Actor } from './actor.js';
import type { AlertRoute, AlertRouter } from './alert-router.js';
import type { TabPlacementService } from './tab-placement-service.js';

/**
 * The key under which app-wide notifications (the app's own secrets) are remembered as delivered: they belong to
 * no client, and reach the conversations subscribed to every client.
 */
export const APP_WIDE = '*';

export interface Announcement {
  /** The client it is about, or {@link APP_WIDE}: then only partner admins' conversations hear it. */
  readonly clientId: string;
  readonly eventKey: string;
  readonly kind: Notification['kind'];
  readonly eventAt: Date;
  /** Built once, when the first conversation needs it; `undefined` means there is nothing to say after all. */
  readonly build: () => Promise<Notification | undefined>;
  /** Only to this conversation, heard with the rights of the admin who chose it (a digest's target). */
  readonly only?: AlertRoute['only'];
}

export interface AnnounceResult {
  readonly delivered: number;
  readonly failed: number;
}

/**
 * Delivers each event once to each conversation that may hear it (DESIGN rule 11): claimed in
 * `notifications_sent` before the delivery so two checkers never both send, retried a few times, released when it
 * failed (the next check tries again), and a conversation that is gone is forgotten. The only part that knows the
 * {@link Notifier}.
 */
export class NotificationOutbox {
  private readonly store: Store;
  private readonly access: AccessPolicy;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly notifier: Notifier | undefined;
  private readonly retryDelaysInMs: readonly number[];
  private readonly tabPlacements: TabPlacementService | undefined;
  private readonly router: AlertRouter | undefined;

  constructor(options: {
    readonly store: Store;
    readonly access: AccessPolicy;
    readonly clock: Clock;
    readonly logger: Logger;
    readonly notifier: Notifier | undefined;
    readonly retryDelaysInMs: readonly number[];
    readonly tabPlacements?: TabPlacementService | undefined;
    readonly alertRouter?: AlertRouter | undefined;
  }) {
    this.store = options.store;
    this.access = options.access;
    this.clock = options.clock;
    this.logger = options.logger;
    this.notifier = options.notifier;
    this.retryDelaysInMs = options.retryDelaysInMs;
    this.tabPlacements = options.tabPlacements;
    this.router = options.alertRouter;
  }

  /**
   * Delivers one event to every subscribed conversation that may hear it and has not yet: claim, deliver with
   * retries, and release the claim when it failed so that the next check tries again.
   */
  async announce(announcement: Announcement): Promise<AnnounceResult> {
    const notifier = this.notifier;
    if (notifier === undefined) return { delivered: 0, failed: 0 };
    // The admin's alert settings (issue 16): off, held for the digest, or to one chosen conversation.
    let only = announcement.only;
    let notification: Notification | undefined | null = null;
    if (this.router !== undefined && announcement.clientId !== APP_WIDE) {
      const decision = await this.router.route(announcement);
      if (decision === 'hold') return { delivered: 0, failed: 0 };
      if (decision !== 'not_an_alert') {
        notification = decision.notification;
        only ??= decision.only;
      }
    }
    if (only !== undefined && this.router !== undefined && announcement.clientId !== APP_WIDE)
      only = await this.router.checkedDestination(announcement.clientId, announcement.eventKey, only);
    const conversations = this.store.read.conversations;
    const sent = this.store.read.notifications;
    const now = this.clock.now();
    let delivered = 0;
    let failed = 0;
    const audience =
      only === undefined
        ? await conversations.subscribedTo(announcement.clientId)
        : [await conversations.find(only.conversationId)].filter((found) => found !== undefined);
    for (const conversation of audience) {
      if (!mayReach(announcement.kind, announcement.eventAt, new Date(conversation.createdAt), now)) continue;
      const mayHear =
        announcement.clientId === APP_WIDE
          ? await this.access.can(subscriberOf(conversation), 'partner:manage')
          : await this.access.can(
              only?.chooser ?? subscriberOf(conversation),
              'client:read',
              announcement.clientId,
            );
      if (!mayHear) continue;
      const key = deliveryKey(announcement.eventKey, conversation.conversationId);
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
          : await this.tabPlacements?.find(announcement.clientId, conversation.conversationId);
      const target: NotificationTarget = {
        conversationId: conversation.conversationId,
        conversationType: conversation.conversationType,
        reference: conversation.reference,
        ...(tabPlacement === undefined ? {} : { tabPlacement }),
      };
      try {
        await this.deliverWithRetries(notifier, target, notification);
        delivered++;
      } catch (error) {
        failed++;
        if (error instanceof NotificationDeliveryError && error.gone) {
          await conversations.remove(conversation.conversationId);
          this.logger.warn(
            { conversationId: conversation.conversationId, kind: announcement.kind },
            'conversation no longer reachable: forgotten',
          );
        } else {
          await sent.release(announcement.clientId, key);
          this.logger.warn(
            { err: error, conversationId: conversation.conversationId, kind: announcement.kind },
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
}

export function subscriberOf(conversation: ConversationRecord): Actor {
  return {
    tenantId: conversation.tenantId ?? '',
    objectId: conversation.userObjectId ?? '',
    name: undefined,
    channel: 'system',
  };
}
