import { DeltaTokenExpiredError, GraphRequestError } from '../graph/graph-errors.js';
import type { GraphPage } from '../graph/graph-types.js';
import type { TenantGraph } from '../graph/tenant-graph.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Checkpoint } from '../store/checkpoint-repository.js';
import type { Repositories, Store } from '../store/store.js';
import type { Round, StreamSpec } from './directory-streams.js';
import { readAhead } from './read-ahead.js';
import type { RunContext } from './sync-runner.js';

/** Called once per page written, inside the transaction (`tx`) that wrote it. */
export type OnPageWritten = (items: number, tx: Repositories, skipped: number) => Promise<void>;

export interface DirectoryStreamSyncOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Most objects per commit (member references count too); also how much may wait unwritten. */
  readonly batchItems: number;
}

/**
 * Takes one stream of the directory from its checkpoint to a fresh deltaLink: picks the round (resume, delta or
 * full), reads its pages ahead while earlier batches commit, writes each batch with the stream's checkpoint in one
 * transaction, and recovers from an expired or refused link with one full resynchronisation.
 */
export class DirectoryStreamSync {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly batchItems: number;

  constructor(options: DirectoryStreamSyncOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.logger = options.logger;
    this.batchItems = options.batchItems;
  }

  /**
   * One stream from its checkpoint to a fresh deltaLink: resumes a round mid-way (nextLink), runs a delta round
   * (deltaLink), or starts a full round (new generation). An expired token restarts it as a full round, once.
   */
  async sync<T>(
    graph: TenantGraph,
    context: RunContext,
    stream: StreamSpec<T>,
    signal: AbortSignal | undefined,
    onPage: OnPageWritten,
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
          urgent: () => context.urgent,
          requiredPermissions: stream.requiredPermissions,
          ...(signal === undefined ? {} : { signal }),
        });
        await readAhead({
          pages: pages[Symbol.asyncIterator](),
          weigh: (page) => stream.weigh(page.value),
          maxBatch: this.batchItems,
          maxWaitMs: 1_000,
          maxBuffered: this.batchItems,
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
    onPage: OnPageWritten,
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
