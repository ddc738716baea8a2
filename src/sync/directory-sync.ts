import type { GraphOrganization } from '../graph/graph-types.js';
import type { TenantGraph } from '../graph/tenant-graph.js';
import type { TenantGraphFactory } from '../graph/tenant-graph-factory.js';
import type { Clock } from '../shared/clock.js';
import { AppError, isAppError, notConnectedError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { IntegrationRepository } from '../store/integration-repository.js';
import type { SyncRunRecord } from '../store/sync-run-repository.js';
import type { Repositories, Store } from '../store/store.js';
import type { SyncTrigger } from '../domain/vocabulary.js';
import type { DirectoryRulesHook, DirectorySyncListener } from './directory-sync-listener.js';
import { DirectoryStreamSync, type OnPageWritten } from './directory-stream-sync.js';
import { groupsStream, usersStream } from './directory-streams.js';
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

/**
 * Keeps each client's copy of its directory: users and groups through delta, direct edges from `members@delta`,
 * the transitive closure computed locally, and the organization. Each page is written in one transaction together
 * with the stream's checkpoint, so a killed run resumes at the page after the last one written and nothing is
 * applied twice; an expired delta token turns into a full round that marks and sweeps what vanished. This class
 * runs the two streams side by side, then the closure and the organization; {@link DirectoryStreamSync} takes each
 * stream through its checkpointed rounds, and `directory-streams.ts` says what each stream's items write.
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
  private readonly streams: DirectoryStreamSync;

  constructor(options: DirectorySyncOptions) {
    this.store = options.store;
    this.graphs = options.graphs;
    this.integrations = options.integrations;
    this.runner = options.runner;
    this.clock = options.clock;
    this.logger = options.logger;
    this.streams = new DirectoryStreamSync({
      store: this.store,
      clock: this.clock,
      logger: this.logger,
      batchItems: options.batch?.items ?? 20_000,
    });
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
    // Said at once, before the first page: a slow tenant, or its Graph requests shared with a sign-in backfill, can
    // keep that page waiting for many seconds, and "Starting…" until then tells the person nothing.
    await report();
    try {
      // Users and groups are two independent chains of pages: read side by side, the run lasts as long as the longer
      // one, not their sum. Each stream commits its own pages with its own checkpoint; the closure needs both.
      const onPage =
        (stream: 'users' | 'groups'): OnPageWritten =>
        async (items, tx, skipped) => {
          progress.pages++;
          progress[stream] += items;
          progress.skipped += skipped;
          await report(tx);
        };
      await bothOrNeither(signal, [
        (streamSignal) =>
          this.streams
            .sync(graph, context, usersStream(this.clock), streamSignal, onPage('users'))
            .then(() => {
              if (progress.phase === 'users') progress.phase = 'groups';
            }),
        (streamSignal) =>
          this.streams.sync(graph, context, groupsStream(this.clock), streamSignal, onPage('groups')),
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
        urgent: () => context.urgent,
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
