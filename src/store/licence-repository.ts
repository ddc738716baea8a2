import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Database } from './schema.js';
import { isExpiredSql, latestActivitySql, type ExpiryAsOf } from './collection-sql.js';

/** A subscription as the sync writes it. */
export interface SubscriptionRecord {
  readonly skuId: string;
  readonly skuPartNumber: string;
  readonly appliesTo: string | null;
  readonly capabilityStatus: string | null;
  readonly enabledUnits: number;
  readonly consumedUnits: number;
}

export interface SubscriptionHoldings extends SubscriptionRecord {
  /** Users of the directory copy holding it. */
  readonly holders: number;
}

/** A licensed user and the facts the *inactive but licensed* rule needs. */
export interface LicensedUserRecord {
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  readonly accountEnabled: boolean;
  readonly collectionState: string;
  readonly expired: boolean;
  readonly lastActivityAt: string | null;
  readonly skuIds: string[];
}

export interface PriceRecord {
  readonly skuId: string;
  readonly monthlyPriceCents: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** Subscriptions, users' licences, and the partner's prices and currency per client (migration 0016). */
export class LicenceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async upsertSubscriptions(
    clientId: string,
    records: readonly SubscriptionRecord[],
    stamp: string,
  ): Promise<void> {
    for (const record of records) {
      const values = {
        sku_part_number: record.skuPartNumber,
        applies_to: record.appliesTo,
        capability_status: record.capabilityStatus,
        enabled_units: record.enabledUnits,
        consumed_units: record.consumedUnits,
        round_stamp: stamp,
      };
      await this.db
        .insertInto('licence_subscriptions')
        .values({ client_id: clientId, sku_id: record.skuId, ...values })
        .onConflict((oc) => oc.columns(['client_id', 'sku_id']).doUpdateSet(values))
        .execute();
    }
  }

