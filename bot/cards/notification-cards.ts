import type { Notification, NotifiedUserList } from '../../src/domain/notification-kinds.js';
import type { TabPlacementView } from '../../src/services/tab-placement-service.js';
import type { TabLinks } from '../tab-links.js';
import { alertDigestCard, weeklyDigestCard } from './digest-cards.js';
import { act, clientLabel, type CardClient } from './card-actions.js';
import {
  card,
  container,
  count,
  facts,
  heading,
  openTab,
  plural,
  rowWithAction,
  subtle,
  text,
  when,
  type AdaptiveCard,
  type CardElement,
} from './card-kit.js';

function userRows(client: CardClient, list: NotifiedUserList): CardElement[] {
  const rows: CardElement[] = list.users.map((user) =>
    rowWithAction(
      [
        text(user.displayName ?? user.userPrincipalName ?? user.id, { weight: 'bolder' }),
        text(`${user.userPrincipalName ?? user.id} · ${user.explanation}`, {
          size: 'small',
          isSubtle: true,
          spacing: 'none',
        }),
      ],
      act('Disable…', 'user.disable.ask', { client: client.id, user: user.id }, 'destructive'),
    ),
  );
  if (list.total > list.users.length)
    rows.push(subtle(`…and ${count(list.total - list.users.length)} more.`));
  return rows;
}

/**
 * The card of a proactive notification (DESIGN rule 11). Every card names its client and offers the next step:
 * the status, a retry, the users concerned (each with Disable), or the tab's configuration.
 */
export function notificationCard(
  notification: Notification,
  links: TabLinks,
  place?: TabPlacementView,
): AdaptiveCard {
  if (notification.kind === 'app_secret_expiring') return ownSecretCard(notification);
  const client = notification.client;
  const label = clientLabel(client);
  const status = act('Status', 'status.show', { client: client.id });
  switch (notification.kind) {
    case 'weekly_digest':
      return weeklyDigestCard(notification, links, place);
    case 'alert_digest':
      return alertDigestCard(notification, links, place);
    case 'integration_created':
      return card(
        [
          heading(`${label} is connected`, 'good'),
          facts([
            ['Organisation', notification.organizationName ?? '—'],
            ['Tenant', notification.tenantId],
            ['Connected', `${when(notification.createdAt)} by ${notification.createdBy}`],
          ]),
          text('The first sync starts now; I will tell you when it has finished.'),
        ],
        [status],
      );
    case 'first_sync_finished':
      return card(
        [
          heading(`First sync of ${label} finished`, 'good'),
          text(
            `${plural(notification.users, 'user')} and ${plural(notification.groups, 'group')} are visible now (${when(notification.finishedAt)}).`,
          ),
        ],
        [
          act('Users', 'users.list', { client: client.id }),
          act('Groups', 'groups.list', { client: client.id }),
          status,
        ],
      );
    case 'sync_failed':
      return card(
        [
          container(
            [heading(`The sync of ${label} is failing`, 'attention'), text(notification.message)],
            'attention',
          ),
          subtle(
            `Failing since ${when(notification.since)}. I will tell you once when it works again, not at every failure.`,
          ),
        ],
        [act('Retry now', 'sync.start', { client: client.id }), status],
      );
    case 'sync_recovered':
      return card(
        [
          heading(`The sync of ${label} works again`, 'good'),
          text(
            `It had been failing since ${when(notification.failedSince)}; it recovered at ${when(notification.recoveredAt)}.`,
          ),
        ],
        [status],
      );
    case 'users_expiring': {
      const body: CardElement[] = [
        heading(`Expiring users — ${label}`),
        subtle(
          `${notification.day} · threshold ${plural(notification.thresholdDays, 'day')} without activity`,
        ),
      ];
      if (notification.expiredToday.total > 0) {
        body.push(
          text(
            `${plural(notification.expiredToday.total, 'user')} expired today: no longer billable until they sign in again.`,
            { weight: 'bolder', color: 'attention' },
          ),
          ...userRows(client, notification.expiredToday),
        );
      }
      if (notification.expiringSoon.total > 0) {
        body.push(
          text(
            `${plural(notification.expiringSoon.total, 'user')} will expire within 7 days unless they sign in.`,
            { weight: 'bolder', color: 'warning', separator: true },
          ),
          ...userRows(client, notification.expiringSoon),
        );
      }
      return card(body, [
        act('All expired users', 'users.list', { client: client.id, filter: 'expired' }),
        openTab(
          'Open expired users in the tab',
          links.client(client, { section: 'users', filter: 'expired' }, place),
        ),
        ...(notification.expiringSoon.total > 0
          ? [
              openTab(
                'Open users expiring soon in the tab',
                links.client(client, { section: 'users', filter: 'expiring' }, place),
              ),
            ]
          : []),
      ]);
    }
    case 'permission_missing':
      return card(
        [
          container(
            [heading(`${label} is missing permissions`, 'attention'), text(notification.missing.join(', '))],
            'attention',
          ),
          text(
            'Ask the client’s admin to grant these application permissions (admin consent) in Entra ID, then test the connection in the tab.',
            { size: 'small' },
          ),
          subtle(`Since ${when(notification.since)}.`),
        ],
        [openTab('Open the configuration', links.client(client, { section: 'setup' }, place)), status],
      );
    case 'permission_restored':
      return card(
        [heading(`${label} has every permission again`, 'good'), subtle(when(notification.restoredAt))],
        [status],
      );
    case 'secret_expiring': {
      const expired = notification.daysLeft < 0;
      return card(
        [
          heading(
            expired
              ? `The client secret of ${label} has expired`
              : `The client secret of ${label} expires soon`,
            expired ? 'attention' : 'warning',
          ),
          text(
            expired
              ? `It expired on ${when(notification.expiresAt, true)}: syncs fail until a new secret is saved.`
              : `It expires on ${when(notification.expiresAt, true)} (${notification.daysLeft === 0 ? 'today' : `in ${plural(notification.daysLeft, 'day')}`}). Create a new secret in Entra ID and save it in the tab before then.`,
          ),
        ],
        [openTab('Rotate the secret', links.client(client, { section: 'setup' }, place)), status],
      );
    }
  }
}

