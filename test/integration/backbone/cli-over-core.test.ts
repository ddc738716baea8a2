import assert from 'node:assert/strict';
import type { SimTenant } from '../../../sim/index.js';
import type { CliContext } from '../../../src/cli/cli-context.js';
import { runCli } from '../../../src/cli/program.js';
import type { Actor } from '../../../src/services/actor.js';
import { engines } from '../../support/databases.js';
import { startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
import { partnerAdmin, startCore, type CoreHarness } from '../services/fixtures/core-harness.js';

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
      await app.core.integrationStore.save({
        clientId,
        kind: 'client_credentials',
        tenantId: tenant.tenantId,
        tenantInput: tenant.domain,
        appClientId: harness.app.clientId,
        clientSecret: harness.app.clientSecret,
        actor: 'test',
        at: app.clock.now(),
      });
      const sync = await app.core.clientSync.run(clientId, { parts: ['directory'] });
      assert.ok(sync.succeeded, JSON.stringify(sync.runs.map((r) => r.run.error_message)));
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
      }
      tenant.grantAppPermissions(harness.app.clientId, ['LicenseAssignment.ReadWrite.All']);
      assert.equal(await cli(['users', 'remove-licences', clientId, ...users]), 0, err.join('\n'));
      assert.match(out.join('\n'), /run the same command with --confirm/);
      assert.doesNotMatch(out.join('\n'), /Not available/);
    });
  });
}
