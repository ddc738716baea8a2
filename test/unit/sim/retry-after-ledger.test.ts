import assert from 'node:assert/strict';
import { retryAfterHeader } from '../../../sim/faults.js';
import { RETRY_AFTER_GRACE_MS, Stats } from '../../../sim/stats.js';

const details = { tenantId: 't', appId: 'a', method: 'GET', path: '/v1.0/users' };

describe('Retry-After ledger', () => {
  it('counts a request between the in-flight grace and the Retry-After as a violation, and nothing else', () => {
    const stats = new Stats();
    stats.recordRetryAfter('graph|a|t', 1_000, 3_000);
    stats.checkArrival('graph|a|t', 1_000 + RETRY_AFTER_GRACE_MS - 1, details);
    assert.equal(stats.retryAfterViolations.length, 0, 'already in flight');
    stats.checkArrival('graph|other|t', 2_000, details);
    assert.equal(stats.retryAfterViolations.length, 0, 'another app');
    stats.checkArrival('graph|a|t', 2_000, details);
    assert.equal(stats.retryAfterViolations.length, 1);
    assert.equal(stats.retryAfterViolations[0]?.earlyByMs, 1_000);
    stats.checkArrival('graph|a|t', 3_000, details);
    assert.equal(stats.retryAfterViolations.length, 1, 'on time');
  });

  it('formats Retry-After as seconds, fractional seconds or an HTTP date', () => {
    assert.deepEqual(retryAfterHeader(2, 10_000), { value: '2', notBeforeMs: 12_000 });
    assert.deepEqual(retryAfterHeader(1.5, 10_000), { value: '1.5', notBeforeMs: 11_500 });
    const date = retryAfterHeader({ httpDateInSeconds: 3 }, Date.parse('2026-01-01T00:00:00.400Z'));
    assert.ok(date);
    assert.equal(date.value, 'Thu, 01 Jan 2026 00:00:04 GMT');
    assert.equal(date.notBeforeMs, Date.parse('2026-01-01T00:00:04Z'));
    assert.equal(retryAfterHeader(null, 0), undefined);
  });
});
