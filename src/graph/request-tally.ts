/** Request counters for one operation (or one run). */
export interface RequestCounts {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Requests that were repeats of a failed or throttled one. */
  retries: number;
  /** Time spent waiting because Graph throttled the tenant (Retry-After), in ms. */
  throttledMs: number;
  /** 429 answers received. */
  throttled: number;
}

export function emptyCounts(): RequestCounts {
  return { requests: 0, retries: 0, throttledMs: 0, throttled: 0 };
}

/**
 * Counts requests by operation name (`users.delta`, `groups.delta`, `organization`…). A sync run passes its own
 * tally with each call to know what it cost; every TenantGraph also keeps one for its lifetime.
 */
export class RequestTally {
  private readonly byOperation = new Map<string, RequestCounts>();

  /** @param sink also told of every charge, as it happens (the process's metrics). */
  constructor(private readonly sink?: (operation: string, change: Partial<RequestCounts>) => void) {}

  record(operation: string, change: Partial<RequestCounts>): void {
    this.sink?.(operation, change);
    let counts = this.byOperation.get(operation);
    if (counts === undefined) {
      counts = emptyCounts();
      this.byOperation.set(operation, counts);
    }
    counts.requests += change.requests ?? 0;
    counts.retries += change.retries ?? 0;
    counts.throttledMs += change.throttledMs ?? 0;
    counts.throttled += change.throttled ?? 0;
  }

  /** The sum over every operation. */
  total(): RequestCounts {
    const total = emptyCounts();
    for (const counts of this.byOperation.values()) {
      total.requests += counts.requests;
      total.retries += counts.retries;
      total.throttledMs += counts.throttledMs;
      total.throttled += counts.throttled;
    }
    return total;
  }

  /** A copy, by operation name. */
  snapshot(): Record<string, RequestCounts> {
    const out: Record<string, RequestCounts> = {};
    for (const [operation, counts] of this.byOperation) out[operation] = { ...counts };
    return out;
  }
}
