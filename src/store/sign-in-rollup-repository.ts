import { type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { decodeDayTuples, DayTuplesBuilder, encodeDayTuples, type DayTuples } from './sign-in-rollup.js';

/** The dense keys of one client: index → id, and id → index. */
export interface SignInKeys {
  readonly users: readonly string[];
  readonly apps: readonly string[];
  readonly userIndex: ReadonlyMap<string, number>;
  readonly appIndex: ReadonlyMap<string, number>;
}

/** A period of day rollups, ready to aggregate. Keys beyond the stored ones are new since the last rebuild. */
export interface PeriodTuples {
  readonly keys: SignInKeys;
  readonly days: readonly { readonly day: string; readonly tuples: DayTuples }[];
}

/**
 * The day rollups of sign-ins. A rollup packs one day of `sign_in_daily` for one client; `sign_in_rollup_dirty`
 * names the days whose rollup is behind (a page touched them since). Reports read rollups for clean days and
 * `sign_in_daily` itself for dirty ones, so they are exact even mid-ingestion or after a crash; ingestion rebuilds
 * the dirty days at the end of each run.
 */
export class SignInRollupRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Rebuilds the rollup of every dirty day of the client, each day in its own transaction. A page committed while a
   * day was being rebuilt bumps its version, so the day stays dirty for the next rebuild. Returns the days rebuilt.
   */
  async rebuildDirtyRollups(clientId: string, at: Date): Promise<string[]> {
    const dirty = await this.db
      .selectFrom('sign_in_rollup_dirty')
      .select(['day', 'version'])
      .where('client_id', '=', clientId)
      .orderBy('day')
      .execute();
    const rebuilt: string[] = [];
    for (const { day, version } of dirty) {
      await this.db.transaction().execute(async (trx) => {
        await new SignInRollupRepository(trx).rebuildDay(clientId, day, at);
        await trx
          .deleteFrom('sign_in_rollup_dirty')
          .where('client_id', '=', clientId)
          .where('day', '=', day)
          .where('version', '=', version)
          .execute();
      });
      rebuilt.push(day);
    }
    return rebuilt;
  }

  /** The client's keys, as stored. */
  async keys(clientId: string): Promise<SignInKeys> {
    return this.loadKeys(clientId);
  }

  private async loadKeys(clientId: string): Promise<{
    users: string[];
    apps: string[];
    userIndex: Map<string, number>;
    appIndex: Map<string, number>;
  }> {
    const rows = await this.db
      .selectFrom('sign_in_keys')
      .select(['kind', 'key', 'idx'])
      .where('client_id', '=', clientId)
      .execute();
    const users: string[] = [];
    const apps: string[] = [];
    for (const row of rows) (row.kind === 'user' ? users : apps)[row.idx] = row.key;
    return toKeys(users, apps);
  }

  /**
   * Every day of `[from, to]` (inclusive, `YYYY-MM-DD`) that has sign-ins: from the rollup when it is current,
   * else from `sign_in_daily` (keys new since the last rebuild get provisional indexes after the stored ones).
   */
  async periodTuples(clientId: string, from: string, to: string): Promise<PeriodTuples> {
    const { users, apps, userIndex, appIndex } = await this.loadKeys(clientId);
    const dirtyRows = await this.db
      .selectFrom('sign_in_rollup_dirty')
      .select('day')
      .where('client_id', '=', clientId)
      .where('day', '>=', from)
      .where('day', '<=', to)
      .execute();
    const dirty = new Set(dirtyRows.map((row) => row.day));
    const rollups = await this.db
      .selectFrom('sign_in_rollups')
      .select(['day', 'tuples'])
      .where('client_id', '=', clientId)
      .where('day', '>=', from)
      .where('day', '<=', to)
      .execute();
    const days: { day: string; tuples: DayTuples }[] = [];
    for (const rollup of rollups) {
      if (!dirty.has(rollup.day)) days.push({ day: rollup.day, tuples: decodeDayTuples(rollup.tuples) });
    }
    if (dirty.size > 0) {
      const rows = await this.dailyRows(clientId, [...dirty]);
      const byDay = new Map<string, DayTuplesBuilder>();
      for (const row of rows) {
        let builder = byDay.get(row.day);
        if (builder === undefined) {
          builder = new DayTuplesBuilder();
          byDay.set(row.day, builder);
        }
        builder.add(
          indexOf(userIndex, users, row.user_id),
          indexOf(appIndex, apps, row.app_id),
          row.sign_ins,
          row.successes,
          row.mfa_sign_ins,
          row.single_factor_sign_ins,
        );
      }
      for (const [day, builder] of byDay) days.push({ day, tuples: builder.build() });
    }
    days.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    return { keys: { users, apps, userIndex, appIndex }, days };
  }

  private async rebuildDay(clientId: string, day: string, at: Date): Promise<void> {
    const rows = await this.dailyRows(clientId, [day]);
    const { users, apps, userIndex, appIndex } = await this.loadKeys(clientId);
    const firstNewUser = users.length;
    const firstNewApp = apps.length;
    const builder = new DayTuplesBuilder();
    for (const row of rows) {
      builder.add(
        indexOf(userIndex, users, row.user_id),
        indexOf(appIndex, apps, row.app_id),
        row.sign_ins,
        row.successes,
        row.mfa_sign_ins,
        row.single_factor_sign_ins,
      );
    }
    const newKeys = [
      ...users.slice(firstNewUser).map((key, i) => ({ kind: 'user' as const, key, idx: firstNewUser + i })),
      ...apps.slice(firstNewApp).map((key, i) => ({ kind: 'app' as const, key, idx: firstNewApp + i })),
    ];
    for (let start = 0; start < newKeys.length; start += 1000) {
      await this.db
        .insertInto('sign_in_keys')
        .values(newKeys.slice(start, start + 1000).map((key) => ({ client_id: clientId, ...key })))
        .execute();
    }
    const tuples = builder.build();
    const values = {
      tuples: encodeDayTuples(tuples),
      tuple_count: tuples.length,
      built_at: at.toISOString(),
    };
    await this.db
      .insertInto('sign_in_rollups')
      .values({ client_id: clientId, day, ...values })
      .onConflict((conflict) => conflict.columns(['client_id', 'day']).doUpdateSet(values))
      .execute();
  }

  private async dailyRows(
    clientId: string,
    days: readonly string[],
  ): Promise<
    {
      day: string;
      user_id: string;
      app_id: string;
      sign_ins: number;
      successes: number;
      mfa_sign_ins: number;
      single_factor_sign_ins: number;
    }[]
  > {
    if (days.length === 0) return [];
    return this.db
      .selectFrom('sign_in_daily')
      .select(['day', 'user_id', 'app_id', 'sign_ins', 'successes', 'mfa_sign_ins', 'single_factor_sign_ins'])
      .where('client_id', '=', clientId)
      .where('day', 'in', [...days])
      .execute();
  }
}

function toKeys(
  users: string[],
  apps: string[],
): { users: string[]; apps: string[]; userIndex: Map<string, number>; appIndex: Map<string, number> } {
  return {
    users,
    apps,
    userIndex: new Map(users.map((key, idx) => [key, idx])),
    appIndex: new Map(apps.map((key, idx) => [key, idx])),
  };
}

function indexOf(index: Map<string, number>, keys: string[], key: string): number {
  let idx = index.get(key);
  if (idx === undefined) {
    idx = keys.length;
    keys.push(key);
    index.set(key, idx);
  }
  return idx;
}
