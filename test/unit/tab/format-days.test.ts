import assert from 'node:assert/strict';
import { EXPIRING_SOON_DAYS as domainWindow } from '../../../src/domain/notification-rules.js';
import { EXPIRING_SOON_DAYS as tabWindow } from '../../../tab/web/src/expiring-soon.js';
import { formatDaysFromToday, setDisplayLocale } from '../../../tab/web/src/format.js';

describe('tab: a date in calendar days from today', () => {
  before(() => {
    setDisplayLocale('en-GB');
  });

  it('counts calendar days in the viewer’s time zone, not rounded hours', () => {
    const now = new Date(2026, 11, 6, 2, 45).getTime(); // 6 December, 02:45 local time
    const at = (day: number, hour: number): string => new Date(2026, 11, day, hour).toISOString();
    assert.equal(formatDaysFromToday(at(6, 23), now), 'today');
    // 41 hours away, but on the 7th: tomorrow (rounded hours would say "in 2 days").
    assert.equal(formatDaysFromToday(at(7, 20), now), 'tomorrow');
    assert.equal(formatDaysFromToday(at(8, 1), now), 'in 2 days');
    assert.equal(formatDaysFromToday(at(13, 12), now), 'in 7 days');
    assert.equal(formatDaysFromToday(at(5, 23), now), 'yesterday');
  });

  it('filters "expiring soon" over the same days as the expiry notification whose link opens that filter', () => {
    assert.equal(tabWindow, domainWindow);
  });
});
