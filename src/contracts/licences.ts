import type { InactiveReason } from '../domain/vocabulary.js';

/**
 * An amount per month in the client's currency, in hundredths (`cents`) and as text with two places (`amount`).
 * Absent (null) wherever it would need a price nobody set: the product never shows a cost it does not know.
 */
export interface MonthlyAmount {
  readonly cents: number;
  readonly amount: string;
  readonly currency: string;
}

/** One subscription of the client's tenant, with the partner's price and what it costs. */
export interface LicenceSubscriptionView {
  readonly skuId: string;
  readonly skuPartNumber: string;
  /** Microsoft's product name (vendored list), or the part number when the list does not hold the SKU. */
  readonly productName: string;
  readonly capabilityStatus: string | null;
  /** Seats bought (`prepaidUnits.enabled`). */
  readonly purchasedUnits: number;
  /** Seats assigned (`consumedUnits`). */
  readonly assignedUnits: number;
  readonly unusedUnits: number;
  /** Users holding it who are inactive but licensed. */
  readonly inactiveHolders: number;
  /** The partner's monthly price per seat; null when not set. */
  readonly price: MonthlyAmount | null;
  /** Seats bought × price. */
  readonly monthlyCost: MonthlyAmount | null;
  readonly unusedCost: MonthlyAmount | null;
  /** What the inactive holders' seats cost. */
  readonly inactiveCost: MonthlyAmount | null;
}

/** A client's licences and their cost (the Licences report). */
export interface LicenceOverview {
  readonly clientId: string;
  readonly clientName: string;
  /** ISO 4217, null until the partner sets it. */
  readonly currency: string | null;
  /** Whether the licences have been read from the tenant yet. */
  readonly read: boolean;
  readonly subscriptions: readonly LicenceSubscriptionView[];
  readonly totals: {
    readonly purchasedUnits: number;
    readonly assignedUnits: number;
    readonly unusedUnits: number;
    readonly licensedUsers: number;
    readonly inactiveLicensedUsers: number;
    readonly monthlyCost: MonthlyAmount | null;
    readonly unusedCost: MonthlyAmount | null;
    /** What the inactive but licensed users hold: the reclaimable cost. */
    readonly inactiveCost: MonthlyAmount | null;
  };
  /** SKUs with a price set / without one. */
  readonly pricedSkus: number;
  readonly unpricedSkus: number;
  /** Where the product names come from. */
  readonly productNamesSource: { readonly url: string; readonly lastUpdated: string };
}

/** A licence a user holds. */
export interface HeldLicenceView {
  readonly skuId: string;
  readonly skuPartNumber: string;
  readonly productName: string;
  readonly price: MonthlyAmount | null;
}

/** A licensed user and the monthly cost of what it holds. */
export interface LicensedUserView {
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  readonly accountEnabled: boolean;
  readonly lastActivityAt: string | null;
  /** Why it counts as inactive but licensed (empty for an active user). */
  readonly inactiveReasons: readonly InactiveReason[];
  readonly licences: readonly HeldLicenceView[];
  /** Sum of the priced licences it holds; null when none is priced. */
  readonly monthlyCost: MonthlyAmount | null;
  /** Licences it holds that have no price (not in the cost). */
  readonly unpricedLicences: number;
}

export interface InactiveLicensedList {
  readonly clientId: string;
  readonly total: number;
  readonly users: readonly LicensedUserView[];
  /** What they hold in all. */
  readonly monthlyCost: MonthlyAmount | null;
  readonly currency: string | null;
}

/** The partner's prices for a client. */
export interface LicencePricesView {
  readonly clientId: string;
  readonly currency: string | null;
  readonly prices: readonly {
    readonly skuId: string;
    readonly skuPartNumber: string;
    readonly productName: string;
    readonly price: MonthlyAmount | null;
  }[];
}

/** One client's licence cost at a glance (the partner dashboard): what its inactive users still hold. */
export interface ClientReclaimableView {
  readonly clientId: string;
  readonly clientName: string;
  readonly inactiveLicensedUsers: number;
  /** What the inactive but licensed users hold a month; null without prices. */
  readonly reclaimableCost: MonthlyAmount | null;
  readonly monthlyCost: MonthlyAmount | null;
}

/** One optional action on inactive users, and whether the client's tenant granted what it needs. */
export interface UserActionAvailability {
  readonly action: 'block_sign_in' | 'revoke_sessions' | 'remove_licences';
  readonly permission: string;
  readonly available: boolean;
  /** What is granted, or how to grant it. */
  readonly detail: string;
}
