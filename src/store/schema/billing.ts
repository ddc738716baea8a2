import type { Timestamp } from './columns.js';

/*
 * Billing and licences: the daily billable snapshots, subscriptions, users' licences and the partner's prices. (Part
 * of the `Database` in ../schema.ts.)
 */

export interface BillingSnapshotsTable {
  client_id: string;
  day: string;
  total_users: number;
  imported: number;
  disabled: number;
  expired: number;
  guests: number;
  billable: number;
  created_at: Timestamp;
  /** The monthly licence cost that day at the partner's prices (migration 0022); null where none was set. */
  licence_cost_cents: number | null;
  licence_currency: string | null;
}

/** A subscription of the client's tenant (`/subscribedSkus`), migration 0016. */
export interface LicenceSubscriptionsTable {
  client_id: string;
  sku_id: string;
  sku_part_number: string;
  applies_to: string | null;
  capability_status: string | null;
  /** `prepaidUnits.enabled`: seats bought. */
  enabled_units: number;
  /** `consumedUnits`: seats assigned. */
  consumed_units: number;
  round_stamp: string;
}

/** One licence (SKU) a user holds (`assignedLicenses`), migration 0016. */
export interface UserLicencesTable {
  client_id: string;
  user_id: string;
  sku_id: string;
  round_stamp: string;
}

/** The partner's monthly resale price of a SKU for the client, in hundredths of the client's currency. */
export interface LicencePricesTable {
  client_id: string;
  sku_id: string;
  monthly_price_cents: number;
  updated_at: Timestamp;
  updated_by: string;
}

/** The client's licence currency (ISO 4217). */
export interface LicenceSettingsTable {
  client_id: string;
  currency: string;
  updated_at: Timestamp;
  updated_by: string;
}

/** Per client and day, the dashboard's figures no other table keeps a history of (migration 0019). */
export interface ClientDailySnapshotsTable {
  client_id: string;
  day: string;
  /** Users present in Entra (not deleted). */
  users: number;
  /** Active member users registered for MFA, of `mfa_known` with a registration record. */
  mfa_registered: number;
  mfa_known: number;
  /** Applications seen in sign-ins so far. */
  apps_seen: number;
  /** The last 30 days' successful sign-ins to enterprise applications, and those through SAML or OIDC SSO. */
  enterprise_sign_ins: number;
  sso_sign_ins: number;
  taken_at: Timestamp;
}

/** A licence the product removed from a user (migration 0022): what the Undo gives back. */
export interface LicenceRemovalsTable {
  client_id: string;
  user_id: string;
  sku_id: string;
  removed_at: Timestamp;
  removed_by: string;
  restored_at: Timestamp | null;
}
