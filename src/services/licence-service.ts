import { z } from 'zod/v4';
import type { Kysely } from 'kysely';
import {
  formatCents,
  heldCost,
  inactiveReasons,
  subscriptionFigures,
  sumKnown,
  type PriceList,
} from '../domain/licence-cost.js';
import { LICENCE_PRODUCTS_SOURCE, licenceProductName } from '../domain/licence-products.js';
import { ACTION_PERMISSIONS } from '../graph/action-permissions.js';
import type { TenantGraphFactory } from '../graph/tenant-graph-factory.js';
import type { Clock } from '../shared/clock.js';
import type { IntegrationRepository } from '../store/integration-repository.js';
import { NotFoundError, ValidationError } from '../shared/errors.js';
import { toCsv, type CsvCell } from '../shared/csv.js';
import { expiryAsOf } from '../store/collection-sql.js';
import {
  LicenceRepository,
  type LicensedUserRow,
  type SubscriptionRow,
} from '../store/licence-repository.js';
import type { ClientRow, Database } from '../store/schema.js';
import type { Actor } from './actor.js';
import type { AuditTrail } from './audit-trail.js';
import type { ClientAccess } from './client-access.js';
import type { ClientService } from './client-service.js';
import { readExpiryPolicy } from './expiry-policy-reader.js';
import { parseInput } from './validation.js';
import type {
  ClientReclaimableView,
  InactiveLicensedList,
  UserActionAvailability,
  LicenceOverview,
  LicencePricesView,
  LicenceSubscriptionView,
  LicensedUserView,
  MonthlyAmount,
} from '../contracts/licences.js';

export interface LicenceServiceOptions {
  readonly db: Kysely<Database>;
  readonly clients: ClientService;
  /** To read which optional permissions the client's tenant granted (a fresh token each time). */
  readonly graphs: TenantGraphFactory;
  readonly integrations: IntegrationRepository;
  readonly clientAccess: ClientAccess;
  readonly audit: AuditTrail;
  readonly clock: Clock;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Up to 1,000,000.00 a seat a month, at most two decimals. */
const PRICE = /^\d{1,7}(\.\d{1,2})?$/;

const pricesInput = z
  .object({
    currency: z
      .string({ error: 'currency must be a three-letter ISO 4217 code such as GBP, EUR or USD' })
      .trim()
      .regex(/^[A-Za-z]{3}$/, 'currency must be a three-letter ISO 4217 code such as GBP, EUR or USD')
      .transform((code) => code.toUpperCase())
      .optional(),
    prices: z
      .array(
        z.object({
          skuId: z.string().regex(GUID, 'skuId must be a SKU GUID (as /subscribedSkus lists it)'),
          monthlyPrice: z.union([
            z
              .string()
              .trim()
              .regex(
                PRICE,
                'monthlyPrice must be a non-negative amount with at most two decimals, e.g. 28.50',
              ),
            z.null(),
          ]),
        }),
        { error: 'prices must be a list of { skuId, monthlyPrice }' },
      )
      .max(500, 'at most 500 prices at once')
      .default([]),
  })
  .strict();
export type SetLicencePricesInput = z.input<typeof pricesInput>;

const listInput = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(200),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
export type InactiveLicensedInput = z.input<typeof listInput>;

/**
 * Licences and what they cost (issue 17): the tenant's subscriptions and each user's licences (read by the licence
 * sync), Microsoft's product names, the partner's monthly price per SKU and currency per client, the cost per client
 * and per user, and the *inactive but licensed* users with the cost they hold. Reading needs the client's read right;
 * setting prices is an admin action (configure right: partner admins for every client, client admins for their own),
 * audited.
 */
export class LicenceService {
  private readonly db: Kysely<Database>;
  private readonly clients: ClientService;
  private readonly graphs: TenantGraphFactory;
  private readonly integrations: IntegrationRepository;
  private readonly clientAccess: ClientAccess;
  private readonly audit: AuditTrail;
  private readonly clock: Clock;

