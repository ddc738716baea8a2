import assert from 'node:assert/strict';
import { TotalCache } from '../../../tab/api/total-cache.js';

describe('remembered list totals', () => {
  it('remembers a total per client, list and filter, whatever the paging parameters', () => {
    const totals = new TotalCache({ now: () => 0 });
    totals.set('contoso', 'users', { expired: 'true', limit: '50' }, 42);
    assert.equal(totals.get('Contoso', 'users', { limit: '20', expired: 'true', cursor: 'x' }), 42);
    assert.equal(totals.get('contoso', 'users', { expired: 'false' }), undefined);
    assert.equal(totals.get('contoso', 'entra-users', { expired: 'true' }), undefined);
    assert.equal(totals.get('fabrikam', 'users', { expired: 'true' }), undefined);
  });

  it('forgets a total once it is older than its lifetime', () => {
    let now = 0;
    const totals = new TotalCache({ ttlInMs: 1000, now: () => now });
    totals.set('contoso', 'users', {}, 7);
    now = 1000;
    assert.equal(totals.get('contoso', 'users', {}), 7);
    now = 1001;
    assert.equal(totals.get('contoso', 'users', {}), undefined);
  });

  it("forgets every total of a client after a change, and only that client's", () => {
    const totals = new TotalCache({ now: () => 0 });
    totals.set('contoso', 'users', {}, 1);
    totals.set('contoso', 'users', { guest: 'true' }, 2);
    totals.set('contoso-east', 'users', {}, 3);
    totals.forget('CONTOSO');
    assert.equal(totals.get('contoso', 'users', {}), undefined);
    assert.equal(totals.get('contoso', 'users', { guest: 'true' }), undefined);
    assert.equal(totals.get('contoso-east', 'users', {}), 3);
  });

  it('keeps at most its maximum number of entries, dropping the oldest', () => {
    const totals = new TotalCache({ maxEntries: 2, now: () => 0 });
    totals.set('a', 'users', {}, 1);
    totals.set('b', 'users', {}, 2);
    totals.set('c', 'users', {}, 3);
    assert.equal(totals.get('a', 'users', {}), undefined);
    assert.equal(totals.get('c', 'users', {}), 3);
  });
});
