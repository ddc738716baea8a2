import type { Generated } from 'kysely';
import type { ActivityDataState, IntegrationKind, RoleName } from '../../domain/vocabulary.js';
import type { Json, Timestamp } from './columns.js';

/*
 * The partner's side: clients, their integrations, who may do what, the audit log and single-use tokens, tab
 * placements and the scheduler's instances. (Part of the `Database` in ../schema.ts.)
 */

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
export interface TabPlacementsTable {
  client_id: string;
  place_kind: 'channel' | 'chat';
  /** The channel id (`19:…@thread.tacv2`) or the group chat id (`19:…@thread.v2`). */
  place_id: string;
  created_at: Timestamp;
  /** UPN (or object id) of who added it. */
  created_by: string;
}

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

/** When a client's job was last queued, started and finished, across instances (migration 0026). */
export interface SchedulerSlotsTable {
  queue: string;
  client_id: string;
  queued_at: Timestamp;
  /** Set when an instance starts the queued job (again after a takeover); null until then. */
  started_at: Timestamp | null;
  /** Set when the run ends, whatever its outcome; null while it is queued or running. */
  finished_at: Timestamp | null;
}
