import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import restify from 'restify';
import type { Telemetry } from '../src/observability/telemetry.js';
import { toUserFacingError } from '../src/shared/errors.js';
import type { OwnSecretStatus } from '../src/domain/own-secrets.js';
import type { Logger } from '../src/shared/logger.js';
import { canonicalUrl } from './canonical-path.js';
import { hostnameOf, isLoopbackHost } from './locality.js';
import { clientAddress, type RequestLimits } from './request-limits.js';
import { commonSecurityHeaders } from './security-headers.js';

export interface HttpServerOptions {
  readonly logger: Logger;
  readonly version: string;
  /** Store round trip for /healthz. */
  readonly pingStore: () => Promise<void>;
  /** HSTS is sent in production only. Default production. */
  readonly mode?: 'demo' | 'production';
  /**
   * Host names the server answers to besides this machine's own (localhost, 127.0.0.1, ::1): the public host and
   * the tab's domain. A request naming any other host is refused (DNS rebinding).
   */
  readonly publicHosts?: readonly string[];
  /** Per-address request limits, counted before anything else; none in tests and benchmarks that measure speed. */
  readonly limits?: RequestLimits;
  /** Reverse proxies in front that append to X-Forwarded-For (for the rate limits' client address). Default 0. */
  readonly trustedProxyHops?: number;
  /** Where the app's own secrets stand (bot password, consent app secret), for /healthz. */
  readonly ownSecrets?: () => readonly OwnSecretStatus[];
  /** Request latency by surface (bot, tab) and a span per request. */
  readonly telemetry?: Telemetry;
}

/** A body (or headers) slower than this is cut off: nothing this server serves needs longer to arrive. */
const REQUEST_TIMEOUT_MS = 30_000;
const HEADERS_TIMEOUT_MS = 10_000;

/**
 * The one HTTP server (DESIGN §4): /healthz here; the bot (/api/messages), the tab (static files and /api/tab),
 * and the consent callback are mounted by the composition root. Before any route (DESIGN §9):
 * - security headers on every response;
 * - the path in its one canonical spelling (server/canonical-path.ts) — what the router and every guard see;
 * - the `Host` must be one of ours;
 * - the per-address rate limit;
 * - no body is read here: the tab API and the bot read theirs, bounded, after checking the caller's credentials;
 * - headers must arrive within 10 s and the whole request within 30 s.
 */