/** What each of the app's own secrets is for, in the words of the person who has to rotate it. */
const ownSecretNames = {
  bot_password: {
    what: 'The bot password',
    breaks: 'the bot can no longer answer or send notifications',
    app: "the bot's Entra app",
  },
  consent_app_secret: {
    what: 'The secret of the admin-consent app',
    breaks: 'clients connected through admin consent stop syncing',
    app: 'the Entra app of the tab and admin consent',
  },
} as const;

function ownSecretCard(notification: Extract<Notification, { kind: 'app_secret_expiring' }>): AdaptiveCard {
  const names = ownSecretNames[notification.secret];
  const expired = notification.daysLeft < 0;
  const day = when(notification.expiresAt, true);
  return card([
    container(
      [
        heading(
          expired
            ? `${names.what} of Identity Manager has expired`
            : `${names.what} of Identity Manager expires ${notification.daysLeft === 0 ? 'today' : `in ${plural(notification.daysLeft, 'day')}`}`,
          expired ? 'attention' : 'warning',
        ),
        text(
          expired
            ? `It expired on ${day}: ${names.breaks} until it is replaced.`
            : `It expires on ${day}; after that ${names.breaks}.`,
        ),
      ],
      expired ? 'attention' : 'warning',
    ),
    text(
      `To rotate it: in Entra ID → App registrations, open ${names.app}, add a new client secret under Certificates & secrets, put it and its end date in the server's settings (the README's “Rotating the app's own secrets” names them), restart the server, then delete the old secret.`,
      { size: 'small' },
    ),
  ]);
}
