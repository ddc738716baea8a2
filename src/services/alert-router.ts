import { alertKindOf, alertSummary, DEFAULT_ALERT_TIME_ZONE, nextDigestAt } from '../domain/alert-rules.js';
import type { Notification } from '../domain/notification-kinds.js';
import { deliveryKey, isOneShot, ONE_SHOT_REACH_MS } from '../domain/notification-rules.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/store.js';
import { SYSTEM_ACTOR, type Actor } from './actor.js';
import { destinationVerdict } from './alert-destinations.js';
import type { AuditTrail } from './audit-trail.js';
import type { WebhookSender } from './webhook-sender.js';

/** What the outbox is asked to announce, as far as routing needs it. */
export interface RoutedAnnouncement {
  readonly clientId: string;
  readonly eventKey: string;
  readonly kind: Notification['kind'];
  readonly eventAt: Date;
  readonly build: () => Promise<Notification | undefined>;
}

/** Deliver this notification now: to one chosen conversation (heard with its chooser's rights) or the subscribers. */
export interface AlertRoute {
  readonly notification: Notification;
  readonly only?: { readonly conversationId: string; readonly chooser: Actor };
}

/** `hold`: nothing goes to Teams now (turned off, nothing to say, or kept for the digest). */
export type RouteDecision = AlertRoute | 'hold' | 'not_an_alert';

/**
 * The admin's alert settings applied to each event the checks announce (issue 16): a kind turned off goes nowhere;
 * every alert is recorded once (the Notifications screen lists it) and queued for the webhooks; then it goes to
 * Teams at once — to the chosen conversation, or to every subscribed one as before — or is held for the daily
 * digest at the chosen hour of the client's alert time zone.
 */
export class AlertRouter {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly webhooks: WebhookSender | undefined;
  private readonly audit: AuditTrail;

  constructor(options: {
    readonly store: Store;
    readonly clock: Clock;
    readonly logger: Logger;
    readonly audit: AuditTrail;
    readonly webhooks?: WebhookSender;
  }) {
    this.store = options.store;
    this.clock = options.clock;
    this.logger = options.logger;
    this.audit = options.audit;
    this.webhooks = options.webhooks;
  }

  /**
   * A chosen conversation checked again as the alert goes out (an alert or a digest), by the rule the settings are
   * saved with: a conversation that is now another client's (or was saved before that was refused) never hears
   * this client's alerts. Refused, the alert goes where it goes when none is chosen (the client's subscribed
   * conversations, each heard with its own rights), and the refusal is logged and audited once per event; the
   * settings screen marks the setting as needing attention.
   */
  async checkedDestination(
    clientId: string,
    eventKey: string,
    only: NonNullable<AlertRoute['only']>,
  ): Promise<AlertRoute['only'] | undefined> {
    const verdict = await destinationVerdict(this.store.read, only.chooser, clientId, only.conversationId);
    if (verdict !== 'refused') return only;
    const at = this.clock.now().toISOString();
    await this.store.transaction(async (tx) => {
      // Once per event and destination, though every check announces the event again until it is delivered.
      if (
        !(await tx.notifications.claim(clientId, deliveryKey(`${eventKey}:refused`, only.conversationId), at))
      )
        return;
      this.logger.warn(
        { clientId, eventKey, conversationId: only.conversationId },
        "alert destination refused: not this client's chat any more; sent to the subscribed chats instead",
      );
      await this.audit.record(tx, SYSTEM_ACTOR, {
        action: 'alerts.destination_refused',
        clientId,
        targetType: 'conversation',
        targetId: only.conversationId,
        after: { eventKey, chosenBy: only.chooser.objectId, sentTo: 'subscribed conversations' },
      });
    });
    return undefined;
  }

  async route(announcement: RoutedAnnouncement): Promise<RouteDecision> {
    const kind = alertKindOf(announcement.kind);
    if (kind === undefined) return 'not_an_alert';
    const repository = this.store.read.alerts;
    const setting = await repository.setting(announcement.clientId, kind);
    if (setting?.enabled === false) return 'hold';
    const now = this.clock.now();
    if (isOneShot(announcement.kind) && now.getTime() - announcement.eventAt.getTime() > ONE_SHOT_REACH_MS)
      return 'hold';
    const digest = setting?.delivery === 'daily_digest' && kind !== 'weekly_digest';
    let notification: Notification | undefined;
    const known = await repository.alertByEvent(announcement.clientId, announcement.eventKey);
    if (known === undefined) {
      notification = await announcement.build();
      if (notification === undefined) return 'hold';
      const timeZone = (await repository.timeZone(announcement.clientId)) ?? DEFAULT_ALERT_TIME_ZONE;
      const recorded = await repository.insertAlert({
        clientId: announcement.clientId,
        eventKey: announcement.eventKey,
        kind: announcement.kind,
        summary: alertSummary(notification),
        payload: JSON.stringify(notification),
        triggeredAt: now.toISOString(),
        delivery: digest ? 'daily_digest' : 'immediate',
        digestDueAt: digest ? nextDigestAt(now, setting.digestHour, timeZone).toISOString() : null,
      });
      if (recorded !== undefined) {
        const webhooks = await repository.webhooksFor(announcement.clientId);
        await repository.enqueueDeliveries(
          { id: recorded.id, clientId: announcement.clientId },
          webhooks.map((webhook) => webhook.id),
          now.toISOString(),
        );
        if (webhooks.length > 0) await this.webhooks?.drain(announcement.clientId);
        this.logger.info({ clientId: announcement.clientId, kind: announcement.kind }, 'alert recorded');
      }
      if (digest) return 'hold';
    } else {
      if (known.delivery === 'daily_digest') return 'hold';
      notification = JSON.parse(known.payload) as Notification;
    }
    const chosen = setting?.conversationId ?? null;
    const chooser = setting?.chooserObjectId ?? null;
    if (chosen !== null && chooser !== null) {
      return {
        notification,
        only: {
          conversationId: chosen,
          chooser: {
            tenantId: setting?.chooserTenantId ?? '',
            objectId: chooser,
            name: undefined,
            channel: 'system',
          },
        },
      };
    }
    return { notification };
  }
}
