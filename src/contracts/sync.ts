import type { SyncKind, SyncPart, SyncStatus, SyncTrigger } from '../domain/vocabulary.js';
import type { ErrorCode } from './errors.js';

/** What a running directory sync last published; `{}` before its first page. */
export interface SyncProgress {
  readonly phase?: string;
  readonly pages?: number;
  readonly users?: number;
  readonly groups?: number;
  readonly requests?: number;
}

/** A directory sync run as people follow it: live progress while it runs, counts and error once it ended. */
export interface SyncRunView {
  readonly id: number;
  readonly kind: SyncKind;
  readonly trigger: SyncTrigger;
  readonly status: SyncStatus;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly progress: SyncProgress;
  readonly counts: {
    readonly usersAdded: number;
    readonly usersUpdated: number;
    readonly usersRemoved: number;
    readonly groupsAdded: number;
    readonly groupsUpdated: number;
    readonly groupsRemoved: number;
    readonly graphRequests: number;
  };
  readonly error: { readonly code: ErrorCode | null; readonly message: string | null } | null;
}

/** Where a client's directory sync stands. */
export interface SyncStatusView {
  readonly clientId: string;
  readonly connected: boolean;
  /** The run under way (in any process), or null. */
  readonly running: SyncRunView | null;
  /** The newest finished run, or null before the first. */
  readonly last: SyncRunView | null;
}

/** One run of a client sync, as `sync --json` prints it. */
export interface SyncPartRunView {
  readonly part: SyncPart;
  readonly kind: SyncKind;
  readonly runId: number;
  readonly status: SyncStatus;
  readonly trigger: SyncTrigger;
  /** The run was under way already (here or in another process): this sync joined it. */
  readonly joined: boolean;
  /** Why the run had nothing to do (e.g. "waiting for the initial import"), when it says so. */
  readonly skipped: string | null;
  readonly pages: number;
  readonly itemsWritten: number;
  readonly requests: number;
  readonly retries: number;
  readonly throttledMs: number;
  readonly durationMs: number;
  readonly error?: { readonly code: ErrorCode; readonly message: string; readonly requestId: string | null };
}

/** The directory the client holds after a sync, and what its directory run changed. */
export interface DirectorySummary {
  /** Active users, groups and direct memberships held after the run. */
  readonly users: number;
  readonly groups: number;
  readonly memberships: number;
  readonly transitiveMemberships: number;
  readonly usersAdded: number;
  readonly usersUpdated: number;
  readonly usersRemoved: number;
  readonly groupsAdded: number;
  readonly groupsUpdated: number;
  readonly groupsRemoved: number;
  readonly edgesAdded: number;
  readonly edgesRemoved: number;
}

/** A whole client sync once it has ended: every run, in the order they ran. */
export interface ClientSyncView {
  readonly parts: readonly SyncPart[];
  /** Every run succeeded. */
  readonly succeeded: boolean;
  readonly runs: readonly SyncPartRunView[];
  /** Present when the directory part ran. */
  readonly directory: DirectorySummary | null;
}
