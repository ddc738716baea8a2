import assert from 'node:assert/strict';
import path from 'node:path';
import type { CrossClientSearchResult } from '../../../src/contracts/search.js';
import { repoRoot } from '../../support/processes.js';
import { startDemoApp, type DemoApp } from '../tab/support/demo-app.js';
import {
  actionOf,
  actionsOf,
  AgentsPlayground,
  headingOf,
  textOf,
  type ChatEvent,
} from './support/agents-playground.js';

const PERSONAL = 'personal-chat-megan';

/**
 * `find <text>` through a real Teams client (the Microsoft 365 Agents Playground, headless) against the app in demo
 * mode: the card lists what the search service finds for Megan (partner admin), with the buttons its actions allow,
 * and a button acts like the user card's; a text too short is refused with what to type.
 */
describe('bot: `find` in the Agents Playground (end to end)', function () {
  this.timeout(60_000);
  const started: { app?: DemoApp; playground?: AgentsPlayground } = {};
  let app: DemoApp;
  let playground: AgentsPlayground;
  let demoClientId: string;

  before(async function () {
    this.timeout(150_000);
    app = started.app = await startDemoApp({ users: 120 });
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

  async function ask(text: string): Promise<ChatEvent> {
    const mark = playground.mark();
    await playground.say(PERSONAL, text);
    return playground.next(
      (event) =>
        event.fromBot &&
        event.action === 'createMessage' &&
        (event.conversationId === PERSONAL || event.conversationId.startsWith(`${PERSONAL};`)),
      { since: mark },
    );
  }

  it('lists the users and groups the search service finds, each with its client, state and allowed buttons', async () => {
    const member = await app.store.db
      .selectFrom('directory_users')
      .select(['display_name'])
      .where('client_id', '=', demoClientId)
      .where('user_type', '=', 'Member')
      .where('display_name', 'is not', null)
      .orderBy('display_name')
      .executeTakeFirstOrThrow();
    const word = (member.display_name ?? '').split(' ')[0] ?? '';
    const truth = (await app.api('partnerAdmin', 'GET', `/search?text=${encodeURIComponent(word)}`))
      .body as CrossClientSearchResult;
    assert.ok(truth.users.length > 0);
    const answer = await ask(`find ${word}`);
    assert.equal(headingOf(answer.card), `Found for “${word}”`);
    const text = textOf(answer.card);
    assert.match(
      text,
      new RegExp(`${truth.users.length} users? and ${truth.groups.length} groups? in 1 client`),
    );
    const shown = truth.users.slice(0, 10);
    for (const hit of shown) {
      assert.ok(text.includes(hit.displayName ?? ''), `${hit.displayName ?? ''} is on the card`);
      assert.ok(text.includes(`State: ${hit.states.join(', ')}`));
    }
    const buttons = actionsOf(answer.card);
    const expected = (action: string): number =>
      shown.filter((hit) => hit.actions.includes(action as never)).length;
    assert.equal(buttons.filter((b) => b.verb === 'user.show').length, shown.length);
    assert.equal(buttons.filter((b) => b.verb === 'user.import').length, expected('import'));
    assert.equal(buttons.filter((b) => b.verb === 'user.disable.ask').length, expected('disable'));
  });

  it('an Import button on the find card imports the user, as on the user card (and the store says so)', async () => {
    const target = await app.store.db
      .selectFrom('directory_users')
      .select(['id', 'user_principal_name'])
      .where('client_id', '=', demoClientId)
      .where('collection_state', '=', 'not_imported')
      .where('user_type', '=', 'Member')
      .where('entra_state', '=', 'active')
      .where('user_principal_name', 'is not', null)
      .orderBy('user_principal_name')
      .executeTakeFirstOrThrow();
    const upn = target.user_principal_name ?? '';
    const answer = await ask(`find ${upn}`);
    assert.match(textOf(answer.card), /State: not imported/);
    const importButton = actionOf(answer.card, 'user.import', 'Import');
    assert.deepEqual(importButton.data, { client: demoClientId, user: target.id });
    const clicked = await playground.click(PERSONAL, answer.messageId, importButton);
    assert.equal(clicked.status, 200);
    assert.match(textOf(clicked.card), /State: imported/);
    const row = await app.store.db
      .selectFrom('directory_users')
      .select('collection_state')
      .where('client_id', '=', demoClientId)
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.collection_state, 'imported');
    // Found again, the user is collected: Disable… (which asks first) replaces Import.
    const again = await ask(`find ${upn}`);
    assert.match(textOf(again.card), /State: collected/);
    actionOf(again.card, 'user.disable.ask', 'Disable…');
    assert.equal(
      actionsOf(again.card).filter((b) => b.verb === 'user.import').length,
      0,
      'a collected user offers no Import',
    );
  });

  it('says what to type when the text is too short, and finds nothing where nothing matches', async () => {
    const short = await ask('find a');
    assert.match(textOf(short.card), /type at least 2 characters of a name, UPN or mail/);
    const none = await ask('find zzzz-no-such-person');
    assert.match(textOf(none.card), /Nothing matches in 1 client you can see/);
    const bare = await ask('find');
    assert.match(textOf(bare.card), /say what to find/i);
  });
});
