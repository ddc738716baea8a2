import crypto from 'node:crypto';
import type restify from 'restify';
import { ForbiddenError, NotFoundError, toUserFacingError } from '../../src/shared/errors.js';
import type { Logger } from '../../src/shared/logger.js';
import type { SsoTokenValidator } from './sso-token-validator.js';
import type { TabReply, TabRoute } from './tab-route.js';

export const TAB_API_PREFIX = '/api/tab';

export interface TabApiOptions {
  readonly validator: SsoTokenValidator;
  readonly routes: readonly TabRoute[];
  readonly logger: Logger;
}

/**
 * Mounts the tab's JSON API under `/api/tab`: every request's SSO token is validated first (401 otherwise), then
 * the route's handler runs with the caller as the core's Actor. Every error, whatever threw it, answers
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
        const actor = await validator.actorFromAuthorizationHeader(req.header('authorization'));
        const reply = await route.handle({
          actor,
          params: decodeParams(req.params as Record<string, unknown> | undefined),
          query: (req.query as Record<string, unknown> | undefined) ?? {},
          body: (req.body as unknown) ?? {},
          correlationId,
        });
        send(res, reply);
      } catch (thrown) {
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
        res.json(answer.status, {
          error: {
            code: answer.code,
            message: answer.message,
            details: answer.details ?? {},
            correlationId,
          },
        });
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

function send(res: restify.Response, reply: TabReply): void {
  switch (reply.kind) {
    case 'json':
      res.json(reply.status, reply.body);
      return;
    case 'csv':
      res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${reply.fileName.replace(/[^\w.-]/g, '_')}"`,
      });
      // A BOM, so that Excel reads the UTF-8 names right.
      res.end(`\uFEFF${reply.text}`);
      return;
    case 'empty':
      res.send(204);
      return;
  }
}

function decodeParams(params: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params ?? {})) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/** restify's own errors for the tab API (bad JSON, wrong content type, unknown route) in the API's error shape. */
const frameworkErrors: Record<string, { code: string; message: string }> = {
  InvalidContent: { code: 'invalid_body', message: 'The request body is not valid JSON.' },
  UnsupportedMediaType: { code: 'unsupported_media_type', message: 'Send the body as application/json.' },
  PayloadTooLarge: { code: 'body_too_large', message: 'The request body is too large.' },
  RequestEntityTooLarge: { code: 'body_too_large', message: 'The request body is too large.' },
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
          const detail = eventName === 'InvalidContent' ? { reason: error.message } : {};
          error.toJSON = () => ({ error: { code: shape.code, message: shape.message, details: detail } });
        }
        callback();
      },
    );
  }
}
