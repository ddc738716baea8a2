import assert from 'node:assert/strict';
import {
  formatCents,
  heldCost,
  inactiveReasons,
  subscriptionFigures,
  sumKnown,
} from '../../../src/domain/licence-cost.js';
import { LICENCE_PRODUCTS, licenceProductName } from '../../../src/domain/licence-products.js';
import { SIM_SKUS } from '../../../sim/licences.js';

describe('licence cost rules', () => {
  it('costs a subscription only when it has a price, never below zero unused seats', () => {
    assert.deepEqual(subscriptionFigures(10, 7, 2850), {
      unusedUnits: 3,
      monthlyCostCents: 28_500,
      unusedCostCents: 8_550,
    });
    assert.deepEqual(subscriptionFigures(10, 12, 100), {
      unusedUnits: 0,
      monthlyCostCents: 1000,
      unusedCostCents: 0,
    });
    assert.deepEqual(subscriptionFigures(10, 7, undefined), {
      unusedUnits: 3,
      monthlyCostCents: null,
      unusedCostCents: null,
    });
  });

  it('sums what a user holds from the priced SKUs and counts the unpriced ones; null when none is priced', () => {
    const prices = new Map([
      ['a', 3300],
      ['b', 0],
    ]);
    assert.deepEqual(heldCost(['a', 'b', 'c'], prices), { monthlyCostCents: 3300, unpricedSkus: 1 });
    assert.deepEqual(heldCost(['c'], prices), { monthlyCostCents: null, unpricedSkus: 1 });
    assert.deepEqual(
      heldCost(['b'], prices),
      { monthlyCostCents: 0, unpricedSkus: 0 },
      'a zero price is a price',
    );
    assert.equal(sumKnown([null, null]), null);
    assert.equal(sumKnown([null, 5, 7]), 12);
  });

  it('names a licensed user inactive when expired, disabled or never signed in — the last only with activity data', () => {
    const base = {
      expired: false,
      accountEnabled: true,
      activityRead: true,
      lastActivityAt: '2026-11-01T00:00:00Z',
    };
    assert.deepEqual(inactiveReasons(base), []);
    assert.deepEqual(inactiveReasons({ ...base, expired: true, accountEnabled: false }), [
      'expired',
      'account_disabled',
    ]);
    assert.deepEqual(inactiveReasons({ ...base, lastActivityAt: null }), ['never_signed_in']);
    assert.deepEqual(inactiveReasons({ ...base, lastActivityAt: null, activityRead: false }), []);
  });

  it('formats hundredths with two places', () => {
    assert.equal(formatCents(142_050), '1420.50');
    assert.equal(formatCents(5), '0.05');
    assert.equal(formatCents(0), '0.00');
  });

  it('vendors Microsoft’s product names by skuId, one row per SKU, covering every SKU the simulator sells', () => {
    assert.equal(new Set(LICENCE_PRODUCTS.map((p) => p.skuId)).size, LICENCE_PRODUCTS.length);
    for (const product of LICENCE_PRODUCTS) assert.match(product.skuId, /^[0-9a-f-]{36}$/);
    for (const sku of Object.values(SIM_SKUS)) {
      assert.ok(licenceProductName(sku.skuId), `${sku.skuPartNumber} has Microsoft's product name`);
      assert.equal(LICENCE_PRODUCTS.find((p) => p.skuId === sku.skuId)?.skuPartNumber, sku.skuPartNumber);
    }
    assert.equal(licenceProductName('05E9A617-0261-4CEE-BB44-138D3EF5D965'), 'Microsoft 365 E3');
    assert.equal(licenceProductName('00000000-0000-4000-8000-000000000000'), undefined);
  });
});
