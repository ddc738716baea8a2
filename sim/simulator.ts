import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleControl } from './control-api.js';
import { Faults } from './faults.js';
import type { GraphSettings } from './graph/context.js';
import { TokenCodec } from './graph/paging.js';
import { GraphPipeline } from './graph/pipeline.js';
import { flatHeaders, isLoopback, pathSegments, preciseNowMs, readBody, send } from './http-utils.js';
import { IdentityPipeline } from './identity-pipeline.js';
import { loadOrCreateSigningKey } from './signing-key.js';
import { Stats } from './stats.js';
import { TenantRegistry } from './tenant-registry.js';
import type { TenantState } from './tenant-state.js';
import { RealisticThrottling } from './throttling.js';
import { loadOrCreateTls } from './tls.js';
import { TokenService } from './token-service.js';
import type {
  AdminConsentDecision,
  MultiTenantAppSpec,
  SimTenant,
  Simulator,
  SimulatorOptions,
  TenantSpec,
  UserTokenClaims,
} from './types.js';

const DAY_MS = 86_400_000;

/**
 * Starts an HTTPS server that plays Entra ID (token, OpenID configuration, JWKS, admin consent) and Microsoft Graph
 * (v1.0 and beta) for the tenants given, plus the loopback-only control API. TLS material and the signing key are
 * created in `dataDir` on first start and reused after. Resolves once the server listens.
 */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const [tls, signingKey] = await Promise.all([
    loadOrCreateTls(options.dataDir),
    loadOrCreateSigningKey(options.dataDir),
  ]);
  const simulator = new RunningSimulator(
    options,
    tls.caCertPath,
    tls.caCertPem,
    new TokenService(signingKey),
  );
  for (const spec of options.tenants ?? []) simulator.addTenant(spec);
  const server = createServer({ key: tls.serverKeyPem, cert: tls.serverCertPem }, (req, res) => {
    simulator.handle(req, res).catch((error: unknown) => {
      options.logger?.warn('simulator request failed', { error: String(error) });
      send(res, 500, { 'Content-Type': 'text/plain' }, 'Simulator error');
    });
  });
  server.keepAliveTimeout = 10_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  simulator.attach(server, host);
  options.logger?.info('simulator listening', {
    url: simulator.graphBaseUrl,
    tenants: simulator.tenants().length,
  });
  return simulator;
}

class RunningSimulator implements Simulator {
  adminConsentDecision: AdminConsentDecision = 'granted';
  readonly faults: Faults;
  readonly stats = new Stats();
  private readonly registry: TenantRegistry;
  private readonly throttling = new RealisticThrottling();
  private readonly graph: GraphPipeline;
  private readonly identity: IdentityPipeline;
  private sharedApp: MultiTenantAppSpec | undefined;
  private clockOffsetMs = 0;
  private server: Server | undefined;
  private origin = '';
  private listenPort = 0;

  constructor(
    private readonly options: SimulatorOptions,
    readonly caCertPath: string,
    readonly caCertPem: string,
    private readonly tokens: TokenService,
  ) {
    this.registry = new TenantRegistry(() => this.now());
    this.faults = new Faults(options.faultSeed ?? 1, this.throttling, (tenantId) => {
      const targets = tenantId === undefined ? this.registry.all() : [this.registry.require(tenantId)];
      for (const tenant of targets) tenant.expireDeltaTokens();
    });
    this.faults.consentPropagationMs = options.consentPropagationMs ?? 0;
    if (options.realisticThrottling === true) this.faults.setRealisticThrottling(true);
    this.sharedApp = options.multiTenantApp;
    const settings: GraphSettings = {
      signInActivityMaxTop: options.signInActivityMaxTop ?? 500,
      deltaPageSize: options.deltaPageSize ?? 200,
      deltaMembersPerPage: options.deltaMembersPerPage ?? 1000,
      deltaTokenLifetimeMs: options.deltaTokenLifetimeMs ?? 7 * DAY_MS,
      deltaExpiryMode: () => this.faults.deltaExpiryMode,
      deltaReplay: () => this.faults.deltaReplay,
      codec: new TokenCodec(randomBytes(32)),
    };
    const latencyMs = options.latencyMs ?? 0;
    this.graph = new GraphPipeline({
      registry: this.registry,
      tokens,
      faults: this.faults,
      stats: this.stats,
      throttling: this.throttling,
      settings,
      now: () => this.now(),
      preciseNow: preciseNowMs,
      latencyMs,
      logger: options.logger,
    });
    this.identity = new IdentityPipeline({
      registry: this.registry,
      faults: this.faults,
      stats: this.stats,
      latencyMs,
      preciseNow: preciseNowMs,
      logger: options.logger,
      identity: {
        resolveTenant: (name) => this.registry.resolve(name),
        defaultTenant: () => this.registry.all()[0],
        multiTenantApp: () => this.sharedApp,
        adminConsentDecision: () => this.adminConsentDecision,
        opaqueAppTokens: () => this.faults.opaqueAppTokens,
        consentPropagationMs: () => this.faults.consentPropagationMs,
        tokens,
        now: () => this.now(),
      },
    });
  }

