import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type {
  ActivityDataState,
  CollectionState,
  DisableReason,
  EntraState,
  IntegrationKind,
  RoleName,
  SyncKind,
  SyncStatus,
  SyncTrigger,
} from '../domain/vocabulary.js';
import type { ErrorCode } from '../contracts/errors.js';

/**
 * The database, as Kysely sees it. The same tables and queries run on SQLite and PostgreSQL, so the column types
 * stay portable:
 * - timestamps are ISO-8601 UTC text (`Date#toISOString()`, e.g. `2026-11-26T03:30:00.000Z`), which sorts and
 *   compares correctly as text; calendar days are `YYYY-MM-DD` text;
 * - booleans are integers 0/1 (`Flag`);
 * - structured values are JSON text (`Json`);
 * - counters are integers (PostgreSQL `bigint` is parsed back to a JS number by the store).
 * Migrations (src/store/migrations) are the source of truth for indexes and constraints.
 */
export type Flag = 0 | 1;
/** JSON text; parse with `JSON.parse`, write with `JSON.stringify`. */
export type Json = string;
/** ISO-8601 UTC timestamp text. */
export type Timestamp = string;

export interface ClientsTable {
  id: string;
  /** Unique, case-insensitive short name used by the CLI and the bot (`contoso`). */
  name: string;
  display_name: string;
  /** Days without activity after which an imported user expires (rule 8): 7–365, default 30. */
  expiry_days: number;
  created_at: Timestamp;
  created_by: string;
}

export interface IntegrationsTable {
  client_id: string;
  kind: IntegrationKind;
  /** Tenant GUID, resolved at connect time even when the admin typed a verified domain. */
  tenant_id: string;
  /** What the admin typed (GUID or domain), shown back to them. */
  tenant_input: string;
  app_client_id: string;
  /** AES-256-GCM ciphertext of the client secret (see secret-box.ts); null for admin-consent integrations. */
  secret_ciphertext: string | null;
  secret_expires_at: Timestamp | null;
  organization_name: string | null;
  /** JSON array of `{ name, isDefault, isInitial }`. */
  verified_domains: Json;
  /** JSON array of the last permission check's results (`{ name, passed, reason }`). */
  permission_checks: Json;
  activity_data: ActivityDataState;
  activity_data_checked_at: Timestamp | null;
  /** First unconfirmed licence refusal (migration 0013, src/graph/licence-check.ts); null when none is pending. */
  licence_refused_at: Timestamp | null;
  status: 'connected' | 'error';
  status_message: string | null;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
  /** When an admin started the initial import (rule 2); null while groups are still being reviewed, so no auto-import. */
  import_started_at: Timestamp | null;
  /**
   * Since when the client's expiry policy holds: the tenant's activity first read, or the threshold last changed
   * (migration 0011). A user already past the threshold at that moment stopped being billed then.
   */
  expiry_policy_at: Timestamp | null;
}

export interface DirectoryUsersTable {
  client_id: string;
  id: string;
  display_name: string | null;
  user_principal_name: string | null;
  mail: string | null;
  user_type: string | null;
  account_enabled: Flag;
  department: string | null;
  job_title: string | null;
  created_date_time: Timestamp | null;
  entra_state: EntraState;
  collection_state: CollectionState;
  disable_reason: DisableReason | null;
  /** When it was last imported (set by auto-import or an admin); expiry counts from here when there is no activity. */
  imported_at: Timestamp | null;
  /** Newest successful sign-in seen in the sign-in log, and its application. */
  last_sign_in_at: Timestamp | null;
  last_sign_in_app: string | null;
  /** `signInActivity.lastSuccessfulSignInDateTime` from the paced signInActivity pass. */
  sign_in_activity_at: Timestamp | null;
  /** Lower-cased display name + UPN + mail, for search. */
  search_text: string;
  /** Generation of the full sync round that last saw it (mark and sweep after a resync). */
  seen_generation: number;
  updated_at: Timestamp;
  /**
   * Sign-ins from before this instant are not collected (migration 0011): set when the user comes back to
   * collection after a manual disable or an exclusion; null = collected from the start.
   */
  collected_from: Timestamp | null;
}

