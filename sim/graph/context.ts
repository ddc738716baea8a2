import type { TenantState } from '../tenant-state.js';
import type { DeltaExpiryMode } from '../types.js';
import type { GraphVersion } from './entities.js';
import { GraphHttpError } from './errors.js';
import type { ODataQuery } from './odata-query.js';
import type { TokenCodec } from './paging.js';

/** The application calling Graph, from its validated app-only token. */
export interface Caller {
  readonly appId: string;
  readonly tenantId: string;
  readonly servicePrincipalId: string;
  readonly roles: ReadonlySet<string>;
}

/** Behaviour switches shared by every Graph handler. */
export interface GraphSettings {
  readonly signInActivityMaxTop: number;
  readonly deltaPageSize: number;
  readonly deltaMembersPerPage: number;
  readonly deltaTokenLifetimeMs: number;
  deltaExpiryMode(): DeltaExpiryMode;
  /** Whether delta pages replay part of the page before (`Faults.deltaReplay`). */
  deltaReplay(): boolean;
  readonly codec: TokenCodec;
}

/** Everything a Graph handler needs, in one object. */
export interface GraphRequest {
  readonly version: GraphVersion;
  readonly method: string;
  /** Decoded path segments after the version, e.g. `['groups', '{id}', 'members']`. */
  readonly segments: readonly string[];
  readonly query: ODataQuery;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
  readonly tenant: TenantState;
  readonly caller: Caller;
  /** `https://host:port` as the client addressed us (links are built on it). */
  readonly baseUrl: string;
  /** Simulated now. */
  readonly now: Date;
  readonly settings: GraphSettings;
}

export interface GraphResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON body, or a string for text/plain answers (`$count`). */
  readonly body?: unknown;
}

export const ok = (body: unknown, headers?: Record<string, string>): GraphResponse =>
  headers ? { status: 200, body, headers } : { status: 200, body };

export function holdsAny(caller: Caller, permissions: readonly string[]): boolean {
  return permissions.some((permission) => caller.roles.has(permission));
}

/** `ConsistencyLevel: eventual` together with `$count=true` (Graph's advanced-query switch). */
export function isAdvancedQuery(request: GraphRequest): boolean {
  return request.headers.consistencylevel?.toLowerCase() === 'eventual' && request.query.count;
}

/** `$top` within [1, max], or the default page size. */
export function pageSize(request: GraphRequest, defaultSize: number, max: number): number {
  const top = request.query.top;
  if (top === undefined) return Math.min(defaultSize, max);
  if (top < 1 || top > max) {
    throw new GraphHttpError(
      400,
      'Request_UnsupportedQuery',
      `Invalid page size specified: '${top.toString()}'. Must be between 1 and ${max.toString()} inclusive.`,
    );
  }
  return top;
}
