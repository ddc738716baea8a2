import type { Kysely } from 'kysely';
import type { ConversationReferenceRow, Database } from './schema.js';

/** A conversation as the bot captured it on a turn (the reference itself is opaque JSON text). */
export interface CapturedConversation {
  readonly conversationId: string;
  readonly conversationType: string;
  readonly tenantId: string;
  /** The user of a personal chat; undefined for channels and group chats. */
  readonly userObjectId: string | undefined;
  readonly reference: string;
}

/** A conversation the bot knows, with its notification subscription. */
export interface ConversationRecord {
  readonly conversationId: string;
  readonly conversationType: string;
  /** Opaque JSON text the notifier needs to reach the conversation again. */
  readonly reference: string;
  /** The subscriber's tenant (for a personal chat, its user's). */
  readonly tenantId: string | null;
  /** The subscriber (for a personal chat, its user); null until someone turns notifications on in a channel. */
  readonly userObjectId: string | null;
  readonly notificationsEnabled: boolean;
  /** The client it is subscribed to; null = every client the subscriber may see. */
  readonly clientId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

function toRecord(row: ConversationReferenceRow): ConversationRecord {
  return {
    conversationId: row.conversation_id,
    conversationType: row.conversation_type,
    reference: row.reference,
    tenantId: row.tenant_id,
    userObjectId: row.user_object_id,
    notificationsEnabled: row.notifications_enabled === 1,
    clientId: row.client_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Conversation references of the bot (DESIGN §6: in the database, never in memory), with each conversation's
 * notification subscription: whether it is on, for which client (null: every client the subscriber may see), and
 * the subscriber whose rights decide what it is told (`user_object_id` + `tenant_id`).
 */
export class ConversationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Inserts the conversation, or refreshes its reference. The subscription of a known conversation is left alone;
   * a new one starts with `notificationsEnabled`.
   */
  async upsert(conversation: CapturedConversation, at: string, notificationsEnabled: boolean): Promise<void> {
    await this.db
      .insertInto('conversation_references')
      .values({
        conversation_id: conversation.conversationId,
        reference: conversation.reference,
        conversation_type: conversation.conversationType,
        tenant_id: conversation.tenantId,
        user_object_id: conversation.userObjectId ?? null,
        notifications_enabled: notificationsEnabled ? 1 : 0,
        client_id: null,
        created_at: at,
        updated_at: at,
      })
      .onConflict((conflict) =>
        conflict.column('conversation_id').doUpdateSet({
          reference: conversation.reference,
          conversation_type: conversation.conversationType,
          updated_at: at,
        }),
      )
      .execute();
  }

  async find(conversationId: string): Promise<ConversationRecord | undefined> {
    const row = await this.db
      .selectFrom('conversation_references')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    return row === undefined ? undefined : toRecord(row);
  }

  /** @returns whether a row was removed. */
  async remove(conversationId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('conversation_references')
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async setSubscription(
    conversationId: string,
    subscription: {
      readonly enabled: boolean;
      readonly clientId: string | null;
      readonly subscriberTenantId: string;
      readonly subscriberObjectId: string;
      readonly at: string;
    },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('conversation_references')
      .set({
        notifications_enabled: subscription.enabled ? 1 : 0,
        client_id: subscription.clientId,
        tenant_id: subscription.subscriberTenantId,
        user_object_id: subscription.subscriberObjectId,
        updated_at: subscription.at,
      })
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Conversations subscribed to the client's notifications (for it alone, or for every client), oldest first. */
  async subscribedTo(clientId: string): Promise<ConversationRecord[]> {
    const rows = await this.db
      .selectFrom('conversation_references')
      .selectAll()
      .where('notifications_enabled', '=', 1)
      .where('user_object_id', 'is not', null)
      .where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', clientId)]))
      .orderBy('created_at')
      .orderBy('conversation_id')
      .execute();
    return rows.map(toRecord);
  }

  /** Every conversation the bot knows, oldest first. */
  async all(): Promise<ConversationRecord[]> {
    const rows = await this.db
      .selectFrom('conversation_references')
      .selectAll()
      .orderBy('created_at')
      .orderBy('conversation_id')
      .limit(500)
      .execute();
    return rows.map(toRecord);
  }
}
