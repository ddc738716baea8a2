import assert from 'node:assert/strict';
import { clientProblems, type ClientHealthFacts } from '../../../src/domain/client-problems.js';

const now = new Date('2026-11-26T12:00:00Z');

type Integration = NonNullable<ClientHealthFacts['integration']>;

function facts(
  integration: Partial<Integration> | null = {},
  lastSync: ClientHealthFacts['lastSync'] = {
    status: 'succeeded',
    finishedAt: '2026-11-26T11:51:00Z',
    error: null,
  },
): ClientHealthFacts {
  return {
    integration:
      integration === null
        ? null
        : {
            failed: false,
            statusMessage: null,
            missingPermissions: [],
            secretExpiresAt: null,
            importStartedAt: '2026-11-01T00:00:00Z',
            ...integration,
          },
    lastSync,
  };
}

describe('client problems (what needs an admin’s attention)', () => {
  it('has none for a healthy, recently synced client', () => {
    assert.deepEqual(clientProblems(facts(), now, 15), []);
  });

  it('says a client without an integration is not connected', () => {
    assert.deepEqual(clientProblems(facts(null, null), now, 15), ['Not connected to Entra ID']);
  });

  it('names missing permissions, a secret about to expire, and a failed sync', () => {
    const problems = clientProblems(
      facts(
        { secretExpiresAt: '2026-12-06T12:00:00Z', missingPermissions: ['AuditLog.Read.All'] },
        { status: 'failed', finishedAt: '2026-11-26T11:51:00Z', error: 'throttled' },
      ),
      now,
      15,
    );
    assert.deepEqual(problems, [
      'Missing AuditLog.Read.All',
      'Client secret expires in 10 days',
      'Last sync failed: throttled',
    ]);
  });

  it('says an expired secret is expired and a stale sync is stale', () => {
    const problems = clientProblems(
      facts(
        { secretExpiresAt: '2026-11-20T00:00:00Z' },
        { status: 'succeeded', finishedAt: '2026-11-26T02:01:00Z', error: null },
      ),
      now,
      15,
    );
    assert.deepEqual(problems, ['Client secret expired', 'No sync for 9 hours']);
  });

  it('puts a failed connection check first, in its own words', () => {
    assert.deepEqual(clientProblems(facts({ failed: true, statusMessage: 'AADSTS7000215' }), now, 15), [
      'AADSTS7000215',
    ]);
    assert.deepEqual(clientProblems(facts({ failed: true }), now, 15), ['The connection check failed']);
  });

  it('reminds that the initial import has not been started', () => {
    assert.deepEqual(clientProblems(facts({ importStartedAt: null }), now, 15), [
      'Initial import not started: review groups, then start it',
    ]);
  });
});
