import assert from 'node:assert/strict';
import { dayTicks } from '../../../tab/web/src/screens/reports/chart-days.js';

describe('tab: where a daily chart marks its days', () => {
  it('marks every day of a short chart, and every few days of a long one, ending on the newest', () => {
    const days = (count: number): string[] =>
      Array.from({ length: count }, (_unused, index) =>
        new Date(Date.UTC(2026, 10, 7 + index)).toISOString().slice(0, 10),
      );
    const marked = (count: number): string[] =>
      dayTicks(days(count)).map((date) => date.toISOString().slice(0, 10));
    assert.deepEqual(marked(3), ['2026-11-07', '2026-11-08', '2026-11-09']);
    assert.equal(marked(7).length, 7);
    const month = marked(30);
    assert.equal(month.length, 6);
    assert.equal(month.at(-1), '2026-12-06');
    assert.equal(month[0], '2026-11-11');
  });
});
