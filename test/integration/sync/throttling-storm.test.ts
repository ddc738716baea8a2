import assert from 'node:assert/strict';
import { describeEachEngine } from '../../support/databases.js';
import { startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
import { assertMatchesTruth, connectClient } from './sync-harness.js';

describeEachEngine('directory sync under a throttling storm with server errors and resets', (ctx) => {
  let harness: TestSimulator;

  before(async () => {
    harness = await startTestSimulator(
      { users: 90, groups: 10 },
      { deltaPageSize: 30, deltaMembersPerPage: 60 },
    );
  });
  after(async () => {
    await harness.close();
  });

  it('ends with exactly the tenant’s data and never calls before a Retry-After has passed', async function () {
    this.timeout(90_000);
    const { faults, stats } = harness.sim;
    // 30 % of Graph requests throttled with Retry-After of 1 s, 1.5 s (fractional) and an HTTP date 2 s ahead.
    faults.throttle({ rate: 0.15, retryAfter: 1 });
    faults.throttle({ rate: 0.1, retryAfter: 1.5 });
    faults.throttle({ rate: 0.05, retryAfter: { httpDateInSeconds: 2 } });
    faults.serverError({ rate: 0.08, status: 503 });
    faults.serverError({ rate: 0.05, status: 500 });
    faults.connectionReset({ rate: 0.05 });
    stats.reset();
    try {
      const fixture = await connectClient(ctx.database, harness);
      const outcome = await fixture.directorySync.run(fixture.clientId);
      assert.equal(outcome.run.status, 'succeeded', outcome.run.errorMessage ?? '');
      await assertMatchesTruth(ctx.database.db, fixture.clientId, harness.tenant);

      assert.ok(stats.throttledResponses > 0, 'the storm threw at least one 429');
      assert.ok(outcome.run.retries > 0 && outcome.run.throttledMs >= 1000);
      assert.deepEqual(stats.retryAfterViolations, [], 'requests sent before their Retry-After');
    } finally {
      faults.clear();
    }
  });
});