  constructor(options: LicenceServiceOptions) {
    this.db = options.db;
    this.clients = options.clients;
    this.graphs = options.graphs;
    this.integrations = options.integrations;
    this.clientAccess = options.clientAccess;
    this.audit = options.audit;
    this.clock = options.clock;
  }

  /** The Licences report: SKUs, assigned vs purchased, unused, cost. @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError} */
  async overview(actor: Actor, clientRef: string): Promise<LicenceOverview> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    return this.overviewOf(client);
  }

  /**
   * Which optional actions on inactive users the client's tenant allows (block sign-in, revoke sessions, remove
   * licences), read from a fresh app-only token's roles (or the app's role assignments when the token is opaque),
   * each with how to grant it when it is not. @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async actionAvailability(actor: Actor, clientRef: string): Promise<UserActionAvailability[]> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    const unavailable = (detail: string): UserActionAvailability[] =>
      ACTION_PERMISSIONS.map((p) => ({
        action: p.action,
        permission: p.permission,
        available: false,
        detail,
      }));
    if ((await this.integrations.find(client.id)) === undefined) {
      return unavailable("The client's tenant is not connected.");
    }
    let roles: ReadonlySet<string>;
    try {
      const graph = this.graphs.create(await this.integrations.credentials(client.id));
      const claims = await graph.tokenClaims();
      roles =
        claims.roles !== undefined
          ? new Set(claims.roles)
          : new Set(
              (await graph.appRoleIdsFromDirectory()).flatMap(
                (id) => ACTION_PERMISSIONS.find((p) => p.appRoleId === id)?.permission ?? [],
              ),
            );
    } catch (error) {
      return unavailable(
        `The granted permissions could not be read: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return ACTION_PERMISSIONS.map((p) => {
      const by = p.satisfiedBy.find((name) => roles.has(name));
      return {
        action: p.action,
        permission: p.permission,
        available: by !== undefined,
        detail:
          by === undefined
            ? `Not granted: to ${p.why}, add the Microsoft Graph application permission ${p.permission} to the app and have the client's admin grant consent.`
            : `Granted (${by}).`,
      };
    });
  }

  /**
   * The partner dashboard: for every client the actor may see, the monthly cost its inactive but licensed users
   * hold (reclaimable) and its licence cost — null where no price is set.
   */
  async reclaimableByClient(actor: Actor): Promise<ClientReclaimableView[]> {
    const views: ClientReclaimableView[] = [];
    for (const client of await this.clients.list(actor)) {
      const overview = await this.overviewOf(client);
      views.push({
        clientId: client.id,
        clientName: client.name,
        inactiveLicensedUsers: overview.totals.inactiveLicensedUsers,
        reclaimableCost: overview.totals.inactiveCost,
        monthlyCost: overview.totals.monthlyCost,
      });
    }
    return views;
  }

