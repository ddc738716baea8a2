/**
 * Reading and writing a chain of pages at the same time: the reader keeps asking for the next page while the writer
 * commits the ones already here, and the writer takes everything that has gathered in one batch. While the network
 * is the slower side each page is written as it arrives (hidden behind the next request); while the store is, pages
 * pile up and commits become fewer and larger by themselves. A pause of the store (another stream's commit, the
 * closure) does not stall the chain either, up to `maxBuffered`.
 */
export interface ReadAheadOptions<P> {
  /** The pages, in order; `return()` is called when the writer stops early. */
  readonly pages: AsyncIterator<P>;
  /** How much a page weighs (objects, member references). */
  weigh(page: P): number;
  /** Most weight per batch handed to `write` (at least one page is). */
  readonly maxBatch: number;
  /**
   * How long the first page waiting may wait for a batch to fill up to `maxBatch` before it is written anyway
   * (default 0: write whatever has gathered as soon as the writer is free).
   */
  readonly maxWaitMs?: number;
  /** The reader waits while this much weight is buffered and not yet written. */
  readonly maxBuffered: number;
  /** Commits the pages, in order. A rejection stops the reader and is what `readAhead` rejects with. */
  write(batch: readonly P[]): Promise<void>;
}

/**
 * Runs reader and writer until the pages end. A reader failure is raised after the pages read before it are
 * written (so a checkpoint keeps them); a writer failure stops the reader.
 */
export async function readAhead<P>(options: ReadAheadOptions<P>): Promise<void> {
  const buffered: { page: P; weight: number; at: number }[] = [];
  const maxWaitMs = options.maxWaitMs ?? 0;
  let weight = 0;
  // Shared by reader and writer (each sets what the other reads).
  const state = { ended: false, stopped: false };
  const stopping = (): boolean => state.stopped;
  let failure: { error: unknown } | undefined;
  let wakeWriter: (() => void) | undefined;
  let wakeReader: (() => void) | undefined;
  const wake = (which: 'writer' | 'reader'): void => {
    const resume = which === 'writer' ? wakeWriter : wakeReader;
    if (which === 'writer') wakeWriter = undefined;
    else wakeReader = undefined;
    resume?.();
  };

  const reader = (async () => {
    try {
      while (!state.stopped) {
        const next = await options.pages.next();
        if (next.done === true) break;
        const pageWeight = options.weigh(next.value);
        buffered.push({ page: next.value, weight: pageWeight, at: performance.now() });
        weight += pageWeight;
        wake('writer');
        while (!stopping() && weight >= options.maxBuffered) {
          await new Promise<void>((resolve) => {
            wakeReader = resolve;
          });
        }
      }
    } catch (error) {
      failure = { error };
    } finally {
      state.ended = true;
      wake('writer');
    }
  })();

  try {
    for (;;) {
      // Until a full batch has gathered, the pages end, or the first page waiting has waited long enough.
      while (!state.ended && weight < options.maxBatch) {
        const first = buffered[0];
        const remaining = first === undefined ? Infinity : first.at + maxWaitMs - performance.now();
        if (remaining <= 0) break;
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          wakeWriter = resolve;
          if (remaining !== Infinity) timer = setTimeout(resolve, remaining);
        });
        clearTimeout(timer);
      }
      if (buffered.length === 0) break;
      const batch: P[] = [];
      let batchWeight = 0;
      while (buffered.length > 0) {
        const first = buffered[0];
        if (first === undefined || (batch.length > 0 && batchWeight + first.weight > options.maxBatch)) break;
        buffered.shift();
        batch.push(first.page);
        batchWeight += first.weight;
      }
      weight -= batchWeight;
      wake('reader');
      await options.write(batch);
    }
    if (failure !== undefined) throw failure.error;
  } finally {
    state.stopped = true;
    wake('reader');
    if (!state.ended) await options.pages.return?.(undefined);
    await reader;
  }
}
