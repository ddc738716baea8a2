import assert from 'node:assert/strict';
import { AuthError, PermissionError, aadstsCodeOf } from '../../../src/graph/graph-errors.js';

const context = { tenant: 'contoso.onmicrosoft.com', appClientId: '11111111-2222-3333-4444-555555555555' };

describe('authentication errors', () => {
  it('finds the AADSTS code in MSAL errorNo, OAuth error_codes or the message', () => {
    assert.equal(aadstsCodeOf({ cause: { errorNo: 7000215 } }), 7000215);
    assert.equal(aadstsCodeOf({ errorResponse: { errorCodes: [700016] } }), 700016);
    assert.equal(aadstsCodeOf(new Error('invalid_tenant: AADSTS90002: Tenant not found')), 90002);
    assert.equal(aadstsCodeOf(new Error('socket hang up')), undefined);
  });

  for (const [code, kind, fix] of [
    [90002, 'unknown_tenant', /Tenant ID/],
    [700016, 'unknown_application', /application \(client\) id/],
    [7000215, 'invalid_client_secret', /Value — not its Secret ID/],
    [7000222, 'expired_client_secret', /Create a new secret/],
  ] as const) {
    it(`classifies AADSTS${code} as ${kind} and says how to fix it`, () => {
      const error = AuthError.fromCredentialError(new Error(`x: AADSTS${code}: something`), context);
      assert.equal(error.code, kind);
      assert.equal(error.aadsts, code);
      assert.match(error.message, fix);
      assert.equal(error.retryable, false);
    });
  }

  it('treats an unreachable authority as retryable', () => {
    const unreachable = new Error('endpoints_resolution_error');
    unreachable.name = 'CredentialUnavailableError';
    const error = AuthError.fromCredentialError(unreachable, context);
    assert.equal(error.code, 'authority_unreachable');
    assert.equal(error.retryable, true);
  });
});

describe('permission errors', () => {
  it('names every missing permission and the admin-consent step', () => {
    const error = new PermissionError(['AuditLog.Read.All', 'Team.ReadBasic.All']);
    assert.equal(error.code, 'permission_missing');
    assert.match(error.message, /AuditLog\.Read\.All, Team\.ReadBasic\.All/);
    assert.match(error.message, /Grant admin consent/);
  });
});
