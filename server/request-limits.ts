import pg from 'pg';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { AppConfig } from '../src/config/load-config.js';
import { AppError } from '../src/shared/errors.js';
import type { Logger } from '../src/shared/logger.js';

/** The table the PostgreSQL limiter counts in (created by migration 0010). */
export const RATE_LIMIT_TABLE = 'rate_limits';

/**
 * Per-address and per-person request limits (DESIGN §9, bounded resources), with rate-limiter-flexible: counters in
 * memory on SQLite (one instance), in PostgreSQL when the store is PostgreSQL — so several instances share one
 * budget per address and per person. Should PostgreSQL not answer, each instance falls back to its own memory
 * counters (the library's insurance limiter) rather than let everything through or refuse everything.
 */
export class RequestLimits {
  private constructor(
    private readonly perAddress: RateLimiterAbstract,
    private readonly perUser: RateLimiterAbstract,
    private readonly pool: pg.Pool | undefined,
  ) {}

  static create(config: Pick<AppConfig, 'store' | 'limits'>): RequestLimits {
    const minute = 60;
    const memory = (points: number, keyPrefix: string): RateLimiterMemory =>
      new RateLimiterMemory({ points, duration: minute, keyPrefix });
    const perAddress = config.limits.perAddressPerMinute;
    const perUser = config.limits.perUserPerMinute;
    if (config.store.kind !== 'postgres') {
      return new RequestLimits(memory(perAddress, 'address'), memory(perUser, 'user'), undefined);
    }
    const { url, schema } = config.store;
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    const shared = (points: number, keyPrefix: string): RateLimiterPostgres =>
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        schemaName: schema,
        tableName: RATE_LIMIT_TABLE,
        tableCreated: true,
        clearExpiredByTimeout: true,
        points,
        duration: minute,
        keyPrefix,
        insuranceLimiter: memory(points, keyPrefix),
      });
    return new RequestLimits(shared(perAddress, 'address'), shared(perUser, 'user'), pool);
  }

  /** Counts one request from a client address. @throws {AppError} `rate_limited` (429) over the limit. */
  async address(address: string): Promise<void> {
    await consume(this.perAddress, address, 'from your address');
  }

  /** Counts one request of a signed-in person (tenant + object id). @throws {AppError} `rate_limited` (429). */
  async user(tenantId: string, objectId: string): Promise<void> {
    await consume(this.perUser, `${tenantId}:${objectId}`, 'from you');
  }

  async close(): Promise<void> {
    await this.pool?.end();
  }
}

async function consume(limiter: RateLimiterAbstract, key: string, whose: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    throw new AppError(
      'rate_limited',
      `Too many requests ${whose}: at most ${limiter.points} a minute. Try again in ${seconds} s.`,
      { status: 429, retryable: true, details: { retryAfterSeconds: seconds } },
    );
  }
}

/** The client's address for rate limits: the socket's, or the one the trusted proxies put in X-Forwarded-For. */
export function clientAddress(
  request: {
    readonly socket: { readonly remoteAddress?: string | undefined };
    readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  },
  trustedProxyHops: number,
): string {
  const socket = request.socket.remoteAddress ?? 'unknown';
  if (trustedProxyHops === 0) return socket;
  const header = request.headers['x-forwarded-for'];
  const chain = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  // Each trusted proxy appends the address it received from; the client is the entry the outermost one added.
  return chain[chain.length - trustedProxyHops] ?? socket;
}

/** For the log: the limiter is in place, and where it counts. */
export function describeLimits(config: Pick<AppConfig, 'store' | 'limits'>, logger: Logger): void {
  logger.info(
    {
      perAddressPerMinute: config.limits.perAddressPerMinute,
      perUserPerMinute: config.limits.perUserPerMinute,
      counters: config.store.kind === 'postgres' ? 'postgres' : 'memory',
    },
    'request limits',
  );
}
