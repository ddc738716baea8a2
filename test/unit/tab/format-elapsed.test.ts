import assert from 'node:assert/strict';
import { formatElapsed, setDisplayLocale } from '../../../tab/web/src/format.js';

describe('tab: how long a sync took', () => {
  before(() => {
    setDisplayLocale('en-GB');
  });

  it('gives tenths of a second under ten seconds, so a sub-second sync does not read "0 s"', () => {
    assert.equal(formatElapsed(0), '0.0 s');
    assert.equal(formatElapsed(420), '0.4 s');
    assert.equal(formatElapsed(7_240), '7.2 s');
    assert.equal(formatElapsed(-5), '0.0 s', 'a clock step backwards is not a negative time');
  });

  it('gives whole seconds under 90, then minutes, then hours and minutes', () => {
    assert.equal(formatElapsed(9_960), '10 s');
    assert.equal(formatElapsed(89_400), '89 s');
    assert.equal(formatElapsed(89_600), '1 min');
    assert.equal(formatElapsed(309_300), '5 min');
    assert.equal(formatElapsed(89 * 60_000), '89 min');
    assert.equal(formatElapsed(3 * 3_600_000 + 7 * 60_000), '3 h 7 min');
  });

  it('writes the decimal separator of the viewer’s language', () => {
    setDisplayLocale('de-DE');
    try {
      assert.equal(formatElapsed(420), '0,4 s');
    } finally {
      setDisplayLocale('en-GB');
    }
  });
});
