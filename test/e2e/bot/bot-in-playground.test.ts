import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { sql } from 'kysely';
import { repoRoot } from '../../support/processes.js';
import { stateSnapshot } from '../../integration/services/fixtures/directory-fixture.js';
import { startDemoApp, waitFor, type DemoApp } from '../tab/support/demo-app.js';
import {
  actionOf,
  actionsOf,
  AgentsPlayground,
  headingOf,
  textOf,
  type CardJson,
  type ChatEvent,
} from './support/agents-playground.js';

/** A card's Universal Actions refresh (it must have one). */
function refreshOf(card: CardJson | undefined): {
  action: { type: string; title: string; verb: string; data: unknown };
  userIds: string[];
} {
  const refresh = card?.refresh as
    { action: { type: string; title: string; verb: string; data: unknown }; userIds: string[] } | undefined;
  if (refresh === undefined) throw new Error(`the card has no refresh: ${JSON.stringify(card)}`);
  return refresh;
}

const PERSONAL = 'personal-chat-megan';
const GROUP = 'group-chat-msp-admins';
const CHANNEL = 'channel-msp-alerts';
const DEMO_TENANT = '9f3c2a10-5b7e-4d21-9a6c-1e2f3a4b5c6d';
const DAY = 24 * 60 * 60 * 1000;

/**
 * The bot through a real Teams client: the app in demo mode (its simulated tenant of 200 users) and the Microsoft 365
 * Agents Playground driven headless through its HTTP and WebSocket API, with the repository's playground config
 * (the demo identities). Every step is checked in the chat and in the app's store.
 */
