import { DeltaTokenExpiredError, GraphRequestError } from '../graph/graph-errors.js';
import type { GraphGroup, GraphOrganization, GraphPage, GraphUser } from '../graph/graph-types.js';
import type { TenantGraph } from '../graph/tenant-graph.js';
import type { TenantGraphFactory } from '../graph/tenant-graph-factory.js';
import type { Clock } from '../shared/clock.js';
import { AppError, isAppError, notConnectedError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Checkpoint } from '../store/checkpoint-repository.js';
import type { Edge, GroupFacts, UserFacts } from '../domain/directory-facts.js';
import type { DirectoryRepository } from '../store/directory-repository.js';
import type { IntegrationRepository } from '../store/integration-repository.js';
import type { SyncRunRecord } from '../store/sync-run-repository.js';
import type { Repositories, Store } from '../store/store.js';
import type { EntraState, SyncTrigger } from '../domain/vocabulary.js';
import {
  GROUP_SELECT,
  USER_SELECT,
  memberChanges,
  toGroupItem,
  toUserItem,
  type DeltaItem,
} from './directory-mappers.js';
import type { DirectoryRulesHook, DirectorySyncListener } from './directory-sync-listener.js';
import { readAhead } from './read-ahead.js';
import type { RunContext, RunOutcome, SyncRunner } from './sync-runner.js';

/** Live progress of a directory run, as the CLI's bar and the tab show it. */
export interface DirectoryProgress {
  /** `users` while the users stream is still read (the groups stream beside it), `groups` once only groups are. */
  readonly phase: 'users' | 'groups' | 'closure' | 'organization';
  readonly pages: number;
  readonly users: number;
  readonly groups: number;
  readonly requests?: number;
}

export interface DirectorySyncOptions {
  readonly store: Store;
  readonly graphs: TenantGraphFactory;
  readonly integrations: IntegrationRepository;
  readonly runner: SyncRunner;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * Pages are read ahead while earlier ones are committed, and each commit takes the pages that have gathered, up to
   * `items` objects (member references count too; default 20,000). A page waits up to a second for more to join
   * it: every commit rewrites each index page its rows touched, and user ids and member ids are random, so a commit
   * per page cost SQLite several times the work of the rows themselves. At most one batch waits unwritten beside the
   * one being written.
   */
  readonly batch?: { readonly items?: number };
}

export interface RunDirectorySyncOptions {
  /** `manual` (default) or `schedule`; recorded as `initial` while the client never had a successful run. */
  readonly trigger?: SyncTrigger;
  readonly onProgress?: (progress: Readonly<Record<string, unknown>>) => void;
  readonly signal?: AbortSignal;
}

/** The round a batch belongs to. `fresh`: the client's first full round, so nothing can have existed before. */
interface Round {
  readonly link: string;
  readonly generation: number;
  readonly kind: 'full' | 'delta';
  readonly fresh: boolean;
}

/** One stream of the directory (users or groups) and how its pages are written. */
interface StreamSpec<T> {
  readonly name: 'users' | 'groups';
  readonly operation: string;
  readonly initialLink: string;
  readonly requiredPermissions: readonly string[];
  /** How much a page weighs toward a batch (objects, plus member references for groups). */
  weigh(items: readonly T[]): number;
  writeItems(
    directory: DirectoryRepository,
    items: readonly T[],
    round: Round,
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
  private readonly store: Store;
  private readonly graphs: TenantGraphFactory;
  private readonly integrations: IntegrationRepository;
  private readonly runner: SyncRunner;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly listeners: DirectorySyncListener[] = [];
  private rules: DirectoryRulesHook | undefined;
  private readonly batch: { readonly items: number };

  constructor(options: DirectorySyncOptions) {
    this.store = options.store;
    this.graphs = options.graphs;
    this.integrations = options.integrations;
    this.runner = options.runner;
    this.clock = options.clock;
    this.logger = options.logger;
    this.batch = { items: options.batch?.items ?? 20_000 };
  }

  /** Called after every successful directory run (notifications, last sign-ins). */
  addListener(listener: DirectorySyncListener): void {
    this.listeners.push(listener);
  }

  /** The collection rules, applied in the transaction that commits each run's memberships (one hook). */
  setRules(rules: DirectoryRulesHook): void {
    this.rules = rules;
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
      (context) =>
        this.work(
          context,
          options.signal === undefined ? context.signal : AbortSignal.any([options.signal, context.signal]),
        ),
      options.onProgress,
    );
    if (!outcome.joined && outcome.run.status === 'succeeded') await this.notify(outcome.run);
    return outcome;
  }

