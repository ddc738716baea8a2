import { TurnContext, type Activity } from 'botbuilder';
import type { NotificationService } from '../src/services/notification-service.js';
import type { Actor } from '../src/services/actor.js';
import type { Logger } from '../src/shared/logger.js';
import { conversationKeyOf, storedReferenceOf } from './turn-identity.js';

/**
 * The bot's conversation references, kept by the core in the database (DESIGN §6–7: never in memory): captured on
 * install and on every turn, forgotten when the bot is uninstalled or removed. What is stored is what the
 * notifier needs to reach the conversation again; the core treats it as opaque.
 */
export class ConversationReferenceStore {
  constructor(
    private readonly notifications: NotificationService,
    private readonly logger: Logger,
  ) {}

  /**
   * Remembers the turn's conversation (the channel, for a message in a channel thread). A failure is logged and
   * swallowed: it only delays notifications to this conversation, the turn itself goes on.
   */
  async capture(context: TurnContext, actor: Actor): Promise<void> {
    const activity = context.activity;
    const conversationId = conversationKeyOf(activity);
    if (conversationId === undefined) return;
    const type =
      typeof activity.conversation.conversationType === 'string'
        ? activity.conversation.conversationType
        : 'personal';
    try {
      await this.notifications.rememberConversation({
        conversationId,
        conversationType: type,
        tenantId: actor.tenantId,
        ...(type === 'personal' ? { userObjectId: actor.objectId } : {}),
        reference: JSON.stringify(
          storedReferenceOf(TurnContext.getConversationReference(activity), activity),
        ),
      });
    } catch (error) {
      this.logger.warn({ err: error, conversationId }, 'could not store the conversation reference');
    }
  }

  /** Forgets the turn's conversation (uninstalled, or the bot removed from it). */
  async forget(activity: Activity): Promise<void> {
    const conversationId = conversationKeyOf(activity);
    if (conversationId !== undefined) await this.notifications.forgetConversation(conversationId);
  }
}
