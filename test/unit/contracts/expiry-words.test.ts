import assert from 'node:assert/strict';
import { expiryWords } from '../../../src/contracts/expiry-words.js';
import { evaluateExpiry, type ActivityFacts, type ExpiryPolicy } from '../../../src/domain/expiry.js';

describe('expiryWords: rule 8’s outcome in a few words', () => {
  const now = new Date('2026-12-06T12:00:00Z');
  const day = (iso: string | null): string => (iso === null ? '—' : iso.slice(0, 10));
  /** The user as the core's user view carries it (src/services/user-view.ts), from the domain's verdict. */
  const wordsFor = (facts: Partial<ActivityFacts>, policy: Partial<ExpiryPolicy> = {}): string => {
    const verdict = evaluateExpiry(
      {
        collectionState: 'imported',
        importedAt: '2026-09-01T00:00:00Z',
        lastSignInAt: null,
        lastSignInApp: null,
        signInActivityAt: null,
        ...facts,
      },
      { thresholdDays: 30, activityData: 'available', since: '2026-09-01T00:00:00Z', ...policy },
      now,
    );
    return expiryWords(
      {
        expiredSince: verdict.expiredSince?.toISOString() ?? null,
        expiry: {
          status: verdict.status,
          explanation: verdict.explanation,
          expiresAt: verdict.expiresAt?.toISOString() ?? null,
        },
      },
      day,
    );
  };

  it('says when a user expires, and when a user that crossed the threshold while imported expired', () => {
    assert.equal(wordsFor({ lastSignInAt: '2026-11-23T09:00:00Z' }), 'expires 2026-12-23');
    assert.equal(wordsFor({ lastSignInAt: '2026-10-02T09:00:00Z' }), 'expired 2026-11-01');
  });

  it('says both days for a user imported already past the threshold: not billed since the import, past it since before', () => {
    // Imported today; last sign-in 43 days ago. It has never been billed, and "expired 2026-12-06" alone read wrong
    // beside "43 days ago; threshold 30".
    assert.equal(
      wordsFor({ importedAt: '2026-12-06T11:00:00Z', lastSignInAt: '2026-10-24T09:00:00Z' }),
      'expired 2026-12-06 (past the threshold since 2026-11-23)',
    );
  });

  it('says both days when the rules took effect after the user was past the threshold (activity first read, threshold changed)', () => {
    assert.equal(
      wordsFor({ lastSignInAt: '2026-10-24T09:00:00Z' }, { since: '2026-12-01T08:00:00Z' }),
      'expired 2026-12-01 (past the threshold since 2026-11-23)',
    );
  });

  it('says why a user does not expire', () => {
    assert.equal(wordsFor({ collectionState: 'not_imported' }), 'does not expire');
    assert.equal(wordsFor({}, { activityData: 'unavailable' }), 'not known (no activity data)');
  });
});
