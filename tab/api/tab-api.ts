import crypto from 'node:crypto';
import type restify from 'restify';
import type { CsvDownload } from '../../src/services/export-service.js';
import { ForbiddenError, NotFoundError, toUserFacingError, type ErrorCode } from '../../src/shared/errors.js';
import type { Logger } from '../../src/shared/logger.js';
import type { DownloadLinkService } from '../../src/services/download-link-service.js';
import { downloadTargetOf, isDownloadRoute } from './routes/download-link-routes.js';
import type { SsoTokenValidator } from './sso-token-validator.js';
import type { TabReply, TabRoute } from './tab-route.js';
import type { ErrorBody } from '../../src/contracts/errors.js';

export const TAB_API_PREFIX = '/api/tab';

export interface TabApiOptions {
  readonly validator: SsoTokenValidator;
  readonly routes: readonly TabRoute[];
  readonly logger: Logger;
  /** Counts each caller's requests (per person, after the token is checked); none in tests that measure speed. */
  readonly limitUser?: (actor: { readonly tenantId: string; readonly objectId: string }) => Promise<void>;
  /** Reads a request's JSON body, bounded; called only after the token was accepted. */
  readonly readBody: (req: restify.Request) => Promise<unknown>;
  /** Redeems the signed links that stand in for the SSO token on exports. */
  readonly downloadLinks: Pick<DownloadLinkService, 'redeem'>;
}

/**
 * Mounts the tab's JSON API under `/api/tab`: every request's SSO token is validated first (401 otherwise) — before
 * its body is read — then the caller's rate limit is counted, then the route's handler runs with the caller as the
 * core's Actor. Every error, whatever threw it, answers
 * `{ error: { code, message, details, correlationId } }` with the error's status; unexpected ones are logged with
 * the correlation id and answered with a generic message.
 */
export function mountTabApi(server: restify.Server, options: TabApiOptions): void {
  const { validator, logger } = options;
  for (const route of options.routes) {
    const path = `${TAB_API_PREFIX}${route.path}`;
    const handler = async (req: restify.Request, res: restify.Response): Promise<void> => {
      const correlationId = crypto.randomUUID();
      res.header('cache-control', 'no-store');
      try {
        const { link, ...query } = (req.query as Record<string, unknown> | undefined) ?? {};
        // An export opened through the host (the system browser) carries a signed single-use link instead of the
        // SSO token; the link names the person and this very export (download-link-routes.ts).
        const actor =
          isDownloadRoute(route) && typeof link === 'string' && req.headers.authorization === undefined
            ? await options.downloadLinks.redeem(link, downloadTargetOf(req.url ?? ''))
            : await validator.actorFromAuthorizationHeader(req.header('authorization'));
        await options.limitUser?.(actor);
        const body = route.method === 'GET' ? undefined : await options.readBody(req);
        const reply = await route.handle({
          actor,
          params: decodeParams(req.params as Record<string, unknown> | undefined),
          query,
          body: body ?? {},
          correlationId,
        });
        await send(req, res, reply, logger);
      } catch (thrown) {
        if (res.headersSent) {
          // A download that failed half-way: the client sees a cut connection, never a truncated file as complete.
          logger.error({ err: thrown, correlationId, route: route.path }, 'tab API download failed');
          res.destroy();
          return;
        }
        const error = clientOutOfReach(thrown);
        const answer = toUserFacingError(error, correlationId);
        if (answer.status >= 500) {
          logger.error(
            { err: error, correlationId, method: req.method, route: route.path },
            'tab API failed',
          );
        } else {
          logger.debug({ code: answer.code, correlationId, route: route.path }, 'tab API refused a request');
        }
        if (answer.status === 401) res.header('www-authenticate', 'Bearer');
        const retryAfter = answer.details?.retryAfterSeconds;
        if (answer.status === 429 && typeof retryAfter === 'number')
          res.header('retry-after', String(retryAfter));
        // A body refused unread: the connection cannot be reused, the rest of it is still on the wire.
        if (answer.status === 413) res.header('connection', 'close');
        const body: ErrorBody = {
          error: {
            code: answer.code,
            message: answer.message,
            details: answer.details ?? {},
            correlationId,
          },
        };
        res.json(answer.status, body);
      }
    };
    switch (route.method) {
      case 'GET':
        server.get(path, handler);
        break;
      case 'POST':
        server.post(path, handler);
        break;
      case 'PUT':
        server.put(path, handler);
        break;
      case 'PATCH':
        server.patch(path, handler);
        break;
      case 'DELETE':
        server.del(path, handler);
        break;
    }
  }
  reshapeFrameworkErrors(server);
}

/**
 * The core answers "not found" for a client the caller may not see, exactly as for an unknown one, so ids cannot be
 * probed. The tab API answers 403 for both instead — still indistinguishable, and what a browser client expects
 * for "not yours".
 */
function clientOutOfReach(error: unknown): unknown {
  if (error instanceof NotFoundError && error.details?.what === 'Client') {
    const id = typeof error.details.id === 'string' ? error.details.id : '';
    return new ForbiddenError(`You have no access to client '${id}', or it does not exist.`);
  }
  return error;
}

async function send(
  req: restify.Request,
  res: restify.Response,
  reply: TabReply,
  logger: Logger,
): Promise<void> {
  switch (reply.kind) {
    case 'json':
      res.json(reply.status, reply.body);
      return;
    case 'csv':
      await stream(req, res, reply.download, logger);
      return;
    case 'empty':
      res.send(204);
      return;
  }
}

/**
 * Writes a CSV download as it is produced, waiting whenever the client reads slower than the store (backpressure),
 * and stops reading the store when the client goes away.
 */
async function stream(
  req: restify.Request,
  res: restify.Response,
  download: CsvDownload,
  logger: Logger,
): Promise<void> {
  const client = { gone: false };
  const onClose = (): void => {
    client.gone = true;
  };
  res.once('close', onClose);
  try {
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${download.fileName}"`,
    });
    // A BOM, so that Excel reads the UTF-8 names right.
    let pending = '\uFEFF';
    for await (const chunk of download.chunks) {
      if (client.gone) break;
      pending += chunk;
      if (pending.length < 16_384) continue;
      if (!res.write(pending)) await drained(res);
      pending = '';
    }
    if (client.gone) {
      logger.debug({ path: req.getPath() }, 'download abandoned by the client');
      return;
    }
    res.end(pending);
  } finally {
    res.removeListener('close', onClose);
    download.release();
  }
}

function drained(res: restify.Response): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.removeListener('drain', done);
      res.removeListener('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

function decodeParams(params: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params ?? {})) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/** restify's own errors for the tab API (unknown route, wrong method) in the API's error shape. */
const frameworkErrors: Record<string, { code: ErrorCode; message: string }> = {
  // restify names the router's 404 event 'NotFound'.
  NotFound: { code: 'not_found', message: 'There is no such tab API route.' },
  MethodNotAllowed: { code: 'method_not_allowed', message: 'This route does not accept that method.' },
};

function reshapeFrameworkErrors(server: restify.Server): void {
  for (const [eventName, shape] of Object.entries(frameworkErrors)) {
    server.on(
      eventName,
      (
        req: restify.Request,
        _res: restify.Response,
        error: Error & { toJSON?: () => unknown },
        callback: () => void,
      ) => {
        if (req.getPath().startsWith(`${TAB_API_PREFIX}/`)) {
          error.toJSON = () => ({ error: { code: shape.code, message: shape.message, details: {} } });
        }
        callback();
      },
    );
  }
}