  /**
   * Licensed users who are inactive (expired, account disabled, never signed in), with the monthly cost each holds,
   * most expensive first. @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async inactiveLicensed(
    actor: Actor,
    clientRef: string,
    input: InactiveLicensedInput = {},
  ): Promise<InactiveLicensedList> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    const { limit, offset } = parseInput(listInput, input);
    const { users, currency } = await this.inactiveUsers(client);
    return {
      clientId: client.id,
      total: users.length,
      users: users.slice(offset, offset + limit),
      monthlyCost: money(sumKnown(users.map((user) => user.monthlyCost?.cents ?? null)), currency),
      currency,
    };
  }

  /** One user's licences and their monthly cost. @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError} */
  async userLicences(actor: Actor, clientRef: string, userId: unknown): Promise<LicensedUserView> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    const id = parseInput(z.string().regex(GUID, 'a user id is a GUID'), userId).toLowerCase();
    const user = await this.db
      .selectFrom('directory_users')
      .select(['id', 'display_name', 'user_principal_name', 'account_enabled'])
      .where('client_id', '=', client.id)
      .where('id', '=', id)
      .executeTakeFirst();
    if (user === undefined) throw new NotFoundError('user', id);
    const context = await this.context(client);
    const [row] = await context.repository.licensedUsers(client.id, context.expiry, { userId: id });
    return this.userView(
      row ?? {
        id: user.id,
        displayName: user.display_name,
        userPrincipalName: user.user_principal_name,
        accountEnabled: user.account_enabled === 1,
        collectionState: '',
        expired: false,
        lastActivityAt: null,
        skuIds: [],
      },
      context,
    );
  }

  /** The partner's prices and currency for the client. @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError} */
  async prices(actor: Actor, clientRef: string): Promise<LicencePricesView> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    return this.pricesOf(client.id);
  }

  /**
   * Sets the client's currency and monthly prices per SKU (a null price removes it). Each SKU must be one of the
   * tenant's subscriptions; a price needs a currency. All or nothing, audited with before and after.
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async setPrices(actor: Actor, clientRef: string, input: unknown): Promise<LicencePricesView> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:configure');
    const request = parseInput(pricesInput, input);
    const at = this.clock.now().toISOString();
    const by = actor.name ?? actor.objectId;
    await this.db.transaction().execute(async (trx) => {
      const repository = new LicenceRepository(trx);
      const known = new Set((await repository.subscriptions(client.id)).map((s) => s.skuId));
      const unknown = request.prices.filter((p) => !known.has(p.skuId.toLowerCase()));
      if (unknown.length > 0) {
        throw new ValidationError(
          `The client's tenant has no subscription to ${unknown.map((p) => p.skuId).join(', ')}: prices can be set only for the SKUs its licences list (sync the client first if it bought them recently).`,
          unknown.map((p) => ({ path: 'prices.skuId', message: `no subscription to ${p.skuId}` })),
        );
      }
      const currency = request.currency ?? (await repository.currency(client.id));
      if (currency === null && request.prices.some((p) => p.monthlyPrice !== null)) {
        throw new ValidationError("Set the client's currency (e.g. GBP) with its first price.", [
          { path: 'currency', message: 'required with the first price' },
        ]);
      }
      const before = await this.pricesOf(client.id, trx);
      if (request.currency !== undefined) await repository.setCurrency(client.id, request.currency, at, by);
      for (const price of request.prices) {
        await repository.setPrice(
          client.id,
          price.skuId.toLowerCase(),
          price.monthlyPrice === null ? null : toCents(price.monthlyPrice),
          at,
          by,
        );
      }
      const after = await this.pricesOf(client.id, trx);
      await this.audit.record(trx, actor, {
        action: 'licence.set_prices',
        clientId: client.id,
        targetType: 'licence_prices',
        targetId: client.id,
        before: priceAudit(before),
        after: priceAudit(after),
      });
    });
    return this.pricesOf(client.id);
  }

  /** The Licences report as CSV (one row per SKU, then a total row). */
  async reportCsv(actor: Actor, clientRef: string): Promise<{ fileName: string; text: string }> {
    const overview = await this.overview(actor, clientRef);
    const amount = (value: MonthlyAmount | null): CsvCell => value?.amount ?? null;
    const rows: CsvCell[][] = overview.subscriptions.map((s) => [
      s.productName,
      s.skuPartNumber,
      s.skuId,
      s.purchasedUnits,
      s.assignedUnits,
      s.unusedUnits,
      s.inactiveHolders,
      amount(s.price),
      amount(s.monthlyCost),
      amount(s.unusedCost),
      amount(s.inactiveCost),
      overview.currency,
    ]);
    const t = overview.totals;
    rows.push([
      'Total',
      null,
      null,
      t.purchasedUnits,
      t.assignedUnits,
      t.unusedUnits,
      t.inactiveLicensedUsers,
      null,
      amount(t.monthlyCost),
      amount(t.unusedCost),
      amount(t.inactiveCost),
      overview.currency,
    ]);
    const text = toCsv({
      columns: [
        'product',
        'sku_part_number',
        'sku_id',
        'purchased',
        'assigned',
        'unused',
        'inactive_holders',
        'monthly_price',
        'monthly_cost',
        'unused_cost',
        'inactive_cost',
        'currency',
      ],
      rows,
    });
    return { fileName: `licences-${overview.clientName}.csv`, text };
  }

  private async overviewOf(client: ClientRow): Promise<LicenceOverview> {
    const context = await this.context(client);
    const subscriptions = await context.repository.subscriptions(client.id);
    const inactive = await this.inactiveUsers(client, context);
    const licensedUsers = await this.db
      .selectFrom('user_licences')
      .innerJoin('directory_users', (join) =>
        join
          .onRef('directory_users.client_id', '=', 'user_licences.client_id')
          .onRef('directory_users.id', '=', 'user_licences.user_id'),
      )
      .select((eb) => eb.fn.count<number>('user_licences.user_id').distinct().as('n'))
      .where('user_licences.client_id', '=', client.id)
      .where('directory_users.entra_state', '=', 'active')
      .executeTakeFirst();
    const inactiveBySku = new Map<string, number>();
    for (const user of inactive.users) {
      for (const licence of user.licences) {
        inactiveBySku.set(licence.skuId, (inactiveBySku.get(licence.skuId) ?? 0) + 1);
      }
    }
    const views = subscriptions.map((row) =>
      subscriptionView(
        row,
        context.prices.get(row.skuId),
        inactiveBySku.get(row.skuId) ?? 0,
        context.currency,
      ),
    );
    const sum = (pick: (view: LicenceSubscriptionView) => MonthlyAmount | null): MonthlyAmount | null =>
      money(sumKnown(views.map((view) => pick(view)?.cents ?? null)), context.currency);
    return {
      clientId: client.id,
      clientName: client.name,
      currency: context.currency,
      read: subscriptions.length > 0 || (await this.licencesRead(client.id)),
      subscriptions: views,
      totals: {
        purchasedUnits: views.reduce((n, v) => n + v.purchasedUnits, 0),
        assignedUnits: views.reduce((n, v) => n + v.assignedUnits, 0),
        unusedUnits: views.reduce((n, v) => n + v.unusedUnits, 0),
        licensedUsers: licensedUsers?.n ?? 0,
        inactiveLicensedUsers: inactive.users.length,
        monthlyCost: sum((v) => v.monthlyCost),
        unusedCost: sum((v) => v.unusedCost),
        inactiveCost: money(
          sumKnown(inactive.users.map((user) => user.monthlyCost?.cents ?? null)),
          context.currency,
        ),
      },
      pricedSkus: views.filter((v) => v.price !== null).length,
      unpricedSkus: views.filter((v) => v.price === null).length,
      productNamesSource: {
        url: LICENCE_PRODUCTS_SOURCE.url,
        lastUpdated: LICENCE_PRODUCTS_SOURCE.lastUpdated,
      },
    };
  }

  private async inactiveUsers(
    client: ClientRow,
    given?: PricingContext,
  ): Promise<{ users: LicensedUserView[]; currency: string | null }> {
    const context = given ?? (await this.context(client));
    const rows = await context.repository.licensedUsers(client.id, context.expiry, { inactiveOnly: true });
    const users = rows
      .map((row) => this.userView(row, context))
      .filter((user) => user.inactiveReasons.length > 0)
      .sort(
        (a, b) =>
          (b.monthlyCost?.cents ?? -1) - (a.monthlyCost?.cents ?? -1) ||
          (a.displayName ?? '').localeCompare(b.displayName ?? '') ||
          a.id.localeCompare(b.id),
      );
    return { users, currency: context.currency };
  }

  private userView(row: LicensedUserRow, context: PricingContext): LicensedUserView {
    const cost = heldCost(row.skuIds, context.prices);
    return {
      id: row.id,
      displayName: row.displayName,
      userPrincipalName: row.userPrincipalName,
      accountEnabled: row.accountEnabled,
      lastActivityAt: row.lastActivityAt,
      inactiveReasons: inactiveReasons({
        expired: row.expired,
        accountEnabled: row.accountEnabled,
        activityRead: context.expiry.activityRead,
        lastActivityAt: row.lastActivityAt,
      }),
      licences: row.skuIds.map((skuId) => {
        const partNumber = context.partNumbers.get(skuId) ?? skuId;
        return {
          skuId,
          skuPartNumber: partNumber,
          productName: licenceProductName(skuId) ?? partNumber,
          price: money(context.prices.get(skuId) ?? null, context.currency),
        };
      }),
      monthlyCost: money(cost.monthlyCostCents, context.currency),
      unpricedLicences: cost.unpricedSkus,
    };
  }

  private async context(client: ClientRow): Promise<PricingContext> {
    const repository = new LicenceRepository(this.db);
    const [policy, priceRows, currency, subscriptions] = await Promise.all([
      readExpiryPolicy(this.db, client.id),
      repository.prices(client.id),
      repository.currency(client.id),
      this.db
        .selectFrom('licence_subscriptions')
        .select(['sku_id', 'sku_part_number'])
        .where('client_id', '=', client.id)
        .execute(),
    ]);
    return {
      repository,
      expiry: expiryAsOf(policy, this.clock.now()),
      prices: new Map(priceRows.map((row) => [row.skuId, row.monthlyPriceCents])),
      currency,
      partNumbers: new Map(subscriptions.map((row) => [row.sku_id, row.sku_part_number])),
    };
  }

  private async pricesOf(clientId: string, db: Kysely<Database> = this.db): Promise<LicencePricesView> {
    const repository = new LicenceRepository(db);
    const [subscriptions, prices, currency] = await Promise.all([
      repository.subscriptions(clientId),
      repository.prices(clientId),
      repository.currency(clientId),
    ]);
    const byId = new Map(prices.map((price) => [price.skuId, price.monthlyPriceCents]));
    return {
      clientId,
      currency,
      prices: subscriptions.map((s) => ({
        skuId: s.skuId,
        skuPartNumber: s.skuPartNumber,
        productName: licenceProductName(s.skuId) ?? s.skuPartNumber,
        price: money(byId.get(s.skuId) ?? null, currency),
      })),
    };
  }

  private async licencesRead(clientId: string): Promise<boolean> {
    const run = await this.db
      .selectFrom('sync_runs')
      .select('id')
      .where('client_id', '=', clientId)
      .where('kind', '=', 'licences')
      .where('status', '=', 'succeeded')
      .limit(1)
      .executeTakeFirst();
    return run !== undefined;
  }
}

