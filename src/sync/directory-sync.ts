import type { Kysely } from 'kysely';
import { DeltaTokenExpiredError } from '../graph/graph-errors.js';
import type { GraphGroup, GraphOrganization, GraphPage, GraphUser } from '../graph/graph-types.js';
import type { TenantGraph } from '../graph/tenant-graph.js';
import type { TenantGraphFactory } from '../graph/tenant-graph-factory.js';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { CheckpointRepository, type Checkpoint } from '../store/checkpoint-repository.js';
import {
  DirectoryRepository,
  type Edge,
  type GroupFacts,
  type UserFacts,
} from '../store/directory-repository.js';
import type { IntegrationRepository } from '../store/integration-repository.js';
import type { Database, EntraState, SyncRunRow, SyncTrigger } from '../store/schema.js';
import { GROUP_SELECT, USER_SELECT, memberChanges, toGroupItem, toUserItem } from './directory-mappers.js';
import type { DirectorySyncListener } from './directory-sync-listener.js';
import type { RunContext, RunOutcome, SyncRunner } from './sync-runner.js';

/** Live progress of a directory run, as the CLI's bar and the tab show it. */
export interface DirectoryProgress {
  readonly phase: 'users' | 'groups' | 'closure' | 'organization';
  readonly pages: number;
  readonly users: number;
  readonly groups: number;
  readonly requests?: number;
}

export interface DirectorySyncOptions {
  readonly db: Kysely<Database>;
  readonly graphs: TenantGraphFactory;
  readonly integrations: IntegrationRepository;
  readonly runner: SyncRunner;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface RunDirectorySyncOptions {
  /** `manual` (default) or `schedule`; recorded as `initial` while the client never had a successful run. */
  readonly trigger?: SyncTrigger;
  readonly onProgress?: (progress: Readonly<Record<string, unknown>>) => void;
  readonly signal?: AbortSignal;
}

/** One stream of the directory (users or groups) and how its pages are written. */
interface StreamSpec<T> {
  readonly name: 'users' | 'groups';
  readonly operation: string;
  readonly initialLink: string;
  readonly requiredPermissions: readonly string[];
  writePage(
    directory: DirectoryRepository,
    items: readonly T[],
    generation: number,
    context: RunContext,
  ): Promise<void>;
  sweep(directory: DirectoryRepository, generation: number, context: RunContext): Promise<void>;
}

/**
 * Keeps each client's copy of its directory: users and groups through delta, direct edges from `members@delta`,
 * the transitive closure computed locally, and the organization. Each page is written in one transaction together
 * with the stream's checkpoint, so a killed run resumes at the page after the last one written and nothing is
 * applied twice; an expired delta token turns into a full round that marks and sweeps what vanished.
 */
export class DirectorySync {
  private readonly db: Kysely<Database>;
  private readonly graphs: TenantGraphFactory;
  private readonly integrations: IntegrationRepository;
  private readonly runner: SyncRunner;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly listeners: DirectorySyncListener[] = [];

  constructor(options: DirectorySyncOptions) {
    this.db = options.db;
    this.graphs = options.graphs;
    this.integrations = options.integrations;
    this.runner = options.runner;
    this.clock = options.clock;
    this.logger = options.logger;
  }

  /** Called after every successful directory run (the collection rules reconcile here). */
  addListener(listener: DirectorySyncListener): void {
    this.listeners.push(listener);
  }

  /**
   * Synchronises the client's directory now, or joins the run already in progress. Resolves when the run ends;
   * a failed run resolves too, with the classified error in its row.
   */
  async run(clientId: string, options: RunDirectorySyncOptions = {}): Promise<RunOutcome> {
    const trigger = (await this.neverSucceeded(clientId)) ? 'initial' : (options.trigger ?? 'manual');
    const outcome = await this.runner.run(
      clientId,
      'directory',
      trigger,
      (context) => this.work(context, options.signal),
      options.onProgress,
    );
    if (!outcome.joined && outcome.run.status === 'succeeded') await this.notify(outcome.run);
    return outcome;
  }

  private async neverSucceeded(clientId: string): Promise<boolean> {
    const previous = await this.db
      .selectFrom('sync_runs')
      .select('id')
      .where('client_id', '=', clientId)
      .where('kind', '=', 'directory')
      .where('status', '=', 'succeeded')
      .limit(1)
      .executeTakeFirst();
    return previous === undefined;
  }

