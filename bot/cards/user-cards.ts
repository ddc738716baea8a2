import type { UserView } from '../../src/contracts/users.js';
import { expiryWords } from '../../src/contracts/expiry-words.js';
import type { UserListFilter } from '../commands/bot-command.js';
import { act, clientLabel, type CardClient } from './card-actions.js';
import {
  card,
  container,
  count,
  facts,
  heading,
  rowWithAction,
  subtle,
  text,
  when,
  type AdaptiveCard,
  type CardAction,
  type CardElement,
} from './card-kit.js';

export function userName(user: Pick<UserView, 'displayName' | 'userPrincipalName' | 'id'>): string {
  return user.displayName ?? user.userPrincipalName ?? user.id;
}

/** `imported`, `disabled (manual)`, `expired`… in an admin's words. */
export function stateText(user: UserView): string {
  if (user.entraState !== 'active')
    return user.entraState === 'soft_deleted' ? 'deleted in Entra (restorable)' : 'deleted in Entra';
  if (user.state === 'disabled') {
    const reason =
      user.disableReason === 'manual'
        ? 'by an admin'
        : user.disableReason === 'excluded_group'
          ? 'member of an excluded group'
          : user.disableReason === 'deleted_in_entra'
            ? 'deleted in Entra'
            : 'no reason recorded';
    return `disabled (${reason})`;
  }
  if (user.state === 'imported') return user.expired ? 'imported, expired' : 'imported';
  return 'not imported';
}

/** The actions a user card offers in its state: Import where rule 4 allows it, Disable while collected. */
function userActions(client: CardClient, user: UserView): CardAction[] {
  const actions: CardAction[] = [];
  const importable = user.state !== 'imported' && user.eligibility.eligible && user.entraState === 'active';
  if (importable) {
    actions.push(
      act(
        user.state === 'disabled' ? 'Import again' : 'Import',
        'user.import',
        { client: client.id, user: user.id },
        'positive',
      ),
    );
  }
  // Only a collected user has a collection to stop (rule 5); the first click asks to confirm.
  if (user.state === 'imported') {
    actions.push(act('Disable…', 'user.disable.ask', { client: client.id, user: user.id }, 'destructive'));
  }
  // In Microsoft Entra ID itself (issue 17): each previews first and needs the client's consent to the permission.
  if (user.entraState === 'active' && !user.guest) {
    const entra = (title: string, action: 'block_sign_in' | 'remove_licences'): CardAction =>
      act(title, 'users.act.preview', { client: client.id, action, users: [user.id] });
    // Not for an account synchronised from Active Directory: Graph cannot block it (src/services/user-action-kinds.ts).
    if (user.accountEnabled && !user.onPremisesSynced) actions.push(entra('Block sign-in…', 'block_sign_in'));
    actions.push(entra('Remove licences…', 'remove_licences'));
    // A leaver: every step at once, shown first (src/services/offboarding-service.ts).
    actions.push(
      act('Offboard…', 'user.offboard.preview', { client: client.id, user: user.id }, 'destructive'),
    );
  }
  return actions;
}

export interface UserCardOptions {
  /** What the last action did (or that it changed nothing). */
  readonly notice?: { readonly text: string; readonly tone: 'good' | 'neutral' };
  /**
   * Whether the person looking may import or disable (client:operate): a viewer's card offers no change. Cards in
   * group chats and channels are refreshed for each member, so each sees the buttons of their own role.
   */
  readonly canOperate?: boolean;
  /** Ask to confirm a Disable: what it means, with Disable user and Cancel as the only buttons. */
  readonly confirmDisable?: boolean;
}

/** The tab's Disable dialog, on the card: what disabling means, then the one destructive button and Cancel. */
function disableConfirmation(
  client: CardClient,
  user: UserView,
): {
  element: CardElement;
  actions: CardAction[];
} {
  return {
    element: container(
      [
        text(`Disable ${userName(user)}?`, { weight: 'bolder', color: 'attention' }),
        text(
          'Their activity will no longer be collected and they will no longer be billed. They stay disabled through later syncs until an admin imports them again.',
          { size: 'small' },
        ),
      ],
      'attention',
    ),
    actions: [
      act('Disable user', 'user.disable', { client: client.id, user: user.id }, 'destructive'),
      act('Cancel', 'user.show', { client: client.id, user: user.id }),
    ],
  };
}

