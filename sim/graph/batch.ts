/**
 * `POST /$batch`: up to 20 requests with unique ids, each answered with its own status, headers and body (HTTP 200
 * for the batch as a whole). `dependsOn` orders requests; a request whose dependency failed answers 424.
 */
import type { GraphResponse } from './context.js';
import { badRequest } from './errors.js';

export const BATCH_LIMIT = 20;

export interface BatchItem {
  readonly id: string;
  readonly method: string;
  /** Relative URL such as `/users?$select=id` (leading slash optional). */
  readonly url: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** Runs one sub-request through the normal Graph pipeline (auth context shared with the batch). */
export type BatchItemExecutor = (item: BatchItem) => Promise<GraphResponse>;

export async function runBatch(payload: unknown, execute: BatchItemExecutor): Promise<GraphResponse> {
  const items = parseItems(payload);
  const results = new Map<string, GraphResponse>();
  const inProgress = new Set<string>();
  const byId = new Map(items.map((item) => [item.item.id, item]));

  const runOne = async (entry: ParsedItem): Promise<GraphResponse> => {
    const done = results.get(entry.item.id);
    if (done) return done;
    if (inProgress.has(entry.item.id))
      throw badRequest('Batch request dependsOn forms a cycle.', 'BadRequest');
    inProgress.add(entry.item.id);
    let failedDependency = false;
    for (const dependency of entry.dependsOn) {
      const target = byId.get(dependency);
      if (!target)
        throw badRequest(
          `Request '${entry.item.id}' depends on unknown request '${dependency}'.`,
          'BadRequest',
        );
      const result = await runOne(target);
      if (result.status >= 400) failedDependency = true;
    }
    const result = failedDependency
      ? {
          status: 424,
          headers: { 'Content-Type': 'application/json' },
          body: { error: { code: 'FailedDependency', message: 'Failed dependency.' } },
        }
      : await execute(entry.item);
    results.set(entry.item.id, result);
    inProgress.delete(entry.item.id);
    return result;
  };

  for (const entry of items) await runOne(entry);
  return {
    status: 200,
    body: {
      responses: items.map(({ item }) => {
        const result = results.get(item.id) ?? { status: 500 };
        return { id: item.id, status: result.status, headers: result.headers ?? {}, body: result.body };
      }),
    },
  };
}

interface ParsedItem {
  readonly item: BatchItem;
  readonly dependsOn: readonly string[];
}

function parseItems(payload: unknown): ParsedItem[] {
  const requests = (payload as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests)) throw badRequest('Invalid batch payload format.', 'BadRequest');
  if (requests.length === 0)
    throw badRequest('Batch request must contain at least one request.', 'BadRequest');
  if (requests.length > BATCH_LIMIT) {
    throw badRequest(
      `The number of requests in a batch cannot exceed ${BATCH_LIMIT.toString()}.`,
      'BadRequest',
    );
  }
  const seen = new Set<string>();
  return requests.map((raw: unknown) => {
    const r = (raw ?? {}) as Record<string, unknown>;
    const id = typeof r.id === 'string' || typeof r.id === 'number' ? String(r.id) : '';
    if (id === '') throw badRequest('Each request in a batch needs an id.', 'BadRequest');
    if (seen.has(id))
      throw badRequest(`Batch request ids must be unique; '${id}' is repeated.`, 'BadRequest');
    seen.add(id);
    if (typeof r.method !== 'string' || typeof r.url !== 'string') {
      throw badRequest(`Request '${id}' needs a method and a url.`, 'BadRequest');
    }
    const headers: Record<string, string> = {};
    if (r.headers && typeof r.headers === 'object') {
      for (const [name, value] of Object.entries(r.headers as Record<string, unknown>)) {
        if (typeof value === 'string') headers[name.toLowerCase()] = value;
      }
    }
    if (r.body !== undefined && headers['content-type'] === undefined) {
      throw badRequest(`Request '${id}' has a body but no Content-Type header.`, 'BadRequest');
    }
    const dependsOn = Array.isArray(r.dependsOn) ? r.dependsOn.map(String) : [];
    return { item: { id, method: r.method.toUpperCase(), url: r.url, headers, body: r.body }, dependsOn };
  });
}
