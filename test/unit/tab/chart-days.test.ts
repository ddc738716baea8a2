import assert from 'node:assert/strict';
import { dayTicks, daysRead, firstDayRead } from '../../../tab/web/src/screens/reports/chart-days.js';

describe('tab: the days a daily chart draws and marks', () => {
  const rows = ['2026-11-15', '2026-11-16', '2026-11-17', '2026-12-06'].map((day) => ({ day, signIns: 0 }));

  it('drops the days before the read has reached, and the day it is part-way through', () => {
    // The read runs in one-day windows from when it started (04:19), newest first: Nov 16 is read from 04:19 only.
    assert.equal(firstDayRead('2026-11-16T04:19:59.000Z'), '2026-11-17');
    assert.deepEqual(
      daysRead(rows, { readFrom: '2026-11-16T04:19:59.000Z' }).map((row) => row.day),
      ['2026-11-17', '2026-12-06'],
    );
  });

  it('keeps a day read from its first instant', () => {
    assert.equal(firstDayRead('2026-11-16T00:00:00.000Z'), '2026-11-16');
  });

  it('keeps every day once no read is under way', () => {
    assert.equal(daysRead(rows, null).length, 4);
  });

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
