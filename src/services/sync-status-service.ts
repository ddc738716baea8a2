import type { Kysely } from 'kysely';
import { ConflictError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Database, SyncRunRow } from '../store/schema.js';
import { SyncRunRepository } from '../store/sync-run-repository.js';
import type { ClientSync } from '../sync/client-sync.js';
import type { Actor } from './actor.js';
import type { ClientAccess } from './client-access.js';
import type { SyncProgress, SyncRunView, SyncStatusView } from '../contracts/sync.js';

export interface SyncStatusServiceOptions {
  readonly db: Kysely<Database>;
  readonly clientAccess: ClientAccess;
  readonly clientSync: ClientSync;
  readonly logger: Logger;
}

/**
 * A client's directory sync for the people who watch it (the tab's status bar polls it): the run under way with its
 * live progress — read from the run's row, so a run of another process shows too — and "sync now". Cheap by design:
 * two indexed reads, no counting over the directory.
 */
export class SyncStatusService {
  private readonly db: Kysely<Database>;
  private readonly clientAccess: ClientAccess;
  private readonly clientSync: ClientSync;
  private readonly logger: Logger;

  constructor(options: SyncStatusServiceOptions) {
    this.db = options.db;
    this.clientAccess = options.clientAccess;
    this.clientSync = options.clientSync;
    this.logger = options.logger;
  }

  /** Needs the read right. @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError} */
  async status(actor: Actor, clientRef: string): Promise<SyncStatusView> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    const runs = new SyncRunRepository(this.db);
    const [running, recent, integration] = await Promise.all([
      runs.findRunning(client.id, 'directory'),
      runs.list(client.id, { kind: 'directory', limit: 2 }),
      this.db
        .selectFrom('integrations')
        .select('client_id')
        .where('client_id', '=', client.id)
        .executeTakeFirst(),
    ]);
    const last = recent.find((run) => run.status !== 'running');
    return {
      clientId: client.id,
      connected: integration !== undefined,
      running: running === undefined ? null : toView(running),
      last: last === undefined ? null : toView(last),
    };
  }

  /**
   * Starts a sync of the client now — directory, activity, MFA, sign-ins, as the schedule does — joining runs
   * under way, without waiting for it; the directory run records itself and {@link status} shows its progress.
   * Needs the operate right.
   * @throws {ConflictError} `not_connected`; {@link ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async requestSync(actor: Actor, clientRef: string): Promise<{ readonly alreadyRunning: boolean }> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:operate');
    const integration = await this.db
      .selectFrom('integrations')
      .select('client_id')
      .where('client_id', '=', client.id)
      .executeTakeFirst();
    if (integration === undefined) {
      throw new ConflictError(
        'not_connected',
        `${client.display_name} has no integration yet: connect its tenant first.`,
      );
    }
    const alreadyRunning =
      (await new SyncRunRepository(this.db).findRunning(client.id, 'directory')) !== undefined;
    this.clientSync.run(client.id, { trigger: 'manual' }).catch((error: unknown) => {
      this.logger.error({ err: error, clientId: client.id }, 'a requested sync could not run');
    });
    return { alreadyRunning };
  }
}

function toView(row: SyncRunRow): SyncRunView {
  return {
    id: row.id,
    kind: row.kind,
    trigger: row.trigger,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    progress: parseProgress(row.progress),
    counts: {
      usersAdded: row.users_added,
      usersUpdated: row.users_updated,
      usersRemoved: row.users_removed,
      groupsAdded: row.groups_added,
      groupsUpdated: row.groups_updated,
      groupsRemoved: row.groups_removed,
      graphRequests: row.graph_requests,
    },
    error:
      row.error_code === null && row.error_message === null
        ? null
        : { code: row.error_code, message: row.error_message },
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
