import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * The monthly cost of the licences each of the given users holds, at the partner's prices for the client (issue 17):
 * in hundredths of the client's currency, only for users holding at least one priced licence — a user whose
 * licences have no price is absent, never zero. `currency` is null until the partner sets one.
 */
export async function monthlyLicenceCosts(
  db: Kysely<Database>,
  clientId: string,
  userIds: readonly string[],
): Promise<{ currency: string | null; cents: Map<string, number> }> {
  const cents = new Map<string, number>();
  const settings = await db
    .selectFrom('licence_settings')
    .select('currency')
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  if (settings === undefined || userIds.length === 0) return { currency: settings?.currency ?? null, cents };
  for (let i = 0; i < userIds.length; i += 500) {
    const rows = await db
      .selectFrom('user_licences as l')
      .innerJoin('licence_prices as p', (join) =>
        join.onRef('p.client_id', '=', 'l.client_id').onRef('p.sku_id', '=', 'l.sku_id'),
      )
      .select(['l.user_id', (eb) => eb.fn.sum<number | string>('p.monthly_price_cents').as('cents')])
      .where('l.client_id', '=', clientId)
      .where('l.user_id', 'in', userIds.slice(i, i + 500))
      .groupBy('l.user_id')
      .execute();
    for (const row of rows) cents.set(row.user_id, Number(row.cents));
  }
  return { currency: settings.currency, cents };
}

/** The client's licence currency (ISO 4217), null until the partner sets prices. */
export async function licenceCurrency(db: Kysely<Database>, clientId: string): Promise<string | null> {
  const settings = await db
    .selectFrom('licence_settings')
    .select('currency')
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return settings?.currency ?? null;
}

/**
 * The client's monthly licence cost now: seats bought × the partner's price, over the priced subscriptions (as the
 * Licences report totals it). Null without a currency or a single price.
 */
export async function subscriptionCost(
  db: Kysely<Database>,
  clientId: string,
): Promise<{ cents: number; currency: string } | null> {
  const currency = await licenceCurrency(db, clientId);
  if (currency === null) return null;
  const row = await db
    .selectFrom('licence_subscriptions as s')
    .innerJoin('licence_prices as p', (join) =>
      join.onRef('p.client_id', '=', 's.client_id').onRef('p.sku_id', '=', 's.sku_id'),
    )
    .select((eb) =>
      eb.fn
        .sum<number | string | null>(eb('s.enabled_units', '*', eb.ref('p.monthly_price_cents')))
        .as('cents'),
    )
    .where('s.client_id', '=', clientId)
    .executeTakeFirst();
  return row?.cents === null || row?.cents === undefined ? null : { cents: Number(row.cents), currency };
}

/** The partner's licence prices applied to a client's users and subscriptions, for the services (through the Store). */
export class LicenceCostRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** See {@link monthlyLicenceCosts}. */
  monthlyCosts(
    clientId: string,
    userIds: readonly string[],
  ): Promise<{ currency: string | null; cents: Map<string, number> }> {
    return monthlyLicenceCosts(this.db, clientId, userIds);
  }

  /** See {@link licenceCurrency}. */
  currency(clientId: string): Promise<string | null> {
    return licenceCurrency(this.db, clientId);
  }

  /** See {@link subscriptionCost}. */
  subscriptionCost(clientId: string): Promise<{ cents: number; currency: string } | null> {
    return subscriptionCost(this.db, clientId);
  }
}
