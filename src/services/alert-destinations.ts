import type { ConversationRecord } from '../store/conversation-repository.js';
import type { Repositories } from '../store/store.js';

/** Who a destination is judged for: the admin choosing it, or (when an alert goes out) the admin who chose it. */
export interface DestinationChooser {
  readonly tenantId: string;
  readonly objectId: string;
}

export interface AlertDestinations {
  /** The conversations this chooser may send this client's alerts to. */
  readonly offered: readonly ConversationRecord[];
  /** Conversations that belong to other clients only. */
  readonly otherClients: ReadonlySet<string>;
  /** Other people's personal chats with the bot: only their owner may choose them. */
  readonly othersPersonal: ReadonlySet<string>;
}

/**
 * The one rule of where a client's alerts may go (issue 16): the chooser's own personal chat, and the group chats
 * and channels that belong to this client or to no client (the partner's own). A chat or channel belongs to a
 * client when it is subscribed to that client's notifications, holds that client's tab, or is in that client's
 * connected tenant (the chooser's own tenant aside: that is where the partner's own chats are). Used when the
 * settings are offered and saved, and again each time an alert goes out, so a destination saved before this rule
 * (or one that has since become another client's) never hears this client's alerts.
 */
export async function alertDestinations(
  read: Repositories,
  chooser: DestinationChooser,
  clientId: string,
): Promise<AlertDestinations> {
  const [rows, placements, integrations] = await Promise.all([
    read.conversations.all(),
    read.tabPlacements.all(),
    read.integrations.list(),
  ]);
  const chooserTenant = chooser.tenantId.toLowerCase();
  const ownersOf = (row: ConversationRecord): Set<string> => {
    // A channel conversation's id may carry the thread (`19:…@thread.tacv2;messageid=…`); a tab names the channel.
    const place = row.conversationId.split(';')[0];
    const tenant = row.tenantId?.toLowerCase();
    return new Set([
      ...(row.clientId === null ? [] : [row.clientId]),
      ...placements.filter((p) => p.id === place).map((p) => p.clientId),
      ...(tenant === undefined || tenant === chooserTenant
        ? []
        : integrations.filter((i) => i.tenantId.toLowerCase() === tenant).map((i) => i.clientId)),
    ]);
  };
  const offered: ConversationRecord[] = [];
  const otherClients = new Set<string>();
  const othersPersonal = new Set<string>();
  for (const row of rows) {
    if (row.conversationType === 'personal') {
      if (row.userObjectId === chooser.objectId.toLowerCase() && row.tenantId === chooserTenant)
        offered.push(row);
      else othersPersonal.add(row.conversationId);
      continue;
    }
    const owners = ownersOf(row);
    if (owners.size === 0 || owners.has(clientId)) offered.push(row);
    else otherClients.add(row.conversationId);
  }
  return { offered, otherClients, othersPersonal };
}

/**
 * Whether a saved destination may still hear the client's alerts: `allowed`, `gone` (the bot no longer knows the
 * conversation: nothing can be sent there), or `refused` (another client's chat or channel, or someone else's
 * personal chat).
 */
export async function destinationVerdict(
  read: Repositories,
  chooser: DestinationChooser,
  clientId: string,
  conversationId: string,
): Promise<'allowed' | 'gone' | 'refused'> {
  const { offered } = await alertDestinations(read, chooser, clientId);
  if (offered.some((row) => row.conversationId === conversationId)) return 'allowed';
  return (await read.conversations.find(conversationId)) === undefined ? 'gone' : 'refused';
}

/** What the settings screen says about a saved destination that may no longer hear the client's alerts. */
export const REFUSED_DESTINATION_NOTE =
  "Needs attention: this chat or channel is not one of this client's (or yours) any more, so this client's alerts are not sent there; they go to every subscribed chat until you choose another.";
