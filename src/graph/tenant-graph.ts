import crypto from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import { AuthenticationHandler, Client, ResponseType } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { decodeJwt } from 'jose';
import type { Dispatcher } from 'undici';
import { GraphCallScope } from './graph-call-scope.js';
import {
  AuthError,
  DeltaTokenExpiredError,
  GraphRequestError,
  PermissionError,
  type GraphFailureFacts,
} from './graph-errors.js';
import type { GraphCollection, GraphPage } from './graph-types.js';
import { HttpsTransport } from './https-transport.js';
import { RequestTally } from './request-tally.js';
import { ResilienceMiddleware, type RetryPolicy } from './resilience-middleware.js';
import type { Pace, TenantGate } from './tenant-gate.js';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/** Options of one Graph call. */
export interface GraphCallOptions {
  /** Names the call in counters and errors: `users.delta`, `groups.delta`, `organization`, `signIns`… */
  readonly operation: string;
  /** Also charge this tally (a sync run's own counters). */
  readonly tally?: RequestTally;
  /** Space requests of this kind out (the reports tier). */
  readonly pace?: Pace;
  /**
   * A person waits for this call (a *Sync now*, a just-connected client's first sync, a check or an action in the
   * tab, bot or CLI): at the tenant's gate it goes before background requests (scheduled runs, backfills). It still
   * honours Retry-After and pacing. A function is asked at each request: a run of many pages becomes urgent midway
   * when a person starts waiting for it (a *Sync now* joins a scheduled run).
   */
  readonly urgent?: boolean | (() => boolean);
  readonly signal?: AbortSignal;
  readonly headers?: Readonly<Record<string, string>>;
  /** `v1.0` (default) or `beta`; ignored for absolute links, which carry their own. */
  readonly version?: 'v1.0' | 'beta';
  /** The permissions this call needs: a 403 for want of permission names them in a {@link PermissionError}. */
  readonly requiredPermissions?: readonly string[];
}

/** One request inside a JSON batch (a relative URL, as Microsoft requires). */
export interface BatchRequest {
  readonly id: string;
  readonly method: 'GET' | 'PATCH' | 'POST';
  readonly url: string;
  readonly body?: unknown;
}

/** One answer of a JSON batch. */
export interface BatchResponse {
  readonly id: string;
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** What an app-only token says about itself. */
export interface AppTokenClaims {
  readonly tenantId: string | undefined;
  readonly appId: string | undefined;
  /**
   * Application permissions granted (`roles`); empty when the token has none; undefined when the token cannot be
   * read — Microsoft says to treat access tokens as opaque, and not every one is a JWT
   * (https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens).
   */
  readonly roles: readonly string[] | undefined;
  readonly expiresAt: Date | undefined;
}

export interface TenantGraphOptions {
  /** Tenant GUID or verified domain. */
  readonly tenant: string;
  readonly appClientId: string;
  readonly credential: TokenCredential;
  readonly graphBaseUrl: string;
  readonly gate: TenantGate;
  readonly policy: RetryPolicy;
  readonly dispatcher: Dispatcher;
}

/**
 * Microsoft Graph for one tenant and one app: the real graph client with our middleware (gate, retries, typed
 * errors), paging and delta as async iterators. Get one from {@link TenantGraphFactory}; do not build your own.
 */
export class TenantGraph {
  readonly tenant: string;
  readonly appClientId: string;
  /** Lifetime counters of this client, by operation. */
  readonly tally = new RequestTally();
  private readonly credential: TokenCredential;
  private readonly client: Client;

  constructor(options: TenantGraphOptions) {
    this.tenant = options.tenant;
    this.appClientId = options.appClientId;
    this.credential = options.credential;
    const resilience = new ResilienceMiddleware({
      gate: options.gate,
      policy: options.policy,
      tenant: options.tenant,
      appClientId: options.appClientId,
    });
    const authentication = new AuthenticationHandler(
      new TokenCredentialAuthenticationProvider(options.credential, { scopes: [GRAPH_SCOPE] }),
    );
    const transport = new HttpsTransport({
      dispatcher: options.dispatcher,
      timeoutMs: options.policy.timeoutMs,
    });
    resilience.setNext(authentication);
    authentication.setNext(transport);
    this.client = Client.initWithMiddleware({
      middleware: resilience,
      baseUrl: options.graphBaseUrl,
      defaultVersion: 'v1.0',
      // The client only attaches the token for Graph's own hosts and these (host names, without port).
      customHosts: new Set([new URL(options.graphBaseUrl).hostname]),
    });
  }

  /** One GET. @throws {GraphRequestError} {@link AuthError} {@link PermissionError} */
  async get<T>(pathOrUrl: string, options: GraphCallOptions): Promise<T> {
    return this.send<T>(pathOrUrl, options, false);
  }

