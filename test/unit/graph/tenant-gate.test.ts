import assert from 'node:assert/strict';
import { REPORTS_PACE_KEY, TenantGate, type Pace } from '../../../src/graph/tenant-gate.js';

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

describe('tenant gate: urgent requests (a person waits)', () => {
  /** Queues a waiter that, once granted, notes its name and frees the slot for the next. */
  function queue(
    gate: TenantGate,
    order: string[],
    name: string,
    options: { urgent?: boolean; pace?: Pace } = {},
  ): Promise<void> {
    return gate.acquire(options.pace, undefined, options.urgent === true).then((ticket) => {
      order.push(name);
      ticket.release();
    });
  }

  it('lets urgent waiters go before background ones queued earlier, first come first served within each', async () => {
    const gate = new TenantGate({ concurrency: 1 });
    const held = await gate.acquire();
    const order: string[] = [];
    const waiting = [
      queue(gate, order, 'background 1'),
      queue(gate, order, 'background 2'),
      queue(gate, order, 'urgent 1', { urgent: true }),
      queue(gate, order, 'background 3'),
      queue(gate, order, 'urgent 2', { urgent: true }),
    ];
    held.release();
    await Promise.all(waiting);
    assert.deepEqual(order, ['urgent 1', 'urgent 2', 'background 1', 'background 2', 'background 3']);
  });

  it('never leaves a slot idle for an urgent paced waiter that is not due: background ones that are due go', async () => {
    const gate = new TenantGate({ concurrency: 1 });
    const pace: Pace = { key: REPORTS_PACE_KEY, minIntervalMs: 300 };
    (await gate.acquire(pace)).release();
    const pacedFrom = Date.now();
    const held = await gate.acquire();
    const order: string[] = [];
    let pacedAt = 0;
    const waiting = [
      queue(gate, order, 'urgent paced', { urgent: true, pace }).then(() => {
        pacedAt = Date.now();
      }),
      queue(gate, order, 'background 1'),
      queue(gate, order, 'background 2'),
      queue(gate, order, 'urgent', { urgent: true }),
    ];
    held.release();
    await Promise.all(waiting);
    assert.deepEqual(order, ['urgent', 'background 1', 'background 2', 'urgent paced']);
    assert.ok(pacedAt - pacedFrom >= 290, `the paced request went ${pacedAt - pacedFrom} ms after the last`);
  });

  it('holds urgent waiters for a Retry-After like the others, then lets them go first', async () => {
    const gate = new TenantGate({ concurrency: 1 });
    const held = await gate.acquire();
    const order: string[] = [];
    const background = queue(gate, order, 'background');
    const urgent = queue(gate, order, 'urgent', { urgent: true }).then(() => Date.now());
    const holdUntil = Date.now() + 150;
    gate.holdUntil(holdUntil);
    held.release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(order, [], 'a request went during the Retry-After');
    const [, urgentAt] = await Promise.all([background, urgent]);
    assert.ok(urgentAt >= holdUntil, `the urgent request went ${holdUntil - urgentAt} ms early`);
    assert.deepEqual(order, ['urgent', 'background']);
  });
});
