import assert from 'node:assert/strict';
import { nextDigestAt, weeklyDigestDue } from '../../../src/domain/alert-rules.js';

describe('alert rules: when digests are due', () => {
  it('finds the next hour in the time zone, today while it is ahead, else tomorrow', () => {
    const at = new Date('2026-11-20T10:00:00Z');
    assert.equal(nextDigestAt(at, 9, 'Europe/Paris').toISOString(), '2026-11-21T08:00:00.000Z');
    assert.equal(nextDigestAt(at, 18, 'Europe/Paris').toISOString(), '2026-11-20T17:00:00.000Z');
    assert.equal(nextDigestAt(at, 8, 'UTC').toISOString(), '2026-11-21T08:00:00.000Z');
    assert.equal(nextDigestAt(at, 0, 'America/New_York').toISOString(), '2026-11-21T05:00:00.000Z');
  });

  it('follows daylight-saving changes', () => {
    // Europe/London moves to summer time on 29 March 2026: 08:00 is 08:00 UTC before, 07:00 UTC after.
    assert.equal(
      nextDigestAt(new Date('2026-03-28T09:00:00Z'), 8, 'Europe/London').toISOString(),
      '2026-03-29T07:00:00.000Z',
    );
    assert.equal(
      nextDigestAt(new Date('2026-03-27T09:00:00Z'), 8, 'Europe/London').toISOString(),
      '2026-03-28T08:00:00.000Z',
    );
  });

  it('names the week of the weekly summary from Monday at the hour', () => {
    assert.equal(weeklyDigestDue(new Date('2026-11-23T07:59:00Z'), 8, 'UTC'), undefined);
    assert.equal(weeklyDigestDue(new Date('2026-11-23T08:00:00Z'), 8, 'UTC'), '2026-11-23');
    assert.equal(weeklyDigestDue(new Date('2026-11-29T23:00:00Z'), 8, 'UTC'), '2026-11-23');
    // Sunday 23:30 UTC is already Monday 00:30 in Auckland, before 08:00 there.
    assert.equal(weeklyDigestDue(new Date('2026-11-29T11:30:00Z'), 8, 'Pacific/Auckland'), undefined);
  });
});
