import {
  CardFactory,
  MessageFactory,
  type Activity,
  type CloudAdapter,
  type ConversationReference,
} from 'botbuilder';
import { z } from 'zod/v4';
import type { Notification } from '../src/domain/notification-kinds.js';
import {
  NotificationDeliveryError,
  type NotificationTarget,
  type Notifier,
} from '../src/domain/notification-port.js';
import { notificationCard } from './cards/notification-cards.js';
import type { TabLinks } from './tab-links.js';

/** The OAuth scope of the Bot Framework connector (public cloud). */
const CONNECTOR_SCOPE = 'https://api.botframework.com';

export interface TeamsNotifierOptions {
  readonly adapter: CloudAdapter;
  /** The bot's app id; empty only in anonymous demo mode. */
  readonly botAppId: string;
  readonly links: TabLinks;
}

const storedReference = z.object({
  reference: z.looseObject({
    serviceUrl: z.url(),
    channelId: z.string().optional(),
    conversation: z.looseObject({ id: z.string().min(1) }),
  }),
  channel: z.object({ id: z.string().min(1), teamId: z.string().optional() }).optional(),
});

/**
 * The core's {@link Notifier}, implemented with Bot Framework proactive messages: a personal or group chat gets the
 * card in the conversation (`continueConversation`), a channel gets a new post (`createConversation` in the
 * channel). The connector answering 403 or 404 means the bot is no longer there: the conversation is gone.
 */
export class TeamsNotifier implements Notifier {
  private readonly adapter: CloudAdapter;
  private readonly botAppId: string;
  private readonly links: TabLinks;

  constructor(options: TeamsNotifierOptions) {
    this.adapter = options.adapter;
    this.botAppId = options.botAppId;
    this.links = options.links;
  }

  async deliver(target: NotificationTarget, notification: Notification): Promise<void> {
    const stored = parseStored(target.reference);
    const activity = MessageFactory.attachment(
      CardFactory.adaptiveCard(notificationCard(notification, this.links, target.tabPlacement)),
    );
    // Validated above for what is used here; the rest is what Bot Framework itself captured.
    const reference = stored.reference as unknown as Partial<ConversationReference> & { serviceUrl: string };
    try {
      if (stored.channel !== undefined) {
        await this.adapter.createConversationAsync(
          this.botAppId,
          reference.channelId ?? 'msteams',
          reference.serviceUrl,
          CONNECTOR_SCOPE,
          {
            isGroup: true,
            bot: reference.bot ?? { id: this.botAppId, name: '' },
            channelData: { channel: { id: stored.channel.id } },
            // MessageFactory builds the message part of an activity; the connector fills in the rest.
            activity: activity as Activity,
            ...(reference.conversation?.tenantId === undefined
              ? {}
              : { tenantId: reference.conversation.tenantId }),
            members: [],
          },
          () => Promise.resolve(),
        );
        return;
      }
      await this.adapter.continueConversationAsync(this.botAppId, reference, async (context) => {
        await context.sendActivity(activity);
      });
    } catch (error) {
      const status = statusOf(error);
      throw new NotificationDeliveryError(
        status === undefined
          ? 'The notification could not be sent.'
          : `The Bot Framework connector answered ${status}.`,
        { gone: status === 403 || status === 404, ...(status === undefined ? {} : { status }), cause: error },
      );
    }
  }
}

function parseStored(reference: string): z.infer<typeof storedReference> {
  let json: unknown;
  try {
    json = JSON.parse(reference);
  } catch (error) {
    throw new NotificationDeliveryError('The stored conversation reference is not JSON.', {
      gone: true,
      cause: error,
    });
  }
  const parsed = storedReference.safeParse(json);
  if (!parsed.success)
    throw new NotificationDeliveryError('The stored conversation reference is incomplete.', { gone: true });
  return parsed.data;
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate =
    (error as { statusCode?: unknown; status?: unknown }).statusCode ??
    (error as { status?: unknown }).status;
  return typeof candidate === 'number' ? candidate : undefined;
}