describe('bot in the Agents Playground (end to end)', function () {
  this.timeout(60_000);
  const started: { app?: DemoApp; playground?: AgentsPlayground } = {};
  let app: DemoApp;
  let playground: AgentsPlayground;
  let demoClientId: string;

  before(async function () {
    this.timeout(150_000);
    app = started.app = await startDemoApp({ users: 200 });
    playground = started.playground = await AgentsPlayground.start({
      appEndpoint: `${app.baseUrl}/api/messages`,
      configPath: path.join(repoRoot, '.m365agentsplayground.yml'),
    });
    demoClientId = (
      await app.store.db
        .selectFrom('clients')
        .select('id')
        .where('name', '=', 'demo')
        .executeTakeFirstOrThrow()
    ).id;
  });

  after(async function () {
    this.timeout(30_000);
    await started.playground?.stop();
    await started.app?.stop();
  });

  /**
   * The user says something (in the personal chat unless told otherwise); resolves with the bot's new card — the
   * first one whose heading matches `heading`, when given, since a notification may arrive in between.
   */
  async function ask(text: string, conversationId = PERSONAL, heading?: RegExp): Promise<ChatEvent> {
    const mark = playground.mark();
    await playground.say(conversationId, text, { mention: conversationId !== PERSONAL });
    return playground.next(
      (event) =>
        event.fromBot &&
        event.action === 'createMessage' &&
        (event.conversationId === conversationId || event.conversationId.startsWith(`${conversationId};`)) &&
        (heading === undefined || heading.test(headingOf(event.card) ?? '')),
      { since: mark },
    );
  }

  async function user(
    upn: string,
  ): Promise<{ id: string; collection_state: string; disable_reason: string | null }> {
    return app.store.db
      .selectFrom('directory_users')
      .select(['id', 'collection_state', 'disable_reason'])
      .where('client_id', '=', demoClientId)
      .where('user_principal_name', '=', upn)
      .executeTakeFirstOrThrow();
  }

  async function auditCount(action: string): Promise<number> {
    const row = await app.store.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('action', '=', action)
      .where('channel', '=', 'bot')
      .executeTakeFirstOrThrow();
    return row.count;
  }

  /** A member user nobody has imported or disabled yet, not in any group the tests exclude. */
  async function untouchedMember(offset: number): Promise<string> {
    const row = await app.store.db
      .selectFrom('directory_users')
      .select('user_principal_name')
      .where('client_id', '=', demoClientId)
      .where('collection_state', '=', 'not_imported')
      .where('user_type', '=', 'Member')
      .where('entra_state', '=', 'active')
      .where('user_principal_name', 'is not', null)
      .orderBy('user_principal_name')
      .offset(offset)
      .limit(1)
      .executeTakeFirstOrThrow();
    return row.user_principal_name ?? '';
  }

  /** Waits until the tenant's activity has been read (the scheduler's first signInActivity pass). */
  async function activityRead(): Promise<void> {
    await waitFor(async () => {
      const integration = await app.store.db
        .selectFrom('integrations')
        .select('activity_data')
        .where('client_id', '=', demoClientId)
        .executeTakeFirstOrThrow();
      return integration.activity_data === 'available';
    }, 90_000);
  }

  /**
   * DESIGN rules 3, 8 and 9 recomputed from the store, as they will stand once the initial import runs now: present
   * and enabled in Entra, not a guest (userType Guest, or none with a #EXT# UPN), not disabled by hand, in no
   * excluded group (nested, from the stored memberships), and not past 30 days without a successful sign-in.
   */
  async function billableAtImport(): Promise<number> {
    const db = app.store.db;
    const users = await db
      .selectFrom('directory_users')
      .select([
        'id',
        'user_type',
        'user_principal_name',
        'account_enabled',
        'entra_state',
        'disable_reason',
        'last_sign_in_at',
        'sign_in_activity_at',
      ])
      .where('client_id', '=', demoClientId)
      .execute();
    const edges = await db
      .selectFrom('group_members')
      .select(['group_id', 'member_id'])
      .where('client_id', '=', demoClientId)
      .execute();
    const excluded = await db
      .selectFrom('directory_groups')
      .select('id')
      .where('client_id', '=', demoClientId)
      .where('excluded_at', 'is not', null)
      .execute();
    const children = new Map<string, string[]>();
    for (const edge of edges)
      children.set(edge.group_id, [...(children.get(edge.group_id) ?? []), edge.member_id]);
    const out = new Set<string>();
    const seen = new Set<string>();
    const queue = excluded.map((group) => group.id);
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (seen.has(next)) continue;
      seen.add(next);
      for (const member of children.get(next) ?? []) {
        if (children.has(member)) queue.push(member);
        else out.add(member);
      }
    }
    const cutoff = Date.now() - 30 * DAY;
    return users.filter((user) => {
      const guest =
        user.user_type === 'Guest' ||
        (user.user_type === null && (user.user_principal_name ?? '').includes('#EXT#'));
      const times = [user.last_sign_in_at, user.sign_in_activity_at]
        .filter((at): at is string => at !== null)
        .map((at) => Date.parse(at));
      const expired = times.length > 0 && Math.max(...times) < cutoff;
      return (
        user.entra_state === 'active' &&
        user.account_enabled === 1 &&
        !guest &&
        user.disable_reason !== 'manual' &&
        !out.has(user.id) &&
        !expired
      );
    }).length;
  }

  /**
   * A member who has not signed in for over 35 days and is not imported yet. Expiry needs the tenant's activity
   * data: waits for the scheduler's first sign-in passes over the simulated tenant.
   */
  async function inactiveMember(): Promise<string> {
    const cutoff = new Date(Date.now() - 35 * DAY).toISOString();
    let inactive: string | undefined;
    await waitFor(async () => {
      const integration = await app.store.db
        .selectFrom('integrations')
        .select('activity_data')
        .where('client_id', '=', demoClientId)
        .executeTakeFirstOrThrow();
      if (integration.activity_data !== 'available') return false;
      const row = await app.store.db
        .selectFrom('directory_users')
        .select('user_principal_name')
        .where('client_id', '=', demoClientId)
        .where('collection_state', '=', 'not_imported')
        .where('user_type', '=', 'Member')
        .where('entra_state', '=', 'active')
        .where('sign_in_activity_at', '<', cutoff)
        .where((eb) => eb.or([eb('last_sign_in_at', 'is', null), eb('last_sign_in_at', '<', cutoff)]))
        .orderBy('user_principal_name')
        .limit(1)
        .executeTakeFirst();
      inactive = row?.user_principal_name ?? undefined;
      return inactive !== undefined;
    }, 90_000);
    return inactive ?? '';
  }

  it('installing the app in a personal chat stores the conversation in the database and posts the welcome', async () => {
    const mark = playground.mark();
    await playground.install(PERSONAL);
    const welcome = await playground.next((event) => event.fromBot && event.conversationId === PERSONAL, {
      since: mark,
    });
    assert.match(textOf(welcome.card), /Hello!/);
    const row = await app.store.db
      .selectFrom('conversation_references')
      .selectAll()
      .where('conversation_id', '=', PERSONAL)
      .executeTakeFirstOrThrow();
    assert.equal(row.conversation_type, 'personal');
    assert.equal(row.tenant_id, DEMO_TENANT);
    assert.equal(row.user_object_id, '0c8a6f2e-1d3b-4a5c-9e7f-100000000001');
    assert.equal(row.notifications_enabled, 1);
    assert.match(row.reference, /"serviceUrl":"http:\/\/localhost:\d+\/_connector"/);
  });

  it('`help` answers with every command, and an unknown command gets the help too', async () => {
    const help = await ask('help');
    const text = textOf(help.card);
    for (const command of [
      'clients',
      'status',
      'sync',
      'users',
      'import',
      'disable',
      'groups',
      'exclude',
      'report',
      'notifications',
      'whoami',
    ]) {
      assert.match(text, new RegExp(`^${command}\\b`, 'm'), `help lacks ${command}`);
    }
    const unknown = await ask('frobnicate everything');
    assert.match(textOf(unknown.card), /I do not know “frobnicate”/);
  });

  it('`status` shows the demo client: its integration, its directory and its last sync', async () => {
    const status = await ask('status');
    const text = textOf(status.card);
    assert.equal(headingOf(status.card), 'Contoso (demo)');
    assert.match(text, /Integration: connected/);
    assert.match(text, /Users: 200/);
    assert.match(text, /Last sync: (succeeded|running)/);
    actionOf(status.card, 'sync.start', 'Sync now');
  });

  it('Disable asks to confirm first (nothing changes); Disable user updates the card and the store; a second click changes nothing', async () => {
    const upn = await untouchedMember(3);
    const list = await ask(`users ${upn}`);
    const open = actionOf(list.card, 'user.show', 'Open');
    const shown = await playground.click(PERSONAL, list.messageId, open);
    assert.equal(shown.status, 200);
    // A user never imported has nothing collected to stop: its card offers Import, and Disable once imported.
    assert.throws(() => actionOf(shown.card, 'user.disable.ask', 'Disable'), /no user\.disable\.ask action/);
    const imported = await playground.click(
      PERSONAL,
      list.messageId,
      actionOf(shown.card, 'user.import', 'Import'),
    );
    // The card's Disable only asks, as the tab's dialog does: what it means, Disable user and Cancel.
    assert.throws(() => actionOf(imported.card, 'user.disable'), /no user\.disable action/);
    const before = await auditCount('user.disable');
    const asking = await playground.click(
      PERSONAL,
      list.messageId,
      actionOf(imported.card, 'user.disable.ask', 'Disable…'),
    );
    assert.equal(asking.status, 200);
    assert.match(textOf(asking.card), /Disable .+\?/);
    assert.match(textOf(asking.card), /will no longer be collected and they will no longer be billed/);
    assert.deepEqual(await user(upn).then((row) => row.collection_state), 'imported');
    assert.equal(await auditCount('user.disable'), before, 'asking changed something');
    const cancelled = await playground.click(
      PERSONAL,
      list.messageId,
      actionOf(asking.card, 'user.show', 'Cancel'),
    );
    assert.match(textOf(cancelled.card), /State: imported/);
    assert.deepEqual(await user(upn).then((row) => row.collection_state), 'imported');
    const disable = actionOf(asking.card, 'user.disable', 'Disable user');

    const clicked = await playground.click(PERSONAL, list.messageId, disable);
    assert.match(textOf(clicked.card), /is disabled: no longer collected or billable/);
    assert.match(textOf(clicked.card), /State: disabled \(by an admin\)/);
    assert.deepEqual(await user(upn).then((row) => [row.collection_state, row.disable_reason]), [
      'disabled',
      'manual',
    ]);
    assert.equal(await auditCount('user.disable'), before + 1);

    const again = await playground.click(PERSONAL, list.messageId, disable);
    assert.match(textOf(again.card), /was disabled already — nothing changed/);
    assert.equal(await auditCount('user.disable'), before + 1, 'a double click acted twice');
  });

  it('exclude shows a preview first, Confirm excludes the group, and a second Confirm changes nothing', async () => {
    // The preview counts who would be billable at the initial import (not started here) — once the tenant's
    // activity has been read, exactly: wait for that, so the projection checked below is final.
    await activityRead();
    const target = await app.store.db
      .selectFrom('directory_groups as g')
      .innerJoin('group_user_closure as c', (join) =>
        join.onRef('c.group_id', '=', 'g.id').onRef('c.client_id', '=', 'g.client_id'),
      )
      .select(['g.id', 'g.display_name'])
      .select((eb) => eb.fn.countAll<number>().as('members'))
      .where('g.client_id', '=', demoClientId)
      .where('g.excluded_at', 'is', null)
      .groupBy(['g.id', 'g.display_name'])
      .having(sql<boolean>`count(*) between 2 and 6`)
      .orderBy('g.display_name')
      .limit(1)
      .executeTakeFirstOrThrow();
    const name = target.display_name ?? target.id;
    const preview = await ask(`exclude "${name}"`);
    const previewText = textOf(preview.card);
    assert.equal(headingOf(preview.card), `Exclude ${name}?`);
    // Members already disabled (or guests) are not counted again.
    const affected = Number(/Users disabled: (\d+) \(nested members included\)/.exec(previewText)?.[1]);
    assert.ok(affected >= 1 && affected <= target.members, previewText);
    assert.match(previewText, /cannot be undone/);
    const previewedAfter = Number(
      (/Billable users: [\d,]+ → ([\d,]+)/.exec(previewText)?.[1] ?? '').replace(/,/g, ''),
    );
    assert.ok(Number.isInteger(previewedAfter), previewText);
    const unchanged = await app.store.db
      .selectFrom('directory_groups')
      .select('excluded_at')
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    assert.equal(unchanged.excluded_at, null, 'the preview changed something');

    assert.match(previewText, /Counted: as at the initial import \(not started yet\)/);

    const confirm = actionOf(preview.card, 'group.exclude.confirm', 'Confirm');
    const done = await playground.click(PERSONAL, preview.messageId, confirm);
    assert.equal(headingOf(done.card), `${name} is excluded`);
    assert.equal(
      await billableAtImport(),
      previewedAfter,
      "the preview's billable after is the count the initial import will give, after the confirmation",
    );
    const excluded = await app.store.db
      .selectFrom('directory_groups')
      .select('excluded_at')
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(excluded.excluded_at, null);
    const members = await app.store.db
      .selectFrom('directory_users as u')
      .innerJoin('group_user_closure as c', (join) =>
        join.onRef('c.user_id', '=', 'u.id').onRef('c.client_id', '=', 'u.client_id'),
      )
      .select(['u.collection_state', 'u.disable_reason', 'u.user_type'])
      .where('c.group_id', '=', target.id)
      .execute();
    // Guests are never collected, so there is nothing to disable for them.
    const collectable = members.filter((member) => member.user_type !== 'Guest');
    assert.ok(collectable.length > 0);
    assert.ok(
      collectable.every((member) => member.collection_state === 'disabled'),
      JSON.stringify(members),
    );
    const audits = await auditCount('group.exclude');

    const twice = await playground.click(PERSONAL, preview.messageId, confirm);
    assert.equal(headingOf(twice.card), `${name} was excluded already`);
    assert.equal(await auditCount('group.exclude'), audits);
  });

  it("a non-admin's click is refused with a card that says why, and nothing changes", async () => {
    const upn = await untouchedMember(5);
    const list = await ask(`users ${upn}`, GROUP);
    const shown = await playground.click(GROUP, list.messageId, actionOf(list.card, 'user.show', 'Open'));
    const importIt = actionOf(shown.card, 'user.import', 'Import');
    const snapshot = await stateSnapshot(app.store.db);
    const audits = await app.store.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();

    const outsider = await playground.click(GROUP, list.messageId, importIt, 'user-olga');
    assert.equal(headingOf(outsider.card), 'Not allowed');
    assert.match(textOf(outsider.card), /You have no role in this app/);
    const viewer = await playground.click(GROUP, list.messageId, importIt, 'user-victor');
    assert.equal(headingOf(viewer.card), 'Not allowed');
    assert.match(textOf(viewer.card), /needs the client-admin right/);

    assert.equal(await stateSnapshot(app.store.db), snapshot);
    const after = await app.store.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    assert.equal(after.count, audits.count);
    assert.equal((await user(upn)).collection_state, 'not_imported');
  });

  it('in a group chat, a click updates the card every member sees: the message for everyone, and each member’s own view', async () => {
    const upn = await untouchedMember(7);
    const { id: userId } = await user(upn);
    // Only an imported user can be disabled (a never-imported one is offered Import): import it first.
    await ask(`import ${upn}`, PERSONAL, /^(?!Expiring users)/);
    const list = await ask(`users ${upn}`, GROUP);
    const listRefresh = refreshOf(list.card);
    const shown = await playground.click(GROUP, list.messageId, actionOf(list.card, 'user.show', 'Open'));
    const audits = await auditCount('user.disable');
    const asking = await playground.click(
      GROUP,
      list.messageId,
      actionOf(shown.card, 'user.disable.ask', 'Disable…'),
    );
    const mark = playground.mark();

    const disabled = await playground.click(
      GROUP,
      list.messageId,
      actionOf(asking.card, 'user.disable', 'Disable user'),
    );
    const updated = await playground.next(
      (event) => event.action === 'updateMessage' && event.messageId === list.messageId,
      { since: mark },
    );
    const asAdele = await playground.refresh(GROUP, list.messageId, updated.card, 'user-adele');
    const asVictor = await playground.refresh(GROUP, list.messageId, updated.card, 'user-victor');
    const asOlga = await playground.refresh(GROUP, list.messageId, updated.card, 'user-olga');

    // Posted in the group chat, every card carries its view, for the members (the one who asked first, ≤ 60).
    assert.equal(listRefresh.action.verb, 'users.list');
    assert.equal(listRefresh.userIds[0], 'user-megan');
    assert.deepEqual([...listRefresh.userIds].sort(), [
      'user-adele',
      'user-lee',
      'user-megan',
      'user-nia',
      'user-olga',
      'user-victor',
    ]);
    assert.match(textOf(disabled.card), /is disabled: no longer collected or billable/);
    // The message itself now shows the user as disabled, to everyone, and refreshes to each member's view of it.
    assert.match(textOf(updated.card), /State: disabled \(by an admin\)/);
    assert.deepEqual(refreshOf(updated.card).action, {
      type: 'Action.Execute',
      title: 'Refresh',
      verb: 'user.show',
      data: { client: demoClientId, user: userId },
    });
    assert.match(textOf(asAdele.card), /State: disabled \(by an admin\)/);
    actionOf(asAdele.card, 'user.import', 'Import again');
    assert.match(textOf(asVictor.card), /State: disabled \(by an admin\)/);
    assert.deepEqual(
      actionsOf(asVictor.card).filter((action) =>
        ['user.import', 'user.disable', 'user.disable.ask'].includes(action.verb),
      ),
      [],
      'a viewer is offered no change',
    );
    assert.equal(headingOf(asOlga.card), 'Not allowed');
    // A refresh only reads: nothing changed, and no message was updated by it.
    assert.equal(await auditCount('user.disable'), audits + 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(
      playground.eventsSince(mark).filter((event) => event.action === 'updateMessage').length,
      1,
      'a refresh updated the message',
    );
  });

  it('a proactive expiry notification arrives after an expiry run, with a Disable per user', async function () {
    this.timeout(120_000);
    const upn = await inactiveMember();
    const imported = await ask(`import ${upn}`, PERSONAL, /^(?!Expiring users)/);
    assert.match(textOf(imported.card), /is imported/);
    assert.match(textOf(imported.card), /threshold 30/);

    // Graph answers slowly for a while, so the sync lasts long enough to show its progress.
    const slow = (await app.simControl('POST', '/faults/latency', {
      ms: 1_200,
      target: 'graph',
      next: 6,
    })) as {
      id: string;
    };
    const mark = playground.mark();
    let finished: ChatEvent;
    try {
      const sync = await ask('sync', PERSONAL, /^Syncing/);
      assert.match(headingOf(sync.card) ?? '', /^Syncing Contoso \(demo\)/);
      finished = await playground.next(
        (event) =>
          event.action === 'updateMessage' &&
          event.messageId === sync.messageId &&
          /is synced|failed/.test(headingOf(event.card) ?? ''),
        { since: mark, timeoutMs: 60_000 },
      );
      const progress = await playground.next(
        (event) =>
          event.action === 'updateMessage' &&
          event.messageId === sync.messageId &&
          (headingOf(event.card) ?? '').startsWith('Syncing'),
        { since: mark, timeoutMs: 1_000 },
      );
      assert.match(
        textOf(progress.card),
        /\d+ % · (reading users|reading groups|working out nested memberships|reading the organisation)/,
        'no progress shown in place',
      );
    } finally {
      await app.simControl('DELETE', `/faults/${slow.id}`).catch(() => undefined);
    }
    assert.equal(headingOf(finished.card), 'Contoso (demo) is synced', 'the sync card is updated in place');

    const notification = await playground.next(
      (event) =>
        event.fromBot &&
        event.conversationId === PERSONAL &&
        (headingOf(event.card) ?? '').startsWith('Expiring users'),
      { since: mark, timeoutMs: 60_000 },
    );
    const text = textOf(notification.card);
    assert.match(text, /expired today: no longer billable/);
    assert.ok(text.includes(upn), `the notification does not name ${upn}:\n${text}`);
    // Its Disable asks to confirm first, as the user card's does.
    const disable = actionOf(notification.card, 'user.disable.ask', 'Disable…');
    assert.equal((disable.data as { client: string }).client, demoClientId);
  });

  it('`notifications on` in a channel: the next notification starts a new post in that channel', async function () {
    this.timeout(120_000);
    const on = await ask('notifications on', CHANNEL);
    assert.equal(headingOf(on.card), 'Notifications are on');
    const row = await app.store.db
      .selectFrom('conversation_references')
      .selectAll()
      .where('conversation_id', '=', CHANNEL)
      .executeTakeFirstOrThrow();
    assert.equal(row.conversation_type, 'channel');
    assert.equal(row.notifications_enabled, 1);
    assert.equal(row.user_object_id, '0c8a6f2e-1d3b-4a5c-9e7f-100000000001');

    // Make sure there is something to tell today, then let a sync's checks run.
    const upn = await inactiveMember();
    await ask(`import ${upn}`, CHANNEL, /^(?!Expiring users)/);
    await ask('sync', CHANNEL, /^Syncing/);
    const post = await playground.nextLog((entry) => {
      const request = JSON.stringify(entry.request ?? null);
      return request.includes(`"channel":{"id":"${CHANNEL}"}`) && request.includes('Expiring users');
    }, 60_000);
    assert.match(JSON.stringify(post.request ?? null), /"isGroup":true/);
  });

  it('500 random or malformed invoke payloads get no 5xx and change nothing', async function () {
    this.timeout(120_000);
    const snapshot = await stateSnapshot(app.store.db);
    const counts = await countsOf(app);
    const random = seededRandom(20261126);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 500; i++) {
      const response = await fetch(`${app.baseUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: fuzzBody(random, i, { clientId: demoClientId, serviceUrl: `${playground.baseUrl}/_connector` }),
      });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      assert.ok(
        response.status < 500,
        `payload ${String(i)} answered ${String(response.status)}: ${await response.text()}`,
      );
    }
    assert.ok(
      (statuses.get(200) ?? 0) > 100,
      `too few payloads reached the bot: ${JSON.stringify([...statuses])}`,
    );
    assert.ok(
      (statuses.get(400) ?? 0) > 50,
      `too few payloads were refused: ${JSON.stringify([...statuses])}`,
    );
    assert.equal(await stateSnapshot(app.store.db), snapshot);
    assert.deepEqual(await countsOf(app), counts);
    // And the bot still answers.
    assert.match(textOf((await ask('whoami')).card), /partner admin, every client/);
  });

  it('`licences` → act on expired users: preview card → Confirm → result card per user; without the permission no Confirm, and a forged one is refused; with it the tenant and the audit log show each user; Undo gives the licences back', async function () {
    this.timeout(240_000);
    const demo = await app.store.db
      .selectFrom('integrations')
      .select(['tenant_id', 'app_client_id'])
      .where('client_id', '=', demoClientId)
      .executeTakeFirstOrThrow();
    const licencesInTenant = async (): Promise<Map<string, string[]>> =>
      new Map(
        (
          (await app.simControl('GET', `/tenants/${demo.tenant_id}/licences`)) as {
            users: { id: string; skuIds: string[] }[];
          }
        ).users.map((u) => [u.id, [...u.skuIds].sort()]),
      );
    // Expired users: the tenant's activity read and applied by a directory sync, with a 7-day threshold.
    await activityRead();
    assert.equal(
      (await app.api('partnerAdmin', 'PUT', '/clients/demo/settings/expiry', { days: 7 })).status,
      200,
    );
    const directoryRuns = async (): Promise<number> =>
      (
        await app.store.db
          .selectFrom('sync_runs')
          .select('id')
          .where('client_id', '=', demoClientId)
          .where('kind', '=', 'directory')
          .where('status', '=', 'succeeded')
          .execute()
      ).length;
    const runs = await directoryRuns();
    // 202, or 409 when the scheduler's own sync is running: either way a directory run finishes after `runs`.
    const started = (await app.api('partnerAdmin', 'POST', '/clients/demo/sync', {})).status;
    assert.ok(started === 202 || started === 409, String(started));
    await waitFor(async () => (await directoryRuns()) > runs, 60_000);
    // Expiry applies to imported users: the initial import (this is the file's last test; nothing after relies on it).
    await app.api('partnerAdmin', 'POST', '/clients/demo/import', {});
    await waitFor(async () => {
      const inactive = (await app.api('partnerAdmin', 'GET', '/clients/demo/licences/inactive?limit=1000'))
        .body as {
        users: { inactiveReasons: string[] }[];
      };
      return inactive.users.some((u) => u.inactiveReasons.includes('expired'));
    }, 120_000);

    const bot = await ask('licences demo', PERSONAL, /^Licences/);
    const removeOffer = actionOf(bot.card, 'users.act.preview', 'Remove expired users’ licences');
    const refusedPreview = await playground.click(PERSONAL, bot.messageId, removeOffer);
    assert.equal(refusedPreview.status, 200);
    // Not granted: the core's words (not available, why, how to grant it) and no Confirm.
    assert.match(
      textOf(refusedPreview.card),
      /Not available for this client yet\. Not granted: .*LicenseAssignment\.ReadWrite\.All.*grant consent/s,
    );
    assert.throws(
      () => actionOf(refusedPreview.card, 'users.act.confirm', 'Confirm'),
      /no users\.act\.confirm/,
    );
    // A confirm that arrives anyway (an old card, a forged click) is refused by the core with the same words.
    const expired = (
      (await app.api('partnerAdmin', 'GET', '/clients/demo/licences/inactive?limit=1000')).body as {
        users: { id: string; inactiveReasons: string[] }[];
      }
    ).users
      .filter((u) => u.inactiveReasons.includes('expired'))
      .slice(0, 3)
      .map((u) => u.id);
    const before = await licencesInTenant();
    const refused = await playground.click(PERSONAL, bot.messageId, {
      verb: 'users.act.confirm',
      data: { ...(removeOffer.data as { client: string }), action: 'remove_licences', users: expired },
    });
    assert.match(
      textOf(refused.card),
      /Not available for this client yet\..*LicenseAssignment\.ReadWrite\.All/s,
    );
    assert.deepEqual(await licencesInTenant(), before, 'a refused call changed the tenant');

    await app.simControl('POST', `/tenants/${demo.tenant_id}/apps/${demo.app_client_id}/permissions`, {
      permissions: ['LicenseAssignment.ReadWrite.All'],
    });
    const preview = await playground
      .click(PERSONAL, bot.messageId, actionOf(refusedPreview.card, 'licences.show', 'Back to licences'))
      .then((shown) =>
        playground.click(
          PERSONAL,
          bot.messageId,
          actionOf(shown.card, 'users.act.preview', 'Remove expired users’ licences'),
        ),
      );
    assert.doesNotMatch(textOf(preview.card), /Not available yet/);
    assert.match(textOf(preview.card), /To change/);
    const confirm = actionOf(preview.card, 'users.act.confirm', 'Confirm: remove licences');
    const users = (confirm.data as { users: string[] }).users;
    assert.ok(users.length > 0);
    const done = await playground.click(PERSONAL, bot.messageId, confirm);
    assert.match(textOf(done.card), new RegExp(`${users.length.toString()} done, 0 refused`));
    const after = await licencesInTenant();
    for (const id of users) assert.equal(after.get(id), undefined, `${id} still holds licences`);
    const audit = await app.store.db
      .selectFrom('audit_log')
      .select(['target_id', 'after'])
      .where('action', '=', 'user.remove_licences')
      .where('channel', '=', 'bot')
      .execute();
    const outcomesOf = (id: string): { outcome: string; reason?: string }[] =>
      audit
        .filter((entry) => entry.target_id === id)
        .map((entry) => JSON.parse(entry.after ?? '{}') as { outcome: string; reason?: string });
    // The forged confirm is audited as the attempt it was, each user it named refused for the permission.
    for (const id of expired)
      assert.ok(
        outcomesOf(id).some((o) => o.outcome === 'refused' && o.reason === 'permission_missing'),
        id,
      );
    for (const id of users) {
      assert.deepEqual(
        outcomesOf(id)
          .filter((o) => o.reason !== 'permission_missing')
          .map((o) => o.outcome),
        ['done'],
        id,
      );
    }

    const undone = await playground.click(
      PERSONAL,
      bot.messageId,
      actionOf(done.card, 'users.act.confirm', 'Undo: give the licences back'),
    );
    assert.match(textOf(undone.card), new RegExp(`${users.length.toString()} done, 0 refused`));
    const restored = await licencesInTenant();
    for (const id of users) assert.deepEqual(restored.get(id), before.get(id), id);
  });

  it('`offboard <user>`: the steps first, then Offboard does each in order — a step the tenant has not granted is skipped, saying how to grant it — and the tenant, the store and the audit log show each step', async function () {
    this.timeout(120_000);
    const demo = await app.store.db
      .selectFrom('integrations')
      .select(['tenant_id', 'app_client_id'])
      .where('client_id', '=', demoClientId)
      .executeTakeFirstOrThrow();
    // Granted: blocking sign-in and licences; not granted: revoking sessions (User.RevokeSessions.All).
    await app.simControl('POST', `/tenants/${demo.tenant_id}/apps/${demo.app_client_id}/permissions`, {
      permissions: ['User.EnableDisableAccount.All', 'LicenseAssignment.ReadWrite.All'],
    });
    const started = (await app.api('partnerAdmin', 'POST', '/clients/demo/import', {})).status;
    assert.ok(started === 200 || started === 202 || started === 409, String(started));
    const licences = new Map(
      (
        (await app.simControl('GET', `/tenants/${demo.tenant_id}/licences`)) as {
          users: { id: string; skuIds: string[] }[];
        }
      ).users.map((u) => [u.id, u.skuIds]),
    );
    const imported = (
      (await app.api('partnerAdmin', 'GET', '/clients/demo/users?state=imported&limit=200')).body as {
        items: { id: string; userPrincipalName: string | null; accountEnabled: boolean; guest: boolean }[];
      }
    ).items;
    const leaver = imported.find(
      (u) =>
        u.accountEnabled && !u.guest && u.userPrincipalName !== null && (licences.get(u.id)?.length ?? 0) > 0,
    );
    assert.ok(leaver?.userPrincipalName, 'an imported, licensed user who may sign in');

    const preview = await ask(`offboard demo ${leaver.userPrincipalName}`, PERSONAL, /^Offboard /);
    const shown = textOf(preview.card);
    assert.match(shown, /^Block sign-in: to do$/m);
    assert.match(shown, /^Sign out everywhere: skipped \(not granted\)$/m);
    assert.match(shown, /^Remove licences: to do$/m);
    assert.match(shown, /^Stop collecting and billing: to do$/m);
    assert.match(shown, /Not granted for this client yet: User\.RevokeSessions\.All\. .*grant consent/);
    assert.equal(
      (
        (await app.simControl('GET', `/tenants/${demo.tenant_id}/users/${leaver.id}`)) as {
          user: { accountEnabled: boolean };
        }
      ).user.accountEnabled,
      true,
      'the preview changed nothing',
    );

    const done = await playground.click(
      PERSONAL,
      preview.messageId,
      actionOf(preview.card, 'user.offboard.confirm', 'Offboard'),
    );
    assert.equal(done.status, 200);
    assert.match(headingOf(done.card) ?? '', /^Offboarded .+, not every step$/);
    assert.match(textOf(done.card), /^Sign out everywhere: skipped \(not granted\)$/m);
    // In the tenant: blocked, licences removed; in the store: no longer collected or billed.
    const inTenant = (await app.simControl('GET', `/tenants/${demo.tenant_id}/users/${leaver.id}`)) as {
      user: { accountEnabled: boolean };
    };
    assert.equal(inTenant.user.accountEnabled, false);
    const after = (
      (await app.simControl('GET', `/tenants/${demo.tenant_id}/licences`)) as {
        users: { id: string; skuIds: string[] }[];
      }
    ).users.find((u) => u.id === leaver.id);
    assert.equal(after?.skuIds.length ?? 0, 0);
    const row = await app.store.db
      .selectFrom('directory_users')
      .select(['collection_state', 'disable_reason'])
      .where('client_id', '=', demoClientId)
      .where('id', '=', leaver.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual([row.collection_state, row.disable_reason], ['disabled', 'manual']);
    // Each step audited as the action it is, from the bot; the one not granted as refused for the permission.
    const audit = await app.store.db
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('target_id', '=', leaver.id)
      .where('channel', '=', 'bot')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audit.map((entry) => [entry.action, (JSON.parse(entry.after ?? '{}') as { outcome?: string }).outcome]),
      [
        ['user.block_sign_in', 'done'],
        ['user.revoke_sessions', 'refused'],
        ['user.remove_licences', 'done'],
        ['user.disable', undefined],
      ],
    );
  });
});

/** What no payload may change: the audit log, pending previews, role assignments, conversations. */
async function countsOf(app: DemoApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of [
    'audit_log',
    'pending_actions',
    'role_assignments',
    'conversation_references',
  ] as const) {
    const row = await app.store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    out[table] = row.count;
  }
  return out;
}

type Random = () => number;

function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    state ^= state + Math.imul(state ^ (state >>> 7), 61);
    return ((state ^ (state >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/**
 * One hostile request body: a malformed envelope, a foreign tenant, an unknown invoke, an unknown verb, or a known
 * verb with wrong, missing, oversized or foreign data (never an id that exists, so nothing valid can slip through).
 */
function fuzzBody(random: Random, index: number, context: { clientId: string; serviceUrl: string }): string {
  const verbs = [
    'user.disable',
    'user.import',
    'user.show',
    'group.exclude.preview',
    'group.exclude.confirm',
    'group.reporting',
    'users.list',
    'groups.list',
    'status.show',
    'report.show',
    'client.choose',
    'notifications.set',
    'sync.start',
    'nope',
    '',
    'user.disable ',
    '__proto__',
  ];
  const junk = [
    null,
    42,
    true,
    'x'.repeat(5_000),
    [],
    { client: context.clientId },
    { client: context.clientId, user: crypto.randomUUID() },
    { client: context.clientId, user: 'DROP TABLE users; --' },
    {
      client: context.clientId,
      group: crypto.randomUUID(),
      token: crypto.randomBytes(32).toString('base64url'),
    },
    { client: crypto.randomUUID(), user: crypto.randomUUID() },
    { client: 'other-client', group: 'Contractors', enabled: 'yes' },
    { client: context.clientId, group: crypto.randomUUID(), enabled: true },
    { client: context.clientId, kind: 'revenue' },
    { client: context.clientId, command: { name: 'rm -rf' } },
    { client: context.clientId, cursor: 'not-a-cursor' },
    { enabled: 'maybe' },
    { __proto__: { polluted: true }, client: context.clientId },
  ];
  const actor = pick(random, [
    { id: 'user-megan', aadObjectId: '0c8a6f2e-1d3b-4a5c-9e7f-100000000001' },
    { id: 'user-olga', aadObjectId: '0c8a6f2e-1d3b-4a5c-9e7f-100000000004' },
    { id: 'user-x' },
    { id: 'user-y', aadObjectId: 'x'.repeat(300) },
  ]);
  const tenant = pick(random, [DEMO_TENANT, DEMO_TENANT, DEMO_TENANT, crypto.randomUUID()]);
  const activity: Record<string, unknown> = {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: crypto.randomUUID(),
    channelId: 'msteams',
    serviceUrl: context.serviceUrl,
    from: actor,
    recipient: { id: '00000000-0000-0000-0000-00000000000011' },
    conversation: { id: PERSONAL, conversationType: 'personal', tenantId: tenant },
    channelData: { tenant: { id: tenant } },
    replyToId: String(index),
    value: {
      action: { type: 'Action.Execute', verb: pick(random, verbs), data: pick(random, junk) },
      trigger: 'manual',
    },
  };
  switch (index % 10) {
    case 0:
      return pick(random, ['', 'not json', '[]', 'null', '{"type":', JSON.stringify({ text: 'no type' })]);
    case 1: {
      const missing = pick(random, ['type', 'serviceUrl', 'conversation', 'name']);
      return JSON.stringify(Object.fromEntries(Object.entries(activity).filter(([key]) => key !== missing)));
    }
    case 2:
      return JSON.stringify({
        ...activity,
        serviceUrl: pick(random, ['http://169.254.169.254/', 'ftp://x', 'https://evil.example/', 42]),
      });
    case 3:
      return JSON.stringify({
        ...activity,
        name: pick(random, ['composeExtension/query', 'task/fetch', 'signin/verifyState', 'x'.repeat(300)]),
      });
    case 4:
      return JSON.stringify({
        ...activity,
        value: pick(random, [
          null,
          'text',
          { action: null },
          { action: { type: 'Action.Submit', verb: 'user.disable' } },
          { action: { type: 'Action.Execute' } },
        ]),
      });
    case 5:
      return JSON.stringify({ ...activity, type: pick(random, ['invoke', 'event', 'x'.repeat(100), 7]) });
    default:
      return JSON.stringify(activity);
  }
}
