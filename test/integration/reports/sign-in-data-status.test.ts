import assert from 'node:assert/strict';
import { SignInActivitySync } from '../../../src/sync/sign-in-activity-sync.js';
import { SignInIngestion } from '../../../src/sync/sign-in-ingestion.js';
import { simulatorIntegration, startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
import { describeEachEngineWithCore, partnerAdmin } from '../services/fixtures/core-harness.js';
import { silentLogger } from '../sync/sync-harness.js';
import { noPace } from './report-fixture.js';

/**
 * What the reports say about their sign-in data before there is any: a connected client's figures are zeros until
 * its users are imported and its sign-in log has been read, and zeros alone read as a tenant nobody uses.
 */
describe('reports: the sign-in data they stand on, from connection to the first read', function () {
  let harness: TestSimulator;
  const start = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();

  before(async () => {
    harness = await startTestSimulator({ users: 20, signInDays: 3 });
  });
  after(async () => {
    await harness.close();
  });

  describeEachEngineWithCore(
    'one client',
    (ctx) => {
      it('says nobody is imported, then that the history is being read, then nothing once it is read', async () => {
        const { core } = ctx;
        const client = await core.clients.add(partnerAdmin, { name: `status-${ctx.engine}` });
        await core.integrationStore.save(simulatorIntegration(harness, client.id, ctx.clock.now()));
        const message = async (): Promise<string | null> =>
          (await core.reports.applicationUsage(partnerAdmin, { client: client.name })).header.signInData
            .message;

        // Connected, synced, nobody imported: no sign-in is collected (rule 10).
        const first = await core.directorySync.run(client.id);
        assert.equal(first.run.status, 'succeeded', JSON.stringify(first.run));
        assert.match((await message()) ?? '', /^No user is imported yet, so no sign-in is collected/);

        // Imported and synced, the sign-in log not read yet.
        await core.integrations.startImport(partnerAdmin, client.name);
        assert.equal((await core.directorySync.run(client.id)).run.status, 'succeeded');
        assert.match((await message()) ?? '', /^Reading activity…: the sign-in history has not been read/);

        // Read: the figures stand on their own.
        // Read: each user's last sign-in (which tells the activity is there), then the sign-in log.
        const parts = {
          store: core.store,
          graphs: core.graphs,
          integrations: core.integrationStore,
          runner: core.syncRunner,
          clock: core.clock,
          logger: silentLogger,
          pace: noPace,
        };
        assert.equal((await new SignInActivitySync(parts).run(client.id)).run.status, 'succeeded');
        assert.match((await message()) ?? '', /^Reading activity…/, 'the log is still to be read');
        const ingestion = new SignInIngestion({ ...parts, retentionDays: 90 });
        assert.equal((await ingestion.run(client.id)).run.status, 'succeeded');
        assert.equal(await message(), null);
      });
    },
    () => ({ graphEndpoints: harness.endpoints, start }),
  );
});
