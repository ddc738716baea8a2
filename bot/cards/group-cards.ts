import type { ExclusionPreview, ExclusionResult, GroupView } from '../../src/contracts/groups.js';
import type { UserView } from '../../src/contracts/users.js';
import { act, clientLabel, type CardClient } from './card-actions.js';
import {
  card,
  container,
  count,
  facts,
  heading,
  plural,
  rowWithAction,
  subtle,
  text,
  when,
  type AdaptiveCard,
  type CardAction,
  type CardElement,
} from './card-kit.js';
import { stateText, userName } from './user-cards.js';

export function groupName(group: Pick<GroupView, 'displayName' | 'id'>): string {
  return group.displayName ?? group.id;
}

const KIND_TEXT: Readonly<Record<GroupView['kind'], string>> = {
  security: 'security group',
  microsoft365: 'Microsoft 365 group',
  distribution: 'distribution list',
  mail_enabled_security: 'mail-enabled security group',
};

function groupSummary(group: GroupView): string {
  const parts = [
    KIND_TEXT[group.kind],
    ...(group.isTeam ? ['team'] : []),
    ...(group.dynamic ? ['dynamic'] : []),
    plural(group.counts.transitiveUsers, 'user'),
  ];
  return parts.join(' · ');
}

export interface GroupCardOptions {
  readonly notice?: { readonly text: string; readonly tone: 'good' | 'neutral' };
  /** Whether the person looking may exclude and change reporting (client:operate): a viewer only views users. */
  readonly canOperate?: boolean;
}

/** One group, with Exclude (rule 6), Import for reporting / Stop reporting (rule 7) and View users. */
export function groupCard(
  client: CardClient,
  group: GroupView,
  options: GroupCardOptions = {},
): AdaptiveCard {
  const body: CardElement[] = [heading(groupName(group)), subtle(clientLabel(client))];
  if (options.notice !== undefined) {
    body.push(
      container(
        [text(options.notice.text, { weight: 'bolder' })],
        options.notice.tone === 'good' ? 'good' : 'emphasis',
      ),
    );
  }
  const rows: (readonly [string, string])[] = [
    ['Kind', groupSummary(group)],
    [
      'Members',
      `${plural(group.counts.directUsers, 'user')} and ${plural(group.counts.directGroups, 'group')} directly; ${plural(group.counts.transitiveUsers, 'user')} in all`,
    ],
    [
      'Excluded',
      group.excluded === null
        ? 'no'
        : `yes, since ${when(group.excluded.at, true)}${group.excluded.by === null ? '' : ` by ${group.excluded.by}`}`,
    ],
    ['Reporting', group.reportingEnabled ? 'imported for reporting' : 'not a report filter'],
  ];
  if (group.mail !== null) rows.push(['Mail', group.mail]);
  if (group.entraState !== 'active') rows.push(['Entra', 'deleted']);
  body.push(facts(rows));
  if (group.description !== null && group.description !== '')
    body.push(text(group.description, { size: 'small', isSubtle: true }));
  const target = { client: client.id, group: group.id };
  const actions: CardAction[] = [];
  if (options.canOperate !== false) {
    if (group.excluded === null && group.entraState === 'active')
      actions.push(act('Exclude…', 'group.exclude.preview', target, 'destructive'));
    actions.push(
      group.reportingEnabled
        ? act('Stop reporting', 'group.reporting', { ...target, enabled: false })
        : act('Import for reporting', 'group.reporting', { ...target, enabled: true }, 'positive'),
    );
  }
  actions.push(act('View users', 'group.members', target));
  return card(body, actions);
}

/** `groups [client] [search]`: groups by name with their member counts, each with an Open button. */
export function groupListCard(
  client: CardClient,
  page: { readonly items: readonly GroupView[]; readonly total: number },
  /** `empty`: what an empty page says instead of "No group matches." (why nothing is there). */
  query: { readonly search?: string; readonly offset: number; readonly empty?: string | undefined },
): AdaptiveCard {
  const searched = query.search === undefined || query.search === '' ? '' : ` matching “${query.search}”`;
  const body: CardElement[] = [
    heading(`Groups${searched} — ${count(page.total)}`),
    subtle(clientLabel(client)),
  ];
  if (page.items.length === 0) body.push(text(query.empty ?? 'No group matches.'));
  for (const group of page.items) {
    const flags = [
      group.excluded === null ? undefined : 'excluded',
      group.reportingEnabled ? 'reporting' : undefined,
    ].filter((flag) => flag !== undefined);
    body.push(
      rowWithAction(
        [
          text(groupName(group), { weight: 'bolder' }),
          text([groupSummary(group), ...flags].join(' · '), {
            size: 'small',
            isSubtle: true,
            spacing: 'none',
          }),
        ],
        act('Open', 'group.show', { client: client.id, group: group.id }),
      ),
    );
  }
  const next = query.offset + page.items.length;
  const actions: CardAction[] =
    next < page.total
      ? [
          act('More', 'groups.list', {
            client: client.id,
            offset: next,
            ...(query.search === undefined ? {} : { search: query.search }),
          }),
        ]
      : [];
  return card(body, actions);
}

