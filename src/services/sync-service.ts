import type { ClientRef } from '../contracts/clients.js';
import type {
  ClientSyncView,
  DirectorySummary,
  SyncPartRunView,
  SyncProgress,
  SyncRunView,
  SyncStatusView,
} from '../contracts/sync.js';
import type { SyncPart } from '../domain/vocabulary.js';
import { notConnectedError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { SyncRunRecord } from '../store/sync-run-repository.js';
import type { Store } from '../store/store.js';
import type { ClientSync, PartRun } from '../sync/client-sync.js';
import type { SyncRunner } from '../sync/sync-runner.js';
import type { Actor } from './actor.js';
import type { ClientAccess } from './client-access.js';

export interface SyncServiceOptions {
  readonly store: Store;
  readonly clientAccess: ClientAccess;
  readonly clientSync: ClientSync;
  readonly runner: SyncRunner;
  readonly logger: Logger;
  /**
   * Throws when this process is not set up to sign in to the client's tenant (our consent app not configured, a
   * secret it cannot decrypt with its key): checked before any run starts, so a misconfigured process — an admin CLI
   * without the server's settings — never records a failure against the tenant.
   */
  readonly assertConfigured: (clientId: string) => Promise<void>;
}

export interface StartSyncOptions {
  /** The parts to run (default: all, in their order). */
  readonly parts?: readonly SyncPart[];
  /** Live progress of each run, with its part (`phase`, `pages`, `users`, `groups`, `requests`…). */
  readonly onProgress?: (part: SyncPart, progress: Readonly<Record<string, unknown>>) => void;
  /** The directory run, as soon as it has ended (the rest of the sync goes on after it). */
  readonly onDirectoryEnded?: (run: SyncRunView, joined: boolean) => void;
}

/** A sync under way: who it is for, whether it joined a run, and its end. */
export interface StartedSync {
  readonly client: ClientRef;
  /** A directory run was under way already (here or in another process): this sync joins it. */
  readonly joined: boolean;
  /** What the client's directory held when the sync started (how far a round has come is measured against it). */
  readonly held: { readonly users: number; readonly groups: number };
  /** Settles once every part has ended; a failed run does not reject it (it says so in its runs). */
  readonly finished: Promise<ClientSyncView>;
}

/**
 * A client's sync, the one use case behind the bot's "Sync now", the tab's and the CLI's `sync`: it checks the
 * right and the connection, starts everything a sync means in order (directory, activity, MFA, sign-ins — the
 * scheduler runs the same {@link ClientSync}), joins runs under way, and answers in views. It also tells the people
 * who watch a sync where it stands (the tab's status bar polls {@link status}): the run under way with its live
 * progress — read from the run's row, so a run of another process shows too. Cheap by design: indexed reads only.
 */
export class SyncService {
  private readonly options: SyncServiceOptions;

  constructor(options: SyncServiceOptions) {
    this.options = options;
  }

  /** Needs the read right. @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError} */
  async status(actor: Actor, clientRef: string): Promise<SyncStatusView> {
    const { store, clientAccess } = this.options;
    const client = await clientAccess.resolve(actor, clientRef, 'client:read');
    const runs = store.read.syncRuns;
    const [running, recent, connected] = await Promise.all([
      runs.findRunning(client.id, 'directory'),
      runs.list(client.id, { kind: 'directory', limit: 2 }),
      this.isConnected(client.id),
    ]);
    const last = recent.find((run) => run.status !== 'running');
    return {
      clientId: client.id,
      connected,
      running: running === undefined ? null : toRunView(running),
      last: last === undefined ? null : toRunView(last),
    };
  }

  /**
   * Starts a sync of the client now, joining runs under way; resolves once it has started, with its end to await
   * or to leave. Needs the operate right.
   * @throws {ConflictError} `not_connected`; {@link ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async start(actor: Actor, clientRef: string, options: StartSyncOptions = {}): Promise<StartedSync> {
    const { store, clientAccess, clientSync, runner } = this.options;
    const client = await clientAccess.resolve(actor, clientRef, 'client:operate');
    if (!(await this.isConnected(client.id))) {
      throw notConnectedError(client);
    }
    await this.options.assertConfigured(client.id);
    const [running, { users, groups }] = await Promise.all([
      store.read.syncRuns.findRunning(client.id, 'directory'),
      store.read.directoryCounts.held(client.id),
    ]);
    const joined = runner.isRunningHere(client.id, 'directory') || running !== undefined;
    const { onDirectoryEnded, onProgress, parts } = options;
    const finished = clientSync
      .run(client.id, {
        trigger: 'manual',
        ...(parts === undefined ? {} : { parts }),
        ...(onProgress === undefined ? {} : { onProgress }),
        ...(onDirectoryEnded === undefined
          ? {}
          : {
              onRunEnded: (entry: PartRun) => {
                if (entry.kind === 'directory') onDirectoryEnded(toRunView(entry.run), entry.joined);
              },
            }),
      })
      .then(async (outcome) => {
        const directory = outcome.runs.find((entry) => entry.kind === 'directory')?.run;
        return {
          parts: outcome.parts,
          succeeded: outcome.succeeded,
          runs: outcome.runs.map(toPartRunView),
          directory: directory === undefined ? null : await this.directorySummary(directory),
        };
      });
    return {
      client: { id: client.id, name: client.name, displayName: client.displayName },
      joined,
      held: { users, groups },
      finished,
    };
  }

  /**
   * "Sync now" without waiting for it: the directory run records itself and {@link status} shows its progress.
   * Needs the operate right.
   * @throws {ConflictError} `not_connected`; {@link ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async requestSync(actor: Actor, clientRef: string): Promise<{ readonly alreadyRunning: boolean }> {
    const started = await this.start(actor, clientRef);
    started.finished.catch((error: unknown) => {
      this.options.logger.error(
        { err: error, clientId: started.client.id },
        'a requested sync could not run',
      );
    });
    return { alreadyRunning: started.joined };
  }

  private async isConnected(clientId: string): Promise<boolean> {
    return this.options.store.read.integrationAdmin.isConnected(clientId);
  }

  private async directorySummary(run: SyncRunRecord): Promise<DirectorySummary> {
    return {
      ...(await this.options.store.read.directoryCounts.summary(run.clientId)),
      usersAdded: run.usersAdded,
      usersUpdated: run.usersUpdated,
      usersRemoved: run.usersRemoved,
      groupsAdded: run.groupsAdded,
      groupsUpdated: run.groupsUpdated,
      groupsRemoved: run.groupsRemoved,
      edgesAdded: run.edgesAdded,
      edgesRemoved: run.edgesRemoved,
    };
  }
}

function toRunView(row: SyncRunRecord): SyncRunView {
  return {
    id: row.id,
    kind: row.kind,
    trigger: row.trigger,
    status: row.status,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    progress: parseProgress(row.progress),
    counts: {
      usersAdded: row.usersAdded,
      usersUpdated: row.usersUpdated,
      usersRemoved: row.usersRemoved,
      groupsAdded: row.groupsAdded,
      groupsUpdated: row.groupsUpdated,
      groupsRemoved: row.groupsRemoved,
      graphRequests: row.graphRequests,
    },
    error:
      row.errorCode === null && row.errorMessage === null
        ? null
        : { code: row.errorCode, message: row.errorMessage },
  };
}

function toPartRunView(entry: PartRun): SyncPartRunView {
  const { run } = entry;
  const skipped = (parseProgress(run.progress) as { readonly skipped?: unknown }).skipped;
  return {
    part: entry.part,
    kind: run.kind,
    runId: run.id,
    status: run.status,
    trigger: run.trigger,
    joined: entry.joined,
    skipped: typeof skipped === 'string' ? skipped : null,
    pages: run.pages,
    itemsWritten: run.itemsWritten,
    requests: run.graphRequests,
    retries: run.retries,
    throttledMs: run.throttledMs,
    durationMs: run.finishedAt === null ? 0 : Date.parse(run.finishedAt) - Date.parse(run.startedAt),
    ...(run.errorCode === null
      ? {}
      : {
          error: { code: run.errorCode, message: run.errorMessage ?? '', requestId: run.errorRequestId },
        }),
  };
}

function parseProgress(text: string): SyncProgress {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}
