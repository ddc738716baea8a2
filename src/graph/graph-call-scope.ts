import type { MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import type { RequestTally } from './request-tally.js';
import type { Pace } from './tenant-gate.js';

/**
 * What one Graph call carries through the middleware chain: its operation name (for counters and errors), the
 * tallies to charge, its pacing, the caller's abort signal, whether a person waits for it (urgent at the tenant's
 * gate), and — on the way back — the typed failure.
 *
 * The graph client wraps anything a middleware throws into its own `GraphError`, dropping the original class, so
 * the middleware leaves the typed error here for {@link TenantGraph} to rethrow.
 */
export class GraphCallScope implements MiddlewareOptions {
  failure: Error | undefined;

  constructor(
    readonly operation: string,
    readonly tallies: readonly RequestTally[],
    readonly pace: Pace | undefined,
    readonly signal: AbortSignal | undefined,
    readonly urgent = false,
  ) {}

  charge(change: { requests?: number; retries?: number; throttledMs?: number; throttled?: number }): void {
    for (const tally of this.tallies) tally.record(this.operation, change);
  }
}
