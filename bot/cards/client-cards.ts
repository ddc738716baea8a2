import type { ClientStatus } from '../../src/contracts/clients.js';
import type { ClientDashboardRow } from '../../src/contracts/dashboard.js';
import { SYNC_TRIGGER_WORDS } from '../../src/contracts/sync-words.js';
import type { BotCommand } from '../commands/bot-command.js';
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
  type CardElement,
} from './card-kit.js';

function lastSyncText(status: ClientStatus): string {
  const last = status.lastSync;
  if (last === null) return status.integration === 'not connected' ? 'not connected yet' : 'never synced';
  if (last.status === 'running') return `running since ${when(last.startedAt)}`;
  const at = when(last.finishedAt ?? last.startedAt);
  return last.status === 'failed' ? `failed ${at}` : `succeeded ${at} (${SYNC_TRIGGER_WORDS[last.trigger]})`;
}

function billableText(status: ClientStatus): string {
  if (status.integration === 'not connected') return '—';
  // Until the tenant's activity has been read nobody counts as expired: the figure may still drop.
  return status.activityData === 'unknown'
    ? `${count(status.billable)} (reading activity…)`
    : count(status.billable);
}

function syncColor(status: ClientStatus): 'good' | 'attention' | 'accent' | 'default' {
  const last = status.lastSync;
  if (last === null) return 'default';
  if (last.status === 'failed') return 'attention';
  return last.status === 'running' ? 'accent' : 'good';
}

/** `clients`: every client the person may see, one row each — the tab's dashboard in short — with a Status button. */
export function clientsCard(rows: readonly ClientDashboardRow[]): AdaptiveCard {
  const body: CardElement[] = [
    heading(rows.length === 1 ? 'Your client' : `Your clients (${count(rows.length)})`),
  ];
  if (rows.length === 0) {
    body.push(
      text('You cannot see any client yet. A partner admin adds clients and gives you a role on them.'),
    );
  }
  for (const row of rows.slice(0, 25)) {
    body.push(
      rowWithAction(
        [
          text(clientLabel(row), { weight: 'bolder' }),
          text(
            `${count(row.users)} users · billable ${billableText(row)}${trendText(row)} · sync ${lastSyncText(row)}`,
            {
              isSubtle: true,
              size: 'small',
              spacing: 'none',
              color: syncColor(row),
            },
          ),
          text(figuresText(row), { isSubtle: true, size: 'small', spacing: 'none' }),
          ...changesLine(row),
          ...problemsLine(row),
        ],
        act('Status', 'status.show', { client: row.id }),
      ),
    );
  }
  if (rows.length > 25)
    body.push(subtle(`…and ${count(rows.length - 25)} more: name one with “status <client>”.`));
  return card(body);
}

function signed(value: number): string {
  return value > 0 ? `+${count(value)}` : value < 0 ? `−${count(-value)}` : '±0';
}

/** The billable count's move over 7 days, where a snapshot that old exists. */
function trendText(row: ClientDashboardRow): string {
  const change = row.billableTrend.change7Days;
  return change === null || row.integration === 'not connected' ? '' : ` (${signed(change)} in 7 days)`;
}

function figuresText(row: ClientDashboardRow): string {
  const pct = (value: number | null): string => (value === null ? 'no data yet' : `${String(value)} %`);
  return `${count(row.expired)} expired · MFA registered ${pct(row.mfaRegisteredPercent)} · SSO share ${pct(row.ssoSharePercent)} · ${count(row.guests)} guests`;
}

/** What changed since yesterday, when anything did. */
function changesLine(row: ClientDashboardRow): CardElement[] {
  const since = row.sinceYesterday;
  const parts = [
    since.newUsers > 0 ? plural(since.newUsers, 'new user') : null,
    since.newExpiries > 0 ? `${plural(since.newExpiries, 'user')} expired` : null,
    since.newApps > 0 ? plural(since.newApps, 'new app') : null,
    since.mfaRegistrationsLost !== null && since.mfaRegistrationsLost > 0
      ? `${plural(since.mfaRegistrationsLost, 'MFA registration')} lost`
      : null,
  ].filter((part): part is string => part !== null);
  if (parts.length === 0) return [];
  return [text(`Since yesterday: ${parts.join(', ')}`, { size: 'small', spacing: 'none', color: 'accent' })];
}

/** The worst problem the status service found, and how many more (its Status card lists them all). */
function problemsLine(status: ClientStatus): CardElement[] {
  const [worst] = status.problems;
  if (worst === undefined) return [];
  const more = status.problems.length - 1;
  return [
    text(`Needs attention: ${worst}${more > 0 ? ` (+${count(more)} more)` : ''}`, {
      color: 'attention',
      size: 'small',
      spacing: 'none',
    }),
  ];
}

export interface StatusCardOptions {
  /** A line above the facts (what just happened). */
  readonly notice?: string;
  /** Whether the person may start a sync (the operate right). */
  readonly canOperate: boolean;
}

/** `status [client]`: the integration, the directory copy and the last sync, with the next steps. */
export function statusCard(status: ClientStatus, options: StatusCardOptions): AdaptiveCard {
  const client = { id: status.id, name: status.name, displayName: status.displayName };
  const body: CardElement[] = [heading(clientLabel(client))];
  if (options.notice !== undefined) body.push(text(options.notice, { color: 'accent' }));
  const rows: (readonly [string, string])[] = [
    ['Integration', status.integration],
    ['Organisation', status.organizationName ?? '—'],
    ['Tenant', status.tenantId ?? '—'],
    ['Users', count(status.users)],
    ['Groups', count(status.groups)],
    ['Billable', billableText(status)],
    ['Last sync', lastSyncText(status)],
  ];
  body.push(container([facts(rows)], 'emphasis'));
  if (status.problems.length > 0) {
    body.push(text('Needs attention', { weight: 'bolder', color: 'attention' }));
    for (const problem of status.problems)
      body.push(text(`• ${problem}`, { color: 'attention', size: 'small' }));
  }
  const actions = [
    ...(options.canOperate && status.integration !== 'not connected'
      ? [act('Sync now', 'sync.start', { client: client.id })]
      : []),
    act('Users', 'users.list', { client: client.id }),
    act('Groups', 'groups.list', { client: client.id }),
    act('Refresh', 'status.show', { client: client.id }),
  ];
  return card(body, actions);
}

/**
 * Several clients could be meant: one button per client, each re-running the command for it. The command travels
 * in the button's data and is validated again when clicked.
 */
export function clientChoiceCard(clients: readonly CardClient[], command: BotCommand): AdaptiveCard {
  const body: CardElement[] = [
    heading('Which client?'),
    text(`You can see ${count(clients.length)} clients. Pick one, or add “--client <name>” to the command.`),
  ];
  for (const client of clients.slice(0, 20)) {
    body.push(
      rowWithAction(
        [text(clientLabel(client))],
        act('Choose', 'client.choose', { client: client.id, command }),
      ),
    );
  }
  if (clients.length > 20)
    body.push(subtle(`…and ${count(clients.length - 20)} more: name the client in the command.`));
  return card(body);
}
