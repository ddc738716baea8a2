import assert from 'node:assert/strict';
import { CLIENT_NAME_PATTERN } from '../../../src/contracts/values.js';
import { shortNameFor } from '../../../tab/web/src/screens/short-name.js';

describe('tab: the short name suggested for a new client', () => {
  it('comes from the display name in lower case, words joined by dashes, accents dropped', () => {
    assert.equal(shortNameFor('Fabrikam Ltd'), 'fabrikam-ltd');
    assert.equal(shortNameFor('  Société Générale (Paris)  '), 'societe-generale-paris');
    assert.equal(shortNameFor('A&B — Müller GmbH'), 'a-b-muller-gmbh');
    assert.equal(shortNameFor(''), '');
  });

  it('is one the core accepts, however long or odd the display name', () => {
    for (const name of [
      'Contoso',
      'Northwind Traders Worldwide Holdings International Group plc',
      '-- 42 --',
      'ÅÄÖ AB',
    ]) {
      const suggested = shortNameFor(name);
      assert.match(suggested, CLIENT_NAME_PATTERN, `${name} → ${suggested}`);
    }
  });
});
