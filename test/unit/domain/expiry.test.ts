import assert from 'node:assert/strict';
import {
  evaluateExpiry,
  isValidExpiryDays,
  lastActivityOf,
  type ActivityFacts,
  type ExpiryPolicy,
} from '../../../src/domain/expiry.js';
import type { ExpiryStatus } from '../../../src/domain/vocabulary.js';
import { DAY_MS } from '../../../src/shared/clock.js';

const now = new Date('2026-11-26T12:00:00.000Z');
const ago = (days: number, plusMs = 0): string =>
  new Date(now.getTime() - days * DAY_MS + plusMs).toISOString();
const available: ExpiryPolicy = { thresholdDays: 30, activityData: 'available' };
const imported = (facts: Partial<ActivityFacts>): ActivityFacts => ({
  collectionState: 'imported',
  importedAt: ago(100),
  lastSignInAt: null,
  lastSignInApp: null,
  signInActivityAt: null,
  ...facts,
});

describe('expiry (rule 8)', () => {
  const table: { title: string; facts: ActivityFacts; policy?: ExpiryPolicy; status: ExpiryStatus }[] = [
    {
      title: 'a sign-in exactly N days ago still counts',
      facts: imported({ lastSignInAt: ago(30) }),
      status: 'active',
    },
    {
      title: 'a sign-in N days and one second ago expires the user',
      facts: imported({ lastSignInAt: ago(30, -1000) }),
      status: 'expired',
    },
    {
      title: 'a sign-in one second short of N days keeps the user active',
      facts: imported({ lastSignInAt: ago(30, 1000) }),
      status: 'active',
    },
    {
      title: 'signInActivity counts like a logged sign-in, at the boundary',
      facts: imported({ signInActivityAt: ago(30) }),
      status: 'active',
    },
    {
      title: 'signInActivity one second past the boundary expires',
      facts: imported({ signInActivityAt: ago(30, -1000) }),
      status: 'expired',
    },
    {
      title: 'the newer of the two sources wins',
      facts: imported({ lastSignInAt: ago(90), signInActivityAt: ago(2) }),
      status: 'active',
    },
    {
      title: 'imported less than N days ago without activity is not expired yet',
      facts: imported({ importedAt: ago(29) }),
      status: 'new_without_activity',
    },
    {
      title: 'imported exactly N days ago without activity is not expired yet',
      facts: imported({ importedAt: ago(30) }),
      status: 'new_without_activity',
    },
    {
      title: 'imported N days and one second ago without activity is expired',
      facts: imported({ importedAt: ago(30, -1000) }),
      status: 'expired',
    },
    {
      title: 'recently imported but last seen long ago is expired (activity, not import, decides)',
      facts: imported({ importedAt: ago(1), lastSignInAt: ago(45) }),
      status: 'expired',
    },
    {
      title: 'nobody expires when the tenant has no P1/P2 (activity unknown)',
      facts: imported({ lastSignInAt: ago(300) }),
      policy: { thresholdDays: 30, activityData: 'unavailable' },
      status: 'activity_unknown',
    },
    {
      title: 'nobody expires before activity data was first read',
      facts: imported({ importedAt: ago(300) }),
      policy: { thresholdDays: 30, activityData: 'unknown' },
      status: 'reading_activity',
    },
    {
      title: 'users that are not imported do not expire',
      facts: { ...imported({ lastSignInAt: ago(300) }), collectionState: 'disabled' },
      status: 'not_applicable',
    },
    {
      title: 'the threshold is per client: 7 days',
      facts: imported({ lastSignInAt: ago(8) }),
      policy: { thresholdDays: 7, activityData: 'available' },
      status: 'expired',
    },
    {
      title: 'the threshold is per client: 365 days',
      facts: imported({ lastSignInAt: ago(364) }),
      policy: { thresholdDays: 365, activityData: 'available' },
      status: 'active',
    },
  ];
  for (const row of table) {
    it(row.title, () => {
      const verdict = evaluateExpiry(row.facts, row.policy ?? available, now);
      assert.equal(verdict.status, row.status);
      assert.equal(verdict.expired, row.status === 'expired');
    });
  }

  it('explains an expired user with the day, the application, the days since and the threshold', () => {
    const verdict = evaluateExpiry(
      imported({ lastSignInAt: '2026-10-02T09:15:00.000Z', lastSignInApp: 'Salesforce' }),
      available,
      new Date('2026-11-26T12:00:00.000Z'),
    );
    assert.equal(
      verdict.explanation,
      'last successful sign-in 2026-10-02 (Salesforce), 55 days ago; threshold 30',
    );
    assert.equal(verdict.expiresAt?.toISOString(), '2026-11-01T09:15:00.000Z');
  });

  it('counts the days ago in calendar days of the date it prints: late yesterday is "1 day ago", not "today"', () => {
    const at = new Date('2026-12-06T05:00:00.000Z');
    const late = evaluateExpiry(
      imported({ lastSignInAt: '2026-12-05T23:00:00.000Z', lastSignInApp: 'Microsoft Office' }),
      available,
      at,
    );
    assert.equal(
      late.explanation,
      'last successful sign-in 2026-12-05 (Microsoft Office), 1 day ago; threshold 30',
    );
    const early = evaluateExpiry(imported({ lastSignInAt: '2026-12-06T00:30:00.000Z' }), available, at);
    assert.match(early.explanation, /2026-12-06, today; threshold 30$/);
    // Not expired: never more days ago than the threshold (30 days to the second before, on the 30th calendar day).
    const edge = evaluateExpiry(imported({ lastSignInAt: '2026-11-06T05:00:00.000Z' }), available, at);
    assert.equal(edge.expired, false);
    assert.match(edge.explanation, /2026-11-06, 30 days ago; threshold 30$/);
  });

  it('says why a user not collected does not expire: not imported, or disabled', () => {
    const now = new Date('2026-11-26T12:00:00.000Z');
    const facts = imported({ lastSignInAt: '2026-10-02T09:15:00.000Z', lastSignInApp: 'Salesforce' });
    assert.equal(
      evaluateExpiry({ ...facts, collectionState: 'not_imported' }, available, now).explanation,
      'last successful sign-in 2026-10-02 (Salesforce), 55 days ago; not imported, so it does not expire',
    );
    assert.equal(
      evaluateExpiry({ ...facts, collectionState: 'disabled' }, available, now).explanation,
      'last successful sign-in 2026-10-02 (Salesforce), 55 days ago; disabled, so it does not expire',
    );
  });

  it('says where the activity came from when it was signInActivity', () => {
    const verdict = evaluateExpiry(imported({ signInActivityAt: ago(3) }), available, now);
    assert.match(verdict.explanation, /\(last sign-in date recorded by Entra\), 3 days ago; threshold 30$/);
  });

  it('explains "activity unknown" instead of calling anyone inactive', () => {
    const verdict = evaluateExpiry(imported({}), { thresholdDays: 30, activityData: 'unavailable' }, now);
    assert.match(verdict.explanation, /^activity unknown/);
    assert.doesNotMatch(verdict.explanation, /inactive/);
  });

  it('explains a new user without activity by its import date', () => {
    const verdict = evaluateExpiry(imported({ importedAt: ago(3) }), available, now);
    assert.equal(
      verdict.explanation,
      `no sign-in seen since import on ${ago(3).slice(0, 10)}, 3 days ago; threshold 30`,
    );
  });

  it('takes the newest activity and keeps the application of the sign-in log', () => {
    assert.deepEqual(
      lastActivityOf(imported({ lastSignInAt: ago(1), lastSignInApp: 'Teams', signInActivityAt: ago(2) })),
      {
        at: new Date(ago(1)),
        source: 'sign_in_log',
        app: 'Teams',
      },
    );
    assert.equal(lastActivityOf(imported({})), null);
  });

  for (const [days, valid] of [
    [6, false],
    [7, true],
    [30, true],
    [365, true],
    [366, false],
    [30.5, false],
  ] as const) {
    it(`${valid ? 'accepts' : 'refuses'} a threshold of ${days} days`, () => {
      assert.equal(isValidExpiryDays(days), valid);
    });
  }
});

describe('expiry precision', () => {
  it('works to the whole second, so Graph timestamps without fractions compare like ours', () => {
    const at = new Date('2026-11-26T12:00:00.700Z');
    const policy: ExpiryPolicy = { thresholdDays: 30, activityData: 'available' };
    const facts = (lastSignInAt: string): ActivityFacts => ({
      collectionState: 'imported',
      importedAt: '2026-01-01T00:00:00.000Z',
      lastSignInAt,
      lastSignInApp: null,
      signInActivityAt: null,
    });
    assert.equal(evaluateExpiry(facts('2026-10-27T12:00:00Z'), policy, at).expired, false);
    assert.equal(evaluateExpiry(facts('2026-10-27T11:59:59Z'), policy, at).expired, true);
  });
});
