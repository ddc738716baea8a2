import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { ConsentStateSigner, type ConsentBinding } from '../../../src/services/consent-state.js';

describe('admin-consent state', () => {
  const signer = new ConsentStateSigner(crypto.randomBytes(32));
  const binding: ConsentBinding = {
    nonce: signer.newNonce(),
    clientId: 'client-1',
    actorTenantId: 'tenant',
    actorObjectId: 'admin',
    tenantId: '944da200-0000-4000-8000-000000000001',
    expiresAt: '2026-11-26T12:10:00.000Z',
  };

  it('verifies a state it signed for the same binding', () => {
    const parts = signer.parse(signer.sign(binding));
    assert.ok(parts !== undefined);
    assert.equal(parts.nonce, binding.nonce);
    assert.equal(signer.verify(binding, parts.signature), true);
  });

  for (const [field, value] of [
    ['clientId', 'client-2'],
    ['actorObjectId', 'another-admin'],
    ['actorTenantId', 'another-tenant'],
    ['tenantId', 'f01e90f5-0000-4000-8000-000000000002'],
    ['expiresAt', '2026-11-26T13:10:00.000Z'],
  ] as const) {
    it(`rejects the signature when the ${field} it was bound to differs`, () => {
      const parts = signer.parse(signer.sign(binding));
      assert.equal(signer.verify({ ...binding, [field]: value }, parts?.signature ?? ''), false);
    });
  }

  it('rejects a state signed with another key', () => {
    const other = new ConsentStateSigner(crypto.randomBytes(32));
    const parts = signer.parse(other.sign(binding));
    assert.equal(signer.verify(binding, parts?.signature ?? ''), false);
  });

  for (const state of [
    '',
    'abc',
    'x'.repeat(22),
    `${'a'.repeat(22)}.${'b'.repeat(10)}`,
    `${'a'.repeat(22)}.${'b'.repeat(43)}.c`,
  ]) {
    it(`does not parse a malformed state (${JSON.stringify(state.slice(0, 12))}…)`, () => {
      assert.equal(signer.parse(state), undefined);
    });
  }

  it('stores a state under a hash of its nonce, never the nonce itself', () => {
    const id = ConsentStateSigner.storageId(binding.nonce);
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.ok(!id.includes(binding.nonce));
  });
});
