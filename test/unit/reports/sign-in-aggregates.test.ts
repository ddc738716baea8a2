import assert from 'node:assert/strict';
import type { PeriodTuples } from '../../../src/store/sign-in-rollup-repository.js';
import {
  decodeDayTuples,
  DayTuplesBuilder,
  encodeDayTuples,
  RollupFormatError,
} from '../../../src/store/sign-in-rollup.js';
import {
  aggregateSignIns,
  APP_CLASS_OTHER,
  APP_CLASS_SSO,
} from '../../../src/services/reports/sign-in-aggregates.js';

/** Tuples: [user, app, signIns, successes, mfa, singleFactor] */
function day(day: string, tuples: readonly (readonly number[])[]): PeriodTuples['days'][number] {
  const builder = new DayTuplesBuilder();
  for (const [user = 0, app = 0, signIns = 0, successes = 0, mfa = 0, single = 0] of tuples) {
    builder.add(user, app, signIns, successes, mfa, single);
  }
  return { day, tuples: decodeDayTuples(encodeDayTuples(builder.build())) };
}

const keys = {
  users: ['u0', 'u1', 'u2'],
  apps: ['teams', 'salesforce', 'concur'],
  userIndex: new Map([
    ['u0', 0],
    ['u1', 1],
    ['u2', 2],
  ]),
  appIndex: new Map([
    ['teams', 0],
    ['salesforce', 1],
    ['concur', 2],
  ]),
};

describe('sign-in rollups and their aggregation', () => {
  it('round-trips tuples through the binary rollup, also from an unaligned buffer', () => {
    const builder = new DayTuplesBuilder();
    builder.add(4_000_000_000, 65_536, 100_000, 99_999, 5, 7);
    builder.add(1, 2, 3, 2, 1, 1);
    const encoded = encodeDayTuples(builder.build());
    const unaligned = Buffer.concat([Buffer.from([0]), encoded]).subarray(1);
    for (const stored of [encoded, unaligned]) {
      const decoded = decodeDayTuples(stored);
      assert.equal(decoded.length, 2);
      assert.deepEqual([...decoded.users], [4_000_000_000, 1]);
      assert.deepEqual([...decoded.apps], [65_536, 2]);
      assert.deepEqual([...decoded.signIns], [100_000, 3]);
      assert.deepEqual([...decoded.singleFactor], [7, 1]);
    }
    assert.throws(() => decodeDayTuples(Buffer.from([9, 0, 0, 0, 0, 0, 0, 0])), RollupFormatError);
    assert.throws(() => decodeDayTuples(encoded.subarray(0, encoded.length - 4)), RollupFormatError);
  });

  it('packs a typical day at 10 bytes a tuple and still reads rollups of the first format', () => {
    const builder = new DayTuplesBuilder();
    for (let i = 0; i < 101; i++) builder.add(i * 7, i % 30, 3, 2, 1, 1);
    const tuples = builder.build();
    const encoded = encodeDayTuples(tuples);
    assert.ok(encoded.length <= 8 + 101 * 10 + 6 * 4, String(encoded.length));
    assert.deepEqual([...decodeDayTuples(encoded).apps], [...tuples.apps]);
    const v1 = Buffer.alloc(8 + 6 * 4 * 2);
    v1.writeUInt8(1, 0);
    v1.writeUInt32LE(2, 4);
    [5, 6, 1, 2, 4, 3, 3, 2, 1, 0, 2, 1].forEach((value, index) => v1.writeUInt32LE(value, 8 + 4 * index));
    const old = decodeDayTuples(v1);
    assert.deepEqual([...old.users], [5, 6]);
    assert.deepEqual([...old.successes], [3, 2]);
    assert.deepEqual([...old.singleFactor], [2, 1]);
  });

  it('counts a user active once per app over the period and once per day, and failures only as sign-ins', () => {
    const period: PeriodTuples = {
      keys,
      days: [
        day('2026-11-01', [
          [0, 0, 3, 3, 2, 1],
          [0, 1, 1, 1, 1, 0],
          [1, 0, 2, 0, 0, 0],
        ]),
        day('2026-11-02', [
          [0, 0, 1, 1, 1, 0],
          [1, 1, 1, 1, 0, 1],
          [2, 2, 4, 2, 0, 2],
        ]),
      ],
    };
    const appClass = Uint8Array.from([0, APP_CLASS_SSO, APP_CLASS_OTHER]);
    const result = aggregateSignIns(period, { appClass });
    assert.deepEqual([...result.appActiveUsers], [1, 2, 1]);
    assert.deepEqual([...result.appSignIns], [6, 2, 4]);
    assert.equal(result.activeUsers, 3);
    assert.deepEqual(result.daily.get('2026-11-01'), { signIns: 6, successes: 4, activeUsers: 1 });
    assert.deepEqual(result.daily.get('2026-11-02'), { signIns: 6, successes: 4, activeUsers: 3 });
    assert.deepEqual([...result.userSsoSuccesses], [1, 1, 0]);
    assert.deepEqual([...result.userOtherAppSuccesses], [0, 0, 2]);
    assert.deepEqual([...result.userMfa], [4, 0, 0]);
    assert.deepEqual(result.dailyByApp.get('2026-11-01')?.get(0), {
      signIns: 5,
      successes: 3,
      activeUsers: 1,
    });
  });

  it('counts only the users in scope', () => {
    const period: PeriodTuples = {
      keys,
      days: [
        day('2026-11-01', [
          [0, 0, 3, 3, 0, 0],
          [1, 0, 2, 2, 0, 0],
        ]),
      ],
    };
    const result = aggregateSignIns(period, { inScope: Uint8Array.from([0, 1, 0]) });
    assert.deepEqual([...result.appSignIns], [2, 0, 0]);
    assert.equal(result.activeUsers, 1);
    assert.deepEqual([...result.userSignIns], [0, 2, 0]);
  });
});
