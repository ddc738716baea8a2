import assert from 'node:assert/strict';
import type { SimTenant } from '../../../sim/index.js';
import type { CliContext } from '../../../src/cli/cli-context.js';
import { EXIT_USAGE, runCli } from '../../../src/cli/program.js';
import type { Actor } from '../../../src/services/actor.js';
import { engines } from '../../support/databases.js';
import { simulatorIntegration, startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
import {
  MSP_TENANT,
  partnerAdmin,
  person,
  startCore,
  type CoreHarness,
} from '../services/fixtures/core-harness.js';

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The CLI over the real core and a connected tenant (the simulator over HTTPS): what it prints comes from the same
 * services the tab and the bot call, the core applies the access policy, and bad input ends with a clear message and
 * a non-zero exit.
 */
for (const engine of engines) {
  describe(`CLI over a connected client [${engine}]`, function () {
    this.timeout(120_000);
    let harness: TestSimulator;
    let app: CoreHarness;
    let tenant: SimTenant;
    let clientId: string;
    let out: string[];
    let err: string[];

    const cli = async (argv: readonly string[], actor: Actor = partnerAdmin): Promise<number> => {
      out = [];
      err = [];
      const context: CliContext = {
        actor,
        out: (text) => out.push(text),
        err: (text) => err.push(text),
        core: () => Promise.resolve(app.core),
      };
      return runCli(argv, context);
    };

    before(async () => {
      harness = await startTestSimulator({ users: 40, groups: 3, premium: true, signInDays: 10 });
      tenant = harness.tenant;
      app = await startCore(engine, {
        graphEndpoints: harness.endpoints,
        start: new Date(Math.floor(harness.sim.now().getTime() / 1000) * 1000).toISOString(),
      });
      clientId = (await app.core.clients.add(partnerAdmin, { name: `cli-${engine}` })).id;
      await app.core.clients.add(partnerAdmin, { name: `other-${engine}` });
      await app.core.integrationStore.save(simulatorIntegration(harness, clientId, app.clock.now()));
      const sync = await app.core.clientSync.run(clientId, { parts: ['directory'] });
      assert.ok(sync.succeeded, JSON.stringify(sync.runs.map((r) => r.run.errorMessage)));
      await app.core.integrations.startImport(partnerAdmin, clientId);
    });
    after(async () => {
      await app.dispose();
      await harness.close();
    });

    const someUsers = async (n: number): Promise<string[]> =>
      (await app.core.users.list(partnerAdmin, clientId, { limit: n, guest: 'no' })).items.map((u) => u.id);

    it('a user action preview without the permission says it is not available and how to grant it, never "--confirm"', async () => {
      const users = await someUsers(2);
      for (const [verb, permission] of [
        ['remove-licences', 'LicenseAssignment.ReadWrite.All'],
        ['revoke-sessions', 'User.RevokeSessions.All'],
        ['block', 'User.EnableDisableAccount.All'],
      ] as const) {
        assert.equal(await cli(['users', verb, clientId, ...users]), 0, err.join('\n'));
        const text = out.join('\n');
        assert.match(text, /Not available for this client yet\./, verb);
        // The core's wording, as the bot's card and the tab's panel show it.
        assert.match(text, new RegExp(`${permission.replaceAll('.', '\\.')}.*grant consent`), verb);
        assert.doesNotMatch(text, /--confirm/, verb);
        // --confirm anyway: refused with the same words, nothing sent.
        assert.notEqual(await cli(['users', verb, clientId, ...users, '--confirm']), 0, verb);
        assert.match(
          err.join('\n'),
          new RegExp(`Not available for this client yet\\..*${permission.replaceAll('.', '\\.')}`),
          verb,
        );
      }
      tenant.grantAppPermissions(harness.app.clientId, ['LicenseAssignment.ReadWrite.All']);
      assert.equal(await cli(['users', 'remove-licences', clientId, ...users]), 0, err.join('\n'));
      assert.match(out.join('\n'), /run the same command with --confirm/);
      assert.doesNotMatch(out.join('\n'), /Not available/);
    });
    const otherAdmin = person('bbbbbbbb-0000-4000-8000-000000000045', 'other-admin@msp.example');
    const viewer = person('bbbbbbbb-0000-4000-8000-000000000046', 'viewer@msp.example');

    it('a user action’s results name each user by display name and sign-in name', async () => {
      tenant.grantAppPermissions(harness.app.clientId, ['User.EnableDisableAccount.All']);
      const users = (await app.core.users.list(partnerAdmin, clientId, { limit: 3, guest: 'no' })).items;
      const ids = users.map((u) => u.id);
      assert.equal(await cli(['users', 'block', clientId, ...ids, '--confirm', '--json']), 0, err.join('\n'));
      const outcome = JSON.parse(out.join('')) as {
        results: { id: string; displayName: string | null; outcome: string }[];
      };
      assert.deepEqual(
        outcome.results.map((r) => [r.id, r.displayName, r.outcome]),
        users.map((u) => [u.id, u.displayName, 'done']),
      );
      // Undone, as text: the same names.
      assert.equal(await cli(['users', 'unblock', clientId, ...ids, '--confirm']), 0, err.join('\n'));
      assert.match(out.join('\n'), /^NAME +UPN +RESULT/);
      for (const user of users)
        assert.match(
          out.join('\n'),
          new RegExp(`${escaped(user.displayName ?? '?')} +${escaped(user.userPrincipalName ?? '?')} +done`),
        );
    });

    it('find: users and groups across the clients, from the core’s search (as JSON and as a table)', async () => {
      const [user] = (await app.core.users.list(partnerAdmin, clientId, { limit: 1, guest: 'no' })).items;
      assert.ok(user?.userPrincipalName);
      const text = user.userPrincipalName.split('@')[0] ?? '';
      assert.equal(await cli(['find', text, '--json']), 0, err.join('\n'));
      const found = JSON.parse(out.join('')) as Awaited<ReturnType<typeof app.core.search.find>>;
      assert.deepEqual(found, await app.core.search.find(partnerAdmin, { text }));
      const hit = found.users.find((u) => u.id === user.id);
      assert.equal(hit?.client.id, clientId);
      assert.ok(hit.actions.includes('disable') || hit.actions.includes('import'), hit.actions.join());
      assert.equal(found.clientsSearched, 2);
      assert.equal(await cli(['find', text]), 0);
      assert.match(out.join('\n'), /USER +UPN +CLIENT +STATE/);
      assert.ok(out.join('\n').includes(user.userPrincipalName), out.join('\n'));
      assert.match(out.join('\n'), /in 2 clients searched\./);
    });

    it('find and dashboard: the core’s access policy decides which clients are seen, and what may be done', async () => {
      await app.core.roles.assign(partnerAdmin, {
        principalTenantId: MSP_TENANT,
        principalObjectId: otherAdmin.objectId,
        role: 'client_admin',
        client: `other-${engine}`,
      });
      await app.core.roles.assign(partnerAdmin, {
        principalTenantId: MSP_TENANT,
        principalObjectId: viewer.objectId,
        role: 'viewer',
        client: clientId,
      });
      const [user] = (await app.core.users.list(partnerAdmin, clientId, { limit: 1, guest: 'no' })).items;
      const text = user?.userPrincipalName?.split('@')[0] ?? '';
      assert.equal(await cli(['find', text, '--json'], otherAdmin), 0, err.join('\n'));
      const blind = JSON.parse(out.join('')) as { users: unknown[]; clientsSearched: number };
      assert.deepEqual([blind.users.length, blind.clientsSearched], [0, 1]);
      assert.equal(await cli(['find', text, '--json'], viewer), 0, err.join('\n'));
      const viewed = JSON.parse(out.join('')) as { users: { id: string; actions: string[] }[] };
      assert.deepEqual(viewed.users.find((u) => u.id === user?.id)?.actions, ['open']);

      assert.equal(await cli(['dashboard', '--json'], otherAdmin), 0, err.join('\n'));
      const narrow = JSON.parse(out.join('')) as { clients: { name: string }[] };
      assert.deepEqual(
        narrow.clients.map((c) => c.name),
        [`other-${engine}`],
      );
    });

    it('dashboard: every client with the core’s figures (as JSON and as a table)', async () => {
      assert.equal(await cli(['dashboard', '--json']), 0, err.join('\n'));
      const dashboard = JSON.parse(out.join('')) as Awaited<ReturnType<typeof app.core.dashboard.dashboard>>;
      assert.deepEqual(dashboard, await app.core.dashboard.dashboard(partnerAdmin));
      const row = dashboard.clients.find((c) => c.id === clientId);
      const [status] = await app.core.status.list(partnerAdmin, clientId);
      assert.equal(row?.users, status?.users);
      assert.ok((row?.users ?? 0) > 0);
      assert.equal(row?.billable, status?.billable);
      assert.deepEqual(
        dashboard.clients.map((c) => c.name),
        [`cli-${engine}`, `other-${engine}`],
      );
      assert.equal(await cli(['dashboard']), 0, err.join('\n'));
      const table = out.join('\n');
      assert.match(table, /CLIENT +INTEGRATION +USERS +BILLABLE/);
      assert.match(
        table,
        new RegExp(`cli-${engine} +connected +${String(row?.users)} +${String(row?.billable)}`),
      );
      assert.match(table, new RegExp(`other-${engine}: needs attention: Not connected to Entra ID`));
    });

    it('find answers bad input with a clear message and exit code 2, dashboard takes no argument', async () => {
      for (const [argv, message] of [
        [['find', 'a'], /text: type at least 2 characters/],
        [['find', ' b '], /text: type at least 2 characters/],
        [['find', 'x'.repeat(101)], /text: use at most 100 characters/],
        [['find', 'contoso', '--limit', '0'], /limit: must be at least 1/],
        [['find', 'contoso', '--limit', '51'], /limit: must be at most 50/],
        [['find', 'contoso', '--limit', 'many'], /limit: must be a number/],
        [['find'], /missing required argument 'text'/],
        [['dashboard', 'extra'], /too many arguments/],
      ] as const) {
        assert.equal(await cli(argv), EXIT_USAGE, argv.join(' '));
        assert.match(err.join('\n'), message, argv.join(' '));
        assert.deepEqual(out, [], argv.join(' '));
      }
    });
  });
}