  private async neverSucceeded(clientId: string): Promise<boolean> {
    return (await this.store.read.syncRuns.latest(clientId, 'directory', 'succeeded')) === undefined;
  }

  private async notify(run: SyncRunRecord): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener.onDirectorySynced(run.clientId, run.id);
      } catch (error) {
        this.logger.error(
          { err: error, clientId: run.clientId, runId: run.id },
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
      if (isAppError(error, 'not_found')) {
        throw notConnectedError();
      }
      throw error;
    }
    // `skipped`: items Graph sent without an id, left out and counted (one bad item never fails a run).
    const progress = { phase: 'users', pages: 0, users: 0, groups: 0, skipped: 0 };
    // Inside a page's transaction (`tx` given) the progress write costs no commit of its own.
    const report = async (tx?: Repositories): Promise<void> => {
      await context.progress({ ...progress }, tx);
    };
    context.counts.pages = 0;
    try {
      // Users and groups are two independent chains of pages: read side by side, the run lasts as long as the longer
      // one, not their sum. Each stream commits its own pages with its own checkpoint; the closure needs both.
      await bothOrNeither(signal, [
        (streamSignal) =>
          this.syncStream(graph, context, this.usersStream(), streamSignal, async (items, tx, skipped) => {
            progress.pages++;
            progress.users += items;
            progress.skipped += skipped;
            await report(tx);
          }).then(() => {
            if (progress.phase === 'users') progress.phase = 'groups';
          }),
        (streamSignal) =>
          this.syncStream(graph, context, this.groupsStream(), streamSignal, async (items, tx, skipped) => {
            progress.pages++;
            progress.groups += items;
            progress.skipped += skipped;
            await report(tx);
          }),
      ]);
      progress.phase = 'closure';
      await report();
      // The memberships and the collection states they decide commit together (rules 3, 6).
      const closure = await this.store.transaction(async (tx) => {
        const recomputed = await tx.groupClosure.recomputeClosure(clientId);
        await this.rules?.applyInTransaction(tx, clientId);
        return recomputed;
      });
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
    onPage: (items: number, tx: Repositories, skipped: number) => Promise<void>,
  ): Promise<void> {
    const { clientId } = context;
    let checkpoint = await this.store.read.checkpoints.getOrInitial(clientId, stream.name);
    let resynced = false;
    let refusals = 0;
    for (;;) {
      let round: Round;
      if (checkpoint.nextLink !== null) {
        const { generation, roundKind } = checkpoint;
        round = {
          link: checkpoint.nextLink,
          generation,
          kind: roundKind,
          fresh: roundKind === 'full' && generation === 1,
        };
      } else if (checkpoint.deltaLink !== null) {
        round = {
          link: checkpoint.deltaLink,
          generation: checkpoint.generation,
          kind: 'delta',
          fresh: false,
        };
      } else {
        const generation = checkpoint.generation + 1;
        round = { link: stream.initialLink, generation, kind: 'full', fresh: generation === 1 };
      }
      try {
        const pages = graph.delta<T>(round.link, {
          operation: stream.operation,
          tally: context.tally,
          requiredPermissions: stream.requiredPermissions,
          ...(signal === undefined ? {} : { signal }),
        });
        await readAhead({
          pages: pages[Symbol.asyncIterator](),
          weigh: (page) => stream.weigh(page.value),
          maxBatch: this.batch.items,
          maxWaitMs: 1_000,
          maxBuffered: this.batch.items,
          write: async (batch) => {
            checkpoint = await this.writeBatch(stream, context, checkpoint, round, batch, onPage);
          },
        });
        return;
      } catch (error) {
        if (resynced) throw error;
        if (error instanceof DeltaTokenExpiredError) {
          this.logger.warn(
            { clientId, stream: stream.name, status: error.httpStatus, graphCode: error.graphCode },
            'delta token expired: starting a full resynchronisation',
          );
        } else if (round.link !== stream.initialLink && isLinkRefusal(error)) {
          // Microsoft promises only "a 40X-series error with error codes such as syncStateNotFound" for a token it
          // no longer honours (https://learn.microsoft.com/en-us/graph/delta-query-overview), and directory page
          // tokens also expire as `Directory_ExpiredPageToken`. A saved link refused with any other 4xx would stall
          // every later run: ask once more (a passing refusal heals), then drop it for a full resynchronisation.
          refusals++;
          if (refusals === 1) {
            this.logger.info(
              { clientId, stream: stream.name, status: error.httpStatus, graphCode: error.graphCode },
              'saved delta link refused; asking once more',
            );
            checkpoint = await this.store.read.checkpoints.getOrInitial(clientId, stream.name);
            continue;
          }
          this.logger.warn(
            { clientId, stream: stream.name, status: error.httpStatus, graphCode: error.graphCode },
            'saved delta link refused twice: dropping it for a full resynchronisation',
          );
          await recordLinkDropped(this.store, clientId, stream.name, error, this.clock.now());
        } else {
          throw error;
        }
        resynced = true;
        checkpoint = { ...checkpoint, nextLink: null, deltaLink: null, roundKind: 'full' };
      }
    }
  }

  /**
   * A few pages and the checkpoint after the last of them, in one transaction: a crash loses nothing but pages not
   * yet committed, which the next run fetches again from the checkpoint. Batching pages (instead of one commit per
   * page) spares SQLite most of the index pages it would otherwise rewrite at every commit.
   */
  private async writeBatch<T>(
    stream: StreamSpec<T>,
    context: RunContext,
    checkpoint: Checkpoint,
    round: Round,
    batch: readonly GraphPage<T>[],
    onPage: (items: number, tx: Repositories, skipped: number) => Promise<void>,
  ): Promise<Checkpoint> {
    const last = batch[batch.length - 1];
    if (last === undefined) return checkpoint;
    const done = last.deltaLink !== undefined;
    const next: Checkpoint = {
      ...checkpoint,
      nextLink: last.nextLink ?? null,
      deltaLink: last.deltaLink ?? checkpoint.deltaLink,
      generation: round.generation,
      roundKind: done ? 'delta' : round.kind,
    };
    await this.store.transaction(async (tx) => {
      const directory = tx.directory;
      const { items, skipped } = withIds(batch.flatMap((page) => page.value));
      if (skipped > 0) {
        this.logger.warn(
          { clientId: context.clientId, stream: stream.name, skipped },
          'delta items without an id skipped',
        );
      }
      await stream.writeItems(directory, items, round, context);
      if (done && round.kind === 'full') await stream.sweep(directory, round.generation, context);
      await tx.checkpoints.save(next, this.clock.now());
      for (const [index, page] of batch.entries()) {
        context.counts.pages = (context.counts.pages ?? 0) + 1;
        await onPage(page.value.length, tx, index === 0 ? skipped : 0);
      }
    });
    return next;
  }

  private usersStream(): StreamSpec<GraphUser> {
    return {
      name: 'users',
      operation: 'users.delta',
      initialLink: `/users/delta?$select=${USER_SELECT.join(',')}`,
      requiredPermissions: ['User.Read.All'],
      weigh: (items) => items.length,
      writeItems: async (directory, items, { generation, fresh }, context) => {
        const { clientId, counts } = context;
        const now = this.clock.now();
        const present: UserFacts[] = [];
        const removed = new Map<EntraState, string[]>();
        for (const sorted of lastEventPerId(items.map(toUserItem))) {
          if (sorted.kind === 'present') present.push(sorted.facts);
          else removed.set(sorted.state, [...(removed.get(sorted.state) ?? []), sorted.id]);
        }
        const upserted = await directory.upsertUsers(clientId, present, generation, now, { fresh });
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
      weigh: (items) => items.reduce((sum, group) => sum + 1 + (group['members@delta']?.length ?? 0), 0),
      writeItems: async (directory, items, { generation, fresh, kind }, context) => {
        const { clientId, counts } = context;
        const now = this.clock.now();
        const present: GroupFacts[] = [];
        const removed = new Map<EntraState, string[]>();
        // The last word on each membership wins: a batch may hold an edge added and later removed, or the reverse.
        const edges = new Map<string, { edge: Edge; removed: boolean }>();
        for (const item of items) {
          const changes = memberChanges(item);
          for (const edge of changes.added)
            edges.set(`${edge.groupId}|${edge.memberId}`, { edge, removed: false });
          for (const edge of changes.removed)
            edges.set(`${edge.groupId}|${edge.memberId}`, { edge, removed: true });
        }
        for (const sorted of lastEventPerId(items.map(toGroupItem))) {
          if (sorted.kind === 'present') present.push(sorted.facts);
          else removed.set(sorted.state, [...(removed.get(sorted.state) ?? []), sorted.id]);
        }
        const added = [...edges.values()].filter((entry) => !entry.removed).map((entry) => entry.edge);
        const dropped = [...edges.values()].filter((entry) => entry.removed).map((entry) => entry.edge);
        // Groups are few; their existence is always read, since a big group repeats across batches.
        const upserted = await directory.upsertGroups(clientId, present, generation, now);
        counts.groupsAdded = (counts.groupsAdded ?? 0) + upserted.added;
        counts.groupsUpdated = (counts.groupsUpdated ?? 0) + upserted.updated;
        counts.edgesRemoved = (counts.edgesRemoved ?? 0) + (await directory.removeEdges(clientId, dropped));
        counts.edgesAdded =
          (counts.edgesAdded ?? 0) +
          (await directory.addEdges(clientId, added, generation, { fresh, markDirty: kind === 'delta' }));
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

/** One event per object id — the last one — keeping the order of first appearance; present items merge. */
function lastEventPerId<F extends { id: string }>(items: readonly DeltaItem<F>[]): DeltaItem<F>[] {
  const byId = new Map<string, DeltaItem<F>>();
  for (const item of items) {
    const id = item.kind === 'present' ? item.facts.id : item.id;
    const previous = byId.get(id);
    byId.set(
      id,
      item.kind === 'present' && previous?.kind === 'present'
        ? { kind: 'present', facts: { ...previous.facts, ...item.facts } }
        : item,
    );
  }
  return [...byId.values()];
}

/**
 * Runs the tasks side by side. When one fails, the others are stopped (their signal aborts) and awaited, so nothing
 * is left writing once this rejects; it rejects with the first failure.
 */
async function bothOrNeither(
  signal: AbortSignal | undefined,
  tasks: readonly ((signal: AbortSignal) => Promise<void>)[],
): Promise<void> {
  const stop = new AbortController();
  const shared = signal === undefined ? stop.signal : AbortSignal.any([signal, stop.signal]);
  let first: { error: unknown } | undefined;
  await Promise.all(
    tasks.map((task) =>
      task(shared).catch((error: unknown) => {
        first ??= { error };
        stop.abort();
      }),
    ),
  );
  if (first !== undefined) throw first.error;
}

function errorMessage(error: unknown): string {
  return error instanceof AppError ? error.message : 'The last sync failed; the server log has the details.';
}

/** A 4xx that refuses the link itself (not a permission, authentication or throttling answer). */
function isLinkRefusal(error: unknown): error is GraphRequestError {
  return (
    error instanceof GraphRequestError &&
    error.httpStatus >= 400 &&
    error.httpStatus < 500 &&
    ![401, 403, 429].includes(error.httpStatus)
  );
}

/** The incident kind recording that a refused delta link was dropped for a full resynchronisation. */
export const DELTA_LINK_DROPPED = 'delta_link_dropped';

/**
 * The notice of a dropped delta link: an `incidents` row, opened and resolved at once (the full resynchronisation
 * that follows is the recovery), saying what Microsoft answered.
 */
async function recordLinkDropped(
  store: Store,
  clientId: string,
  stream: string,
  error: GraphRequestError,
  at: Date,
): Promise<void> {
  const answer = `HTTP ${String(error.httpStatus)}${error.graphCode === undefined ? '' : ` ${error.graphCode}`}`;
  await store.read.notifications.recordResolved(
    clientId,
    DELTA_LINK_DROPPED,
    `Microsoft Graph refused the saved ${stream} change link twice (${answer}${error.requestId === undefined ? '' : `, request id ${error.requestId}`}), ` +
      'so it was dropped and the directory was read again in full.',
    at.toISOString(),
  );
}

/**
 * The items that carry an id, and how many did not. Graph always sends `id` on directory objects, but Microsoft's
 * own delta examples show items without one (https://learn.microsoft.com/en-us/graph/api/group-delta): such an
 * item cannot be stored, so it is skipped and counted rather than failing the page and the run.
 */
function withIds<T>(items: readonly T[]): { items: T[]; skipped: number } {
  const kept = items.filter((item) => {
    const id = (item as { id?: unknown }).id;
    return typeof id === 'string' && id !== '';
  });
  return { items: kept, skipped: items.length - kept.length };
}