export interface DirectoryGroupsTable {
  client_id: string;
  id: string;
  display_name: string | null;
  description: string | null;
  mail: string | null;
  mail_enabled: Flag;
  security_enabled: Flag;
  /** JSON array (`["Unified"]`, `["DynamicMembership"]`). */
  group_types: Json;
  is_team: Flag;
  entra_state: EntraState;
  /** Irreversible exclusion (rule 6): set once, never cleared. */
  excluded_at: Timestamp | null;
  excluded_by: string | null;
  /** Imported for reporting (rule 7): selectable as a report filter. */
  reporting_enabled: Flag;
  search_text: string;
  seen_generation: number;
  /** 1 while the group's direct edges changed since the transitive closure was computed (migration 0002). */
  closure_dirty: Generated<Flag>;
  updated_at: Timestamp;
}

/** Direct membership edges, exactly as Graph reports them (`members@delta`). */
export interface GroupMembersTable {
  client_id: string;
  group_id: string;
  member_id: string;
  member_type: 'user' | 'group' | 'other';
  /** Generation of the groups round that last saw the edge (mark and sweep, migration 0002). */
  seen_generation: Generated<number>;
}

/** Users reachable from a group through any depth of nesting, computed locally from the direct edges. */
/**
 * A view (migration 0023): every user in a group, however deeply nested — the group's direct user members and those
 * of every group in `group_nesting` under it, one row per group and user. Read it; write edges and the nesting.
 */
export interface GroupUserClosureTable {
  client_id: string;
  group_id: string;
  user_id: string;
}

/** Groups nested in a group at any depth ≥ 1 (a group in a cycle is nested in itself), from the direct edges. */
export interface GroupNestingTable {
  client_id: string;
  group_id: string;
  member_group_id: string;
}

export interface SyncRunsTable {
  id: Generated<number>;
  client_id: string;
  kind: SyncKind;
  trigger: SyncTrigger;
  status: SyncStatus;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  users_added: number;
  users_updated: number;
  users_removed: number;
  groups_added: number;
  groups_updated: number;
  groups_removed: number;
  edges_added: number;
  edges_removed: number;
  /** Other rows written by non-directory runs (sign-ins ingested, registrations…). */
  items_written: number;
  pages: number;
  graph_requests: number;
  retries: number;
  throttled_ms: number;
  /** The failure's code from the one catalogue (src/contracts/errors.ts): runs record only codes of AppErrors. */
  error_code: ErrorCode | null;
  error_message: string | null;
  error_request_id: string | null;
  /** JSON of the failure's structured facts (`AppError.details`, e.g. `{ missing: [...] }`) (migration 0018). */
  error_details: Json | null;
  /** JSON progress for live display while running (`{ pages, users, groups, requests }`). */
  progress: Json;
  /** `host:pid:nonce` of the process running it (migration 0002). */
  owner: string | null;
  /** Last sign of life of a running run; a stale one was interrupted (migration 0002). */
  heartbeat_at: Timestamp | null;
}

/** Where each stream of each client stands: resumable mid-round (next link) or between rounds (delta link). */
export interface SyncCheckpointsTable {
  client_id: string;
  stream: string;
  /** The nextLink to resume a round that was interrupted; null between rounds. */
  next_link: string | null;
  /** The deltaLink that starts the next round; null before the first round completes. */
  delta_link: string | null;
  /** Generation of the current full round (mark and sweep). */
  generation: number;
  /** `full` while a full (initial or resync) round is under way, else `delta`. */
  round_kind: 'full' | 'delta';
  /** For time-windowed streams (sign-ins): the newest event time fully ingested. */
  watermark: Timestamp | null;
  /** JSON scratch state a stream needs to resume (kept small). */
  state: Json;
  updated_at: Timestamp;
}

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

