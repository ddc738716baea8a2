import assert from 'node:assert/strict';
import { alertSummary, nextDigestAt, weeklyDigestDue } from '../../../src/domain/alert-rules.js';

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

describe('alert rules: the one-line summary', () => {
  const client = { id: 'c1', name: 'contoso', displayName: 'Contoso' };

  it('counts in words that agree with the number, with thousands separated', () => {
    assert.equal(
      alertSummary({
        kind: 'first_sync_finished',
        client,
        users: 2000,
        groups: 1,
        finishedAt: '2026-12-05T00:00:00Z',
      }),
      'First sync of Contoso finished: 2,000 users, 1 group.',
    );
    assert.equal(
      alertSummary({
        kind: 'users_expiring',
        client,
        day: '2026-12-05',
        thresholdDays: 30,
        expiredToday: { total: 1, users: [] },
        expiringSoon: { total: 16, users: [] },
      }),
      'Contoso: 1 user stopped being billed, 16 will within 7 days.',
    );
  });

  it('says when a secret expires as a person would: today, tomorrow, in 5 days, or that it has expired', () => {
    const secret = (daysLeft: number): string =>
      alertSummary({ kind: 'secret_expiring', client, expiresAt: '2026-12-10T00:00:00Z', daysLeft });
    assert.equal(secret(0), 'The client secret of Contoso expires today.');
    assert.equal(secret(1), 'The client secret of Contoso expires tomorrow.');
    assert.equal(secret(5), 'The client secret of Contoso expires in 5 days.');
    assert.equal(secret(-1), 'The client secret of Contoso has expired.');
  });
});
