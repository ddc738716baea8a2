import type { InactiveLicensedList, LicenceOverview, MonthlyAmount } from '../../src/contracts/licences.js';
import type { TabLink } from '../tab-links.js';
import { act, type CardClient } from './card-actions.js';
import {
  card,
  container,
  count,
  facts,
  heading,
  openTab,
  plural,
  subtle,
  text,
  type AdaptiveCard,
} from './card-kit.js';

const REASONS = {
  expired: 'expired',
  account_disabled: 'sign-in blocked',
  never_signed_in: 'never signed in',
};

/** An amount where the partner set prices; otherwise says so (no cost is ever guessed). */
function money(amount: MonthlyAmount | null): string {
  return amount === null ? 'no price set' : `${amount.amount} ${amount.currency}`;
}

/**
 * `licences`: seats assigned of purchased, unused seats, the monthly cost at the partner's prices, and the inactive
 * users who still hold licences — "these N accounts hold £X a month" — with a link to the Licences screen.
 */
export function licencesCard(
  client: CardClient,
  overview: LicenceOverview,
  inactive: InactiveLicensedList,
  tabLink: TabLink,
): AdaptiveCard {
  const totals = overview.totals;
  const top = overview.subscriptions.slice(0, 6);
  const body = [
    heading(`Licences — ${client.displayName}`),
    ...(overview.read ? [] : [text('The licences have not been read from the tenant yet: sync the client.')]),
    container(
      [
        facts([
          ['Seats assigned', `${count(totals.assignedUnits)} of ${count(totals.purchasedUnits)} purchased`],
          ['Unused seats', `${count(totals.unusedUnits)} (${money(totals.unusedCost)})`],
          ['Monthly cost', money(totals.monthlyCost)],
          [
            'Inactive but licensed',
            totals.inactiveCost === null
              ? `${plural(totals.inactiveLicensedUsers, 'user')} holding licences (no price set)`
              : `${plural(totals.inactiveLicensedUsers, 'user')} holding ${money(totals.inactiveCost)} a month`,
          ],
        ]),
      ],
      'emphasis',
    ),
    ...(top.length === 0
      ? []
      : [
          text('Subscriptions', { weight: 'bolder', size: 'small' }),
          facts(
            top.map((sku) => [
              sku.productName,
              `${count(sku.assignedUnits)}/${count(sku.purchasedUnits)} · ${money(sku.monthlyCost)}`,
            ]),
          ),
        ]),
    ...(inactive.users.length === 0
      ? []
      : [
          text('Inactive but licensed', { weight: 'bolder', size: 'small' }),
          facts(
            inactive.users.map((user) => [
              user.displayName ?? user.userPrincipalName ?? user.id,
              `${user.inactiveReasons.map((reason) => REASONS[reason]).join(', ')} · ${money(user.monthlyCost)}`,
            ]),
          ),
        ]),
    ...(overview.unpricedSkus > 0
      ? [
          subtle(
            `${overview.unpricedSkus === 1 ? '1 product has' : `${count(overview.unpricedSkus)} products have`} no price: set your prices in the tab's Licences screen to see the cost.`,
          ),
        ]
      : []),
  ];
  return card(body, [
    ...(totals.inactiveLicensedUsers > 0
      ? [
          act('Block sign-in of expired users…', 'users.act.preview', {
            client: overview.clientId,
            action: 'block_sign_in',
          }),
          act('Remove expired users’ licences…', 'users.act.preview', {
            client: overview.clientId,
            action: 'remove_licences',
          }),
        ]
      : []),
    openTab('Open Licences', tabLink),
  ]);
}
