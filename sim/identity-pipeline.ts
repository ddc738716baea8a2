import type { IncomingMessage, ServerResponse } from 'node:http';
import { retryAfterHeader, type Faults } from './faults.js';
import { readBody, send, sleep } from './http-utils.js';
import { matchIdentityRoute, type IdentityDeps } from './identity-routes.js';
import type { Stats } from './stats.js';
import type { TenantRegistry } from './tenant-registry.js';
import type { SimLogger } from './types.js';

export interface IdentityPipelineDeps {
  readonly registry: TenantRegistry;
  readonly faults: Faults;
  readonly stats: Stats;
  readonly identity: IdentityDeps;
  readonly latencyMs: number;
  preciseNow(): number;
  readonly logger?: SimLogger | undefined;
}

export interface IncomingIdentityCall {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly segments: readonly string[];
  readonly pathname: string;
  readonly search: URLSearchParams;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly arrivedAtMs: number;
  readonly baseUrl: string;
}

/**
 * Identity endpoints with the same counting, ledger, latency and faults as Graph. The ledger key is the client id
 * from the token request and the tenant, kept apart from Graph's so a token refresh during a Graph back-off is fine.
 */
export class IdentityPipeline {
  constructor(private readonly deps: IdentityPipelineDeps) {}

  async handle(call: IncomingIdentityCall): Promise<void> {
    const { deps } = this;
    const method = call.req.method ?? 'GET';
    const route = matchIdentityRoute(method, call.segments);
    const tenantName = call.segments[0] ?? '';
    const tenantId = deps.registry.resolve(tenantName)?.tenantId;
    const endpoint = route?.endpoint ?? `${method} /(unknown)`;
    deps.stats.countRequest(endpoint, tenantId ?? tenantName, false);
    const body = method === 'POST' ? await readBody(call.req) : '';
    deps.stats.recordRequest(endpoint, method === 'POST' ? new URLSearchParams(body) : call.search);
    const clientId = new URLSearchParams(body).get('client_id')?.toLowerCase();
    const ledgerKey =
      clientId !== undefined && tenantId !== undefined ? `identity|${clientId}|${tenantId}` : undefined;
    if (ledgerKey !== undefined && tenantId !== undefined && clientId !== undefined) {
      deps.stats.checkArrival(ledgerKey, call.arrivedAtMs, {
        tenantId,
        appId: clientId,
        method,
        path: call.pathname,
      });
    }

    const decision = deps.faults.decide('identity', call.pathname, tenantId);
    await sleep(deps.latencyMs + decision.latencyMs);
    const action = decision.action;
    if (action?.kind === 'reset') {
      call.req.socket.destroy();
      return;
    }
    // (Licence refusals and recorded answers only ever match Graph paths.)
    if (action && action.kind !== 'licenceRefusal' && action.kind !== 'recorded') {
      const nowMs = deps.preciseNow();
      const retryAfter = retryAfterHeader(action.retryAfter, nowMs);
      const status = action.kind === 'throttle' ? 429 : action.status;
      if (retryAfter && ledgerKey !== undefined)
        deps.stats.recordRetryAfter(ledgerKey, nowMs, retryAfter.notBeforeMs);
      if (status === 429) deps.stats.countThrottled();
      send(
        call.res,
        status,
        {
          'Content-Type': 'application/json; charset=utf-8',
          ...(retryAfter ? { 'Retry-After': retryAfter.value } : {}),
        },
        JSON.stringify({
          error: 'temporarily_unavailable',
          error_description: `AADSTS90077: The service is temporarily unavailable (HTTP ${status.toString()}).`,
          error_codes: [90077],
        }),
      );
      return;
    }
    if (!route) {
      send(call.res, 404, { 'Content-Type': 'text/plain' }, 'Not Found');
      return;
    }
    try {
      const response = await route.run(
        {
          method,
          segments: call.segments,
          search: call.search,
          headers: call.headers,
          body,
          baseUrl: call.baseUrl,
        },
        deps.identity,
      );
      send(call.res, response.status, response.headers, response.body);
    } catch (error) {
      deps.logger?.warn('simulator error while serving identity', {
        path: call.pathname,
        error: String(error),
      });
      send(call.res, 500, { 'Content-Type': 'text/plain' }, 'Simulator error');
    }
  }
}
