import type { z } from 'zod/v4';
import type { Actor } from '../../src/services/actor.js';
import type { CsvDownload } from '../../src/services/export-service.js';
import { parseInput } from '../../src/services/validation.js';

/** One request to the tab API, after its SSO token was validated. */
export interface TabRequest {
  /** Who is calling: from the validated SSO token (tid, oid, preferred_username), channel `tab`. */
  readonly actor: Actor;
  /** Path parameters (`:client`, `:groupId`…), URL-decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** The query string, parsed (repeated keys become arrays). */
  readonly query: Readonly<Record<string, unknown>>;
  /** The JSON body (`{}` when none was sent). */
  readonly body: unknown;
  /** Quoted in error answers and log lines. */
  readonly correlationId: string;
}

/** What a handler answers: JSON, a CSV download (streamed), or nothing. */
export type TabReply =
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'csv'; readonly download: CsvDownload }
  | { readonly kind: 'empty' };

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A route of the tab API: method, path under `/api/tab`, and the handler that calls the core's services. */
export interface TabRoute {
  readonly method: HttpMethod;
  /** restify path syntax, relative to `/api/tab`: `/clients/:client/users`. */
  readonly path: string;
  readonly handle: (request: TabRequest) => Promise<TabReply>;
}

export function json(body: unknown, status = 200): TabReply {
  return { kind: 'json', status, body };
}

export function csv(download: CsvDownload): TabReply {
  return { kind: 'csv', download };
}

export const empty: TabReply = { kind: 'empty' };

/**
 * Parses a body or a query with a zod schema; every problem is reported at once, by field name.
 * @throws {ValidationError} (400, `details.problems` lists `{ path, message }`).
 */
export function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  return parseInput(schema, input);
}
