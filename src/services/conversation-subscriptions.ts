import { z } from 'zod/v4';
import type { NotifiedClient } from '../domain/notification-kinds.js';
import { type Clock } from '../shared/clock.js';
import { ForbiddenError, NotFoundError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { ConversationRecord } from '../store/conversation-repository.js';
import type { Store } from '../store/store.js';
import type { AccessPolicy } from './access-policy.js';
import { type Actor } from './actor.js';
import type { AuditTrail } from './audit-trail.js';
import type { ClientService } from './client-service.js';
import { parseInput } from './validation.js';

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

/**
 * The conversations the bot has seen and their notification settings (DESIGN rule 11): a personal chat is
 * subscribed from its install, a channel or group chat once someone turns notifications on there (that person is
 * the subscriber), optionally for one client.
 */
export class ConversationSubscriptions {
  private readonly store: Store;
  private readonly access: AccessPolicy;
  private readonly audit: AuditTrail;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly clients: ClientService;

  constructor(options: {
    readonly store: Store;
    readonly access: AccessPolicy;
    readonly audit: AuditTrail;
    readonly clock: Clock;
    readonly logger: Logger;
    readonly clients: ClientService;
  }) {
    this.store = options.store;
    this.access = options.access;
    this.audit = options.audit;
    this.clock = options.clock;
    this.logger = options.logger;
    this.clients = options.clients;
  }

  /**
   * Remembers (or refreshes) a conversation the bot has just seen. A new personal chat is subscribed to its user's
   * notifications; a new channel or group chat is not until someone turns them on.
   * @throws {ValidationError} for a malformed capture.
   */
  async rememberConversation(capture: ConversationCapture): Promise<void> {
    const conversation = parseInput(conversationCaptureInput, capture);
    const personal = conversation.conversationType === 'personal' && conversation.userObjectId !== undefined;
    const conversations = this.store.read.conversations;
    // Every turn passes here: a read is cheaper than a write, and most turns change nothing.
    const known = await conversations.find(conversation.conversationId);
    if (
      known?.reference === conversation.reference &&
      known.conversationType === conversation.conversationType
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
    if (await this.store.read.conversations.remove(conversationId)) {
      this.logger.info({ conversationId }, 'conversation forgotten');
    }
  }

  /** A conversation's settings; its client is named only when the actor may read it. */
  async conversation(actor: Actor, conversationId: string): Promise<ConversationSettings | undefined> {
    const found = await this.store.read.conversations.find(conversationId);
    if (found === undefined) return undefined;
    return this.settingsOf(actor, found);
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
    const before = await this.store.read.conversations.find(conversationId);
    if (before === undefined) throw new NotFoundError('Conversation', conversationId);
    const at = this.clock.now().toISOString();
    await this.store.transaction(async (tx) => {
      await tx.conversations.setSubscription(conversationId, {
        enabled,
        clientId: client?.id ?? null,
        subscriberTenantId: actor.tenantId.toLowerCase(),
        subscriberObjectId: actor.objectId.toLowerCase(),
        at,
      });
      await this.audit.record(tx, actor, {
        action: enabled ? 'notifications.on' : 'notifications.off',
        clientId: client?.id ?? null,
        targetType: 'conversation',
        targetId: conversationId,
        before: { enabled: before.notificationsEnabled, clientId: before.clientId },
        after: { enabled, clientId: client?.id ?? null },
      });
    });
    const after = await this.store.read.conversations.find(conversationId);
    if (after === undefined) throw new NotFoundError('Conversation', conversationId);
    return this.settingsOf(actor, after);
  }

  private async settingsOf(actor: Actor, conversation: ConversationRecord): Promise<ConversationSettings> {
    let client: NotifiedClient | null = null;
    if (conversation.clientId !== null) {
      client = await this.clients.get(actor, conversation.clientId).then(
        (found) => ({ id: found.id, name: found.name, displayName: found.displayName }),
        () => null,
      );
    }
    return {
      conversationId: conversation.conversationId,
      conversationType: conversation.conversationType,
      notificationsEnabled: conversation.notificationsEnabled,
      client,
      subscriber:
        conversation.userObjectId === null || conversation.tenantId === null
          ? null
          : { tenantId: conversation.tenantId, objectId: conversation.userObjectId },
    };
  }
}
