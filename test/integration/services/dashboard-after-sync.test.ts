import assert from 'node:assert/strict';
import { percent } from '../../../src/domain/dashboard-figures.js';
import { isGuest } from '../../../src/domain/eligibility.js';
import { simulatorIntegration, startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
import { describeEachEngineWithCore, partnerAdmin } from './fixtures/core-harness.js';

/**
 * The partner dashboard's MFA column reads the day's snapshot. A person's *Sync now* (tab, bot, CLI) reads MFA
 * registrations after the directory: the snapshot must be taken again once they are in, not only by the next
 * scheduled sync, or the column says "no data yet" (or yesterday's figure) for hours after the admin synced.
 */
describe('partner dashboard after a Sync now', function () {
  let harness: TestSimulator;
  const start = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();

  before(async () => {
    harness = await startTestSimulator({ users: 30, signInDays: 2 });
  });
  after(async () => {
    await harness.close();
  });

  describeEachEngineWithCore(
    'one client',
    (ctx) => {
      it('shows the MFA registrations the sync read as soon as it ends', async () => {
        const { core } = ctx;
        const client = await core.clients.add(partnerAdmin, { name: `mfa-${ctx.engine}` });
        await core.integrationStore.save(simulatorIntegration(harness, client.id, ctx.clock.now()));

        const started = await core.sync.start(partnerAdmin, client.name);
        const outcome = await started.finished;
        assert.ok(outcome.succeeded, JSON.stringify(outcome.runs));
        assert.ok(
          outcome.runs.some((run) => run.kind === 'mfa_registration'),
          'the sync read the MFA registrations',
        );

        // What Graph's registration details say of the tenant's members who may sign in (the MFA report's population:
        // guests and accounts with sign-in blocked are not counted).
        // A guest as rule 3 has it (an account without a type but with an #EXT# UPN is one, as in eligibility.ts).
        const members = [...harness.tenant.users()]
          .filter((user) => user.accountEnabled && !isGuest(user))
          .map((user) => harness.tenant.registrationDetails(user.id));
        const registered = members.filter((details) => details?.isMfaRegistered === true).length;
        const expected = percent(registered, members.length);
        assert.notEqual(expected, null);

        const row = (await core.dashboard.dashboard(partnerAdmin)).clients.find(
          (entry) => entry.id === client.id,
        );
        assert.equal(row?.mfaRegisteredPercent, expected);
      });
    },
    () => ({ graphEndpoints: harness.endpoints, start }),
  );
});
