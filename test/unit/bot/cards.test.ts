import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { UserView } from '../../../src/contracts/users.js';
import { actionSchemas, isActionVerb } from '../../../bot/actions/action-verbs.js';
import { escapeMarkdown, type AdaptiveCard } from '../../../bot/cards/card-kit.js';
import type { BotCommand } from '../../../bot/commands/bot-command.js';
import { clientChoiceCard, clientsCard, statusCard } from '../../../bot/cards/client-cards.js';
import { errorCard } from '../../../bot/cards/error-card.js';
import {
  exclusionPreviewCard,
  exclusionResultCard,
  groupCard,
  groupChoiceCard,
  groupListCard,
  groupMembersCard,
} from '../../../bot/cards/group-cards.js';
import { helpCard, welcomeCard } from '../../../bot/cards/help-card.js';
import { notificationCard } from '../../../bot/cards/notification-cards.js';
import { execute } from '../../../bot/cards/card-kit.js';
import { licencesCard } from '../../../bot/cards/licence-card.js';
import {
  nothingToActOnCard,
  userActionPreviewCard,
  userActionResultCard,
} from '../../../bot/cards/user-action-cards.js';
import type { UserActionOutcome, UserActionPreview } from '../../../src/contracts/user-actions.js';
import { offboardingPreviewCard, offboardingResultCard } from '../../../bot/cards/offboarding-cards.js';
import { reportCard } from '../../../bot/cards/report-card.js';
import type { OffboardingOutcome, OffboardingPreview } from '../../../src/contracts/offboarding.js';
import { searchCard } from '../../../bot/cards/search-card.js';
import { syncCard, syncFraction } from '../../../bot/cards/sync-card.js';
import { userCard, userChoiceCard, userListCard } from '../../../bot/cards/user-cards.js';
import { notificationSettingsCard, whoamiCard } from '../../../bot/cards/whoami-card.js';
import { exclusionFigures } from '../../../src/domain/exclusion-preview.js';
import { TabLinks } from '../../../bot/tab-links.js';
import type { ClientDashboardRow } from '../../../src/contracts/dashboard.js';
import type { CrossClientSearchResult } from '../../../src/contracts/search.js';
import { jargonIn } from '../../support/plain-language.js';
import { notAvailableNotice } from '../../../src/services/action-availability.js';
import type {
  InactiveLicensedList,
  LicenceOverview,
  MonthlyAmount,
} from '../../../src/contracts/licences.js';
import { viewAfter } from '../../../bot/actions/card-views.js';
import {
  billingReport,
  client,
  exclusionDone,
  group,
  groups,
  mfaReport,
  notifications,
  preview,
  ssoReport,
  statuses,
  usageReport,
  users,
} from './card-fixtures.js';

/** The parts of the Adaptive Cards object model this test uses (`adaptivecards/dist` is UMD, loaded with require). */
interface ParseEvent {
  readonly message: string;
}
interface SerializationContext {
  readonly eventCount: number;
  getEventAt(index: number): ParseEvent;
}
interface AdaptiveCardsModule {
  readonly Versions: { readonly v1_5: unknown };
  readonly SerializationContext: new (version: unknown) => SerializationContext;
  readonly AdaptiveCard: new () => {
    parse(json: unknown, context: SerializationContext): void;
    validateProperties(): { readonly validationEvents: readonly ParseEvent[] };
  };
}

// `require('adaptivecards')` is broken in 3.0.6; the UMD bundle parses and validates without a DOM.
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as AdaptiveCardsModule;

function problemsOf(json: unknown): string[] {
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(json, context);
  const problems = Array.from(
    { length: context.eventCount },
    (_, index) => `parse: ${context.getEventAt(index).message}`,
  );
  for (const event of parsed.validateProperties().validationEvents)
    problems.push(`validate: ${event.message}`);
  return problems;
}

interface FoundAction {
  readonly type: string;
  readonly verb?: unknown;
  readonly data?: unknown;
}

function actionsOf(json: unknown): FoundAction[] {
  const found: FoundAction[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const node = value as Record<string, unknown>;
    if (typeof node.type === 'string' && node.type.startsWith('Action.'))
      found.push(node as unknown as FoundAction);
    Object.values(node).forEach(walk);
  };
  walk(json);
  return found;
}

/** The text a card shows a person: its text blocks, facts, titles, labels and placeholders (not action data or URLs). */
function textsOf(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(textsOf);
  if (node === null || typeof node !== 'object') return [];
  const texts: string[] = [];
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === 'data' || key === 'url' || key === 'iconUrl' || key === 'id' || key === 'verb') continue;
    if (typeof value === 'string') {
      if (
        [
          'text',
          'title',
          'value',
          'label',
          'placeholder',
          'altText',
          'fallbackText',
          'errorMessage',
        ].includes(key)
      ) {
        texts.push(value);
      }
    } else {
      texts.push(...textsOf(value));
    }
  }
  return texts;
}

const TEAMS_APP_ID = '2b7e1a3c-0000-4000-8000-000000000001';
const links = new TabLinks({ publicBaseUrl: 'https://idm.contoso-msp.example', teamsAppId: TEAMS_APP_ID });
const channelTab = { clientId: client.id, kind: 'channel' as const, id: '19:ops-channel@thread.tacv2' };
const command: BotCommand = { name: 'users', args: ['adele'], filter: 'expired' };

