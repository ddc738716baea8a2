import assert from 'node:assert/strict';
import { ACTIVITY_DATA_UNAVAILABLE } from '../../../src/store/activity-notice-repository.js';
import { MfaRegistrationSync } from '../../../src/sync/mfa-registration-sync.js';
import { SignInIngestion } from '../../../src/sync/sign-in-ingestion.js';
import { simulatorIntegration, startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
import { describeEachEngineWithCore, partnerAdmin } from '../services/fixtures/core-harness.js';
import { silentLogger } from '../sync/sync-harness.js';
import { isSimGuest, noPace } from './report-fixture.js';

describe('reports for a tenant without Entra ID P1/P2', function () {
  let harness: TestSimulator;
  const start = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();

  before(async () => {
    harness = await startTestSimulator({ users: 50, premium: false, signInDays: 20 });
  });
  after(async () => {
    await harness.close();
  });

  describeEachEngineWithCore(
    'with the rules applied',
    (ctx) => {
      it('say that sign-in data needs Entra ID P1/P2, expire nobody, and leave one notice after many runs', async () => {
        const { core } = ctx;
        harness.sim.stats.reset();
        const client = await core.clients.add(partnerAdmin, { name: `free-${ctx.engine}` });
        await core.integrationStore.save(simulatorIntegration(harness, client.id, ctx.clock.now()));
        await core.integrations.startImport(partnerAdmin, client.name);
        assert.equal((await core.directorySync.run(client.id)).run.status, 'succeeded');
        const parts = {
          db: core.database.db,
          store: core.store,
          graphs: core.graphs,
          integrations: core.integrationStore,
          runner: core.syncRunner,
          clock: core.clock,
          logger: silentLogger,
        };
        const ingestion = new SignInIngestion({ ...parts, retentionDays: 90, pace: noPace });
        const mfa = new MfaRegistrationSync({ ...parts, pace: noPace });
        for (let run = 0; run < 4; run++) {
          assert.equal((await ingestion.run(client.id)).run.status, 'succeeded');
          assert.equal((await mfa.run(client.id)).run.status, 'succeeded');
          await core.collection.reconcile(client.id);
          // A licence refusal is believed when seen again an hour later (src/graph/licence-check.ts).
          ctx.clock.advance(3_600_000);
        }
        // The shortest threshold, a week later: with activity data everyone idle would expire now.
        await core.integrations.setExpiryThreshold(partnerAdmin, client.name, 7);
        ctx.clock.advance(8 * 86_400_000);

        for (const kind of ['usage', 'sso', 'mfa', 'billing'] as const) {
          const report = await core.reports.report(partnerAdmin, kind, { client: client.name });
          assert.equal(report.header.signInData.state, 'unavailable', kind);
          assert.match(report.header.signInData.message ?? '', /needs Entra ID P1 or P2/, kind);
        }
        const usage = await core.reports.applicationUsage(partnerAdmin, { client: client.name });
        assert.equal(usage.totals.signIns, 0);
        const billing = await core.reports.usersAndBilling(partnerAdmin, { client: client.name });
        assert.equal(billing.current.expired, 0);
        assert.ok(billing.current.imported > 0);
        assert.equal(
          billing.current.billable,
          [...harness.tenant.users()].filter((user) => !isSimGuest(user) && user.accountEnabled).length,
        );
        assert.match(billing.expiry.message ?? '', /Activity unknown/);
        for (const user of billing.users.filter((row) => row.state === 'imported')) {
          assert.equal(user.expired, false);
          assert.ok(user.expiryExplanation.includes('activity unknown'), user.expiryExplanation);
        }

        const notices = await core.database.db
          .selectFrom('incidents')
          .select('kind')
          .where('client_id', '=', client.id)
          .execute();
        assert.deepEqual(notices, [{ kind: ACTIVITY_DATA_UNAVAILABLE }]);
        const requests = harness.sim.stats.requestsByEndpoint(harness.tenant.tenantId);
        assert.equal(
          requests['GET /beta/auditLogs/signIns'],
          2,
          'asked until the refusal was confirmed (twice, an hour apart), not once per run',
        );
        // Asked once, before the refusal was confirmed; never again once it was.
        assert.equal(requests['GET /v1.0/reports/authenticationMethods/userRegistrationDetails'] ?? 0, 1);
      });
    },
    () => ({ graphEndpoints: harness.endpoints, start }),
  );
});
