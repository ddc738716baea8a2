import assert from 'node:assert/strict';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { runAction } from '../../../bot/actions/action-handler.js';
import { runCommand } from '../../../bot/commands/command-handler.js';
import { TabLinks } from '../../../bot/tab-links.js';
import type { WorkflowContext } from '../../../bot/workflows/workflow-context.js';
import type { Core } from '../../../src/composition/create-core.js';
import { createLogger } from '../../../src/shared/logger.js';
import { describeEachEngineWithCore, partnerAdmin } from '../services/fixtures/core-harness.js';
import { seedClient, seedDirectory, T0 } from '../services/fixtures/directory-fixture.js';

/** The core as the bot sees it, recording every service call the bot makes (`users.changeState`…). */
function recording(core: Core, calls: string[]): Core {
  return new Proxy(core, {
    get(target, name, receiver) {
      const member: unknown = Reflect.get(target, name, receiver);
      if (typeof member !== 'object' || member === null || typeof name !== 'string') return member;
      return new Proxy(member, {
        get(service, method, serviceReceiver) {
          const value: unknown = Reflect.get(service, method, serviceReceiver);
          if (typeof value !== 'function' || typeof method !== 'string') return value;
          return (...args: unknown[]) => {
            calls.push(`${name}.${method}`);
            return (value as (...a: unknown[]) => unknown).apply(service, args);
          };
        },
      });
    },
  });
}

/** Every statement the core sends to the store while `recording` is on, as its kind and first table. */
class StatementLog implements KyselyPlugin {
  recording = false;
  readonly statements: string[] = [];

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.recording) {
      const table = /"kind":"IdentifierNode","name":"(\w+)"/.exec(JSON.stringify(args.node))?.[1] ?? '?';
      this.statements.push(`${args.node.kind} ${table}`);
    }
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

function textOf(card: unknown): string {
  return JSON.stringify(card);
}

