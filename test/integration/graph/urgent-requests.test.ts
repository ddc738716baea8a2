import assert from 'node:assert/strict';
import { TenantGraphFactory } from '../../../src/graph/tenant-graph-factory.js';
import { quickRetries, startTestSimulator, type TestSimulator } from './simulator-harness.js';

describe('urgent Graph requests through the tenant gate, against the simulator', () => {
  let harness: TestSimulator;
  let graphs: TenantGraphFactory;

  before(async () => {
    harness = await startTestSimulator({ users: 5 });
    // One request in flight per tenant, so every other request queues at the gate.
    graphs = new TenantGraphFactory({
      endpoints: harness.endpoints,
      retryPolicy: quickRetries,
      concurrencyPerTenant: 1,
    });
  });
  after(async () => {
    await graphs.close();
    await harness.close();
  });

  it('sends a request a person waits for before the background requests queued ahead of it', async () => {
    const graph = graphs.forIntegration(harness.credentials);
    const path = '/organization?$select=id';
    // The token first, so the timing below is Graph's alone.
    await graph.get(path, { operation: 'organization' });
    const latency = harness.sim.faults.latency({ ms: 100, target: 'graph' });
    try {
      const finished: string[] = [];
      const background = Array.from({ length: 6 }, () =>
        graph.get(path, { operation: 'background' }).then(() => finished.push('background')),
      );
      // The first background request holds the only slot; the other five wait at the gate.
      await new Promise((resolve) => setTimeout(resolve, 30));
      const urgent = graph
        .get(path, { operation: 'urgent', urgent: true })
        .then(() => finished.push('urgent'));
      await Promise.all([...background, urgent]);
      assert.equal(finished.indexOf('urgent'), 1, `finished in this order: ${finished.join(', ')}`);
    } finally {
      harness.sim.faults.remove(latency);
    }
  });

  it('asks an urgency given as a function at each request of a paged read', async () => {
    const graph = graphs.forIntegration(harness.credentials);
    // A run becomes urgent midway when a *Sync now* joins it: each page's request asks anew.
    let asked = 0;
    let pages = 0;
    for await (const page of graph.pages<{ id: string }>('/users?$select=id&$top=2', {
      operation: 'users',
      urgent: () => {
        asked++;
        return pages >= 1;
      },
    })) {
      assert.ok(page.value.length > 0);
      pages++;
    }
    assert.equal(pages, 3, '5 users, 2 a page');
    assert.equal(asked, pages, 'one question per request');
  });
});
