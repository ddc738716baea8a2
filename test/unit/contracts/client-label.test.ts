import assert from 'node:assert/strict';
import { clientLabel } from '../../../src/contracts/client-label.js';

describe('clientLabel: a client in one line', () => {
  it('adds the short name in brackets', () => {
    assert.equal(
      clientLabel({ name: 'fabrikam-ltd', displayName: 'Fabrikam Ltd' }),
      'Fabrikam Ltd (fabrikam-ltd)',
    );
  });

  it('does not repeat a short name the display name already holds, whatever its case', () => {
    assert.equal(clientLabel({ name: 'demo', displayName: 'Contoso (demo)' }), 'Contoso (demo)');
    assert.equal(clientLabel({ name: 'contoso', displayName: 'Contoso' }), 'Contoso');
  });
});
