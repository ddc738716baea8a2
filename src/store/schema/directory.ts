import type { Generated } from 'kysely';
import type {
  CollectionState,
  DisableReason,
  EntraState,
  SyncKind,
  SyncStatus,
  SyncTrigger,
} from '../../domain/vocabulary.js';
import type { ErrorCode } from '../../contracts/errors.js';
import type { Flag, Json, Timestamp } from './columns.js';

/*
 * A client's directory as the sync keeps it: users, groups, membership edges and nesting, and the sync runs and
 * checkpoints. (Part of the `Database` in ../schema.ts.)
 */

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
  /** 1 while synchronised from an on-premises Active Directory (migration 0029). */
  on_premises_sync: Generated<Flag>;
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
  /** 1 while a person waits for the run: started by one, or joined by a *Sync now* (migration 0028). */
  urgent: Generated<number>;
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