  private async notify(run: SyncRunRow): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener.onDirectorySynced(run.client_id, run.id);
      } catch (error) {
        this.logger.error(
          { err: error, clientId: run.client_id, runId: run.id },
          'directory sync listener failed',
        );
      }
    }
  }

  private async work(context: RunContext, signal: AbortSignal | undefined): Promise<void> {
    const { clientId } = context;
    let graph: TenantGraph;
    try {
      graph = this.graphs.forIntegration(await this.integrations.credentials(clientId));
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') {
        throw new AppError('not_connected', 'This client has no integration yet; connect its tenant first.', {
          status: 409,
        });
      }
      throw error;
    }
    const progress = { phase: 'users', pages: 0, users: 0, groups: 0 };
    // Inside a page's transaction (`db` given) the progress write costs no commit of its own.
    const report = async (db?: Kysely<Database>): Promise<void> => {
      await context.progress({ ...progress }, db);
    };
    context.counts.pages = 0;
    try {
      await this.syncStream(graph, context, this.usersStream(), signal, async (items, db) => {
        progress.pages++;
        progress.users += items;
        await report(db);
      });
      progress.phase = 'groups';
      await this.syncStream(graph, context, this.groupsStream(), signal, async (items, db) => {
        progress.pages++;
        progress.groups += items;
        await report(db);
      });
      progress.phase = 'closure';
      await report();
      const closure = await this.db
        .transaction()
        .execute((trx) => new DirectoryRepository(trx).recomputeClosure(clientId));
      this.logger.debug({ clientId, ...closure }, 'transitive memberships recomputed');
      progress.phase = 'organization';
      await report();
      await this.syncOrganization(graph, context, signal);
    } catch (error) {
      await this.integrations
        .setStatus(clientId, 'error', errorMessage(error), this.clock.now())
        .catch(() => undefined);
      throw error;
    }
    await this.integrations.setStatus(clientId, 'connected', null, this.clock.now());
  }

  /**
   * One stream from its checkpoint to a fresh deltaLink: resumes a round mid-way (nextLink), runs a delta round
   * (deltaLink), or starts a full round (new generation). An expired token restarts it as a full round, once.
   */
  private async syncStream<T>(
    graph: TenantGraph,
    context: RunContext,
    stream: StreamSpec<T>,
    signal: AbortSignal | undefined,
    onPage: (items: number, db: Kysely<Database>) => Promise<void>,
  ): Promise<void> {
    const { clientId } = context;
    let checkpoint = await new CheckpointRepository(this.db).getOrInitial(clientId, stream.name);
    for (let resynced = false; ; resynced = true) {
      let round: { link: string; generation: number; kind: 'full' | 'delta' };
      if (checkpoint.nextLink !== null) {
        round = { link: checkpoint.nextLink, generation: checkpoint.generation, kind: checkpoint.roundKind };
      } else if (checkpoint.deltaLink !== null) {
        round = { link: checkpoint.deltaLink, generation: checkpoint.generation, kind: 'delta' };
      } else {
        round = { link: stream.initialLink, generation: checkpoint.generation + 1, kind: 'full' };
      }
      try {
        const pages = graph.delta<T>(round.link, {
          operation: stream.operation,
          tally: context.tally,
          requiredPermissions: stream.requiredPermissions,
          ...(signal === undefined ? {} : { signal }),
        });
        for await (const page of pages) {
          checkpoint = await this.writePage(stream, context, checkpoint, round, page, onPage);
        }
        return;
      } catch (error) {
        if (!(error instanceof DeltaTokenExpiredError) || resynced) throw error;
        this.logger.warn(
          { clientId, stream: stream.name, status: error.httpStatus, graphCode: error.graphCode },
          'delta token expired: starting a full resynchronisation',
        );
        checkpoint = { ...checkpoint, nextLink: null, deltaLink: null, roundKind: 'full' };
      }
    }
  }

  /** One page and the checkpoint after it, in one transaction. */
  private async writePage<T>(
    stream: StreamSpec<T>,
    context: RunContext,
    checkpoint: Checkpoint,
    round: { generation: number; kind: 'full' | 'delta' },
    page: GraphPage<T>,
    onPage: (items: number, db: Kysely<Database>) => Promise<void>,
  ): Promise<Checkpoint> {
    const done = page.deltaLink !== undefined;
    const next: Checkpoint = {
      ...checkpoint,
      nextLink: page.nextLink ?? null,
      deltaLink: page.deltaLink ?? checkpoint.deltaLink,
      generation: round.generation,
      roundKind: done ? 'delta' : round.kind,
    };
    await this.db.transaction().execute(async (trx) => {
      const directory = new DirectoryRepository(trx);
      await stream.writePage(directory, page.value, round.generation, context);
      if (done && round.kind === 'full') await stream.sweep(directory, round.generation, context);
      await new CheckpointRepository(trx).save(next, this.clock.now());
      context.counts.pages = (context.counts.pages ?? 0) + 1;
      await onPage(page.value.length, trx);
    });
    return next;
  }

  private usersStream(): StreamSpec<GraphUser> {
    return {
      name: 'users',
      operation: 'users.delta',
      initialLink: `/users/delta?$select=${USER_SELECT.join(',')}`,
      requiredPermissions: ['User.Read.All'],
      writePage: async (directory, items, generation, context) => {
        const { clientId, counts } = context;
        const now = this.clock.now();
        const present: UserFacts[] = [];
        const removed = new Map<EntraState, string[]>();
        for (const item of items) {
          const sorted = toUserItem(item);
          if (sorted.kind === 'present') present.push(sorted.facts);
          else removed.set(sorted.state, [...(removed.get(sorted.state) ?? []), sorted.id]);
        }
        const upserted = await directory.upsertUsers(clientId, present, generation, now);
        counts.usersAdded = (counts.usersAdded ?? 0) + upserted.added;
        counts.usersUpdated = (counts.usersUpdated ?? 0) + upserted.updated;
        for (const [state, ids] of removed) {
          counts.usersRemoved =
            (counts.usersRemoved ?? 0) + (await directory.markUsers(clientId, ids, state, generation, now));
        }
      },
      sweep: async (directory, generation, context) => {
        const swept = await directory.sweepUsers(context.clientId, generation, this.clock.now());
        context.counts.usersRemoved = (context.counts.usersRemoved ?? 0) + swept;
      },
    };
  }

  private groupsStream(): StreamSpec<GraphGroup> {
    return {
      name: 'groups',
      operation: 'groups.delta',
      initialLink: `/groups/delta?$select=${GROUP_SELECT.join(',')}`,
      requiredPermissions: ['Group.Read.All'],
      writePage: async (directory, items, generation, context) => {
        const { clientId, counts } = context;
        const now = this.clock.now();
        const present: GroupFacts[] = [];
        const removed = new Map<EntraState, string[]>();
        const added: Edge[] = [];
        const dropped: Edge[] = [];
        for (const item of items) {
          const sorted = toGroupItem(item);
          if (sorted.kind === 'removed') {
            removed.set(sorted.state, [...(removed.get(sorted.state) ?? []), sorted.id]);
            continue;
          }
          present.push(sorted.facts);
          const changes = memberChanges(item);
          added.push(...changes.added);
          dropped.push(...changes.removed);
        }
        const upserted = await directory.upsertGroups(clientId, present, generation, now);
        counts.groupsAdded = (counts.groupsAdded ?? 0) + upserted.added;
        counts.groupsUpdated = (counts.groupsUpdated ?? 0) + upserted.updated;
        counts.edgesRemoved = (counts.edgesRemoved ?? 0) + (await directory.removeEdges(clientId, dropped));
        counts.edgesAdded =
          (counts.edgesAdded ?? 0) + (await directory.addEdges(clientId, added, generation));
        for (const [state, ids] of removed) {
          counts.groupsRemoved =
            (counts.groupsRemoved ?? 0) + (await directory.removeGroups(clientId, ids, state, now));
        }
      },
      sweep: async (directory, generation, context) => {
        const swept = await directory.sweepGroups(context.clientId, generation, this.clock.now());
        context.counts.groupsRemoved = (context.counts.groupsRemoved ?? 0) + swept.groups;
        context.counts.edgesRemoved = (context.counts.edgesRemoved ?? 0) + swept.edges;
      },
    };
  }

  private async syncOrganization(
    graph: TenantGraph,
    context: RunContext,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const response = await graph.get<{ value: readonly GraphOrganization[] }>(
      '/organization?$select=id,displayName,verifiedDomains',
      {
        operation: 'organization',
        tally: context.tally,
        requiredPermissions: ['Organization.Read.All'],
        ...(signal === undefined ? {} : { signal }),
      },
    );
    const organization = response.value[0];
    if (organization === undefined) return;
    await this.integrations.recordOrganization(
      context.clientId,
      {
        displayName: organization.displayName ?? null,
        verifiedDomains: (organization.verifiedDomains ?? []).map((domain) => ({
          name: domain.name,
          isDefault: domain.isDefault === true,
          isInitial: domain.isInitial === true,
        })),
      },
      this.clock.now(),
    );
  }
}

function errorMessage(error: unknown): string {
  return error instanceof AppError ? error.message : 'The last sync failed; the server log has the details.';
}