/** Every card builder, with representative data: each case is one card a person can see. */
const gbp = (cents: number): MonthlyAmount => ({ cents, amount: (cents / 100).toFixed(2), currency: 'GBP' });
function licenceFixtures(priced: boolean): [LicenceOverview, InactiveLicensedList] {
  const price = (cents: number): MonthlyAmount | null => (priced ? gbp(cents) : null);
  const overview: LicenceOverview = {
    clientId: client.id,
    clientName: client.name,
    currency: priced ? 'GBP' : null,
    read: true,
    subscriptions: [
      {
        skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965',
        skuPartNumber: 'SPE_E3',
        productName: 'Microsoft 365 E3',
        capabilityStatus: 'Enabled',
        purchasedUnits: 50,
        assignedUnits: 46,
        unusedUnits: 4,
        inactiveHolders: 2,
        price: price(3300),
        monthlyCost: price(165_000),
        unusedCost: price(13_200),
        inactiveCost: price(6600),
      },
    ],
    totals: {
      purchasedUnits: 50,
      assignedUnits: 46,
      unusedUnits: 4,
      licensedUsers: 46,
      inactiveLicensedUsers: 2,
      monthlyCost: price(165_000),
      unusedCost: price(13_200),
      inactiveCost: price(6600),
    },
    pricedSkus: priced ? 1 : 0,
    unpricedSkus: priced ? 0 : 1,
    productNamesSource: { url: 'https://learn.microsoft.com/', lastUpdated: '2025-10-29' },
  };
  const inactive: InactiveLicensedList = {
    clientId: client.id,
    total: 1,
    currency: overview.currency,
    monthlyCost: price(3300),
    users: [
      {
        id: '0c8a6f2e-1d3b-4a5c-9e7f-100000000009',
        displayName: 'Adele = Vance',
        userPrincipalName: 'adele@contoso.example',
        accountEnabled: false,
        lastActivityAt: null,
        inactiveReasons: ['account_disabled', 'never_signed_in'],
        licences: [],
        monthlyCost: price(3300),
        unpricedLicences: 0,
      },
    ],
  };
  return [overview, inactive];
}

/** The dashboard's rows: the statuses with figures (the first with a trend and changes since yesterday). */
const dashboardRows: ClientDashboardRow[] = statuses.map((status, index) => ({
  ...status,
  billableTrend: { now: status.billable, change7Days: index === 0 ? -12 : null, change30Days: null },
  expired: index === 0 ? 140 : 0,
  guests: 3,
  mfaRegisteredPercent: index === 0 ? 87 : null,
  ssoSharePercent: index === 0 ? 42 : null,
  sinceYesterday: {
    newUsers: index === 0 ? 4 : 0,
    newExpiries: index === 0 ? 2 : 0,
    newApps: 0,
    mfaRegistrationsLost: index === 0 ? 1 : null,
  },
}));

const searchResult: CrossClientSearchResult = {
  text: 'adele',
  clientsSearched: 2,
  truncated: true,
  users: [
    {
      kind: 'user',
      client,
      id: '0c8a6f2e-1d3b-4a5c-9e7f-100000000001',
      displayName: 'Adele Vance',
      userPrincipalName: 'adele@contoso.example',
      mail: 'adele@contoso.example',
      states: ['collected'],
      actions: ['open', 'disable'],
    },
    {
      kind: 'user',
      client,
      id: '0c8a6f2e-1d3b-4a5c-9e7f-100000000002',
      displayName: 'Adele Brown',
      userPrincipalName: 'adele.brown@contoso.example',
      mail: null,
      states: ['disabled by an admin'],
      actions: ['open', 'import'],
    },
  ],
  groups: [
    {
      kind: 'group',
      client,
      id: '0c8a6f2e-1d3b-4a5c-9e7f-200000000001',
      displayName: 'Adele’s team',
      mail: null,
      state: 'active',
      reporting: false,
      actions: ['open', 'members', 'exclude', 'report-on'],
    },
  ],
};

const actedUser = (n: number) => ({
  id: `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`,
  displayName: `User ${n.toString()}`,
  userPrincipalName: `user${n.toString()}@contoso.example`,
});
const notGranted =
  "Not granted: to remove users' licences (and give them back), add the Microsoft Graph application permission LicenseAssignment.ReadWrite.All to the app and have the client's admin grant consent.";
