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
      it('shows the MFA registrations the sync read as soon as they are in, before the sign-in history', async () => {
        const { core } = ctx;
        const client = await core.clients.add(partnerAdmin, { name: `mfa-${ctx.engine}` });
        await core.integrationStore.save(simulatorIntegration(harness, client.id, ctx.clock.now()));
        // What the dashboard says at the moment the MFA part has ended: told after the composition root's own listener
        // (added first), which takes the snapshot. The sign-ins part comes after it (a first sync's 30 days take
        // minutes on a real tenant); before, the snapshot waited for it, and the column said "no data yet".
        const seen: (number | null | undefined)[] = [];
        core.clientSync.addListener({
          onPartSynced: async (clientId, part) => {
            if (clientId !== client.id || part !== 'mfa') return;
            const rows = (await core.dashboard.dashboard(partnerAdmin)).clients;
            seen.push(rows.find((entry) => entry.id === client.id)?.mfaRegisteredPercent);
          },
          onClientSynced: () => Promise.resolve(),
        });

        const started = await core.sync.start(partnerAdmin, client.name);
        const outcome = await started.finished;
        assert.ok(outcome.succeeded, JSON.stringify(outcome.runs));
        const kinds = outcome.runs.map((run) => run.kind);
        assert.ok(kinds.includes('mfa_registration'), 'the sync read the MFA registrations');
        assert.ok(kinds.indexOf('mfa_registration') < kinds.indexOf('sign_ins'), kinds.join(', '));

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
        assert.deepEqual(
          seen,
          [expected],
          'the figure was there when the MFA part ended, before the sign-ins',
        );
      });
    },
    () => ({ graphEndpoints: harness.endpoints, start }),
  );
});