/** Several groups match what was typed: pick one. */
export function groupChoiceCard(
  client: CardClient,
  typed: string,
  candidates: readonly GroupView[],
  more: boolean,
): AdaptiveCard {
  const body: CardElement[] = [
    heading('Which group?'),
    text(`Several groups of ${clientLabel(client)} match “${typed}”. Pick one.`),
  ];
  for (const group of candidates) {
    body.push(
      rowWithAction(
        [
          text(groupName(group), { weight: 'bolder' }),
          text(groupSummary(group), { size: 'small', isSubtle: true, spacing: 'none' }),
        ],
        act('Choose', 'group.show', { client: client.id, group: group.id }),
      ),
    );
  }
  if (more) body.push(subtle('More groups match: type more of the name.'));
  return card(body);
}

/** View users (rule 7): the group's transitive members with their states. */
export function groupMembersCard(
  client: CardClient,
  group: GroupView,
  members: readonly (UserView & { readonly direct: boolean })[],
  nextCursor: string | null,
): AdaptiveCard {
  const body: CardElement[] = [
    heading(`Users of ${groupName(group)} — ${count(group.counts.transitiveUsers)}`),
    subtle(`${clientLabel(client)} · nested members included`),
  ];
  if (members.length === 0) body.push(text('The group has no user members.'));
  for (const user of members) {
    body.push(
      rowWithAction(
        [
          text(userName(user), { weight: 'bolder' }),
          text(`${user.userPrincipalName ?? user.id} · ${stateText(user)}${user.direct ? '' : ' · nested'}`, {
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
  if (nextCursor !== null)
    actions.push(act('More', 'group.members', { client: client.id, group: group.id, cursor: nextCursor }));
  actions.push(act('Back to group', 'group.show', { client: client.id, group: group.id }));
  return card(body, actions);
}

/**
 * Rule 6, step 1: what excluding the group does — who is disabled and the billable count before → after — with a
 * Confirm bound to this very preview (its token: this admin, this membership, 15 minutes, once).
 */
export function exclusionPreviewCard(client: CardClient, preview: ExclusionPreview): AdaptiveCard {
  const group = preview.group;
  const body: CardElement[] = [
    heading(`Exclude ${groupName(group)}?`, 'attention'),
    subtle(clientLabel(client)),
  ];
  if (preview.alreadyExcluded) {
    body.push(text('This group is excluded already; there is nothing to confirm.', { color: 'good' }));
    return card(body, [act('Open group', 'group.show', { client: client.id, group: group.id })]);
  }
  body.push(
    container(
      [
        facts([
          ...preview.figures.facts.map((fact): [string, string] => [fact.label, fact.value]),
          ['Valid until', when(preview.expiresAt)],
        ]),
        ...(preview.figures.note === null ? [] : [text(preview.figures.note, { size: 'small' })]),
      ],
      'warning',
    ),
    text(
      'Excluding cannot be undone: the group can never be reintroduced, and anyone who joins it later is never imported.',
      {
        color: 'attention',
        weight: 'bolder',
      },
    ),
  );
  const sample = preview.affected.sample.slice(0, 10);
  if (sample.length > 0) {
    body.push(text('Among them:', { size: 'small', weight: 'bolder' }));
    for (const user of sample) {
      body.push(
        text(`${userName(user)} — ${user.userPrincipalName ?? user.id}${user.direct ? '' : ' (nested)'}`, {
          size: 'small',
          spacing: 'none',
        }),
      );
    }
    if (preview.affected.count > sample.length)
      body.push(subtle(`…and ${count(preview.affected.count - sample.length)} more.`));
  }
  return card(body, [
    act(
      `Confirm: exclude ${groupName(group)}`,
      'group.exclude.confirm',
      { client: client.id, group: group.id, token: preview.token },
      'destructive',
    ),
    act('Cancel', 'group.show', { client: client.id, group: group.id }),
  ]);
}

/** Rule 6, step 2 done: what the exclusion did, or that it had been done already (a repeated click is harmless). */
export function exclusionResultCard(client: CardClient, result: ExclusionResult): AdaptiveCard {
  const group = result.group;
  const body: CardElement[] = [
    heading(
      result.excludedNow ? `${groupName(group)} is excluded` : `${groupName(group)} was excluded already`,
      'good',
    ),
    subtle(clientLabel(client)),
    facts(
      result.excludedNow
        ? result.figures.facts.map((fact): [string, string] => [fact.label, fact.value])
        : [
            [
              'Excluded',
              group.excluded === null
                ? '—'
                : `${when(group.excluded.at)}${group.excluded.by === null ? '' : ` by ${group.excluded.by}`}`,
            ],
          ],
    ),
    text(
      result.excludedNow
        ? 'Its members stop being collected and what was collected of them is deleted; new members will never be imported.'
        : 'Nothing changed.',
      { size: 'small' },
    ),
  ];
  return card(body, [
    act('Open group', 'group.show', { client: client.id, group: group.id }),
    act('View users', 'group.members', { client: client.id, group: group.id }),
  ]);
}
