import assert from 'node:assert/strict';
import { problemsOf } from '../../../tab/api/routes/clients-routes.js';
import type { IntegrationView } from '../../../src/services/integration-service.js';
import type { ClientStatus } from '../../../src/contracts/clients.js';

const now = new Date('2026-11-26T12:00:00Z');

function status(overrides: Partial<ClientStatus> = {}): ClientStatus {
  return {
    id: 'c1',
    name: 'contoso',
    displayName: 'Contoso',
    integration: 'connected',
    tenantId: 't1',
    organizationName: 'Contoso',
    users: 10,
    groups: 2,
    lastSync: {
      kind: 'directory',
      trigger: 'schedule',
      status: 'succeeded',
      startedAt: '2026-11-26T11:50:00Z',
      finishedAt: '2026-11-26T11:51:00Z',
      error: null,
    },
    ...overrides,
  };
}

function integration(overrides: Partial<IntegrationView> = {}): IntegrationView {
  return {
    clientId: 'c1',
    clientName: 'contoso',
    kind: 'client_credentials',
    tenantId: 't1',
    tenantInput: 'contoso.onmicrosoft.com',
    appClientId: 'a1',
    secret: { set: true, expiresAt: null, text: 'set' },
    organizationName: 'Contoso',
    verifiedDomains: [],
    permissionChecks: [],
    activityData: 'available',
    status: 'connected',
    statusMessage: null,
    importStartedAt: '2026-11-01T00:00:00Z',
    expiryThresholdDays: 30,
    createdAt: '2026-11-01T00:00:00Z',
    createdBy: 'admin',
    updatedAt: '2026-11-26T11:51:00Z',
    ...overrides,
  };
}

describe('client problems on the partner view', () => {
  it('has none for a healthy, recently synced client', () => {
    assert.deepEqual(problemsOf(status(), integration(), now, 15), []);
  });

  it('says a client without an integration is not connected', () => {
    assert.deepEqual(problemsOf(status({ integration: 'not connected' }), null, now, 15), [
      'Not connected to Entra ID',
    ]);
  });

  it('names missing permissions, a secret about to expire, and a failed sync', () => {
    const problems = problemsOf(
      status({
        lastSync: {
          kind: 'directory',
          trigger: 'schedule',
          status: 'failed',
          startedAt: '2026-11-26T11:50:00Z',
          finishedAt: '2026-11-26T11:51:00Z',
          error: 'throttled',
        },
      }),
      integration({
        secret: { set: true, expiresAt: '2026-12-06T12:00:00Z', text: 'set' },
        permissionChecks: [
          { name: 'Sign in', passed: true, reason: '' },
          { name: 'Permission AuditLog.Read.All', passed: false, reason: 'not granted' },
        ],
      }),
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
    const problems = problemsOf(
      status({
        lastSync: {
          kind: 'directory',
          trigger: 'schedule',
          status: 'succeeded',
          startedAt: '2026-11-26T02:00:00Z',
          finishedAt: '2026-11-26T02:01:00Z',
          error: null,
        },
      }),
      integration({ secret: { set: true, expiresAt: '2026-11-20T00:00:00Z', text: 'set' } }),
      now,
      15,
    );
    assert.deepEqual(problems, ['Client secret expired', 'No sync for 9 hours']);
  });

  it('reminds that the initial import has not been started', () => {
    assert.deepEqual(problemsOf(status(), integration({ importStartedAt: null }), now, 15), [
      'Initial import not started: review groups, then start it',
    ]);
  });
});
