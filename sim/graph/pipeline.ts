/**
 * The Graph request pipeline: bearer-token check, request counting and the Retry-After ledger, latency and faults,
 * realistic throttling per app+tenant, routing, and the response in Graph's shape (request ids in headers and in
 * error bodies). `$batch` sub-requests go through the same steps except faults and latency.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { retryAfterHeader, type FaultAction, type Faults } from '../faults.js';
import { readBody, send, sendJson, sleep } from '../http-utils.js';
import type { Stats } from '../stats.js';
import type { TenantRegistry } from '../tenant-registry.js';
import type { TenantState } from '../tenant-state.js';
import { resourceUnitCost, type RealisticThrottling, type ThrottleTier } from '../throttling.js';
import { TokenRejectedError, type TokenService } from '../token-service.js';
import type { SimLogger } from '../types.js';
import { runBatch, type BatchItem } from './batch.js';
import type { Caller, GraphRequest, GraphResponse, GraphSettings } from './context.js';
import type { GraphVersion } from './entities.js';
import { badRequest, errorBody, GraphHttpError, notPremium, unauthenticated } from './errors.js';
import { filterPaths, parseQuery, type ODataQuery } from './odata-query.js';
import { enforceQueryOptions } from './query-options.js';
import { matchGraphRoute, type GraphRoute } from './router.js';

export interface GraphPipelineDeps {
  readonly registry: TenantRegistry;
  readonly tokens: TokenService;
  readonly faults: Faults;
  readonly stats: Stats;
  readonly throttling: RealisticThrottling;
  readonly settings: GraphSettings;
  /** Simulated now. */
  now(): Date;
  /** Wall-clock ms, sub-ms precision. */
  preciseNow(): number;
  readonly latencyMs: number;
  readonly logger?: SimLogger | undefined;
}

/** Per-request facts the server has already worked out. */
export interface IncomingGraphCall {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly segments: readonly string[];
  readonly pathname: string;
  readonly search: URLSearchParams;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly arrivedAtMs: number;
  readonly baseUrl: string;
  readonly requestId: string;
  readonly clientRequestId: string;
}

const JSON_CONTENT_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const DIAGNOSTIC = JSON.stringify({
  ServerInfo: {
    DataCenter: 'Simulator',
    Slice: 'E',
    Ring: '1',
    ScaleUnit: '000',
    RoleInstance: 'SIM0',
    ADSiteName: 'SIM',
  },
});

export class GraphPipeline {
  constructor(private readonly deps: GraphPipelineDeps) {}

  async handle(call: IncomingGraphCall): Promise<void> {
    const { deps } = this;
    const method = call.req.method ?? 'GET';
    const version = call.segments[0] as GraphVersion;
    const rest = call.segments.slice(1);
    const auth = await this.authenticate(call.headers.authorization);
    const tenant = 'caller' in auth ? auth.tenant : undefined;
    let route: GraphRoute | undefined;
    let routeError: unknown;
    try {
      route = matchGraphRoute(method, rest);
    } catch (error) {
      routeError = error;
    }
    const endpoint = `${method} /${version}${route?.endpoint ?? '/(unknown)'}`;
    deps.stats.countRequest(endpoint, tenant?.tenantId, call.headers['retry-attempt'] !== undefined);
    deps.stats.recordRequest(endpoint, call.search);
    const ledgerKey = 'caller' in auth ? `graph|${auth.caller.appId}|${auth.caller.tenantId}` : undefined;
    if (ledgerKey !== undefined && 'caller' in auth) {
      deps.stats.checkArrival(ledgerKey, call.arrivedAtMs, {
        tenantId: auth.caller.tenantId,
        appId: auth.caller.appId,
        method,
        path: call.pathname,
      });
    }

    const decision = deps.faults.decide('graph', call.pathname, tenant?.tenantId);
    await sleep(deps.latencyMs + decision.latencyMs);
    if (decision.action) {
      this.applyFault(call, decision.action, ledgerKey);
      return;
    }
    try {
      if ('error' in auth) throw auth.error;
      if (routeError !== undefined || !route) throw routeError;
      const query = parseQuery(call.search);
      if (route.batch) enforceQueryOptions(route.endpoint, query, call.pathname);
      // A write carries a JSON body (PATCH a user, POST an action); reads have none.
      const body = route.batch || method === 'GET' ? undefined : await readJsonBody(call);
      const response = route.batch
        ? await this.batch(call, version, auth.caller, auth.tenant)
        : this.runRoute(
            route,
            this.request(
              call,
              version,
              method,
              rest,
              query,
              auth.caller,
              auth.tenant,
              body === undefined ? undefined : { headers: call.headers, body: body.value },
            ),
          );
      this.write(call, response, ledgerKey);
    } catch (error) {
      this.writeError(call, error, ledgerKey);
    }
  }

