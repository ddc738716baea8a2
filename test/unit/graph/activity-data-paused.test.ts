import assert from 'node:assert/strict';
import { activityDataPaused } from '../../../src/graph/licence-check.js';

const DAY = 86_400_000;
const now = new Date('2026-12-05T12:00:00.000Z');
const checked = (msAgo: number): string => new Date(now.getTime() - msAgo).toISOString();

describe('activity reads skipped while a tenant without P1/P2 waits for its recheck', () => {
  it('skips for a day after the refusal was recorded, then asks again', () => {
    assert.equal(
      activityDataPaused({ activityData: 'unavailable', activityDataCheckedAt: checked(1) }, now),
      true,
    );
    assert.equal(
      activityDataPaused({ activityData: 'unavailable', activityDataCheckedAt: checked(DAY - 1) }, now),
      true,
    );
    assert.equal(
      activityDataPaused({ activityData: 'unavailable', activityDataCheckedAt: checked(DAY) }, now),
      false,
    );
  });

  it('never skips a tenant whose data is available or unknown, or one never checked', () => {
    for (const activityData of ['available', 'unknown'])
      assert.equal(activityDataPaused({ activityData, activityDataCheckedAt: checked(1) }, now), false);
    assert.equal(
      activityDataPaused({ activityData: 'unavailable', activityDataCheckedAt: null }, now),
      false,
    );
  });

  it('takes another recheck interval when given', () => {
    const facts = { activityData: 'unavailable', activityDataCheckedAt: checked(2 * 60_000) };
    assert.equal(activityDataPaused(facts, now, 60_000), false);
    assert.equal(activityDataPaused(facts, now, 5 * 60_000), true);
  });
});