/** One user: its identity, collection state, billing and expiry explanation, with Import / Disable. */
export function userCard(client: CardClient, user: UserView, options: UserCardOptions = {}): AdaptiveCard {
  const body: CardElement[] = [heading(userName(user)), subtle(clientLabel(client))];
  if (options.notice !== undefined) {
    body.push(
      container(
        [text(options.notice.text, { weight: 'bolder' })],
        options.notice.tone === 'good' ? 'good' : 'emphasis',
      ),
    );
  }
  const rows: (readonly [string, string])[] = [
    ['UPN', user.userPrincipalName ?? '—'],
    ['Mail', user.mail ?? '—'],
    ['State', stateText(user)],
    [
      'Billable',
      user.billable && user.expiry.status === 'reading_activity'
        ? 'pending (reading activity…)'
        : user.billable
          ? 'yes'
          : 'no',
    ],
    ['Activity', user.expiry.explanation],
    ['Expiry', expiryWords(user, (iso) => when(iso, true))],
    ['Last activity', user.lastActivity === null ? 'none seen' : when(user.lastActivity.at)],
  ];
  if (user.department !== null) rows.push(['Department', user.department]);
  if (user.guest) rows.push(['Account', 'guest (never billable)']);
  else if (user.externalMember) rows.push(['Account', 'external member (#EXT#, billable like a member)']);
  if (user.onPremisesSynced)
    rows.push(['Account', 'synchronised from on-premises Active Directory (block its sign-in there)']);
  if (!user.accountEnabled) rows.push(['Account', 'sign-in blocked in Entra']);
  body.push(facts(rows));
  if (!user.eligibility.eligible)
    body.push(
      text(`Cannot be imported: ${user.eligibility.explanation}.`, { color: 'warning', size: 'small' }),
    );
  if (options.canOperate === false) return card(body, []);
  if (options.confirmDisable === true && user.state === 'imported') {
    const confirmation = disableConfirmation(client, user);
    return card([...body, confirmation.element], confirmation.actions);
  }
  return card(body, userActions(client, user));
}

/** How a card heads a filtered list: "Users expired", "Users with sign-in blocked"… */
const FILTER_WORDS: Readonly<Record<UserListFilter, string>> = {
  expired: 'expired',
  disabled: 'disabled',
  external: 'external members',
  blocked: 'with sign-in blocked',
};

export interface UserListQuery {
  readonly search?: string;
  readonly filter?: UserListFilter;
  /** What an empty page says instead of "Nobody matches." (why nothing is there). */
  readonly empty?: string | undefined;
}

/** `users`: one page of users, each with an Open button, and More when there are more. */
export function userListCard(
  client: CardClient,
  page: {
    readonly items: readonly UserView[];
    readonly nextCursor: string | null;
    readonly total: number | null;
  },
  query: UserListQuery,
): AdaptiveCard {
  const what = [
    query.filter === undefined ? undefined : FILTER_WORDS[query.filter],
    query.search === undefined || query.search === '' ? undefined : `matching “${query.search}”`,
  ]
    .filter((part) => part !== undefined)
    .join(' ');
  const total = page.total ?? page.items.length;
  const body: CardElement[] = [
    heading(`${what === '' ? 'Users' : `Users ${what}`} — ${count(total)}`),
    subtle(clientLabel(client)),
  ];
  if (page.items.length === 0) body.push(text(query.empty ?? 'Nobody matches.'));
  for (const user of page.items) {
    body.push(
      rowWithAction(
        [
          text(userName(user), { weight: 'bolder' }),
          text(`${user.userPrincipalName ?? user.mail ?? user.id} · ${stateText(user)}`, {
            size: 'small',
            isSubtle: true,
            spacing: 'none',
          }),
        ],
        act('Open', 'user.show', { client: client.id, user: user.id }),
      ),
    );
  }
  const actions: CardAction[] = [];
  if (page.nextCursor !== null) {
    actions.push(
      act('More', 'users.list', {
        client: client.id,
        cursor: page.nextCursor,
        ...(query.search === undefined ? {} : { search: query.search }),
        ...(query.filter === undefined ? {} : { filter: query.filter }),
      }),
    );
  }
  return card(body, actions);
}

/** Several users match what was typed: pick one (then Import or Disable it on its card). */
export function userChoiceCard(
  client: CardClient,
  typed: string,
  candidates: readonly UserView[],
  more: boolean,
): AdaptiveCard {
  const body: CardElement[] = [
    heading('Which user?'),
    text(`Several users of ${clientLabel(client)} match “${typed}”. Pick one.`),
  ];
  for (const user of candidates) {
    body.push(
      rowWithAction(
        [
          text(userName(user), { weight: 'bolder' }),
          // Two people of one name differ by their sign-in name and, often, where they work.
          text(
            [user.userPrincipalName ?? user.id, user.department, stateText(user)].filter(Boolean).join(' · '),
            {
              size: 'small',
              isSubtle: true,
              spacing: 'none',
            },
          ),
        ],
        act('Choose', 'user.show', { client: client.id, user: user.id }),
      ),
    );
  }
  if (more) body.push(subtle('More users match: type more of the name, or the UPN.'));
  return card(body);
}