  /**
   * Every page of a collection, following `@odata.nextLink`. The next page is requested while the caller works
   * on the current one; nothing is collected in memory.
   */
  pages<T>(pathOrUrl: string, options: GraphCallOptions): AsyncGenerator<GraphPage<T>> {
    return this.iterate<T>(pathOrUrl, options, false);
  }

  /**
   * A delta round from its first link (initial query, saved nextLink or deltaLink): yields each page with its
   * `nextLink`, the last one with the `deltaLink` that starts the next round.
   * @throws {DeltaTokenExpiredError} when Graph no longer knows the token: start a full round.
   */
  delta<T>(link: string, options: GraphCallOptions): AsyncGenerator<GraphPage<T>> {
    return this.iterate<T>(link, options, true);
  }

  /**
   * One JSON batch: `POST /$batch` with up to 20 requests, answered one by one (each its own status, headers and
   * body; the batch itself is 200 even when items fail or are throttled)
   * (https://learn.microsoft.com/en-us/graph/json-batching). The caller reads each item's status and honours an
   * item's own `Retry-After` (https://learn.microsoft.com/en-us/graph/throttling).
   * @throws {GraphRequestError} {@link AuthError} when the batch as a whole fails
   */
  async batch(requests: readonly BatchRequest[], options: GraphCallOptions): Promise<BatchResponse[]> {
    const answer = await this.send<{ responses?: BatchResponse[] }>('/$batch', options, false, {
      requests: requests.map((r) => ({
        id: r.id,
        method: r.method,
        url: r.url,
        ...(r.body === undefined ? {} : { body: r.body, headers: { 'Content-Type': 'application/json' } }),
      })),
    });
    return answer.responses ?? [];
  }

  /** The claims of a fresh-enough app-only token (roles = granted application permissions). @throws {AuthError} */
  async tokenClaims(): Promise<AppTokenClaims> {
    let token: string;
    try {
      const accessToken = await this.credential.getToken(GRAPH_SCOPE);
      if (accessToken === null) throw new Error('The credential returned no token.');
      token = accessToken.token;
    } catch (error) {
      throw AuthError.fromCredentialError(error, { tenant: this.tenant, appClientId: this.appClientId });
    }
    let claims: ReturnType<typeof decodeJwt>;
    try {
      claims = decodeJwt(token);
    } catch {
      return { tenantId: undefined, appId: undefined, roles: undefined, expiresAt: undefined };
    }
    const roles = Array.isArray(claims.roles)
      ? claims.roles.filter((r): r is string => typeof r === 'string')
      : [];
    return {
      tenantId: typeof claims.tid === 'string' ? claims.tid : undefined,
      appId:
        typeof claims.appid === 'string'
          ? claims.appid
          : typeof claims.azp === 'string'
            ? claims.azp
            : undefined,
      roles,
      expiresAt: claims.exp === undefined ? undefined : new Date(claims.exp * 1000),
    };
  }

  /**
   * The app roles granted to our service principal in this tenant, as the directory records them: the app role ids
   * of `GET /servicePrincipals(appId='{clientId}')/appRoleAssignments`
   * (https://learn.microsoft.com/en-us/graph/api/serviceprincipal-list-approleassignments). For when the token
   * cannot be read. Needs Application.Read.All or Directory.Read.All. @throws GraphRequestError, PermissionError
   */
  async appRoleIdsFromDirectory(
    options: Pick<GraphCallOptions, 'tally' | 'signal' | 'urgent'> = {},
  ): Promise<string[]> {
    const sp = await this.get<{ id: string }>(
      `/servicePrincipals(appId='${encodeURIComponent(this.appClientId)}')?$select=id`,
      { ...options, operation: 'servicePrincipal', requiredPermissions: ['Directory.Read.All'] },
    );
    const ids: string[] = [];
    for await (const page of this.pages<{ appRoleId?: string }>(
      `/servicePrincipals/${encodeURIComponent(sp.id)}/appRoleAssignments`,
      { ...options, operation: 'appRoleAssignments', requiredPermissions: ['Directory.Read.All'] },
    )) {
      for (const assignment of page.value)
        if (typeof assignment.appRoleId === 'string') ids.push(assignment.appRoleId.toLowerCase());
    }
    return ids;
  }

