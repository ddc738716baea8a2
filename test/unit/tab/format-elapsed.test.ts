import assert from 'node:assert/strict';
import { formatElapsed, setDisplayLocale } from '../../../tab/web/src/format.js';

describe('tab: how long a sync took', () => {
  before(() => {
    setDisplayLocale('en-GB');
  });

  it('gives milliseconds under a second, so a quick sync does not read "0 s", and tenths under ten seconds', () => {
    assert.equal(formatElapsed(44), '44 ms');
    assert.equal(formatElapsed(0), '0 ms');
    assert.equal(formatElapsed(-5), '0 ms', 'a clock step backwards is not a negative time');
    assert.equal(formatElapsed(999), '999 ms');
    assert.equal(formatElapsed(1_000), '1.0 s');
    assert.equal(formatElapsed(7_240), '7.2 s');
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
      assert.equal(formatElapsed(1_420), '1,4 s');
      assert.equal(formatElapsed(2_500_000), '42 min');
    } finally {
      setDisplayLocale('en-GB');
    }
  });
});
