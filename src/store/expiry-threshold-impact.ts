import { sql, type Kysely } from 'kysely';
import { CollectionRepository } from './collection-repository.js';
import { expiryAsOf, isExpiredSql } from './collection-sql.js';
import type { Database } from './schema.js';

export interface ThresholdImpact {
  readonly newlyExpired: number;
  readonly noLongerExpired: number;
  /**
   * What the licences of the users the change would newly expire cost a month at the partner's prices (hundredths);
   * null when none of them holds a priced licence.
   */
  readonly newlyExpiredLicenceCents: number | null;
}

/**
 * What changing the client's expiry threshold from `fromDays` to `toDays` would do now (rule 8), read-only: the users
 * it moves into and out of expiry, and the licence cost of those it newly expires (issue 17).
 */
export async function expiryThresholdImpact(
  db: Kysely<Database>,
  clientId: string,
  fromDays: number,
  toDays: number,
  now: Date,
): Promise<ThresholdImpact> {
  const policy = await new CollectionRepository(db).policy(clientId);
  const was = isExpiredSql(expiryAsOf({ ...policy, thresholdDays: fromDays }, now));
  const is = isExpiredSql(expiryAsOf({ ...policy, thresholdDays: toDays }, now));
  const counts = await db
    .selectFrom('directory_users')
    .select([
      sql<number | string>`coalesce(sum(case when ${is} and not ${was} then 1 else 0 end), 0)`.as('newly'),
      sql<number | string>`coalesce(sum(case when ${was} and not ${is} then 1 else 0 end), 0)`.as(
        'no_longer',
      ),
    ])
    .where('client_id', '=', clientId)
    .executeTakeFirstOrThrow();
  const cost = await db
    .selectFrom('user_licences as l')
    .innerJoin('licence_prices as p', (join) =>
      join.onRef('p.client_id', '=', 'l.client_id').onRef('p.sku_id', '=', 'l.sku_id'),
    )
    .select((eb) => eb.fn.sum<number | string | null>('p.monthly_price_cents').as('cents'))
    .where('l.client_id', '=', clientId)
    .where('l.user_id', 'in', (eb) =>
      eb
        .selectFrom('directory_users')
        .select('directory_users.id')
        .where('directory_users.client_id', '=', clientId)
        .where(sql<boolean>`${is} and not ${was}`),
    )
    .executeTakeFirst();
  return {
    newlyExpired: Number(counts.newly),
    noLongerExpired: Number(counts.no_longer),
    newlyExpiredLicenceCents: cost?.cents === null || cost?.cents === undefined ? null : Number(cost.cents),
  };
}

/** What a change of the expiry threshold would do, read-only, for the services (through the Store). */
export class ExpiryImpactRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** See {@link expiryThresholdImpact}. */
  impact(clientId: string, fromDays: number, toDays: number, now: Date): Promise<ThresholdImpact> {
    return expiryThresholdImpact(this.db, clientId, fromDays, toDays, now);
  }
}