  private async *iterate<T>(
    start: string,
    options: GraphCallOptions,
    delta: boolean,
  ): AsyncGenerator<GraphPage<T>> {
    // Our own signal for the prefetched request, so a caller that stops early does not leave one running.
    const stop = new AbortController();
    const signal =
      options.signal === undefined ? stop.signal : AbortSignal.any([stop.signal, options.signal]);
    const callOptions = { ...options, signal };
    const fetchPage = (link: string): Promise<GraphCollection<T>> => {
      const promise = this.send<GraphCollection<T>>(link, callOptions, delta);
      promise.catch(() => undefined); // observed below; this only keeps an abandoned prefetch from being "unhandled"
      return promise;
    };
    let pending: Promise<GraphCollection<T>> | undefined = fetchPage(start);
    try {
      while (pending !== undefined) {
        const page: GraphCollection<T> = await pending;
        const nextLink: string | undefined = page['@odata.nextLink'];
        pending = nextLink === undefined ? undefined : fetchPage(nextLink);
        // Let the prefetch reach the wire before the caller works on this page: a caller writing to SQLite runs
        // synchronously (microtasks only) and would otherwise hold the request back until it is done.
        if (pending !== undefined) await untilSent(callOptions.signal);
        yield { value: page.value, nextLink, deltaLink: page['@odata.deltaLink'] };
      }
    } finally {
      if (pending !== undefined) stop.abort();
    }
  }

  private async send<T>(
    pathOrUrl: string,
    options: GraphCallOptions,
    delta: boolean,
    postBody?: unknown,
  ): Promise<T> {
    const scope = new GraphCallScope(
      options.operation,
      options.tally === undefined ? [this.tally] : [this.tally, options.tally],
      options.pace,
      options.signal,
      typeof options.urgent === 'function' ? options.urgent() : options.urgent === true,
    );
    let request = this.client
      .api(pathOrUrl)
      .responseType(ResponseType.RAW)
      .middlewareOptions([scope])
      .header('client-request-id', crypto.randomUUID());
    if (options.version !== undefined && !pathOrUrl.startsWith('https://'))
      request = request.version(options.version);
    if (options.headers !== undefined) request = request.headers({ ...options.headers });
    let response: Response;
    try {
      response = (postBody === undefined ? await request.get() : await request.post(postBody)) as Response;
    } catch (error) {
      throw scope.failure ?? error;
    }
    if (response.ok) return (await response.json()) as T;
    throw await this.failureOf(response, options, delta);
  }

  private async failureOf(response: Response, options: GraphCallOptions, delta: boolean): Promise<Error> {
    const body = await response.text().catch(() => '');
    const envelope = parseEnvelope(body);
    const facts: GraphFailureFacts = {
      status: response.status,
      graphCode: envelope.code,
      graphMessage: envelope.message,
      requestId: envelope.requestId ?? response.headers.get('request-id') ?? undefined,
      operation: options.operation,
    };
    if (
      delta &&
      (response.status === 410 ||
        facts.graphCode === 'syncStateNotFound' ||
        facts.graphCode === 'resyncRequired' ||
        (response.status === 400 && /syncStateNotFound|resyncRequired|delta token/i.test(body)))
    ) {
      return new DeltaTokenExpiredError(facts);
    }
    if (response.status === 403 && isPermissionDenial(facts.graphCode)) {
      const named =
        facts.graphCode === 'Authentication_MSGraphPermissionMissing'
          ? permissionsNamedIn(facts.graphMessage)
          : [];
      const missing = named.length > 0 ? named : (options.requiredPermissions ?? []);
      if (missing.length > 0) return new PermissionError(missing, { requestId: facts.requestId });
    }
    return new GraphRequestError(facts);
  }
}

/** A few turns of the event loop: enough for the graph client's middleware to hand a request to the socket. */
async function untilSent(signal: AbortSignal): Promise<void> {
  for (let turn = 0; turn < 3 && !signal.aborted; turn++) {
    await new Promise<void>((resolve) => {
      setImmediate(resolve);
    });
  }
}

function isPermissionDenial(code: string | undefined): boolean {
  return (
    code === 'Authorization_RequestDenied' ||
    code === 'Authentication_MSGraphPermissionMissing' ||
    code === 'Forbidden' ||
    code === 'accessDenied'
  );
}

/** "Calling principal does not have required MSGraph permissions AuditLog.Read.All" → [AuditLog.Read.All]. */
function permissionsNamedIn(message: string | undefined): string[] {
  if (message === undefined || !/permission/i.test(message)) return [];
  return [...new Set(message.match(/\b[A-Z][A-Za-z]+\.[A-Z][A-Za-z]+(?:\.[A-Z][A-Za-z]+)?\b/g) ?? [])].filter(
    (name) => name !== 'MSGraph',
  );
}

function parseEnvelope(body: string): { code?: string; message?: string; requestId?: string } {
  try {
    const parsed = JSON.parse(body) as {
      error?: { code?: unknown; message?: unknown; innerError?: Record<string, unknown> };
    };
    const error = parsed.error;
    if (error === undefined || typeof error !== 'object') return {};
    const requestId = error.innerError?.['request-id'];
    return {
      ...(typeof error.code === 'string' ? { code: error.code } : {}),
      ...(typeof error.message === 'string' ? { message: error.message } : {}),
      ...(typeof requestId === 'string' ? { requestId } : {}),
    };
  } catch {
    return {};
  }
}
