import { z } from 'zod/v4';
import { sumKnown } from '../domain/licence-cost.js';
import { LICENCE_PRODUCTS_SOURCE } from '../domain/licence-products.js';
import type { TenantGraphFactory } from '../graph/tenant-graph-factory.js';
import type { Clock } from '../shared/clock.js';
import { NotFoundError } from '../shared/errors.js';
import { expiryAsOf } from '../store/collection-sql.js';
import type { ClientRecord } from '../store/client-repository.js';
import type { Store } from '../store/store.js';
import type { Actor } from './actor.js';
import { readActionAvailability } from './action-availability.js';
import type { AuditTrail } from './audit-trail.js';
import type { ClientAccess } from './client-access.js';
import type { ClientService } from './client-service.js';
import { applyPrices, pricesInput, readPrices } from './licence-prices.js';
import { licenceReportCsv } from './licence-report-csv.js';
import { licensedUserView, money, subscriptionView, type PricingContext } from './licence-views.js';
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
import { GUID_PATTERN } from '../contracts/values.js';

export type { SetLicencePricesInput } from './licence-prices.js';

export interface LicenceServiceOptions {
  readonly store: Store;
  readonly clients: ClientService;
  /** To read which optional permissions the client's tenant granted (a fresh token each time). */
  readonly graphs: TenantGraphFactory;
  readonly clientAccess: ClientAccess;
  readonly audit: AuditTrail;
  readonly clock: Clock;
}

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
 * audited. The views are built in licence-views.ts, the prices kept in licence-prices.ts.
 */
export class LicenceService {
  private readonly store: Store;
  private readonly clients: ClientService;
  private readonly graphs: TenantGraphFactory;
  private readonly clientAccess: ClientAccess;
  private readonly audit: AuditTrail;
  private readonly clock: Clock;

  constructor(options: LicenceServiceOptions) {
    this.store = options.store;
    this.clients = options.clients;
    this.graphs = options.graphs;
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
    return readActionAvailability(this.graphs, this.store.read, client.id);
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
    const id = parseInput(z.string().regex(GUID_PATTERN, 'a user id is a GUID'), userId).toLowerCase();
    const user = await this.store.read.users.find(client.id, id);
    if (user === undefined) throw new NotFoundError('user', id);
    const context = await this.context(client);
    const [row] = await this.store.read.licences.licensedUsers(client.id, context.expiry, { userId: id });
    return licensedUserView(
      row ?? {
        id: user.id,
        displayName: user.displayName,
        userPrincipalName: user.userPrincipalName,
        accountEnabled: user.accountEnabled,
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
    return readPrices(this.store.read, client.id);
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
    await this.store.transaction((tx) => applyPrices(tx, this.audit, actor, client.id, request, at));
    return readPrices(this.store.read, client.id);
  }

  /** The Licences report as CSV (one row per SKU, then a total row). */
  async reportCsv(actor: Actor, clientRef: string): Promise<{ fileName: string; text: string }> {
    return licenceReportCsv(await this.overview(actor, clientRef));
  }

  private async overviewOf(client: ClientRecord): Promise<LicenceOverview> {
    const licences = this.store.read.licences;
    const context = await this.context(client);
    const subscriptions = await licences.subscriptions(client.id);
    const inactive = await this.inactiveUsers(client, context);
    const licensedUsers = await licences.licensedUserCount(client.id);
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
      read:
        subscriptions.length > 0 ||
        (await this.store.read.syncRuns.latest(client.id, 'licences', 'succeeded')) !== undefined,
      subscriptions: views,
      totals: {
        purchasedUnits: views.reduce((n, v) => n + v.purchasedUnits, 0),
        assignedUnits: views.reduce((n, v) => n + v.assignedUnits, 0),
        unusedUnits: views.reduce((n, v) => n + v.unusedUnits, 0),
        licensedUsers,
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
    client: ClientRecord,
    given?: PricingContext,
  ): Promise<{ users: LicensedUserView[]; currency: string | null }> {
    const context = given ?? (await this.context(client));
    const rows = await this.store.read.licences.licensedUsers(client.id, context.expiry, {
      inactiveOnly: true,
    });
    const users = rows
      .map((row) => licensedUserView(row, context))
      .filter((user) => user.inactiveReasons.length > 0)
      .sort(
        (a, b) =>
          (b.monthlyCost?.cents ?? -1) - (a.monthlyCost?.cents ?? -1) ||
          (a.displayName ?? '').localeCompare(b.displayName ?? '') ||
          a.id.localeCompare(b.id),
      );
    return { users, currency: context.currency };
  }

  private async context(client: ClientRecord): Promise<PricingContext> {
    const read = this.store.read;
    const [policy, priceRows, currency, partNumbers] = await Promise.all([
      read.collection.policy(client.id),
      read.licences.prices(client.id),
      read.licences.currency(client.id),
      read.licences.partNumbers(client.id),
    ]);
    return {
      expiry: expiryAsOf(policy, this.clock.now()),
      prices: new Map(priceRows.map((row) => [row.skuId, row.monthlyPriceCents])),
      currency,
      partNumbers,
    };
  }
}
