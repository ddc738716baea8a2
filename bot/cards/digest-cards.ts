import type { Notification } from '../../src/domain/notification-kinds.js';
import type { TabPlacementView } from '../../src/services/tab-placement-service.js';
import type { TabLinks } from '../tab-links.js';
import { act, clientLabel } from './card-actions.js';
import {
  card,
  count,
  facts,
  heading,
  openTab,
  plural,
  subtle,
  text,
  when,
  type AdaptiveCard,
} from './card-kit.js';

function percent(share: number | null): string {
  return share === null ? 'no data yet' : `${(share * 100).toFixed(1)} %`;
}

/** A client's weekly summary (issue 16): billable users and their trend, expiries, MFA and SSO coverage, top apps. */
export function weeklyDigestCard(
  notification: Extract<Notification, { kind: 'weekly_digest' }>,
  links: TabLinks,
  place?: TabPlacementView,
): AdaptiveCard {
  const client = notification.client;
  const { now, weekAgo } = notification.billable;
  const trend =
    weekAgo === null
      ? `${count(now)} (no figure from a week ago yet)`
      : `${count(now)} (${now - weekAgo >= 0 ? '+' : '−'}${count(Math.abs(now - weekAgo))} in a week)`;
  return card(
    [
      heading(`Weekly summary — ${clientLabel(client)}`),
      subtle(`Week of ${notification.week}`),
      facts([
        ['Billable users', trend],
        ['Stopped being billed this week', count(notification.expiredThisWeek)],
        ['Will stop within 7 days', count(notification.expiringSoon)],
        ['Registered for MFA', percent(notification.mfaRegistered)],
        ['App sign-ins through single sign-on', percent(notification.ssoShare)],
      ]),
      text('Most used apps (last 30 days)', { weight: 'bolder', separator: true }),
      ...(notification.topApps.length === 0
        ? [subtle('No app sign-ins in the last 30 days.')]
        : [
            facts(
              notification.topApps.map((app): [string, string] => [
                app.name,
                `${count(app.activeUsers)} users`,
              ]),
            ),
          ]),
    ],
    [
      act('Status', 'status.show', { client: client.id }),
      openTab('Open the reports', links.client(client, { section: 'reports', kind: 'usage' }, place)),
    ],
  );
}

/** The alerts of a client held back for its daily digest, one line each. */
export function alertDigestCard(
  notification: Extract<Notification, { kind: 'alert_digest' }>,
  links: TabLinks,
  place?: TabPlacementView,
): AdaptiveCard {
  const client = notification.client;
  return card(
    [
      heading(`Daily alerts — ${clientLabel(client)}`),
      subtle(`${plural(notification.alerts.length, 'alert')} since the last digest`),
      ...notification.alerts.map((alert) => text(`${when(alert.triggeredAt)} · ${alert.summary}`)),
    ],
    [openTab('Open the notifications', links.client(client, { section: 'notifications' }, place))],
  );
}
