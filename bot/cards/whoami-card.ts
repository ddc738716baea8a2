import { ROLE_WORDS, type RoleGrant } from '../../src/domain/roles.js';
import type { ConversationSettings } from '../../src/services/conversation-subscriptions.js';
import { act, clientLabel, type CardClient } from './card-actions.js';
import { card, facts, heading, subtle, text, type AdaptiveCard, type CardElement } from './card-kit.js';

export interface WhoamiView {
  readonly displayName: string | undefined;
  readonly tenantId: string;
  readonly objectId: string;
  readonly grants: readonly RoleGrant[];
  /** Client id → client, to name scoped roles. */
  readonly clients: ReadonlyMap<string, CardClient>;
  readonly conversation: ConversationSettings | undefined;
}

function grantText(grant: RoleGrant, clients: ReadonlyMap<string, CardClient>): string {
  const role = ROLE_WORDS[grant.role];
  if (grant.clientScope === '*') return `${role}, every client`;
  const client = clients.get(grant.clientScope);
  return `${role} of ${client === undefined ? grant.clientScope : clientLabel(client)}`;
}

/** `whoami`: the identity the bot acts for, its roles, and this conversation's notification settings. */
export function whoamiCard(view: WhoamiView): AdaptiveCard {
  const body: CardElement[] = [
    heading(view.displayName ?? 'You'),
    facts([
      ['Tenant', view.tenantId],
      ['Object id', view.objectId],
      [
        'Roles',
        view.grants.length === 0
          ? 'none'
          : view.grants.map((grant) => grantText(grant, view.clients)).join('; '),
      ],
    ]),
  ];
  if (view.grants.length === 0)
    body.push(text('You have no role yet: ask a partner admin to assign you one.', { color: 'warning' }));
  body.push(notificationLine(view.conversation));
  return card(body, view.grants.length === 0 ? [] : [act('My clients', 'clients.list', {})]);
}

function notificationLine(conversation: ConversationSettings | undefined): CardElement {
  if (conversation === undefined) return subtle('Notifications: this conversation is not known yet.');
  if (!conversation.notificationsEnabled) return subtle('Notifications: off in this conversation.');
  return subtle(
    `Notifications: on in this conversation, for ${conversation.client === null ? 'every client its subscriber may see' : clientLabel(conversation.client)}.`,
  );
}

/** `notifications on|off`: what this conversation will now be told. */
export function notificationSettingsCard(settings: ConversationSettings): AdaptiveCard {
  const scope = settings.client === null ? 'every client you may see' : clientLabel(settings.client);
  return card(
    [
      heading(
        settings.notificationsEnabled ? 'Notifications are on' : 'Notifications are off',
        settings.notificationsEnabled ? 'good' : 'default',
      ),
      text(
        settings.notificationsEnabled
          ? `This ${settings.conversationType === 'personal' ? 'chat' : 'conversation'} gets proactive notifications for ${scope}: integrations created, first syncs, sync failures (once, and once when they recover), users expiring, missing permissions and expiring secrets.`
          : 'No proactive notifications will be posted here.',
      ),
    ],
    [
      settings.notificationsEnabled
        ? act('Turn off', 'notifications.set', { enabled: false })
        : act('Turn on', 'notifications.set', { enabled: true }),
    ],
  );
}