  async sweepSubscriptions(clientId: string, stamp: string): Promise<number> {
    const result = await this.db
      .deleteFrom('licence_subscriptions')
      .where('client_id', '=', clientId)
      .where('round_stamp', '<>', stamp)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Replaces the licences of the users on one page (a user with none keeps no row). */
  async replaceUserLicences(
    clientId: string,
    users: readonly { readonly id: string; readonly skuIds: readonly string[] }[],
    stamp: string,
  ): Promise<number> {
    if (users.length === 0) return 0;
    await this.db
      .deleteFrom('user_licences')
      .where('client_id', '=', clientId)
      .where(
        'user_id',
        'in',
        users.map((user) => user.id),
      )
      .execute();
    const rows = users.flatMap((user) =>
      [...new Set(user.skuIds)].map((skuId) => ({
        client_id: clientId,
        user_id: user.id,
        sku_id: skuId,
        round_stamp: stamp,
      })),
    );
    for (let i = 0; i < rows.length; i += 500) {
      await this.db
        .insertInto('user_licences')
        .values(rows.slice(i, i + 500))
        .execute();
    }
    return rows.length;
  }

  async sweepUserLicences(clientId: string, stamp: string): Promise<number> {
    const result = await this.db
      .deleteFrom('user_licences')
      .where('client_id', '=', clientId)
      .where('round_stamp', '<>', stamp)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** The client's subscriptions, by part number, with how many users of the copy hold each. */
  async subscriptions(clientId: string): Promise<SubscriptionHoldings[]> {
    const rows = await this.db
      .selectFrom('licence_subscriptions as s')
      .select([
        's.sku_id',
        's.sku_part_number',
        's.applies_to',
        's.capability_status',
        's.enabled_units',
        's.consumed_units',
        (eb) =>
          eb
            .selectFrom('user_licences as l')
            .innerJoin('directory_users', (join) =>
              join
                .onRef('directory_users.client_id', '=', 'l.client_id')
                .onRef('directory_users.id', '=', 'l.user_id'),
            )
            .select((inner) => inner.fn.countAll<number>().as('n'))
            .whereRef('l.client_id', '=', 's.client_id')
            .whereRef('l.sku_id', '=', 's.sku_id')
            .as('holders'),
      ])
      .where('s.client_id', '=', clientId)
      .orderBy('s.sku_part_number')
      .execute();
    return rows.map((row) => ({
      skuId: row.sku_id,
      skuPartNumber: row.sku_part_number,
      appliesTo: row.applies_to,
      capabilityStatus: row.capability_status,
      enabledUnits: row.enabled_units,
      consumedUnits: row.consumed_units,
      holders: row.holders ?? 0,
    }));
  }

  /** Each of the client's subscriptions' part number (e.g. ENTERPRISEPACK), by SKU id. */
  async partNumbers(clientId: string): Promise<Map<string, string>> {
    const rows = await this.db
      .selectFrom('licence_subscriptions')
      .select(['sku_id', 'sku_part_number'])
      .where('client_id', '=', clientId)
      .execute();
    return new Map(rows.map((row) => [row.sku_id, row.sku_part_number]));
  }

  /** How many users of the directory copy (present in Entra) hold at least one licence. */
  async licensedUserCount(clientId: string): Promise<number> {
    const row = await this.db
      .selectFrom('user_licences')
      .innerJoin('directory_users', (join) =>
        join
          .onRef('directory_users.client_id', '=', 'user_licences.client_id')
          .onRef('directory_users.id', '=', 'user_licences.user_id'),
      )
      .select((eb) => eb.fn.count<number>('user_licences.user_id').distinct().as('n'))
      .where('user_licences.client_id', '=', clientId)
      .where('directory_users.entra_state', '=', 'active')
      .executeTakeFirst();
    return row?.n ?? 0;
  }

  /** SKU ids a user holds. */
  async skusOfUser(clientId: string, userId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('user_licences')
      .select('sku_id')
      .where('client_id', '=', clientId)
      .where('user_id', '=', userId)
      .orderBy('sku_id')
      .execute();
    return rows.map((row) => row.sku_id);
  }

  /**
   * Licensed users of the directory copy (present in Entra) with their SKUs and inactivity facts. With
   * `inactiveOnly`, only those the *inactive but licensed* rule (`inactiveReasons`) can name: expired, account
   * disabled, or no activity at all where the tenant's activity is read.
   */
  async licensedUsers(
    clientId: string,
    expiry: ExpiryAsOf,
    options: { readonly inactiveOnly?: boolean; readonly userId?: string } = {},
  ): Promise<LicensedUserRecord[]> {
    const latest = latestActivitySql();
    const expired = isExpiredSql(expiry);
    let query = this.db
      .selectFrom('directory_users')
      .innerJoin('user_licences', (join) =>
        join
          .onRef('user_licences.client_id', '=', 'directory_users.client_id')
          .onRef('user_licences.user_id', '=', 'directory_users.id'),
      )
      .select([
        'directory_users.id',
        'directory_users.display_name',
        'directory_users.user_principal_name',
        'directory_users.account_enabled',
        'directory_users.collection_state',
        'user_licences.sku_id',
        sql<number>`case when ${expired} then 1 else 0 end`.as('expired'),
        sql<string | null>`${latest}`.as('last_activity_at'),
      ])
      .where('directory_users.client_id', '=', clientId)
      .where('directory_users.entra_state', '=', 'active');
    if (options.userId !== undefined) query = query.where('directory_users.id', '=', options.userId);
    if (options.inactiveOnly === true) {
      const neverSignedIn = expiry.activityRead ? sql<SqlBool>`${latest} is null` : sql<SqlBool>`1 = 0`;
      query = query.where(
        sql<SqlBool>`(${expired} or directory_users.account_enabled = 0 or ${neverSignedIn})`,
      );
    }
    const rows = await query
      .orderBy('directory_users.display_name')
      .orderBy('directory_users.id')
      .orderBy('user_licences.sku_id')
      .execute();
    const users = new Map<string, LicensedUserRecord>();
    for (const row of rows) {
      let user = users.get(row.id);
      if (user === undefined) {
        user = {
          id: row.id,
          displayName: row.display_name,
          userPrincipalName: row.user_principal_name,
          accountEnabled: row.account_enabled === 1,
          collectionState: row.collection_state,
          expired: row.expired === 1,
          lastActivityAt: row.last_activity_at,
          skuIds: [],
        };
        users.set(row.id, user);
      }
      user.skuIds.push(row.sku_id);
    }
    return [...users.values()];
  }

  async prices(clientId: string): Promise<PriceRecord[]> {
    const rows = await this.db
      .selectFrom('licence_prices')
      .selectAll()
      .where('client_id', '=', clientId)
      .orderBy('sku_id')
      .execute();
    return rows.map((row) => ({
      skuId: row.sku_id,
      monthlyPriceCents: row.monthly_price_cents,
      updatedAt: row.updated_at,
      updatedBy: row.updated_by,
    }));
  }

  async setPrice(
    clientId: string,
    skuId: string,
    cents: number | null,
    at: string,
    by: string,
  ): Promise<void> {
    if (cents === null) {
      await this.db
        .deleteFrom('licence_prices')
        .where('client_id', '=', clientId)
        .where('sku_id', '=', skuId)
        .execute();
      return;
    }
    await this.db
      .insertInto('licence_prices')
      .values({
        client_id: clientId,
        sku_id: skuId,
        monthly_price_cents: cents,
        updated_at: at,
        updated_by: by,
      })
      .onConflict((oc) =>
        oc
          .columns(['client_id', 'sku_id'])
          .doUpdateSet({ monthly_price_cents: cents, updated_at: at, updated_by: by }),
      )
      .execute();
  }

  async currency(clientId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('licence_settings')
      .select('currency')
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return row?.currency ?? null;
  }

  async setCurrency(clientId: string, currency: string, at: string, by: string): Promise<void> {
    await this.db
      .insertInto('licence_settings')
      .values({ client_id: clientId, currency, updated_at: at, updated_by: by })
      .onConflict((oc) => oc.column('client_id').doUpdateSet({ currency, updated_at: at, updated_by: by }))
      .execute();
  }
}
