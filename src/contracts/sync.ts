import type { SyncKind, SyncStatus, SyncTrigger } from '../domain/vocabulary.js';

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
  readonly error: { readonly code: string | null; readonly message: string | null } | null;
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
