import crypto from 'node:crypto';
import http from 'node:http';
import type { Telemetry } from '../src/observability/telemetry.js';
import type { Logger } from '../src/shared/logger.js';

export interface MetricsServerOptions {
  readonly telemetry: Telemetry;
  readonly logger: Logger;
  readonly host: string;
  readonly port: number;
  /** When set, `Authorization: Bearer <token>` is required. */
  readonly token: string | undefined;
}

/**
 * `/metrics` in the Prometheus text format, on a listener of its own (METRICS_PORT), never on the public port: the
 * metrics name every client and its sync health, so they are for the operator's scraper only — bound to the loopback
 * address unless METRICS_HOST says otherwise, and behind a bearer token when METRICS_TOKEN is set (production
 * refuses a non-loopback address without one). Anything but `GET /metrics` is 404.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<http.Server> {
  const expected = options.token === undefined ? undefined : Buffer.from(`Bearer ${options.token}`);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      answer(res, 404, { 'content-type': 'text/plain; charset=utf-8' }, 'Not found: GET /metrics\n');
      return;
    }
    if (expected !== undefined) {
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
        answer(
          res,
          401,
          { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' },
          'Unauthorized: send Authorization: Bearer <METRICS_TOKEN>\n',
        );
        return;
      }
    }
    options.telemetry.exposition().then(
      ({ contentType, body }) => {
        answer(res, 200, { 'content-type': contentType, 'cache-control': 'no-store' }, body);
      },
      (error: unknown) => {
        options.logger.error({ err: error }, 'metrics: could not collect');
        answer(res, 500, { 'content-type': 'text/plain; charset=utf-8' }, 'metrics unavailable\n');
      },
    );
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const address = server.address();
  options.logger.info(
    {
      host: options.host,
      port: typeof address === 'object' && address !== null ? address.port : options.port,
      token: options.token !== undefined,
    },
    'metrics listening',
  );
  return server;
}

/** (restify replaces Node's `writeHead` with one that returns nothing, so no chaining.) */
function answer(
  res: http.ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: string,
): void {
  res.writeHead(status, headers);
  res.end(body);
}
