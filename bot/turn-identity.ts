import type { Activity, ConversationReference } from 'botbuilder';
import type { Actor } from '../src/services/actor.js';

/**
 * Who is acting in a turn (DESIGN §2): the Entra object id Teams puts on the sender (`from.aadObjectId`) and the
 * tenant of the conversation (`conversation.tenantId`, else `channelData.tenant.id`). Both are required; the display
 * name is for cards and the audit log only. With authentication on, the Bot Framework token vouches for them.
 */
export function actorOf(activity: Partial<Activity>): Actor | undefined {
  const objectId = activity.from?.aadObjectId;
  const tenantId = tenantOf(activity);
  if (typeof objectId !== 'string' || objectId.trim() === '' || objectId.length > 64) return undefined;
  if (tenantId === undefined) return undefined;
  const name = activity.from?.name;
  return {
    tenantId,
    objectId: objectId.trim().toLowerCase(),
    name: typeof name === 'string' && name.trim() !== '' ? name.trim().slice(0, 256) : undefined,
    channel: 'bot',
  };
}

export function tenantOf(activity: Partial<Activity>): string | undefined {
  const channelData: unknown = activity.channelData;
  const fromChannelData =
    typeof channelData === 'object' && channelData !== null && 'tenant' in channelData
      ? (channelData.tenant as { id?: unknown } | undefined)?.id
      : undefined;
  const tenant = activity.conversation?.tenantId ?? fromChannelData;
  if (typeof tenant !== 'string' || tenant.trim() === '' || tenant.length > 64) return undefined;
  return tenant.trim().toLowerCase();
}

/**
 * The key a conversation is known by. A channel message arrives in a thread (`19:…@thread.tacv2;messageid=…`);
 * subscriptions and notifications belong to the channel, so the thread part is dropped.
 */
export function conversationKeyOf(activity: Partial<Activity>): string | undefined {
  const id = activity.conversation?.id;
  if (typeof id !== 'string' || id === '') return undefined;
  return activity.conversation?.conversationType === 'channel' ? id.split(';messageid=')[0] : id;
}

/** What the notifier needs to reach a conversation again; stored as JSON text by the core. */
export interface StoredReference {
  readonly reference: Partial<ConversationReference>;
  /** For channels: the channel to start a new post in, and its team. */
  readonly channel?: { readonly id: string; readonly teamId: string | undefined };
}

/** The reference to store for a turn's conversation: a channel's points at the channel, not the thread. */
export function storedReferenceOf(
  turnReference: Partial<ConversationReference>,
  activity: Partial<Activity>,
): StoredReference {
  // The id of the activity that happened to carry the reference changes every turn and is not needed to reach the
  // conversation again; without it an unchanged conversation stores an unchanged reference.
  const { activityId: _activityId, ...reference } = turnReference;
  const key = conversationKeyOf(activity);
  if (activity.conversation?.conversationType !== 'channel' || key === undefined) return { reference };
  const channelData: unknown = activity.channelData;
  const teamId =
    typeof channelData === 'object' && channelData !== null && 'team' in channelData
      ? (channelData.team as { id?: unknown } | undefined)?.id
      : undefined;
  return {
    reference: {
      ...reference,
      conversation: {
        ...(reference.conversation ?? { isGroup: true, conversationType: 'channel', name: '' }),
        id: key,
      },
    },
    channel: { id: key, teamId: typeof teamId === 'string' ? teamId : undefined },
  };
}