  private async authenticate(
    authorization: string | undefined,
  ): Promise<{ caller: Caller; tenant: TenantState } | { error: GraphHttpError }> {
    const match = authorization === undefined ? null : /^Bearer\s+(\S+)$/i.exec(authorization);
    const token = match?.[1];
    if (token === undefined) return { error: unauthenticated('Access token is empty.') };
    try {
      const verified = await this.deps.tokens.verifyGraphToken(token);
      const tenant = this.deps.registry.resolve(verified.tenantId);
      if (!tenant) return { error: unauthenticated('Access token validation failure. Invalid tenant.') };
      return { caller: verified, tenant };
    } catch (error) {
      if (error instanceof TokenRejectedError) return { error: unauthenticated(error.message) };
      throw error;
    }
  }

  private request(
    call: IncomingGraphCall,
    version: GraphVersion,
    method: string,
    segments: readonly string[],
    query: ODataQuery,
    caller: Caller,
    tenant: TenantState,
    override: { headers: Readonly<Record<string, string | undefined>>; body: unknown } | undefined,
  ): GraphRequest {
    return {
      version,
      method,
      segments,
      query,
      headers: override?.headers ?? call.headers,
      body: override?.body,
      tenant,
      caller,
      baseUrl: call.baseUrl,
      now: this.deps.now(),
      settings: this.deps.settings,
    };
  }

  /** The endpoint's query options (query-options.ts), realistic throttling, then the handler. */
  private runRoute(route: GraphRoute, request: GraphRequest): GraphResponse {
    enforceQueryOptions(route.endpoint, request.query, `/${request.segments.join('/')}`);
    const { tier, signInActivity } = tierOf(route, request.query);
    const endpoint = `${request.method} /${request.version}${route.endpoint}`;
    const verdict = this.deps.throttling.check({
      appId: request.caller.appId,
      tenantId: request.caller.tenantId,
      tier,
      resourceUnits: resourceUnitCost(endpoint, {
        select: request.query.select !== undefined,
        expand: request.query.options.has('$expand'),
        top: request.query.top,
      }),
      signInActivity,
      tenantUsers: request.tenant.userCount,
      nowMs: this.deps.preciseNow(),
      write: request.method !== 'GET',
    });
    if (verdict.retryAfterSeconds !== undefined) {
      throw new GraphHttpError(
        429,
        'TooManyRequests',
        'Please retry again later.',
        {
          'Retry-After': verdict.retryAfterSeconds.toString(),
          ...(verdict.scope ? { 'x-ms-throttle-scope': verdict.scope } : {}),
          ...(tier === 'identity' ? { 'x-ms-throttle-information': 'ResourceUnitLimitExceeded' } : {}),
        },
        { code: '429', message: 'Please retry after', status: '429' },
      );
    }
    const response = route.run(request);
    if (tier !== 'identity') return response;
    return {
      ...response,
      headers: { ...response.headers, 'x-ms-resource-unit': verdict.resourceUnits.toString() },
    };
  }

  private async batch(
    call: IncomingGraphCall,
    version: GraphVersion,
    caller: Caller,
    tenant: TenantState,
  ): Promise<GraphResponse> {
    let payload: unknown;
    try {
      payload = JSON.parse(await readBody(call.req)) as unknown;
    } catch {
      throw badRequest('Invalid batch payload format.', 'BadRequest');
    }
    return runBatch(payload, (item) => Promise.resolve(this.batchItem(call, version, caller, tenant, item)));
  }

  private batchItem(
    call: IncomingGraphCall,
    version: GraphVersion,
    caller: Caller,
    tenant: TenantState,
    item: BatchItem,
  ): GraphResponse {
    const clientRequestId = item.headers['client-request-id'] ?? call.clientRequestId;
    try {
      if (/^https?:/i.test(item.url)) throw badRequest('Batch request urls must be relative.', 'BadRequest');
      const url = new URL(item.url.startsWith('/') ? item.url : `/${item.url}`, 'https://batch.invalid');
      const segments = url.pathname
        .split('/')
        .filter((s) => s !== '')
        .map((s) => decodeURIComponent(s));
      if (segments[0] === '$batch') throw badRequest('A batch cannot contain another batch.', 'BadRequest');
      const route = matchGraphRoute(item.method, segments);
      this.deps.stats.countRequest(`${item.method} /${version}${route.endpoint}`, tenant.tenantId, false);
      const query = parseQuery(url.searchParams);
      const request = this.request(call, version, item.method, segments, query, caller, tenant, {
        headers: item.headers,
        body: item.body,
      });
      const response = this.runRoute(route, request);
      return {
        status: response.status,
        headers: { 'Content-Type': JSON_CONTENT_TYPE, ...response.headers },
        body: response.body,
      };
    } catch (error) {
      const graphError = toGraphError(error);
      if (graphError.status === 429)
        this.recordRetryAfter(`graph|${caller.appId}|${caller.tenantId}`, graphError.headers);
      return {
        status: graphError.status,
        headers: { 'Content-Type': 'application/json', ...graphError.headers },
        body: errorBody(graphError, call.requestId, clientRequestId, this.deps.now()),
      };
    }
  }

