import assert from 'node:assert/strict';
import { TenantGate } from '../../../src/graph/tenant-gate.js';

describe('tenant gate', () => {
  it('lets no more than its concurrency through at once and serves waiters as slots free up', async () => {
    const gate = new TenantGate({ concurrency: 2 });
    const first = await gate.acquire();
    const second = await gate.acquire();
    let thirdGranted = false;
    const third = gate.acquire().then((ticket) => {
      thirdGranted = true;
      return ticket;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(thirdGranted, false);
    assert.equal(gate.inFlight, 2);
    first.release();
    (await third).release();
    assert.equal(thirdGranted, true);
    second.release();
    assert.equal(gate.inFlight, 0);
  });

  it('starts nothing before a Retry-After has passed and reports the wait as throttled time', async () => {
    const gate = new TenantGate({ concurrency: 4 });
    const holdUntil = Date.now() + 150;
    gate.holdUntil(holdUntil);
    const ticket = await gate.acquire();
    const grantedAt = Date.now();
    ticket.release();
    assert.ok(grantedAt >= holdUntil, `granted ${holdUntil - grantedAt} ms early`);
    assert.ok(ticket.throttledMs >= 100);
  });

  it('never moves a hold earlier', () => {
    const gate = new TenantGate({ concurrency: 1 });
    const later = Date.now() + 10_000;
    gate.holdUntil(later);
    gate.holdUntil(Date.now() + 10);
    assert.equal(gate.throttledUntil, later);
  });

  it('spaces paced requests of one key without holding back other requests', async () => {
    const gate = new TenantGate({ concurrency: 4 });
    const pace = { key: 'reports', minIntervalMs: 200 };
    (await gate.acquire(pace)).release();
    const pacedAt = gate.acquire(pace).then((ticket) => {
      ticket.release();
      return Date.now();
    });
    const started = Date.now();
    const unpaced = await gate.acquire();
    unpaced.release();
    assert.ok(Date.now() - started < 100, 'an unpaced request waited behind a paced one');
    assert.ok((await pacedAt) - started >= 190);
  });
});
