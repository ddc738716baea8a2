import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { SyncTrigger } from '../../../src/domain/vocabulary.js';
import { systemClock } from '../../../src/shared/clock.js';
import { seedClient } from '../services/fixtures/directory-fixture.js';
import { SecretBox } from '../../../src/store/secret-box.js';
import { createStore } from '../../../src/store/store.js';
import { SyncRunner } from '../../../src/sync/sync-runner.js';
import { describeEachEngine } from '../../support/databases.js';
import { silentLogger } from './sync-harness.js';

describeEachEngine('which sync runs a person waits for', (ctx) => {
  it('tells a manual and an initial run that they are urgent, not a scheduled one', async () => {
    const clientId = await seedClient(ctx.database.db, { integration: false });
    const store = createStore(ctx.database.db, new SecretBox(crypto.randomBytes(32)));
    const runner = new SyncRunner({ store, clock: systemClock, logger: silentLogger });
    const urgent = new Map<SyncTrigger, boolean>();
    for (const trigger of ['manual', 'initial', 'schedule'] as const) {
      const outcome = await runner.run(clientId, 'licences', trigger, async (context) => {
        urgent.set(trigger, context.urgent);
        await Promise.resolve();
      });
      assert.equal(outcome.run.status, 'succeeded', outcome.run.errorMessage ?? '');
    }
    assert.deepEqual(Object.fromEntries(urgent), { manual: true, initial: true, schedule: false });
  });
});