const removePreview: UserActionPreview = {
  clientId: client.id,
  action: 'remove_licences',
  what: 'Remove the licences shown from the users in Microsoft Entra ID, so the seats are free.',
  available: false,
  permission: 'LicenseAssignment.ReadWrite.All',
  availabilityDetail: notGranted,
  unavailableNotice: notAvailableNotice(notGranted),
  targets: [
    {
      ...actedUser(1),
      plan: 'change',
      reason: null,
      monthlyCost: gbp(3300),
      licences: [
        { skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965', productName: 'Microsoft 365 E3', price: gbp(3300) },
      ],
    },
    { ...actedUser(2), plan: 'already', reason: 'Holds no licences.', monthlyCost: null, licences: [] },
  ],
  toChange: 1,
  already: 1,
  notApplicable: 0,
  monthlyCostHeld: gbp(3300),
  monthlyCostReclaimed: gbp(3300),
  undo: 'restore_licences',
};
const removeOutcome: UserActionOutcome = {
  clientId: client.id,
  action: 'remove_licences',
  done: 1,
  refused: 1,
  notApplicable: 0,
  batches: 1,
  itemRequests: 2,
  throttledItems: 0,
  undo: 'restore_licences',
  results: [
    {
      ...actedUser(1),
      outcome: 'done',
      requested: true,
      graphStatus: 200,
      reason: null,
      skuIds: ['05e9a617-0261-4cee-bb44-138d3ef5d965'],
    },
    {
      ...actedUser(2),
      outcome: 'refused',
      requested: true,
      graphStatus: 400,
      reason:
        'Request_BadRequest: User license is inherited from a group membership and it cannot be removed directly from the user.',
      skuIds: [],
    },
  ],
};

const offboardPreview: OffboardingPreview = {
  clientId: client.id,
  user: {
    id: '11111111-2222-4333-8444-555555555555',
    displayName: 'Leaver One',
    userPrincipalName: 'leaver@contoso.example',
  },
  steps: [
    {
      step: 'block_sign_in',
      what: 'Block sign-in.',
      plan: 'change',
      reason: null,
      permission: 'User.EnableDisableAccount.All',
    },
    {
      step: 'revoke_sessions',
      what: 'Sign out everywhere.',
      plan: 'unavailable',
      reason: 'Needs User.RevokeSessions.All, not granted for this client yet.',
      permission: 'User.RevokeSessions.All',
    },
    {
      step: 'remove_licences',
      what: 'Remove licences.',
      plan: 'change',
      reason: 'Frees Microsoft 365 E3.',
      permission: 'LicenseAssignment.ReadWrite.All',
    },
    {
      step: 'stop_collection',
      what: 'Stop collecting.',
      plan: 'already',
      reason: 'Already disabled by hand.',
      permission: null,
    },
  ],
  toChange: 2,
  unavailableNotice:
    "Not granted for this client yet: User.RevokeSessions.All. To allow sign out everywhere, add it to the app as Microsoft Graph application permissions and have the client's admin grant consent; until then that step is skipped.",
  monthlyCostReclaimed: { cents: 3300, amount: '33.00', currency: 'GBP' },
};
const offboardOutcome: OffboardingOutcome = {
  clientId: client.id,
  user: offboardPreview.user,
  steps: [
    { step: 'block_sign_in', outcome: 'done', reason: null },
    {
      step: 'revoke_sessions',
      outcome: 'skipped',
      reason: 'Needs User.RevokeSessions.All, not granted for this client yet.',
    },
    { step: 'remove_licences', outcome: 'refused', reason: 'Request_BadRequest: the licence is inherited.' },
    { step: 'stop_collection', outcome: 'done', reason: 'Already disabled by hand.' },
  ],
};

const cards: Record<string, AdaptiveCard> = {
  'offboarding preview': offboardingPreviewCard(client, offboardPreview),
  'offboarding preview, nothing to do': offboardingPreviewCard(client, {
    ...offboardPreview,
    steps: offboardPreview.steps.map((step) => ({ ...step, plan: 'already' as const })),
    toChange: 0,
    unavailableNotice: null,
    monthlyCostReclaimed: null,
  }),
  'offboarding results, not every step': offboardingResultCard(client, offboardOutcome),
  'remove licences preview, not granted': userActionPreviewCard(client, removePreview, 3),
  'block sign-in preview, granted': userActionPreviewCard(
    client,
    {
      ...removePreview,
      action: 'block_sign_in',
      available: true,
      availabilityDetail: 'Granted (User.EnableDisableAccount.All).',
      unavailableNotice: null,
      undo: 'unblock_sign_in',
      monthlyCostReclaimed: null,
    },
    0,
  ),
  'remove licences results with Undo': userActionResultCard(client, removeOutcome),
  'revoke sessions results (no Undo)': userActionResultCard(client, {
    ...removeOutcome,
    action: 'revoke_sessions',
    undo: null,
  }),
  'nothing to act on': nothingToActOnCard(client),
  'licences priced': licencesCard(
    client,
    ...licenceFixtures(true),
    links.client(client, { section: 'licences' }),
  ),
  'licences without prices': licencesCard(
    client,
    ...licenceFixtures(false),
    links.client(client, { section: 'licences' }),
  ),
  help: helpCard(),
  'help for an unknown command': helpCard({ intro: 'I do not know “frobnicate”.', introColor: 'warning' }),
  'welcome in a personal chat': welcomeCard(true),
  'welcome in a channel': welcomeCard(false),
  'error with a correlation id': errorCard({
    title: 'Something went wrong',
    message: 'Quote the id.',
    correlationId: 'c0ffee',
    tone: 'failed',
  }),
  refusal: errorCard({ title: 'Not allowed', message: 'You have no role.', tone: 'refused' }),
  clients: clientsCard(dashboardRows),
  'no clients': clientsCard([]),
  'many clients': clientsCard(
    Array.from({ length: 30 }, (_, index) => ({
      ...dashboardRows[0]!,
      id: `id-${index}`,
      name: `c${index}`,
    })),
  ),
  'find with users and groups': searchCard(searchResult),
  'find with nothing': searchCard({ ...searchResult, users: [], groups: [], truncated: false }),
  'status, connected, may operate': statusCard(statuses[0]!, {
    canOperate: true,
    notice: 'Synced just now.',
  }),
  'status, failing, read only': statusCard(statuses[1]!, { canOperate: false }),
  'status, not connected': statusCard(statuses[2]!, { canOperate: true }),
  'client choice': clientChoiceCard(
    statuses.map((status) => ({ id: status.id, name: status.name, displayName: status.displayName })),
    command,
  ),
  'sync starting': syncCard({ client, state: 'running', joined: false, progress: {}, fraction: 0 }),
  'sync under way': syncCard({
    client,
    state: 'running',
    joined: true,
    progress: { phase: 'users', pages: 12, users: 4_000, groups: 0, requests: 13, elapsedMs: 2_300 },
    fraction: syncFraction({ phase: 'users', users: 4_000 }, { users: 10_000, groups: 500 }),
  }),
  'sync finished': syncCard({
    client,
    state: 'succeeded',
    joined: false,
    progress: {},
    fraction: 1,
    result: {
      usersAdded: 10,
      usersUpdated: 5,
      usersRemoved: 1,
      groupsAdded: 0,
      groupsUpdated: 2,
      groupsRemoved: 0,
      graphRequests: 7,
      durationMs: 1_234,
    },
  }),
  'sync failed': syncCard({
    client,
    state: 'failed',
    joined: false,
    progress: { phase: 'groups' },
    fraction: 0.7,
    error: 'Graph answered 503.',
  }),
  ...Object.fromEntries(
    Object.entries(users).map(([name, user]) => [`user, ${name}`, userCard(client, user)]),
  ),
  'user after a change': userCard(client, users.manual!, {
    notice: { text: 'Adele Vance is disabled.', tone: 'good' },
  }),
  'user, as a viewer sees it': userCard(client, users.manual!, { canOperate: false }),
  'user, confirm disable': userCard(client, users.active!, { confirmDisable: true }),
  'user card shared in a group chat, with its refresh for the members': {
    ...userCard(client, users.manual!),
    refresh: {
      action: execute('Refresh', 'user.show', { client: client.id, user: users.manual!.id }),
      userIds: Array.from({ length: 60 }, (_, index) => `29:1member-${String(index)}`),
    },
  },
  'user, nothing changed': userCard(client, users.manual!, {
    notice: { text: 'Nothing changed.', tone: 'neutral' },
  }),
  'user list with more': userListCard(
    client,
    { items: Object.values(users), nextCursor: 'cursor-1', total: 300 },
    { search: 'adele', filter: 'expired' },
  ),
  'empty user list': userListCard(client, { items: [], nextCursor: null, total: 0 }, {}),
  'user choice': userChoiceCard(client, 'adele', Object.values(users), true),
  ...Object.fromEntries(
    Object.entries(groups).map(([name, value]) => [`group, ${name}`, groupCard(client, value)]),
  ),
  'group after a change': groupCard(client, groups.reporting!, {
    notice: { text: 'Contractors can now be chosen as a report filter.', tone: 'good' },
  }),
  'group list with more': groupListCard(
    client,
    { items: Object.values(groups), total: 40 },
    { search: 'con', offset: 0 },
  ),
  'empty group list': groupListCard(client, { items: [], total: 0 }, { offset: 0 }),
  'group choice': groupChoiceCard(client, 'con', Object.values(groups), false),
  'group members': groupMembersCard(client, group, preview.affected.sample, 'cursor-2'),
  'exclusion preview': exclusionPreviewCard(client, preview),
  'exclusion preview, projected': exclusionPreviewCard(client, {
    ...preview,
    billable: { before: 10, after: 4, basis: 'projected', readingActivity: true },
    figures: exclusionFigures({
      affected: 6,
      billableBefore: 10,
      billableAfter: 4,
      basis: 'projected',
      readingActivity: true,
    }),
  }),
  'exclusion preview, already excluded': exclusionPreviewCard(client, { ...preview, alreadyExcluded: true }),
  'exclusion done': exclusionResultCard(client, exclusionDone),
  'exclusion done already': exclusionResultCard(client, { ...exclusionDone, excludedNow: false }),
  'report usage': reportCard(usageReport, links.client(client, { section: 'reports', kind: 'usage' })),
  'report sso': reportCard(ssoReport, links.client(client, { section: 'reports', kind: 'sso' })),
  'report mfa': reportCard(mfaReport, links.client(client, { section: 'reports', kind: 'mfa' }, channelTab)),
  'report billing': reportCard(billingReport, links.client(client, { section: 'reports', kind: 'billing' })),
  ...Object.fromEntries(
    notifications.map((notification, index) => [
      `notification ${String(index)} ${notification.kind}`,
      notificationCard(notification, links),
    ]),
  ),
  'whoami with roles': whoamiCard({
    displayName: 'Megan Partner',
    tenantId: '9f3c2a10-5b7e-4d21-9a6c-1e2f3a4b5c6d',
    objectId: '0c8a6f2e-1d3b-4a5c-9e7f-100000000001',
    grants: [
      { role: 'partner_admin', clientScope: '*' },
      { role: 'viewer', clientScope: client.id },
      { role: 'client_admin', clientScope: 'unknown-client' },
    ],
    clients: new Map([[client.id, client]]),
    conversation: {
      conversationId: 'a:1',
      conversationType: 'personal',
      notificationsEnabled: true,
      client: null,
      subscriber: null,
    },
  }),
  'whoami without roles': whoamiCard({
    displayName: undefined,
    tenantId: '9f3c2a10-5b7e-4d21-9a6c-1e2f3a4b5c6d',
    objectId: '0c8a6f2e-1d3b-4a5c-9e7f-100000000004',
    grants: [],
    clients: new Map(),
    conversation: undefined,
  }),
  'notifications on': notificationSettingsCard({
    conversationId: '19:x',
    conversationType: 'channel',
    notificationsEnabled: true,
    client,
    subscriber: null,
  }),
  'notifications off': notificationSettingsCard({
    conversationId: 'a:1',
    conversationType: 'personal',
    notificationsEnabled: false,
    client: null,
    subscriber: null,
  }),
};

describe('bot cards', () => {
  it('no card writes text in light green or yellow, which Teams shows below 4.5:1 contrast (issue 16)', () => {
    const colours = JSON.stringify(cards).match(/"color":"(good|warning)"/g) ?? [];
    assert.deepEqual(colours, []);
  });

  it('the validator used here reports a misspelt element, an unknown action and a duplicate input id', () => {
    const problems = problemsOf({
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'TextBlokc', text: 'x' },
        { type: 'Input.Text', id: 'dup' },
        { type: 'Input.Text', id: 'dup' },
      ],
      actions: [{ type: 'Action.Bogus', title: 'x' }],
    });
    assert.ok(
      problems.some((problem) => problem.includes('TextBlokc')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((problem) => problem.includes('Action.Bogus')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((problem) => problem.includes('dup')),
      problems.join('\n'),
    );
  });

  for (const [name, json] of Object.entries(cards)) {
    it(`card "${name}" speaks plainly: no rule number, endpoint path or setting name in its text (issue 16)`, () => {
      const texts = textsOf(json);
      assert.ok(texts.length > 0);
      const offending = texts.flatMap((text) => jargonIn(text).map((problem) => `${problem} in "${text}"`));
      assert.deepEqual(offending, []);
    });

    it(`card "${name}" parses at schema 1.5 with no parse or validation event`, () => {
      assert.equal(json.version, '1.5');
      assert.deepEqual(problemsOf(json), []);
    });

    it(`card "${name}": every Action.Execute has a known verb whose data its handler accepts`, () => {
      for (const action of actionsOf(json).filter((candidate) => candidate.type === 'Action.Execute')) {
        assert.equal(typeof action.verb, 'string', `${JSON.stringify(action)} has no verb`);
        const verb = action.verb as string;
        assert.ok(isActionVerb(verb), `unknown verb ${verb}`);
        const parsed = actionSchemas[verb].safeParse(action.data);
        assert.ok(
          parsed.success,
          `${verb} data ${JSON.stringify(action.data)} refused: ${parsed.error?.message ?? ''}`,
        );
      }
    });
  }

  it('the clients card shows each client’s billable users and its worst problem, as the status service decided', () => {
    const text = JSON.stringify(cards.clients);
    assert.match(text, /billable 11,872/);
    assert.match(text, /Needs attention: Client secret expires in 14 days"/);
    assert.match(text, /billable —/, 'a client not connected has no billable figure');
    const [, failing] = statuses;
    assert.ok(failing !== undefined && failing.problems.length > 1);
    assert.ok(text.includes(`(+${failing.problems.length - 1} more)`));
    assert.match(text, /billable 11,872 \(−12 in 7 days\)/);
    assert.match(text, /140 expired · MFA registered 87 % · SSO share 42 % · 3 guests/);
    assert.match(text, /Since yesterday: 4 new users, 2 users expired, 1 MFA registration lost/);
  });

  it('a preview the tenant has not granted says so, why and how to grant it (the core’s words), with no Confirm', () => {
    const refused = cards['remove licences preview, not granted']!;
    assert.ok(textsOf(refused).includes(notAvailableNotice(notGranted)), textsOf(refused).join(' | '));
    assert.deepEqual(
      actionsOf(refused).map((action) => action.verb),
      ['licences.show'],
    );
    const granted = cards['block sign-in preview, granted']!;
    assert.ok(!textsOf(granted).some((text) => text.startsWith('Not available')));
    assert.deepEqual(
      actionsOf(granted).map((action) => [action.verb, (action.data as { action?: unknown }).action]),
      [
        ['users.act.confirm', 'block_sign_in'],
        ['licences.show', undefined],
      ],
    );
  });

  it('the licence action results card names each user by display name, with the sign-in name beside it', () => {
    const texts = textsOf(userActionResultCard(client, removeOutcome));
    assert.ok(texts.includes('User 1 (user1@contoso.example)'), texts.join(' | '));
    assert.ok(texts.includes('User 2 (user2@contoso.example)'), texts.join(' | '));
    const unnamed = textsOf(
      userActionResultCard(client, {
        ...removeOutcome,
        results: removeOutcome.results.map((r) => ({ ...r, displayName: null })),
      }),
    );
    assert.ok(unnamed.includes('user1@contoso.example'), unnamed.join(' | '));
  });

  it('the find card offers exactly the actions the core allowed, as the bot’s verbs (Disable asks first)', () => {
    const text = JSON.stringify(cards['find with users and groups']);
    assert.match(text, /"title":"Disable…","verb":"user.disable.ask"/);
    assert.match(text, /"title":"Import","verb":"user.import"/);
    assert.match(text, /"title":"Exclude…","verb":"group.exclude.preview"/);
    assert.equal(text.match(/"verb":"user.import"/g)?.length, 1, 'only the disabled user may be imported');
    assert.equal(
      text.match(/"verb":"user.disable.ask"/g)?.length,
      1,
      'only the collected user may be disabled',
    );
    assert.match(text, /Type more of the name/);
    assert.match(JSON.stringify(cards['find with nothing']), /Nothing matches in 2 clients you can see/);
  });

  it('the offboarding preview lists the four steps in order, says why a step is skipped, and asks before acting', () => {
    const preview = cards['offboarding preview']!;
    const texts = textsOf(preview).join(' | ');
    assert.match(
      JSON.stringify(preview),
      /"title":"Block sign-in","value":"to do"},\{"title":"Sign out everywhere","value":"skipped \(not granted\)"},\{"title":"Remove licences","value":"to do"},\{"title":"Stop collecting and billing","value":"already so"}/,
    );
    assert.ok(texts.includes(offboardPreview.unavailableNotice ?? '?'), texts);
    assert.ok(texts.includes('Licences freed: 33.00 GBP a month.'), texts);
    assert.deepEqual(
      actionsOf(preview).map((action) => [(action as { title?: unknown }).title, action.verb]),
      [
        ['Offboard', 'user.offboard.confirm'],
        ['Cancel', 'user.show'],
      ],
    );
    // Nothing to do: no Offboard button.
    assert.deepEqual(
      actionsOf(cards['offboarding preview, nothing to do']!).map((action) => action.verb),
      ['user.show'],
    );
    const result = cards['offboarding results, not every step']!;
    const resultTexts = textsOf(result).join(' | ');
    assert.match(resultTexts, /Offboarded Leaver One, not every step/);
    assert.match(resultTexts, /Remove licences: Request_BadRequest: the licence is inherited\./);
  });

  it('a user card offers Offboard… to those who may act, for a user in Entra who is not a guest', () => {
    const verbs = (user: UserView): string[] =>
      actionsOf(userCard(client, user, { canOperate: true })).map((a) => String(a.verb));
    assert.ok(verbs(users.active!).includes('user.offboard.preview'));
    assert.ok(!verbs({ ...users.active!, guest: true }).includes('user.offboard.preview'));
    assert.deepEqual(actionsOf(userCard(client, users.active!, { canOperate: false })), []);
  });

  it('a user synchronised from on-premises Active Directory: the card says so, and offers no Block sign-in (Graph cannot)', () => {
    const synced: UserView = { ...users.active!, onPremisesSynced: true };
    const shown = JSON.stringify(userCard(client, synced, { canOperate: true }));
    assert.match(
      shown,
      /"title":"Account","value":"synchronised from on-premises Active Directory \(block its sign-in there\)"/,
    );
    const blocks = (user: UserView): boolean =>
      actionsOf(userCard(client, user, { canOperate: true })).some(
        (a) => a.verb === 'users.act.preview' && JSON.stringify(a.data).includes('"block_sign_in"'),
      );
    assert.equal(blocks(synced), false);
    assert.equal(blocks(users.active!), true);
    assert.ok(
      actionsOf(userCard(client, synced, { canOperate: true })).some(
        (a) => a.verb === 'user.offboard.preview',
      ),
    );
  });

  it('the user card says when the user expires, or since when they are expired, above the explanation', () => {
    const factsOf = (user: UserView): string => JSON.stringify(userCard(client, user));
    assert.match(factsOf(users.active!), /"title":"Expiry","value":"expires 2026-12-23"/);
    assert.match(factsOf(users.expired!), /"title":"Expiry","value":"expired 2026-11-01"/);
    assert.match(factsOf(users.notImported!), /"title":"Expiry","value":"does not expire"/);
  });

  it('Disable asks first: the user card offers Disable…, whose card says what it means with Disable user and Cancel', () => {
    const active = users.active!;
    assert.equal(active.state, 'imported');
    const shown = JSON.stringify(userCard(client, active));
    assert.match(shown, /"title":"Disable…","verb":"user.disable.ask"/);
    assert.doesNotMatch(shown, /"verb":"user.disable"[,}]/, 'the first click must not disable');
    const asking = cards['user, confirm disable']!;
    const text = JSON.stringify(asking);
    assert.match(text, /no longer be collected and they will no longer be billed/);
    assert.deepEqual(
      asking.actions?.map((action) => [action.title, 'verb' in action ? action.verb : '']),
      [
        ['Disable user', 'user.disable'],
        ['Cancel', 'user.show'],
      ],
    );
  });

  it('entity text cannot become a Markdown link on a card', () => {
    const text = JSON.stringify(cards.clients);
    assert.ok(!text.includes('](https://evil.example)'), 'link syntax survived');
    assert.ok(
      text.includes(JSON.stringify(escapeMarkdown('Northwind [Traders](https://evil.example)')).slice(1, -1)),
    );
  });

  it('Entra text cannot format, link or template a card in any way Teams renders', () => {
    const hostile =
      '[Re-verify](https://evil.example/login) <https://evil.example/x> https://evil.example/bare www.evil.example **URGENT** _now_ ~~old~~ `code` {{DATE(2017-02-14T06:00:00Z, SHORT)}}';
    const escaped = escapeMarkdown(hostile);
    // Each construct as it would open, not preceded by CommonMark's backslash escape.
    for (const construct of [
      /(?<!\\)\]\(/,
      /(?<!\\)<https/,
      /:\/\//,
      /www\./,
      /(?<!\\)\*(?<!\\)\*/,
      /(?<!\\)_now/,
      /(?<!\\)~/,
      /(?<!\\)`/,
      /\{\{/,
    ]) {
      assert.ok(!construct.test(escaped), `${String(construct)} survived: ${escaped}`);
    }
    for (const line of ['- item', '+ item', '1. first', '# heading', '> quote']) {
      assert.ok(escapeMarkdown(line).startsWith('\\') || escapeMarkdown(line).startsWith('1\\.'), line);
    }
    // Every character stays visible, and names with an underscore inside a word are left alone.
    assert.equal(escaped.replace(/[\\\u2060]/g, ''), hostile);
    assert.equal(
      escapeMarkdown('ann_contoso.com#EXT#@msp.onmicrosoft.com'),
      'ann_contoso.com#EXT#@msp.onmicrosoft.com',
    );
  });

  it('the progress bar fills with the sync and never shows 100 % before the run ends', () => {
    const expected = { users: 1_000, groups: 100 };
    const start = syncFraction({}, expected);
    const half = syncFraction({ phase: 'users', users: 500 }, expected);
    const groupsPhase = syncFraction({ phase: 'groups', groups: 50 }, expected);
    const over = syncFraction({ phase: 'organization', users: 5_000, groups: 500 }, expected);
    assert.ok(
      start < half && half < groupsPhase && groupsPhase < over,
      `${start} ${half} ${groupsPhase} ${over}`,
    );
    assert.ok(over < 1);
    assert.ok(
      syncFraction({ phase: 'users', users: 10 }, { users: 0, groups: 0 }) > 0,
      'a first sync moves by phase',
    );
  });

  it('every card button that opens the tab is a Teams deep link to the tab, with the screen and its filter', () => {
    const opened = Object.entries(cards).flatMap(([name, built]) =>
      actionsOf(built)
        .filter((action) => action.type === 'Action.OpenUrl')
        .map((action) => [name, String((action as { url?: unknown }).url)] as const),
    );

    assert.ok(opened.length >= 7, `only ${String(opened.length)} links found`);
    for (const [name, url] of opened) {
      const link = new URL(url);
      const [, l, entity, appId, entityId] = link.pathname.split('/').map(decodeURIComponent);
      const context = JSON.parse(link.searchParams.get('context') ?? '{}') as { subEntityId?: string };
      assert.equal(link.origin, 'https://teams.microsoft.com', name);
      assert.deepEqual([l, entity, appId], ['l', 'entity', TEAMS_APP_ID], name);
      assert.ok(entityId === 'clients' || entityId === `client:${client.id}`, `${name}: ${entityId ?? ''}`);
      assert.match(
        context.subEntityId ?? '',
        /^\/c\/contoso\/(users\?(expired|expiring)=1|setup|licences|notifications|reports\/(usage|sso|mfa|billing))$/,
        name,
      );
      assert.equal(
        link.searchParams.get('webUrl'),
        `https://idm.contoso-msp.example/tab/index.html#${context.subEntityId ?? ''}`,
        name,
      );
      assert.ok(
        url.length < 1900,
        `${name}: Teams on Windows cannot open deep links of 1900 characters or more`,
      );
    }
  });

  it('the sync card gives a quick sync in milliseconds, not "0.0 s"', () => {
    const result = {
      usersAdded: 0,
      usersUpdated: 0,
      usersRemoved: 0,
      groupsAdded: 0,
      groupsUpdated: 0,
      groupsRemoved: 0,
      graphRequests: 2,
      durationMs: 44,
    };
    const finished = { client, state: 'succeeded', joined: false, progress: {}, fraction: 1 } as const;
    assert.match(JSON.stringify(syncCard({ ...finished, result })), /"title":"Took","value":"44 ms"/);
    assert.match(JSON.stringify(cards['sync finished']), /"title":"Took","value":"1.2 s"/);
  });

  it('the expiring users card opens the users expiring soon in the tab, beside the expired ones', () => {
    const expiring = Object.entries(cards).find(([name]) => name.includes('users_expiring'))?.[1];
    assert.ok(expiring !== undefined);
    const links = actionsOf(expiring)
      .filter((action) => action.type === 'Action.OpenUrl')
      .map((action) => JSON.stringify(action));
    assert.ok(
      links.some(
        (link) => link.includes('Open users expiring soon in the tab') && link.includes('expiring%3D1'),
      ),
      links.join('\n'),
    );
  });

  it('the licences card says what inactive users hold in a sentence, priced or not', () => {
    const unpriced = JSON.stringify(cards['licences without prices']);
    assert.match(unpriced, /"value":"\d+ users? holding licences \(no price set\)"/);
    assert.ok(!unpriced.includes('no price set a month'), unpriced);
    const priced = JSON.stringify(cards['licences priced']);
    assert.match(priced, /"value":"\d+ users? holding [\d.]+ [A-Z]{3} a month"/);
    // Headed with the client's name as every other card is: its display name, not its short handle.
    assert.ok(priced.includes(`"text":"Licences — ${client.displayName}"`), priced);
  });

  it('the group card counts its members in words that agree with the number (1 group, 2 groups)', () => {
    const one = JSON.stringify(
      groupCard(client, {
        ...groups.plain!,
        counts: { directUsers: 1, directGroups: 1, transitiveUsers: 1 },
      }),
    );
    assert.ok(one.includes('1 user and 1 group directly; 1 user in all'), one);
    const many = JSON.stringify(groupCard(client, groups.plain!));
    assert.ok(many.includes('12 users and 2 groups directly; 40 users in all'), many);
  });

  it('the user choice card tells people of one name apart by sign-in name and department', () => {
    const shown = JSON.stringify(cards['user choice']);
    assert.ok(shown.includes('"text":"adele.vance@contoso.onmicrosoft.com · Finance · '), shown);
  });

  it('the status card shows the billable count and every problem the tab shows (README: `status`)', () => {
    const failing = statuses[1]!;
    const shown = JSON.stringify(statusCard(failing, { canOperate: false }));
    assert.ok(shown.includes('"title":"Billable","value":"8 (reading activity…)"'), shown);
    for (const problem of failing.problems)
      assert.ok(shown.includes(JSON.stringify(problem).slice(1, -1)), problem);
    const healthy = JSON.stringify(statusCard(statuses[0]!, { canOperate: true }));
    assert.ok(healthy.includes('"title":"Billable","value":"11,872"'), healthy);
    // What started the last sync, in words: a scheduled one (not "schedule").
    assert.match(healthy, /"title":"Last sync","value":"succeeded [^"]+ \(scheduled\)"/);
  });

  it('a viewer’s user card offers no change; a client admin’s offers what the state allows', () => {
    const verbs = (built: AdaptiveCard): string[] => actionsOf(built).map((action) => String(action.verb));

    assert.deepEqual(verbs(userCard(client, users.manual!, { canOperate: false })), []);
    // Import again, and the actions in Microsoft Entra ID itself (each previews first): block sign-in, remove
    // licences, and offboarding the leaver (every step at once).
    assert.deepEqual(verbs(userCard(client, users.manual!)), [
      'user.import',
      'users.act.preview',
      'users.act.preview',
      'user.offboard.preview',
    ]);
    assert.deepEqual(
      actionsOf(userCard(client, users.manual!)).map((action) => (action.data as { action?: string }).action),
      [undefined, 'block_sign_in', 'remove_licences', undefined],
    );
  });

  it('a change to a user or a group refreshes as that user’s or group’s card; previews and syncs do not refresh', () => {
    const target = { client: client.id, user: users.manual!.id };

    assert.deepEqual(viewAfter('user.disable', target), { verb: 'user.show', data: target });
    assert.deepEqual(viewAfter('group.reporting', { client: client.id, group: 'g', enabled: true }), {
      verb: 'group.show',
      data: { client: client.id, group: 'g' },
    });
    assert.deepEqual(viewAfter('users.list', { client: client.id, filter: 'expired' }), {
      verb: 'users.list',
      data: { client: client.id, filter: 'expired' },
    });
    assert.equal(viewAfter('group.exclude.preview', { client: client.id, group: 'g' }), undefined);
    assert.equal(viewAfter('sync.start', { client: client.id }), undefined);
  });

  it('a link from a channel or group chat that has the client’s tab opens that tab, named by its channel or chat', () => {
    const target = { section: 'reports', kind: 'billing', group: 'g-1' } as const;

    const inChannel = new URL(links.client(client, target, channelTab));
    const inChat = new URL(
      links.client(client, target, { clientId: client.id, kind: 'chat', id: '19:admins@thread.v2' }),
    );
    const otherClientsTab = new URL(
      links.client(client, target, { ...channelTab, clientId: 'another-client' }),
    );

    assert.equal(
      inChannel.pathname,
      `/l/entity/${TEAMS_APP_ID}/${encodeURIComponent(`client:${client.id}`)}`,
    );
    assert.deepEqual(JSON.parse(inChannel.searchParams.get('context') ?? ''), {
      subEntityId: '/c/contoso/reports/billing?group=g-1',
      channelId: '19:ops-channel@thread.tacv2',
    });
    assert.deepEqual(JSON.parse(inChat.searchParams.get('context') ?? ''), {
      subEntityId: '/c/contoso/reports/billing?group=g-1',
      chatId: '19:admins@thread.v2',
      contextType: 'chat',
    });
    assert.equal(otherClientsTab.pathname, `/l/entity/${TEAMS_APP_ID}/clients`);
  });
});
