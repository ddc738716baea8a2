import type { RealisticThrottlingOptions } from './types.js';

/** Which Graph throttling tier a request belongs to. */
export type ThrottleTier = 'identity' | 'reports' | 'none';

export interface ThrottleVerdict {
  /** Resource units charged (identity tier), for `x-ms-resource-unit`. */
  readonly resourceUnits: number;
  /** Set when the request must be answered 429. */
  readonly retryAfterSeconds?: number;
  readonly scope?: string;
}

const REPORTS_DEFAULT_LIMIT = 5;
const REPORTS_DEFAULT_WINDOW_MS = 10_000;
const SIGN_IN_ACTIVITY_LIMIT = 10;
const SIGN_IN_ACTIVITY_WINDOW_MS = 60_000;
const IDENTITY_WINDOW_MS = 10_000;
const IDENTITY_WRITES = 3_000;
const IDENTITY_WRITE_WINDOW_MS = 150_000;

/**
 * Graph's documented limits, per app and tenant: the identity and access reports tier (5 requests per 10 s; GET
 * signInActivity 10 per minute) as sliding windows, and the identity tier as a token bucket of resource units sized
 * by tenant (3,500 / 5,000 / 8,000 per 10 s for <50 / ≤500 / >500 users) with its write quota (3,000 writes per
 * 2 minutes 30 seconds per app and tenant) as a sliding window
 * (https://learn.microsoft.com/en-us/graph/throttling-limits#identity-and-access-service-limits). Rejected requests
 * do not consume capacity.
 */
export class RealisticThrottling {
  private on = false;
  private options: RealisticThrottlingOptions = {};
  private readonly windows = new Map<string, number[]>();
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  get enabled(): boolean {
    return this.on;
  }

  setEnabled(enabled: boolean, options: RealisticThrottlingOptions = {}): void {
    this.on = enabled;
    this.options = options;
    this.windows.clear();
    this.buckets.clear();
  }

  check(request: {
    appId: string;
    tenantId: string;
    tier: ThrottleTier;
    resourceUnits: number;
    signInActivity: boolean;
    tenantUsers: number;
    nowMs: number;
    /** A write (anything but GET): counts against the write quota too. */
    write?: boolean;
  }): ThrottleVerdict {
    const key = `${request.appId}|${request.tenantId}`;
    const resourceUnits = request.resourceUnits;
    if (!this.on || request.tier === 'none') return { resourceUnits };
    if (request.tier === 'reports') {
      const limit = this.options.reportsRequestsPerWindow ?? REPORTS_DEFAULT_LIMIT;
      const windowMs = this.options.reportsWindowMs ?? REPORTS_DEFAULT_WINDOW_MS;
      const wait = Math.max(
        this.windowWait(`reports|${key}`, limit, windowMs, request.nowMs, false),
        request.signInActivity
          ? this.windowWait(
              `activity|${key}`,
              SIGN_IN_ACTIVITY_LIMIT,
              SIGN_IN_ACTIVITY_WINDOW_MS,
              request.nowMs,
              false,
            )
          : 0,
      );
      if (wait > 0)
        return {
          resourceUnits,
          retryAfterSeconds: Math.ceil(wait / 1000),
          scope: `Tenant_Application/Reports/${request.appId}/${request.tenantId}`,
        };
      this.windowWait(`reports|${key}`, limit, windowMs, request.nowMs, true);
      if (request.signInActivity) {
        this.windowWait(
          `activity|${key}`,
          SIGN_IN_ACTIVITY_LIMIT,
          SIGN_IN_ACTIVITY_WINDOW_MS,
          request.nowMs,
          true,
        );
      }
      return { resourceUnits };
    }
    const capacity =
      this.options.identityResourceUnitsPer10s ??
      (request.tenantUsers < 50 ? 3_500 : request.tenantUsers <= 500 ? 5_000 : 8_000);
    const scope = `Tenant_Application/ReadWrite/${request.appId}/${request.tenantId}`;
    if (request.write === true) {
      const writes = this.options.identityWritesPerWindow ?? IDENTITY_WRITES;
      const windowMs = this.options.identityWriteWindowMs ?? IDENTITY_WRITE_WINDOW_MS;
      const wait = this.windowWait(`writes|${key}`, writes, windowMs, request.nowMs, false);
      if (wait > 0) return { resourceUnits, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)), scope };
    }
    const refillPerMs = capacity / (this.options.identityWindowMs ?? IDENTITY_WINDOW_MS);
    const bucket = this.buckets.get(key) ?? { tokens: capacity, atMs: request.nowMs };
    bucket.tokens = Math.min(capacity, bucket.tokens + (request.nowMs - bucket.atMs) * refillPerMs);
    bucket.atMs = request.nowMs;
    this.buckets.set(key, bucket);
    if (bucket.tokens < resourceUnits) {
      const waitMs = (resourceUnits - bucket.tokens) / refillPerMs;
      return { resourceUnits, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), scope };
    }
    bucket.tokens -= resourceUnits;
    if (request.write === true) {
      this.windowWait(
        `writes|${key}`,
        this.options.identityWritesPerWindow ?? IDENTITY_WRITES,
        this.options.identityWriteWindowMs ?? IDENTITY_WRITE_WINDOW_MS,
        request.nowMs,
        true,
      );
    }
    return { resourceUnits };
  }

  /** Milliseconds until the window has room (0 = room now); `take` records the request. */
  private windowWait(key: string, limit: number, windowMs: number, nowMs: number, take: boolean): number {
    const times = (this.windows.get(key) ?? []).filter((t) => t > nowMs - windowMs);
    this.windows.set(key, times);
    if (take) {
      times.push(nowMs);
      return 0;
    }
    if (times.length < limit) return 0;
    return (times[times.length - limit] ?? nowMs) + windowMs - nowMs;
  }
}

/**
 * Resource units of an identity-tier request: GET users 2, group members 3, transitive members 5, anything else 1;
 * `$select` −1, `$expand` +1, `$top` < 20 −1; never below 1.
 */
export function resourceUnitCost(
  endpoint: string,
  query: { select: boolean; expand: boolean; top: number | undefined },
): number {
  let cost = 1;
  if (/ \/[^/]+\/users(\/\{id\})?$/.test(endpoint)) cost = 2;
  else if (endpoint.endsWith('/members') || endpoint.includes('/members/')) cost = 3;
  else if (endpoint.includes('/transitiveMembers')) cost = 5;
  if (query.select) cost -= 1;
  if (query.expand) cost += 1;
  if (query.top !== undefined && query.top < 20) cost -= 1;
  return Math.max(1, cost);
}
