/** A minimum spacing between requests of one kind to one tenant (Graph's reports tier allows ~5 per 10 s). */
export interface Pace {
  /** Requests sharing a key share the spacing (`reports` for sign-ins, signInActivity, registration details). */
  readonly key: string;
  readonly minIntervalMs: number;
}

/** The pace key of Graph's reports tier (sign-ins, signInActivity, registration details): one spacing per tenant. */
export const REPORTS_PACE_KEY = 'reports';

/** A granted slot: release it when the response (or failure) is in. */
export interface GateTicket {
  release(): void;
  /** How long this request waited because the tenant was throttled (Retry-After), in ms. */
  readonly throttledMs: number;
}

interface Waiter {
  readonly pace: Pace | undefined;
  readonly urgent: boolean;
  readonly enqueuedAt: number;
  readonly grant: (ticket: GateTicket) => void;
}

/**
 * The door to one tenant, shared by every caller of that tenant (directory sync, sign-in ingestion, reports):
 * at most `concurrency` requests in flight, none sent before a `Retry-After` the tenant gave has passed, and paced
 * kinds of request spaced out. Among the waiters allowed to go now, urgent ones (a person waits for the answer: a
 * *Sync now*, a just-connected client's first sync, a check in the tab) go before the others, and each class is
 * served first come, first served. Urgency never lifts a Retry-After or a pace, and an urgent waiter not allowed to
 * go yet holds no slot back from one that is: the tenant's share of Graph is never left idle.
 */
export class TenantGate {
  private readonly concurrency: number;
  private readonly now: () => number;
  private active = 0;
  private notBefore = 0;
  private readonly lastStartByPace = new Map<string, number>();
  private readonly waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(options: { readonly concurrency: number; readonly now?: () => number }) {
    this.concurrency = Math.max(1, options.concurrency);
    this.now = options.now ?? Date.now;
  }

  /**
   * Waits for a slot this request may use now; an `urgent` one goes before the others waiting (see the class). An
   * aborted `signal` (the process is stopping) takes the request out of the queue at once — a `Retry-After` of
   * minutes must not hold a shutdown.
   */
  acquire(pace?: Pace, signal?: AbortSignal, urgent = false): Promise<GateTicket> {
    return new Promise((resolve, reject) => {
      const cancelled = (): Error =>
        new Error('Cancelled while waiting for the tenant.', { cause: signal?.reason });
      if (signal?.aborted === true) {
        reject(cancelled());
        return;
      }
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(cancelled());
      };
      const waiter: Waiter = {
        pace,
        urgent,
        enqueuedAt: this.now(),
        grant: (ticket) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(ticket);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.pump();
    });
  }

  /** No request to this tenant starts before `epochMs` (later calls can only push it further). */
  holdUntil(epochMs: number): void {
    if (epochMs <= this.notBefore) return;
    this.notBefore = epochMs;
    this.pump();
  }

  /** The instant before which nothing is sent (0 when not throttled). */
  get throttledUntil(): number {
    return this.notBefore;
  }

  get inFlight(): number {
    return this.active;
  }

  private readyAt(waiter: Waiter): number {
    const paced =
      waiter.pace === undefined
        ? 0
        : (this.lastStartByPace.get(waiter.pace.key) ?? -Infinity) + waiter.pace.minIntervalMs;
    return Math.max(this.notBefore, paced);
  }

  /** The index of the waiter to let go at `now` (-1 for none): the first urgent one allowed to go, else the first. */
  private nextDue(now: number): number {
    let first = -1;
    for (const [index, waiter] of this.waiters.entries()) {
      if (this.readyAt(waiter) > now) continue;
      if (waiter.urgent) return index;
      if (first < 0) first = index;
    }
    return first;
  }

  private pump(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.active < this.concurrency) {
      const now = this.now();
      const index = this.nextDue(now);
      const waiter = this.waiters[index];
      if (waiter === undefined) break; // none may go now (index -1)
      this.waiters.splice(index, 1);
      this.active++;
      if (waiter.pace !== undefined) this.lastStartByPace.set(waiter.pace.key, now);
      const throttledMs = Math.max(0, Math.min(now, this.notBefore) - waiter.enqueuedAt);
      let released = false;
      waiter.grant({
        throttledMs,
        release: () => {
          if (released) return;
          released = true;
          this.active--;
          this.pump();
        },
      });
    }
    if (this.waiters.length === 0 || this.active >= this.concurrency) return;
    // Every waiter left is not allowed to go yet: wake up when the first of them is.
    let earliest = Infinity;
    for (const waiter of this.waiters) earliest = Math.min(earliest, this.readyAt(waiter));
    // Timers may fire a millisecond early; pump re-checks the clock and waits again if so.
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.pump();
      },
      Math.max(1, earliest - this.now()),
    );
  }
}
