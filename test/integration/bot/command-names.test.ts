import assert from 'node:assert/strict';
import { answerMessage } from '../../../bot/commands/command-handler.js';
import { parseCommand } from '../../../bot/commands/command-parser.js';
import { TabLinks } from '../../../bot/tab-links.js';
import type { WorkflowContext } from '../../../bot/workflows/workflow-context.js';
import { createLogger } from '../../../src/shared/logger.js';
import { describeEachEngineWithCore, partnerAdmin } from '../services/fixtures/core-harness.js';
import { seedClient, seedDirectory, T0 } from '../services/fixtures/directory-fixture.js';

describeEachEngineWithCore('names with spaces typed to the bot', (ctx) => {
  const sync = { logger: createLogger({ level: 'silent' }) };
  let context: WorkflowContext;
  let clientId: string;

  before(async () => {
    const db = ctx.core.database.db;
    clientId = await seedClient(db, { name: 'northwind' });
    await db
      .updateTable('clients')
      .set({ display_name: 'Northwind Traders' })
      .where('id', '=', clientId)
      .execute();
    await seedClient(db, { name: 'contoso', integration: { importStarted: false } });
    await seedClient(db, { name: 'fabrikam', integration: false });
    await seedDirectory(db, clientId, {
      users: {
        adele: { displayName: 'Adele Cho', upn: 'adele@fixture.example', state: 'imported', importedAt: T0 },
        boris: {
          displayName: 'Boris Blocked',
          upn: 'boris@fixture.example',
          state: 'imported',
          importedAt: T0,
          accountEnabled: false,
        },
      },
      groups: { field: { displayName: 'Field Engineers', members: ['adele'] } },
    });
    context = {
      core: ctx.core,
      links: new TabLinks({ publicBaseUrl: 'https://idm.test.example', teamsAppId: 'app' }),
      actor: { ...partnerAdmin, channel: 'bot' },
      conversationId: 'personal-chat',
    };
  });

  async function say(text: string): Promise<string> {
    return JSON.stringify((await answerMessage(context, parseCommand(text), sync)).card);
  }

  it('a client named by its display name without quotes is found (status, users)', async () => {
    assert.match(await say('status Northwind Traders'), /Northwind Traders/);
    assert.doesNotMatch(await say('status Northwind Traders'), /not found|Choose/i);
    const users = await say('users Northwind Traders adele');
    assert.match(users, /Adele Cho/);
    assert.match(await say('users adele --client northwind traders'), /Adele Cho/);
  });

  it('`users --blocked` lists only the users whose sign-in is blocked in Entra, and says so', async () => {
    const card = await say('users northwind --blocked');
    assert.match(card, /Users with sign-in blocked — 1/);
    assert.match(card, /Boris Blocked/);
    assert.doesNotMatch(card, /Adele Cho/);
  });

  it('the users and groups of a client not connected yet are empty for a reason, and the card says it', async () => {
    for (const [command, noun] of [
      ['users fabrikam', 'user'],
      ['groups fabrikam', 'group'],
    ] as const) {
      const card = await say(command);
      assert.ok(
        card.includes(`No ${noun} is read yet: connect the client's Entra tenant under Setup in the tab.`),
        card,
      );
    }
    // A connected client whose search finds nobody says just that.
    assert.match(await say('users northwind nosuchperson'), /Nobody matches\./);
  });

  it('import and disable take the client first, as the CLI does, and keep the last word for the user', async () => {
    // `import <client> <user>` is the CLI's order; typed to the bot it named no client and searched for
    // "northwind adele@…" (a “No user matches” card).
    const imported = await say('import Northwind Traders ADELE@fixture.example');
    assert.match(imported, /Adele Cho/);
    assert.doesNotMatch(imported, /No user|Choose/);
    const asked = await say('disable northwind adele@fixture.example');
    assert.match(asked, /Disable Adele Cho\?/);
    assert.match(await say('import adele@fixture.example --client northwind'), /Adele Cho/);
    // One word only: it is the user, searched in… which client? Two are visible, so the bot asks.
    assert.match(await say('import northwind'), /Choose|Which client/i);
  });

  it('groups and exclude take the client first too, as the CLI does', async () => {
    // Before, `groups northwind field` searched every word ("No group matches …" in a chosen client) and
    // `exclude northwind Field Engineers` looked for a group called "northwind Field Engineers".
    const listed = await say('groups Northwind Traders field');
    assert.match(listed, /Field Engineers/);
    assert.doesNotMatch(listed, /No group|Choose/);
    assert.match(await say('groups northwind'), /Field Engineers/);
    const preview = await say('exclude northwind Field Engineers');
    assert.match(preview, /Field Engineers/);
    assert.doesNotMatch(preview, /No group|not found|Choose/i);
    // `report <kind> [client]` already took the client after the kind; the help now says so.
    assert.match(await say('report usage Northwind Traders'), /Northwind Traders/);
    assert.doesNotMatch(await say('report usage Northwind Traders'), /Choose|not found/i);
    // One word only: it is the group, so the bot asks which client.
    assert.match(await say('exclude northwind'), /Choose|Which client/i);
  });

  it('an option that swallowed the next words says which quoting was meant', async () => {
    await assert.rejects(say('users --client contoso adele'), (error: Error) => {
      assert.match(error.message, /No client is called “contoso adele”/);
      assert.match(error.message, /Did you mean the client “contoso”\? Put “adele” before --client/);
      assert.match(error.message, /or quote the name: --client "contoso"/);
      return true;
    });
  });

  it('a name nobody has stays a plain “not found”', async () => {
    await assert.rejects(say('status Nobody Here'), /Client 'Nobody Here' was not found/);
  });

  it('the help and the errors show their placeholders (Teams drops an angle-bracketed word)', async () => {
    const help = await say('help');
    assert.match(help, /import \S*client\S* ‹user›/);
    assert.match(help, /exclude \S*client\S* ‹group›/);
    assert.match(help, /report usage\|sso\|mfa\|billing \S*client\S* /);
    assert.match(help, /--client ‹name›/);
    assert.doesNotMatch(help, /<user>|<name>/);
    assert.match(await say('disable'), /disable ‹UPN, mail or name›/);
  });

  it('`clients` shows each client’s billable users and worst problem exactly as the status service has them', async () => {
    const card = await say('clients');
    const statuses = await ctx.core.status.list(context.actor);
    assert.ok(
      statuses.some((status) => status.problems.length > 0),
      'the fixture has a client with a problem',
    );
    for (const status of statuses) {
      assert.ok(card.includes(`billable ${status.billable.toLocaleString('en-US')}`), status.name);
      const [worst] = status.problems;
      if (worst !== undefined) assert.ok(card.includes(`Needs attention: ${worst}`), worst);
    }
  });
});
