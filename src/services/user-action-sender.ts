import { setTimeout as sleep } from 'node:timers/promises';
import { parseRetryAfter } from '../graph/retry-after.js';
import type { BatchRequest, BatchResponse, TenantGraph } from '../graph/tenant-graph.js';
import type { ActionRequest } from './user-action-kinds.js';

/** Microsoft's limit of requests in one JSON batch (https://learn.microsoft.com/en-us/graph/json-batching). */
export const BATCH_LIMIT = 20;
/** Throttled answers waited out per user before it is reported refused (Graph says to keep honouring Retry-After). */
const MAX_THROTTLES = 100;

/** One user's request and what came of it. */
export interface SendItem {
  readonly id: string;
  readonly request: ActionRequest;
}

export interface SendResult {
  readonly id: string;
  readonly ok: boolean;
  /** Graph's status for the user's request; null when the batch as a whole failed. */
  readonly status: number | null;
  /** Microsoft's reason when refused. */
  readonly reason: string | null;
}

export interface SendCounters {
  batches: number;
  itemRequests: number;
  throttledItems: number;
}

export interface SendOptions {
  readonly operation: string;
  readonly permission: string;
  /** Attempts per user when Graph fails transiently (5xx). Throttling (429) is waited out. */
  readonly maxAttempts: number;
}

/**
 * Sends one request per user in JSON batches of up to 20. An item Graph throttles (429) or fails transiently (5xx)
 * waits its own Retry-After (or a backoff) and goes into a later batch; Microsoft: "evaluate the individual responses
 * … and retry the failed requests after the Retry-After", https://learn.microsoft.com/en-us/graph/throttling.
 * Each finished batch's results are handed to `settle` before the next batch is sent; every item gets a result.
 */
export async function sendInBatches(
  graph: TenantGraph,
  items: readonly SendItem[],
  options: SendOptions,
  counters: SendCounters,
  settle: (results: SendResult[]) => Promise<void>,
): Promise<void> {
  interface Pending {
    readonly item: SendItem;
    /** Transient failures (5xx) so far; throttling (429) is waited out, not counted. */
    failures: number;
    throttles: number;
  }
  const queue: Pending[] = items.map((item) => ({ item, failures: 0, throttles: 0 }));
  // Graph's limits are per app and tenant: a Retry-After on one item holds every item, not only that one.
  let holdUntil = 0;
  while (queue.length > 0) {
    const wait = holdUntil - Date.now();
    if (wait > 0) await sleep(wait);
    const ready = queue.splice(0, BATCH_LIMIT);
    const requests: BatchRequest[] = ready.map((p, index) => ({
      id: (index + 1).toString(),
      method: p.item.request.method,
      url: p.item.request.url,
      body: p.item.request.body,
    }));
    counters.batches++;
    counters.itemRequests += ready.length;
    let responses: BatchResponse[];
    try {
      responses = await graph.batch(requests, {
        operation: options.operation,
        requiredPermissions: [options.permission],
        // The admin who confirmed waits for each user's result.
        urgent: true,
      });
    } catch (error) {
      // The batch as a whole failed (after the client's own retries): every user in it is reported, none hidden.
      const reason = `The request to Microsoft Graph failed: ${error instanceof Error ? error.message : String(error)}`;
      await settle(ready.map((p) => ({ id: p.item.id, ok: false, status: null, reason })));
      continue;
    }
    const settled: SendResult[] = [];
    const again: Pending[] = [];
    for (const [index, p] of ready.entries()) {
      const response = responses.find((r) => r.id === (index + 1).toString());
      const status = response?.status ?? 0;
      if (status >= 200 && status < 300) {
        settled.push({ id: p.item.id, ok: true, status, reason: null });
        continue;
      }
      const throttled = status === 429 && p.throttles < MAX_THROTTLES;
      const transient = status >= 500 && p.failures + 1 < options.maxAttempts;
      if (!throttled && !transient) {
        settled.push({
          id: p.item.id,
          ok: false,
          status: status === 0 ? null : status,
          reason: graphReason(response) ?? 'No answer in the batch.',
        });
        continue;
      }
      if (throttled) {
        p.throttles++;
        counters.throttledItems++;
      } else {
        p.failures++;
      }
      const waitMs =
        parseRetryAfter(headerOf(response, 'retry-after'), Date.now()) ??
        Math.min(30_000, 500 * 2 ** Math.max(p.failures, p.throttles));
      holdUntil = Math.max(holdUntil, Date.now() + waitMs);
      again.push(p);
    }
    // Sent again first, in their order, before the users not tried yet.
    queue.unshift(...again);
    if (settled.length > 0) await settle(settled);
  }
}

function headerOf(response: BatchResponse | undefined, name: string): string | undefined {
  const headers = response?.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** Microsoft's own words for a refused item: `code: message`. */
function graphReason(response: BatchResponse | undefined): string | undefined {
  if (response === undefined) return undefined;
  const error = (response.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `HTTP ${response.status.toString()}`;
  const message = typeof error?.message === 'string' ? error.message : '';
  return message === '' ? code : `${code}: ${message}`;
}