describeEachEngineWithCore('a user card click in the bot', (ctx) => {
  it('Disable is one core call, whose answer says whether it changed anything (a second click does not)', async () => {
    const db = ctx.core.database.db;
    const clientId = await seedClient(db);
    const directory = await seedDirectory(db, clientId, {
      users: {
        adele: {
          displayName: 'Adele Vance',
          upn: 'adele@fixture.example',
          state: 'imported',
          importedAt: T0,
        },
      },
    });
    const calls: string[] = [];
    const context: WorkflowContext = {
      core: recording(ctx.core, calls),
      links: new TabLinks({ publicBaseUrl: 'https://idm.test.example', teamsAppId: 'app' }),
      actor: { ...partnerAdmin, channel: 'bot' },
      conversationId: 'personal-chat',
    };
    const click = {
      action: {
        type: 'Action.Execute',
        verb: 'user.disable',
        data: { client: clientId, user: directory.user('adele') },
      },
    };
    const sync = { logger: createLogger({ level: 'silent' }) };

    const first = await runAction(context, click, sync);
    assert.deepEqual(calls, ['users.changeState']);
    assert.match(textOf(first.card), /Adele Vance is disabled: no longer collected or billable/);

    calls.length = 0;
    const second = await runAction(context, click, sync);
    assert.deepEqual(calls, ['users.changeState']);
    assert.match(textOf(second.card), /Adele Vance was disabled already — nothing changed/);
  });

  it('`import <name>` typed in the chat finds the client and the user first, then makes the one change', async () => {
    const db = ctx.core.database.db;
    const clientId = await seedClient(db);
    await seedDirectory(db, clientId, {
      users: { megan: { displayName: 'Megan Bowen', upn: 'megan@fixture.example' } },
    });
    const calls: string[] = [];
    const context: WorkflowContext = {
      core: recording(ctx.core, calls),
      links: new TabLinks({ publicBaseUrl: 'https://idm.test.example', teamsAppId: 'app' }),
      actor: { ...partnerAdmin, channel: 'bot' },
      conversationId: 'personal-chat',
    };
    const answer = await runCommand(
      context,
      { name: 'import', client: clientId, user: 'Megan Bowen' },
      { logger: createLogger({ level: 'silent' }) },
    );
    assert.match(textOf(answer.card), /Megan Bowen is imported/);
    assert.deepEqual(calls, ['roles.myGrants', 'clients.get', 'users.list', 'users.changeState']);
  });

  it('`disable <name>` and a Disable… click only ask: nothing changes until Disable user is clicked', async () => {
    const db = ctx.core.database.db;
    const clientId = await seedClient(db);
    const directory = await seedDirectory(db, clientId, {
      users: {
        adele: {
          displayName: 'Adele Cho',
          upn: 'adele.cho@fixture.example',
          state: 'imported',
          importedAt: T0,
        },
      },
    });
    const calls: string[] = [];
    const context: WorkflowContext = {
      core: recording(ctx.core, calls),
      links: new TabLinks({ publicBaseUrl: 'https://idm.test.example', teamsAppId: 'app' }),
      actor: { ...partnerAdmin, channel: 'bot' },
      conversationId: 'personal-chat',
    };
    const sync = { logger: createLogger({ level: 'silent' }) };
    const typed = await runCommand(context, { name: 'disable', client: clientId, user: 'Adele Cho' }, sync);
    assert.match(textOf(typed.card), /Disable Adele Cho\?/);
    const ask = await runAction(
      context,
      {
        action: {
          type: 'Action.Execute',
          verb: 'user.disable.ask',
          data: { client: clientId, user: directory.user('adele') },
        },
      },
      sync,
    );
    assert.match(textOf(ask.card), /Disable Adele Cho\?/);
    assert.ok(!calls.includes('users.changeState'), calls.join(', '));
    const state = async (): Promise<string> =>
      (
        await db
          .selectFrom('directory_users')
          .select('collection_state')
          .where('id', '=', directory.user('adele'))
          .executeTakeFirstOrThrow()
      ).collection_state;
    assert.equal(await state(), 'imported');

    const confirm = (ask.card.actions ?? []).find((action) => action.title === 'Disable user');
    assert.ok(confirm?.type === 'Action.Execute');
    const done = await runAction(context, { action: confirm }, sync);
    assert.match(textOf(done.card), /Adele Cho is disabled/);
    assert.equal(await state(), 'disabled');
  });
});

const statementLog = new StatementLog();

describeEachEngineWithCore(
  'the SQL statements of a user card click in the bot',
  (ctx) => {
    it('a Disable click reads the client, the grants and the user once each: 7 statements in all', async () => {
      const db = ctx.core.database.db;
      const clientId = await seedClient(db);
      const directory = await seedDirectory(db, clientId, {
        users: {
          lynne: {
            displayName: 'Lynne Robbins',
            upn: 'lynne@fixture.example',
            state: 'imported',
            importedAt: T0,
          },
        },
      });
      const context: WorkflowContext = {
        core: ctx.core,
        links: new TabLinks({ publicBaseUrl: 'https://idm.test.example', teamsAppId: 'app' }),
        actor: { ...partnerAdmin, channel: 'bot' },
        conversationId: 'personal-chat',
      };
      const click = {
        action: {
          type: 'Action.Execute',
          verb: 'user.disable',
          data: { client: clientId, user: directory.user('lynne') },
        },
      };
      statementLog.statements.length = 0;
      statementLog.recording = true;
      try {
        const answer = await runAction(context, click, { logger: createLogger({ level: 'silent' }) });
        assert.match(textOf(answer.card), /Lynne Robbins is disabled/);
      } finally {
        statementLog.recording = false;
      }
      // The client, the grants (once for both checks), the user; its compare-and-set and the audit entry (one
      // transaction); then what the card shows: the expiry policy and the user's excluded groups. 9 before the grants
      // were read once per request and the user was no longer read again after its compare-and-set.
      assert.deepEqual(
        statementLog.statements.filter((s) => s.startsWith('SelectQueryNode role_assignments')).length,
        1,
        statementLog.statements.join('\n'),
      );
      assert.ok(statementLog.statements.length <= 7, statementLog.statements.join('\n'));
    });
  },
  () => ({ storePlugins: [statementLog] }),
);
