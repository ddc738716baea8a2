import restify from 'restify';
import type { Logger } from '../src/shared/logger.js';

export interface HttpServerOptions {
  readonly logger: Logger;
  readonly version: string;
  /** Store round trip for /healthz. */
  readonly pingStore: () => Promise<void>;
}

/**
 * The one HTTP server (DESIGN §4): /healthz here; the bot (/api/messages), the tab (static files and /api/tab),
 * and the consent callback are mounted by the composition root.
 */
export function createHttpServer(options: HttpServerOptions): restify.Server {
  const { logger } = options;
  const server = restify.createServer({ name: 'entra-teams-idm', handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 1_000_000, rejectUnknown: true }));

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

  server.get('/healthz', async (_req: restify.Request, res: restify.Response) => {
    try {
      await options.pingStore();
      res.json(200, { status: 'ok', version: options.version, store: 'reachable' });
    } catch (error) {
      logger.error({ err: error }, 'health check: store unreachable');
      res.json(503, { status: 'unavailable', version: options.version, store: 'unreachable' });
    }
  });
  return server;
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
