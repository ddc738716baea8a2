import type { Flag, Json, Timestamp } from './columns.js';

/*
 * A client's activity data: sign-ins (events, day rollups, last sign-in), applications and MFA registrations. (Part
 * of the `Database` in ../schema.ts.)
 */

export interface SignInEventsTable {
  client_id: string;
  id: string;
  created_at: Timestamp;
  user_id: string;
  app_id: string;
  app_display_name: string | null;
  succeeded: Flag;
  error_code: number;
  is_interactive: Flag;
  /** From /beta: `singleFactorAuthentication` | `multiFactorAuthentication`; null when only v1.0 was available. */
  authentication_requirement: string | null;
  conditional_access_status: string | null;
  client_app_used: string | null;
}

/** Per user, application and day: kept up to date incrementally as events are ingested. */
export interface SignInDailyTable {
  client_id: string;
  day: string;
  user_id: string;
  app_id: string;
  sign_ins: number;
  successes: number;
  mfa_sign_ins: number;
  single_factor_sign_ins: number;
}

export interface ServicePrincipalsTable {
  client_id: string;
  id: string;
  app_id: string;
  display_name: string | null;
  /** `saml` | `oidc` | `password` | `notSupported` | null (none). */
  preferred_single_sign_on_mode: string | null;
  service_principal_type: string | null;
  account_enabled: Flag;
  updated_at: Timestamp;
  /** The tenant that owns the application: Microsoft's for its own services (migration 0004). */
  app_owner_organization_id: string | null;
}

export interface MfaRegistrationsTable {
  client_id: string;
  user_id: string;
  user_principal_name: string | null;
  user_display_name: string | null;
  user_type: string | null;
  is_admin: Flag | null;
  is_mfa_registered: Flag;
  is_mfa_capable: Flag;
  is_passwordless_capable: Flag;
  is_sspr_registered: Flag;
  /** JSON array of method names. */
  methods_registered: Json;
  last_updated_at: Timestamp | null;
  synced_at: Timestamp;
}

/** Applications discovered in sign-ins (migration 0004): what the log called them, and when they were seen. */
export interface SignInAppsTable {
  client_id: string;
  app_id: string;
  display_name: string | null;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
  /** Sign-ins ingested for this app (all outcomes), ever. */
  sign_ins: number;
}

/** Each collected user's newest successful sign-in seen in the log (rule 8's last activity, rule 10's collection). */
export interface SignInUserLastTable {
  client_id: string;
  user_id: string;
  last_success_at: Timestamp;
  app_id: string;
  app_display_name: string | null;
}

/** Dense integer keys of users (`user`) and applications (`app`) per client, used inside the day rollups. */
export interface SignInKeysTable {
  client_id: string;
  kind: 'user' | 'app';
  key: string;
  idx: number;
}

/** One client's `sign_in_daily` rows of one day, packed for the reports (see src/store/sign-in-rollup.ts). */
export interface SignInRollupsTable {
  client_id: string;
  day: string;
  tuples: Buffer;
  tuple_count: number;
  built_at: Timestamp;
}

/** Days whose rollup is behind `sign_in_daily`; `version` grows with every page that touched the day. */
export interface SignInRollupDirtyTable {
  client_id: string;
  day: string;
  version: number;
}
