/**
 * What licences cost (issue 17). Prices are the partner's monthly resale price per SKU for a client, in hundredths of
 * the client's currency; a SKU without a price has no cost — never zero, never guessed — so every figure here is
 * null where it would need a price nobody set.
 */
import type { InactiveReason } from './vocabulary.js';

/** Monthly prices by skuId (hundredths of the client's currency). */
export type PriceList = ReadonlyMap<string, number>;

export interface SubscriptionFigures {
  /** Seats bought and not assigned (never below zero: Microsoft lets a tenant over-assign for a while). */
  readonly unusedUnits: number;
  /** Seats bought × price. */
  readonly monthlyCostCents: number | null;
  /** Unused seats × price. */
  readonly unusedCostCents: number | null;
}

export function subscriptionFigures(
  enabledUnits: number,
  consumedUnits: number,
  priceCents: number | undefined,
): SubscriptionFigures {
  const unusedUnits = Math.max(0, enabledUnits - consumedUnits);
  return {
    unusedUnits,
    monthlyCostCents: priceCents === undefined ? null : enabledUnits * priceCents,
    unusedCostCents: priceCents === undefined ? null : unusedUnits * priceCents,
  };
}

export interface HeldCost {
  /** The sum of the prices of the SKUs held that have one; null when none has. */
  readonly monthlyCostCents: number | null;
  /** SKUs held without a price (their cost is not in the sum). */
  readonly unpricedSkus: number;
}

/** The monthly cost of the licences one user holds. */
export function heldCost(skuIds: readonly string[], prices: PriceList): HeldCost {
  let cents: number | null = null;
  let unpriced = 0;
  for (const skuId of skuIds) {
    const price = prices.get(skuId);
    if (price === undefined) unpriced++;
    else cents = (cents ?? 0) + price;
  }
  return { monthlyCostCents: cents, unpricedSkus: unpriced };
}

/** Adds amounts that may be unknown: null only when every one is. */
export function sumKnown(amounts: Iterable<number | null>): number | null {
  let total: number | null = null;
  for (const amount of amounts) if (amount !== null) total = (total ?? 0) + amount;
  return total;
}

export interface InactivityFacts {
  /** Expired by rule 8 (imported, no activity for N days; never where the tenant's activity is unknown). */
  readonly expired: boolean;
  /** `accountEnabled` in Entra. */
  readonly accountEnabled: boolean;
  /** The tenant's activity has been read (Entra ID P1/P2): without it nobody is called inactive (rule 8). */
  readonly activityRead: boolean;
  /** Newest successful sign-in known (sign-in log or signInActivity), null when none. */
  readonly lastActivityAt: string | null;
}

/**
 * The *inactive but licensed* rule: a licensed user that has expired, whose account is disabled in Entra (blocked
 * from signing in, still holding its seats), or that never signed in — the last only where the tenant's activity is
 * known, since "no activity data" must never read as "inactive".
 */
export function inactiveReasons(facts: InactivityFacts): InactiveReason[] {
  const reasons: InactiveReason[] = [];
  if (facts.expired) reasons.push('expired');
  if (!facts.accountEnabled) reasons.push('account_disabled');
  if (facts.activityRead && facts.lastActivityAt === null) reasons.push('never_signed_in');
  return reasons;
}

/** Hundredths as a decimal string with two places: `142050` → `"1420.50"`. */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100).toString()}.${(abs % 100).toString().padStart(2, '0')}`;
}