export function createHttpServer(options: HttpServerOptions): restify.Server {
  const { logger } = options;
  // No `Server` header: the product and its version are nobody's business.
  const server = restify.createServer({ name: '', handleUncaughtExceptions: false });
  server.server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.server.requestTimeout = REQUEST_TIMEOUT_MS;
  // How often Node checks those timeouts (its default, 30 s, would let a slow request live a minute).
  (server.server as unknown as { connectionsCheckingInterval: number }).connectionsCheckingInterval = 1_000;
  const headers = commonSecurityHeaders(options.mode ?? 'production');
  const hosts = new Set((options.publicHosts ?? []).map((host) => host.toLowerCase()));
  const hops = options.trustedProxyHops ?? 0;

  if (options.telemetry !== undefined) observeRequests(server, options.telemetry);

  server.pre((req: restify.Request, res: restify.Response, next: restify.Next) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    const canonical = canonicalUrl(req.url ?? '');
    if (!canonical.ok) {
      refuse(res, 400, 'bad_path', `The request path was refused: ${canonical.reason}.`);
      next(false);
      return;
    }
    if (canonical.url !== req.url) req.url = canonical.url;
    if (canonical.path === '/healthz') {
      next();
      return;
    }
    const host = hostnameOf(req.headers.host);
    if (host === undefined || !(isLoopbackHost(host) || hosts.has(host))) {
      refuse(res, 421, 'unknown_host', 'This server does not answer for that host name.');
      next(false);
      return;
    }
    if (options.limits === undefined) {
      next();
      return;
    }
    options.limits.address(clientAddress(req, hops)).then(
      () => {
        next();
      },
      (error: unknown) => {
        const answer = toUserFacingError(error, 'rate-limit');
        if (answer.status >= 500) logger.error({ err: error }, 'rate limiter failed');
        const retryAfter = answer.details?.retryAfterSeconds;
        if (typeof retryAfter === 'number') res.setHeader('retry-after', String(retryAfter));
        refuse(res, answer.status, answer.code, answer.message);
        next(false);
      },
    );
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));

  server.on('after', (req: restify.Request, res: restify.Response) => {
    const level = res.statusCode >= 500 ? 'error' : 'debug';
    logger[level](
      { method: req.method, path: req.getPath(), status: res.statusCode, ms: Date.now() - req.time() },
      'request',
    );
  });
  server.on(
    'restifyError',
    (req: restify.Request, res: restify.Response, error: Error, callback: () => void) => {
      logger.warn({ method: req.method, path: req.getPath(), err: error }, 'request failed');
      callback();
    },
  );

  // The app's own secrets are reported here too (30, 7 and 1 days before they expire): an expired bot password
  // leaves the bot mute and an expired consent secret stops consent-connected clients, and a restart fixes neither,
  // so they warn (and an expired one makes the status `degraded`) without failing the check.
  server.get('/healthz', async (_req: restify.Request, res: restify.Response) => {
    const secrets = options.ownSecrets?.() ?? [];
    const warnings = secrets.flatMap((secret) => (secret.warning === null ? [] : [secret.warning]));
    const credentials = {
      secrets: secrets.map(({ secret, state, expiresOn, daysLeft }) => ({
        secret,
        state,
        expiresOn,
        daysLeft,
      })),
      warnings,
    };
    try {
      await options.pingStore();
      const degraded = secrets.some((secret) => secret.state === 'expired');
      res.json(200, {
        status: degraded ? 'degraded' : 'ok',
        version: options.version,
        // Demo mode says so, for `npm run playground` to reuse an `npm start` already running (its bot endpoint
        // takes the Playground's unsigned requests only in demo mode). Production says nothing about its mode.
        ...(options.mode === 'demo' ? { mode: 'demo' } : {}),
        store: 'reachable',
        ...credentials,
      });
    } catch (error) {
      logger.error({ err: error }, 'health check: store unreachable');
      res.json(503, {
        status: 'unavailable',
        version: options.version,
        store: 'unreachable',
        ...credentials,
      });
    }
  });
  return server;
}

/** Which part of the app a path belongs to, for the latency metric. */
function surfaceOf(path: string): string {
  if (path === '/api/messages') return 'bot';
  if (path.startsWith('/api/tab/') || path.startsWith('/tab/')) return 'tab';
  return 'other';
}

/**
 * Every request is timed (`idm_http_request_duration_seconds`, labelled with its route pattern, never its concrete
 * path) and traced: an `HTTP <method>` server span is the active context for everything its handlers do.
 */
function observeRequests(server: restify.Server, telemetry: Telemetry): void {
  server.pre((req: restify.Request, res: restify.Response, next: restify.Next) => {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const span = telemetry.tracer.startSpan(`HTTP ${req.method ?? 'GET'}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': req.method ?? 'GET', 'url.path': path },
    });
    res.once('finish', () => {
      const route = req.getRoute() as { path?: unknown } | undefined;
      const pattern = typeof route?.path === 'string' ? route.path : 'unmatched';
      telemetry.httpAnswered(
        surfaceOf(path),
        req.method ?? 'GET',
        pattern,
        res.statusCode,
        (performance.now() - started) / 1000,
      );
      span.updateName(`HTTP ${req.method ?? 'GET'} ${pattern}`);
      span.setAttributes({ 'http.route': pattern, 'http.response.status_code': res.statusCode });
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(context.active(), span), () => {
      next();
    });
  });
}

function refuse(res: restify.Response, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ error: { code, message, details: {} } }));
}

/** Stops accepting connections, lets in-flight requests finish (up to `timeoutMs`), then resolves. */
export async function closeHttpServer(server: restify.Server, timeoutMs: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.server.closeAllConnections();
      resolve();
    }, timeoutMs);
    timer.unref();
    server.server.closeIdleConnections();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
