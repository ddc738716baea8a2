import assert from 'node:assert/strict';
import { backoffDelay, parseRetryAfter } from '../../../src/graph/retry-after.js';

describe('Retry-After parsing', () => {
  const now = Date.parse('2026-11-26T10:00:00.000Z');

  it('reads whole and fractional seconds, rounding up to the millisecond', () => {
    assert.equal(parseRetryAfter('10', now), 10_000);
    assert.equal(parseRetryAfter('2.128', now), 2_128);
    assert.equal(parseRetryAfter(' 0.0004 ', now), 1);
  });

  it('reads an HTTP date as the time left until it', () => {
    assert.equal(parseRetryAfter('Thu, 26 Nov 2026 10:00:03 GMT', now), 3_000);
  });

  it('never asks for a negative wait when the date has passed', () => {
    assert.equal(parseRetryAfter('Thu, 26 Nov 2026 09:59:00 GMT', now), 0);
  });

  it('ignores a missing or unreadable header', () => {
    assert.equal(parseRetryAfter(null, now), undefined);
    assert.equal(parseRetryAfter('', now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('-3', now), undefined);
  });
});

describe('backoff with jitter', () => {
  const policy = { baseDelayMs: 500, maxDelayMs: 8_000 };

  it('doubles its ceiling with each attempt and stays within [ceiling/2, ceiling]', () => {
    assert.equal(
      backoffDelay(1, policy, () => 0),
      250,
    );
    assert.equal(
      backoffDelay(1, policy, () => 1),
      500,
    );
    assert.equal(
      backoffDelay(3, policy, () => 1),
      2_000,
    );
    assert.equal(
      backoffDelay(3, policy, () => 0),
      1_000,
    );
  });

  it('is capped by the maximum delay', () => {
    assert.equal(
      backoffDelay(20, policy, () => 1),
      8_000,
    );
  });
});
