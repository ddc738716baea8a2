/**
 * Licence views: how stored licence facts become what the tab, the bot and the exports show (it changes when those
 * views do): Microsoft's product names, amounts in the client's currency, each user's inactive reasons and held cost.
 */
import {
  formatCents,
  heldCost,
  inactiveReasons,
  subscriptionFigures,
  type PriceList,
} from '../domain/licence-cost.js';
import { licenceProductName } from '../domain/licence-products.js';
import type { ExpiryAsOf } from '../store/collection-sql.js';
import type { LicensedUserRecord, SubscriptionHoldings } from '../store/licence-repository.js';
import type { LicensedUserView, LicenceSubscriptionView, MonthlyAmount } from '../contracts/licences.js';

/** What a licence view needs besides its row: rule 8 as of now, the client's prices, currency and part numbers. */
export interface PricingContext {
  readonly expiry: ExpiryAsOf;
  readonly prices: PriceList;
  readonly currency: string | null;
  readonly partNumbers: ReadonlyMap<string, string>;
}

/** One of the tenant's subscriptions: units, their cost, and what its inactive holders hold. */
export function subscriptionView(
  row: SubscriptionHoldings,
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

/** One licensed user: the licences held, their monthly cost, and why the user counts as inactive (if it does). */
export function licensedUserView(row: LicensedUserRecord, context: PricingContext): LicensedUserView {
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

/** An amount only when both it and the currency are known. */
export function money(cents: number | null, currency: string | null): MonthlyAmount | null {
  if (cents === null || currency === null) return null;
  return { cents, amount: formatCents(cents), currency };
}
