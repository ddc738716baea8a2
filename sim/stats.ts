import type { RecordedRequest, RetryAfterViolation, SimStats, SimStatsSnapshot } from './types.js';

/** Option values that carry state or secrets: recorded as `…`. */
const MASKED = new Set(['$skiptoken', '$deltatoken', 'client_id', 'client_secret', 'client_assertion']);

/**
 * Requests that arrive this soon after a 429 was written were already in flight: not violations. A client with two
 * chains of pages to one tenant (users and groups side by side) has a second request in flight when the first is
 * throttled; on a busy machine it may reach us some way behind the 429, hence a quarter second.
 */
export const RETRY_AFTER_GRACE_MS = 250;

interface GivenRetryAfter {
  readonly throttledAtMs: number;
  readonly notBeforeMs: number;
}

/**
 * Request counters per endpoint and tenant, retries seen, and the Retry-After ledger: every Retry-After given to an
 * app+tenant is remembered until it passes, and a request from that app+tenant arriving before then (later than
 * the in-flight grace) is recorded as a violation.
 */
export class Stats implements SimStats {
  private total = 0;
  private retries = 0;
  private throttled = 0;
  private readonly byEndpoint = new Map<string, number>();
  private readonly byTenant = new Map<string, Map<string, number>>();
  private readonly violations: RetryAfterViolation[] = [];
  private readonly given = new Map<string, GivenRetryAfter[]>();
  private recording: RecordedRequest[] | undefined;

  get totalRequests(): number {
    return this.total;
  }

  get retriesSeen(): number {
    return this.retries;
  }

  get throttledResponses(): number {
    return this.throttled;
  }

  get retryAfterViolations(): readonly RetryAfterViolation[] {
    return this.violations;
  }

  requestsByEndpoint(tenantId?: string): Readonly<Record<string, number>> {
    const source = tenantId === undefined ? this.byEndpoint : this.byTenant.get(tenantId.toLowerCase());
    return Object.fromEntries(source ?? []);
  }

  snapshot(): SimStatsSnapshot {
    return {
      totalRequests: this.total,
      requestsByEndpoint: this.requestsByEndpoint(),
      requestsByTenant: Object.fromEntries(
        [...this.byTenant].map(([tenant, counts]) => [tenant, Object.fromEntries(counts)]),
      ),
      retriesSeen: this.retries,
      throttledResponses: this.throttled,
      retryAfterViolations: [...this.violations],
    };
  }

  recordRequests(on: boolean): void {
    this.recording = on ? (this.recording ?? []) : undefined;
  }

  recordedRequests(): readonly RecordedRequest[] {
    return [...(this.recording ?? [])];
  }

  /** Keeps one request's endpoint and options while recording is on. */
  recordRequest(endpoint: string, params: URLSearchParams): void {
    if (this.recording === undefined) return;
    const options: Record<string, string> = {};
    for (const [name, value] of params) options[name] = MASKED.has(name.toLowerCase()) ? '…' : value;
    this.recording.push({ endpoint, options });
  }

  reset(): void {
    if (this.recording !== undefined) this.recording = [];
    this.total = 0;
    this.retries = 0;
    this.throttled = 0;
    this.byEndpoint.clear();
    this.byTenant.clear();
    this.violations.length = 0;
    this.given.clear();
  }

  countRequest(endpoint: string, tenantId: string | undefined, isRetry: boolean): void {
    this.total++;
    if (isRetry) this.retries++;
    this.byEndpoint.set(endpoint, (this.byEndpoint.get(endpoint) ?? 0) + 1);
    if (tenantId !== undefined) {
      const key = tenantId.toLowerCase();
      let counts = this.byTenant.get(key);
      if (!counts) {
        counts = new Map();
        this.byTenant.set(key, counts);
      }
      counts.set(endpoint, (counts.get(endpoint) ?? 0) + 1);
    }
  }

  countThrottled(): void {
    this.throttled++;
  }

  /** Remembers a Retry-After given to `ledgerKey` (an app+tenant on one surface). */
  recordRetryAfter(ledgerKey: string, throttledAtMs: number, notBeforeMs: number): void {
    const list = (this.given.get(ledgerKey) ?? []).filter((entry) => entry.notBeforeMs > throttledAtMs);
    list.push({ throttledAtMs, notBeforeMs });
    this.given.set(ledgerKey, list);
  }

  /** Checks an arriving request against the Retry-Afters given to its app+tenant. */
  checkArrival(
    ledgerKey: string,
    arrivedAtMs: number,
    details: { tenantId: string; appId: string; method: string; path: string },
  ): void {
    const list = this.given.get(ledgerKey);
    if (!list) return;
    const pending = list.filter((entry) => entry.notBeforeMs > arrivedAtMs);
    if (pending.length === 0) {
      this.given.delete(ledgerKey);
      return;
    }
    this.given.set(ledgerKey, pending);
    const broken = pending
      .filter((entry) => arrivedAtMs > entry.throttledAtMs + RETRY_AFTER_GRACE_MS)
      .sort((a, b) => b.notBeforeMs - a.notBeforeMs)[0];
    if (!broken) return;
    this.violations.push({
      ...details,
      arrivedAt: new Date(arrivedAtMs).toISOString(),
      throttledAt: new Date(broken.throttledAtMs).toISOString(),
      notBefore: new Date(broken.notBeforeMs).toISOString(),
      earlyByMs: Math.round((broken.notBeforeMs - arrivedAtMs) * 1000) / 1000,
    });
  }
}