  private applyFault(call: IncomingGraphCall, action: FaultAction, ledgerKey: string | undefined): void {
    if (action.kind === 'reset') {
      call.req.socket.destroy();
      return;
    }
    if (action.kind === 'licenceRefusal') {
      this.writeError(call, notPremium(), ledgerKey);
      return;
    }
    if (action.kind === 'recorded') {
      const body = JSON.parse(
        JSON.stringify(action.body).replaceAll('https://graph.microsoft.com/', `${call.baseUrl}/`),
      ) as unknown;
      this.write(call, { status: action.status, body }, ledgerKey);
      return;
    }
    const retryAfter = retryAfterHeader(action.retryAfter, this.deps.preciseNow());
    const headers: Record<string, string> = retryAfter ? { 'Retry-After': retryAfter.value } : {};
    const error =
      action.kind === 'throttle'
        ? new GraphHttpError(429, 'TooManyRequests', 'Please retry again later.', headers, {
            code: '429',
            message: 'Please retry after',
            status: '429',
          })
        : serverError(action.status, headers);
    this.writeError(call, error, ledgerKey);
  }

  private write(call: IncomingGraphCall, response: GraphResponse, ledgerKey: string | undefined): void {
    if (response.status === 429 || response.status === 503)
      this.recordRetryAfter(ledgerKey, response.headers ?? {});
    if (typeof response.body === 'string' || response.body === undefined) {
      send(
        call.res,
        response.status,
        { ...this.commonHeaders(call, 'text/plain'), ...response.headers },
        response.body ?? '',
      );
      return;
    }
    sendJson(
      call.res,
      response.status,
      { ...this.commonHeaders(call, JSON_CONTENT_TYPE), ...response.headers },
      response.body,
    );
  }

  private writeError(call: IncomingGraphCall, error: unknown, ledgerKey: string | undefined): void {
    const graphError = toGraphError(error);
    if (!(error instanceof GraphHttpError)) {
      this.deps.logger?.warn('simulator error while serving Graph', {
        path: call.pathname,
        error: graphError.message,
      });
    }
    const body = JSON.stringify(errorBody(graphError, call.requestId, call.clientRequestId, this.deps.now()));
    if (graphError.status === 429 || graphError.status === 503)
      this.recordRetryAfter(ledgerKey, graphError.headers);
    if (graphError.status === 429) this.deps.stats.countThrottled();
    send(
      call.res,
      graphError.status,
      { ...this.commonHeaders(call, 'application/json'), ...graphError.headers },
      body,
    );
  }

  private recordRetryAfter(ledgerKey: string | undefined, headers: Readonly<Record<string, string>>): void {
    const value = headers['Retry-After'];
    if (ledgerKey === undefined || value === undefined) return;
    const nowMs = this.deps.preciseNow();
    const seconds = Number(value);
    const notBeforeMs = Number.isNaN(seconds) ? Date.parse(value) : nowMs + seconds * 1000;
    if (!Number.isNaN(notBeforeMs)) this.deps.stats.recordRetryAfter(ledgerKey, nowMs, notBeforeMs);
  }

  private commonHeaders(call: IncomingGraphCall, contentType: string): Record<string, string> {
    return {
      'Content-Type': contentType,
      'Cache-Control': 'no-cache',
      'Strict-Transport-Security': 'max-age=31536000',
      'request-id': call.requestId,
      'client-request-id': call.clientRequestId,
      'x-ms-ags-diagnostic': DIAGNOSTIC,
    };
  }
}

function tierOf(route: GraphRoute, query: ODataQuery): { tier: ThrottleTier; signInActivity: boolean } {
  if (route.endpoint === '/users' || route.endpoint === '/users/{id}') {
    const selected = query.select?.some((name) => name.toLowerCase() === 'signinactivity') ?? false;
    const filtered = query.filter
      ? filterPaths(query.filter).some((path) => path.startsWith('signinactivity'))
      : false;
    if (selected || filtered) return { tier: 'reports', signInActivity: true };
  }
  return { tier: route.tier, signInActivity: false };
}

function serverError(status: number, headers: Record<string, string>): GraphHttpError {
  switch (status) {
    case 500:
      return new GraphHttpError(500, 'generalException', 'General exception while processing.', headers);
    case 502:
      return new GraphHttpError(
        502,
        'badGateway',
        'The server received an invalid response from an upstream server.',
        headers,
      );
    case 504:
      return new GraphHttpError(504, 'gatewayTimeout', 'The operation timed out.', headers);
    default:
      return new GraphHttpError(
        status,
        'serviceNotAvailable',
        'The service is temporarily unavailable. Please retry later.',
        headers,
      );
  }
}

/** Any thrown value as a Graph error; unexpected ones become 500 with their message (a simulator bug). */
export function toGraphError(error: unknown): GraphHttpError {
  if (error instanceof GraphHttpError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new GraphHttpError(500, 'generalException', `Simulator error: ${message}`);
}

/** The JSON body of a write; an empty body is `{ value: undefined }`; malformed JSON is Graph's 400. */
async function readJsonBody(call: IncomingGraphCall): Promise<{ value: unknown }> {
  const text = await readBody(call.req);
  if (text.trim() === '') return { value: undefined };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    throw badRequest(
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
      'BadRequest',
    );
  }
}
