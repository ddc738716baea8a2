import type { Kysely } from 'kysely';
import type { Database, ServicePrincipalsTable, Timestamp } from './schema.js';

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

/** Each user's newest successful sign-in seen in the log, whether or not the directory sync has the user yet. */
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

/** One client's `sign_in_daily` rows of one day, packed (see sign-in-rollup.ts). */
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

/** Tables and columns migration 0004 adds, on top of {@link Database}. */
export interface ReportTables {
  sign_in_apps: SignInAppsTable;
  sign_in_user_last: SignInUserLastTable;
  sign_in_keys: SignInKeysTable;
  sign_in_rollups: SignInRollupsTable;
  sign_in_rollup_dirty: SignInRollupDirtyTable;
  service_principals: ServicePrincipalsTable & { app_owner_organization_id: string | null };
}

export type ReportDatabase = Database & ReportTables;

/** The store seen with the sign-in and report tables of migration 0004. */
export function withReportTables(db: Kysely<Database>): Kysely<ReportDatabase> {
  // A mapped copy of the interface: `withTables` wants a type with an index-compatible shape.
  return db.withTables<{ [K in keyof ReportTables]: ReportTables[K] }>();
}
