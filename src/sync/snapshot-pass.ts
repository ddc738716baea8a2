import { GraphRequestError } from '../graph/graph-errors.js';
import type { TenantGraph } from '../graph/tenant-graph.js';
import type { Pace } from '../graph/tenant-gate.js';
import type { Clock } from '../shared/clock.js';
import type { Checkpoint } from '../store/checkpoint-repository.js';
import type { Repositories, Store } from '../store/store.js';
import type { RunContext } from './sync-runner.js';

/** One list Graph serves whole (no delta) and how its pages are stored. */
export interface SnapshotSpec<T> {
  /** Checkpoint stream name (`mfa_registrations`, `service_principals`). */
  readonly stream: string;
  readonly firstLink: string;
  readonly operation: string;
  readonly requiredPermissions: readonly string[];
  readonly pace?: Pace | undefined;
  /** Writes a page; every row written carries `roundStamp`. Runs inside the page's transaction. */
  writePage(tx: Repositories, items: readonly T[], roundStamp: string): Promise<number>;
  /** Removes what the completed round did not write. Runs inside the last page's transaction. */
  sweep(tx: Repositories, roundStamp: string): Promise<number>;
}

/** What one pass did. */
export interface SnapshotTotals {
  pages: number;
  items: number;
  removed: number;
}

/**
 * Reads a whole list page by page, each page and the checkpoint (next link and the round's stamp) in one
 * transaction; the last page also sweeps what the round did not see. A killed pass resumes from the page after the
 * last committed one with the same stamp, so the sweep still knows every row the round wrote.
 */
export async function runSnapshotPass<T>(
  spec: SnapshotSpec<T>,
  context: RunContext,
  graph: TenantGraph,
  store: { readonly store: Store; readonly clock: Clock },
): Promise<SnapshotTotals> {
  const saved = await store.store.read.checkpoints.getOrInitial(context.clientId, spec.stream);
  const savedStamp = typeof saved.state.roundStamp === 'string' ? saved.state.roundStamp : undefined;
  if (saved.nextLink !== null && savedStamp !== undefined) {
    try {
      return await pass(spec, context, graph, store, saved, saved.nextLink, savedStamp);
    } catch (error) {
      // A saved page link can expire: read the list again from the start, as a new round.
      if (!(error instanceof GraphRequestError && error.httpStatus === 400)) throw error;
    }
  }
  return pass(spec, context, graph, store, saved, spec.firstLink, store.clock.now().toISOString());
}

async function pass<T>(
  spec: SnapshotSpec<T>,
  context: RunContext,
  graph: TenantGraph,
  store: { readonly store: Store; readonly clock: Clock },
  start: Checkpoint,
  link: string,
  roundStamp: string,
): Promise<SnapshotTotals> {
  const totals: SnapshotTotals = { pages: 0, items: 0, removed: 0 };
  let checkpoint = start;
  const pages = graph.pages<T>(link, {
    operation: spec.operation,
    tally: context.tally,
    urgent: () => context.urgent,
    requiredPermissions: spec.requiredPermissions,
    ...(spec.pace === undefined ? {} : { pace: spec.pace }),
    signal: context.signal,
  });
  for await (const page of pages) {
    const done = page.nextLink === undefined;
    const next: Checkpoint = {
      ...checkpoint,
      nextLink: page.nextLink ?? null,
      watermark: done ? store.clock.now().toISOString() : checkpoint.watermark,
      state: done ? { lastRoundStamp: roundStamp } : { roundStamp },
    };
    const { written, removed } = await store.store.transaction(async (tx) => {
      const count = await spec.writePage(tx, page.value, roundStamp);
      const swept = done ? await spec.sweep(tx, roundStamp) : 0;
      await tx.checkpoints.save(next, store.clock.now());
      return { written: count, removed: swept };
    });
    checkpoint = next;
    totals.pages++;
    totals.items += written;
    totals.removed += removed;
    context.counts.pages = (context.counts.pages ?? 0) + 1;
    context.counts.itemsWritten = (context.counts.itemsWritten ?? 0) + written;
    await context.progress({ phase: spec.stream, ...totals });
  }
  return totals;
}