interface PricingContext {
  readonly repository: LicenceRepository;
  readonly expiry: ReturnType<typeof expiryAsOf>;
  readonly prices: PriceList;
  readonly currency: string | null;
  readonly partNumbers: ReadonlyMap<string, string>;
}

function subscriptionView(
  row: SubscriptionRow,
  priceCents: number | undefined,
  inactiveHolders: number,
  currency: string | null,
): LicenceSubscriptionView {
  const figures = subscriptionFigures(row.enabledUnits, row.consumedUnits, priceCents);
  return {
    skuId: row.skuId,
    skuPartNumber: row.skuPartNumber,
    productName: licenceProductName(row.skuId) ?? row.skuPartNumber,
    capabilityStatus: row.capabilityStatus,
    purchasedUnits: row.enabledUnits,
    assignedUnits: row.consumedUnits,
    unusedUnits: figures.unusedUnits,
    inactiveHolders,
    price: money(priceCents ?? null, currency),
    monthlyCost: money(figures.monthlyCostCents, currency),
    unusedCost: money(figures.unusedCostCents, currency),
    inactiveCost: money(priceCents === undefined ? null : inactiveHolders * priceCents, currency),
  };
}

/** An amount only when both it and the currency are known. */
function money(cents: number | null, currency: string | null): MonthlyAmount | null {
  if (cents === null || currency === null) return null;
  return { cents, amount: formatCents(cents), currency };
}

function toCents(price: string): number {
  const [units = '0', decimals = ''] = price.split('.');
  return Number(units) * 100 + Number(decimals.padEnd(2, '0'));
}

function priceAudit(view: LicencePricesView): Record<string, unknown> {
  return {
    currency: view.currency,
    prices: Object.fromEntries(
      view.prices.filter((p) => p.price !== null).map((p) => [p.skuPartNumber, p.price?.amount]),
    ),
  };
}