export interface RoleAssignmentsTable {
  id: Generated<number>;
  principal_tenant_id: string;
  principal_object_id: string;
  /** For display only; the identity is tenant id + object id. */
  principal_name: string | null;
  role: RoleName;
  /** The client the role is scoped to, or `*` for every client (partner admins, partner-wide viewers). */
  client_scope: string;
  created_at: Timestamp;
  created_by: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  actor_tenant_id: string;
  actor_object_id: string;
  actor_name: string | null;
  client_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  /** JSON snapshots of what changed; never secrets. */
  before: Json | null;
  after: Json | null;
  /** Which edge the action came through: `bot`, `tab`, `cli`, `system`. */
  channel: string;
}

export interface ConversationReferencesTable {
  conversation_id: string;
  /** The whole Bot Framework conversation reference, JSON. */
  reference: Json;
  conversation_type: string;
  tenant_id: string | null;
  /** Entra object id of the user in a personal chat (who installed it). */
  user_object_id: string | null;
  notifications_enabled: Flag;
  /** Subscribed client; null = every client the subscriber may see. */
  client_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

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

/** Problems that notify once when they open and once when they close (rule 11: never a storm). */
export interface IncidentsTable {
  id: Generated<number>;
  client_id: string;
  kind: string;
  opened_at: Timestamp;
  resolved_at: Timestamp | null;
  last_seen_at: Timestamp;
  message: string;
  occurrences: number;
  notified_open: Flag;
  notified_resolved: Flag;
}

/** Notifications already sent, keyed so that each is sent once (`expired:2026-11-26`, `secret-expiry:30d`). */
export interface NotificationsSentTable {
  client_id: string;
  key: string;
  sent_at: Timestamp;
}

/** Single-use, time-limited tokens: admin-consent `state`, exclusion previews. */
export interface PendingActionsTable {
  id: string;
  kind: 'admin_consent' | 'exclusion_preview' | 'download_link';
  client_id: string;
  actor_tenant_id: string;
  actor_object_id: string;
  /** JSON: what the action is bound to (group id, membership fingerprint, billable counts…). */
  payload: Json;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

/** A channel or group-chat tab added in Teams for one client (migration 0011). */
/** A scheduler instance sharing the PostgreSQL store, and its last sign of life (migration 0014). */
export interface SchedulerInstancesTable {
  id: string;
  started_at: Timestamp;
  heartbeat_at: Timestamp;
}

/** A queued job an instance took and is running (migration 0014). */
export interface SchedulerClaimsTable {
  job_id: string;
  queue: string;
  client_id: string;
  instance_id: string;
  /** When the slot was first claimed: a slot taken over from a dead instance keeps its first claim's time. */
  claimed_at: Timestamp;
}

export interface TabPlacementsTable {
  client_id: string;
  place_kind: 'channel' | 'chat';
  /** The channel id (`19:…@thread.tacv2`) or the group chat id (`19:…@thread.v2`). */
  place_id: string;
  created_at: Timestamp;
  /** UPN (or object id) of who added it. */
  created_by: string;
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

/** Per client and alert kind: on/off, where, and immediately or in a daily digest (issue 16). */
export interface AlertSettingsTable {
  client_id: string;
  kind: string;
  enabled: Flag;
  conversation_id: string | null;
  delivery: string;
  digest_hour: number;
  chooser_tenant_id: string | null;
  chooser_object_id: string | null;
  updated_at: Timestamp;
  updated_by: string;
}

/** The client's alert time zone (IANA), in which digest hours are read. */
export interface AlertTimeZonesTable {
  client_id: string;
  time_zone: string;
  updated_at: Timestamp;
  updated_by: string;
}

/** An alert triggered for a client: one row per event. */
export interface AlertsTable {
  id: Generated<number>;
  client_id: string;
  event_key: string;
  kind: string;
  summary: string;
  /** The notification (JSON), as the cards and webhooks render it. */
  payload: string;
  triggered_at: Timestamp;
  delivery: string;
  digest_due_at: Timestamp | null;
  digested_at: Timestamp | null;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
}

/** An outgoing webhook (client's, or partner-wide when `client_id` is null); the secret encrypted. */
export interface AlertWebhooksTable {
  id: Generated<number>;
  client_id: string | null;
  url: string;
  secret_ciphertext: string;
  enabled: Flag;
  created_at: Timestamp;
  created_by: string;
}

/** One alert to one webhook: attempts, last answer, next try. */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  webhook_id: number;
  alert_id: number;
  client_id: string;
  status: string;
  attempts: number;
  next_attempt_at: Timestamp | null;
  last_status: number | null;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface Database {
  clients: ClientsTable;
  integrations: IntegrationsTable;
  directory_users: DirectoryUsersTable;
  directory_groups: DirectoryGroupsTable;
  group_members: GroupMembersTable;
  group_user_closure: GroupUserClosureTable;
  group_nesting: GroupNestingTable;
  sync_runs: SyncRunsTable;
  sync_checkpoints: SyncCheckpointsTable;
  sign_in_events: SignInEventsTable;
  sign_in_daily: SignInDailyTable;
  service_principals: ServicePrincipalsTable;
  mfa_registrations: MfaRegistrationsTable;
  sign_in_apps: SignInAppsTable;
  sign_in_user_last: SignInUserLastTable;
  sign_in_keys: SignInKeysTable;
  sign_in_rollups: SignInRollupsTable;
  sign_in_rollup_dirty: SignInRollupDirtyTable;
  role_assignments: RoleAssignmentsTable;
  audit_log: AuditLogTable;
  conversation_references: ConversationReferencesTable;
  billing_snapshots: BillingSnapshotsTable;
  incidents: IncidentsTable;
  notifications_sent: NotificationsSentTable;
  pending_actions: PendingActionsTable;
  tab_placements: TabPlacementsTable;
  scheduler_instances: SchedulerInstancesTable;
  scheduler_claims: SchedulerClaimsTable;
  licence_subscriptions: LicenceSubscriptionsTable;
  user_licences: UserLicencesTable;
  licence_prices: LicencePricesTable;
  licence_settings: LicenceSettingsTable;
  client_daily_snapshots: ClientDailySnapshotsTable;
  licence_removals: LicenceRemovalsTable;
  alert_settings: AlertSettingsTable;
  alert_time_zones: AlertTimeZonesTable;
  alerts: AlertsTable;
  alert_webhooks: AlertWebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export type ClientRow = Selectable<ClientsTable>;
export type NewClient = Insertable<ClientsTable>;
export type IntegrationRow = Selectable<IntegrationsTable>;
export type DirectoryUserRow = Selectable<DirectoryUsersTable>;
export type DirectoryUserUpdate = Updateable<DirectoryUsersTable>;
export type DirectoryGroupRow = Selectable<DirectoryGroupsTable>;
export type SyncRunRow = Selectable<SyncRunsTable>;
export type SyncCheckpointRow = Selectable<SyncCheckpointsTable>;
export type SignInEventRow = Selectable<SignInEventsTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type RoleAssignmentRow = Selectable<RoleAssignmentsTable>;
export type ConversationReferenceRow = Selectable<ConversationReferencesTable>;
export type BillingSnapshotRow = Selectable<BillingSnapshotsTable>;
export type IncidentRow = Selectable<IncidentsTable>;
export type PendingActionRow = Selectable<PendingActionsTable>;
export type AlertSettingsRow = Selectable<AlertSettingsTable>;
export type AlertRow = Selectable<AlertsTable>;
export type AlertWebhookRow = Selectable<AlertWebhooksTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
