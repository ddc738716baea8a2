import assert from 'node:assert/strict';
import type { Actor } from '../../../src/services/actor.js';
import { SyncRunRepository } from '../../../src/store/sync-run-repository.js';
import { PARTNER_ADMIN, startTabHarness, type TabHarness } from './support/tab-harness.js';

interface SyncStatusBody {
  connected: boolean;
  running: { status: string; progress: Record<string, unknown>; trigger: string } | null;
  last: { status: string; error: { code: string | null; message: string | null } | null } | null;
}

describe('tab API: the sync status bar', function () {
  let harness: TabHarness;
  let token: string;
  let clientId: string;

  before(async () => {
    harness = await startTabHarness();
    const partner: Actor = { ...PARTNER_ADMIN, name: 'partner', channel: 'cli' };
    clientId = (await harness.core.clients.add(partner, { name: 'delta' })).id;
    token = await harness.partnerToken();
  });
  after(async () => {
    await harness.close();
  });

  async function status(): Promise<SyncStatusBody> {
    const response = await harness.request('GET', '/api/tab/clients/delta/sync', { token });
    assert.equal(response.status, 200);
    return (await response.json()) as SyncStatusBody;
  }

  it('says a client without a connection is not connected, and refuses to sync it with 409', async () => {
    assert.deepEqual(await status(), { clientId, connected: false, running: null, last: null });
    const response = await harness.request('POST', '/api/tab/clients/delta/sync', { token, body: {} });
    assert.equal(response.status, 409);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'not_connected');
  });

  it("shows the run under way with the progress it last published, then the finished run's outcome", async () => {
    // Arrange: a run recorded as another process would record it.
    const runs = new SyncRunRepository(harness.core.database.db);
    const run = await runs.start({
      clientId,
      kind: 'directory',
      trigger: 'schedule',
      owner: 'elsewhere:1',
      at: new Date(),
    });
    await runs.heartbeat(run.id, new Date(), { phase: 'groups', pages: 7, users: 1400, groups: 35 });

    const during = await status();
    assert.equal(during.running?.status, 'running');
    assert.equal(during.running.trigger, 'schedule');
    assert.deepEqual(during.running.progress, { phase: 'groups', pages: 7, users: 1400, groups: 35 });

    await runs.fail(
      run.id,
      { code: 'graph_request_failed', message: 'Graph kept answering 429.', requestId: undefined },
      {},
      new Date(),
    );
    const after = await status();
    assert.equal(after.running, null);
    assert.equal(after.last?.status, 'failed');
    assert.deepEqual(after.last.error, {
      code: 'graph_request_failed',
      message: 'Graph kept answering 429.',
    });
  });
});