  get authorityHost(): string {
    return this.origin;
  }

  get graphBaseUrl(): string {
    return this.origin;
  }

  get graphHostName(): string {
    return new URL(this.origin).hostname;
  }

  get port(): number {
    return this.listenPort;
  }

  get controlUrl(): string {
    return `${this.origin}/_control`;
  }

  attach(server: Server, host: string): void {
    this.server = server;
    this.listenPort = (server.address() as AddressInfo).port;
    // The certificate names localhost and 127.0.0.1; clients must use one of those names.
    const name = ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost'].includes(host) ? 'localhost' : host;
    this.origin = `https://${name}:${this.listenPort.toString()}`;
  }

  addTenant(spec: TenantSpec): SimTenant {
    return this.registry.add(spec);
  }

  tenant(tenantIdOrDomain: string): SimTenant {
    return this.registry.require(tenantIdOrDomain);
  }

  tenants(): readonly SimTenant[] {
    return this.registry.all();
  }

  registerMultiTenantApp(app: MultiTenantAppSpec): void {
    this.sharedApp = app;
  }

  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  now(): Date {
    const base = this.options.now ? this.options.now().getTime() : Date.now();
    return new Date(base + this.clockOffsetMs);
  }

  issueUserToken(claims: UserTokenClaims): Promise<string> {
    return this.tokens.issueUserToken(claims, this.origin);
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
      server.closeAllConnections();
    });
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivedAtMs = preciseNowMs();
    const url = new URL(req.url ?? '/', 'https://simulator.invalid');
    const segments = pathSegments(url.pathname);
    if (!segments) {
      send(res, 400, { 'Content-Type': 'text/plain' }, 'Bad path encoding');
      return;
    }
    const headers = flatHeaders(req);
    const baseUrl = `https://${headers.host ?? new URL(this.origin).host}`;
    const first = segments[0];

    if (first === '_control') {
      if (!isLoopback(req.socket.remoteAddress)) {
        send(
          res,
          403,
          { 'Content-Type': 'application/json' },
          JSON.stringify({ error: { message: 'loopback only' } }),
        );
        return;
      }
      await handleControl(res, req.method ?? 'GET', segments.slice(1), await readBody(req), {
        simulator: this,
        faults: this.faults,
        resolveTenant: (id) => this.registry.resolve(id),
        requireTenant: (id) => this.registry.require(id),
      });
      return;
    }
    if (first === 'v1.0' || first === 'beta') {
      const requestId = randomUUID();
      await this.graph.handle({
        req,
        res,
        segments,
        pathname: url.pathname,
        search: url.searchParams,
        headers,
        arrivedAtMs,
        baseUrl,
        requestId,
        clientRequestId: headers['client-request-id'] ?? requestId,
      });
      return;
    }
    await this.identity.handle({
      req,
      res,
      segments,
      pathname: url.pathname,
      search: url.searchParams,
      headers,
      arrivedAtMs,
      baseUrl,
    });
  }

  /** Internal: a tenant with its simulator-only API. */
  tenantState(idOrDomain: string): TenantState {
    return this.registry.require(idOrDomain);
  }
}
