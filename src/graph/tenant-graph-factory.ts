import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { Agent } from 'undici';
import { AppError } from '../shared/errors.js';
import { defaultRetryPolicy, type RetryPolicy } from './resilience-middleware.js';
import { TenantGate } from './tenant-gate.js';
import { TenantGraph } from './tenant-graph.js';
import { TlsTrust } from './tls-trust.js';

/** Where Entra ID and Graph are (Microsoft's, or the simulator's) and which extra CA to trust for them. */
export interface GraphEndpoints {
  readonly authorityHost: string;
  readonly graphBaseUrl: string;
  /** PEM of an extra certificate authority (the simulator's), trusted on top of the public ones. */
  readonly trustedCaPem?: string | undefined;
}

/** Reads the configured endpoints, loading the extra CA file if one is set. */
export function graphEndpointsFromConfig(graph: {
  readonly authorityHost: string;
  readonly graphBaseUrl: string;
  readonly trustedCaPath: string | undefined;
}): GraphEndpoints {
  return {
    authorityHost: graph.authorityHost,
    graphBaseUrl: graph.graphBaseUrl,
    trustedCaPem:
      graph.trustedCaPath === undefined ? undefined : fs.readFileSync(graph.trustedCaPath, 'utf8'),
  };
}

/** Where demo mode's server records the simulator it runs, for the admin CLI (`<DATA_DIR>/demo-endpoints.json`). */
export function demoEndpointsFile(dataDir: string): string {
  return path.join(dataDir, 'demo-endpoints.json');
}

/**
 * Demo mode outside the server (the admin CLI): the simulator the running server started, as it recorded it. When
 * there is none (the server never ran), Graph calls fail with "Entra ID could not be reached".
 */
export function demoGraphEndpoints(config: {
  readonly dataDir: string;
  readonly demo: { readonly simPort: number };
}): GraphEndpoints {
  try {
    const recorded = JSON.parse(fs.readFileSync(demoEndpointsFile(config.dataDir), 'utf8')) as {
      authorityHost: string;
      graphBaseUrl: string;
      caCertPath: string;
    };
    return {
      authorityHost: recorded.authorityHost,
      graphBaseUrl: recorded.graphBaseUrl,
      trustedCaPem: fs.readFileSync(recorded.caCertPath, 'utf8'),
    };
  } catch {
    const host = `https://localhost:${config.demo.simPort}`;
    return { authorityHost: host, graphBaseUrl: host };
  }
}

/** Our multi-tenant app's id in demo mode (the simulator registers it). */
export const DEMO_CONSENT_APP_ID = '5d3c6f1a-7b2e-4c19-8a4d-2f6e9b0c1d7e';

/**
 * Demo mode's multi-tenant app, the same in the server (which registers it in the simulator) and in the admin CLI
 * (another process, which must sign in to admin-consent clients too): its secret is derived from the store's key
 * (HMAC-SHA256 with a label of its own, so the key cannot be recovered from it), never written anywhere.
 */
export function demoConsentApp(secretsKey: Buffer): {
  readonly clientId: string;
  readonly clientSecret: string;
} {
  const clientSecret = crypto
    .createHmac('sha256', secretsKey)
    .update('demo consent app client secret')
    .digest('base64url');
  return { clientId: DEMO_CONSENT_APP_ID, clientSecret };
}

/** How to sign in to a client's tenant: its own app's secret, or our consented multi-tenant app. */
export interface IntegrationCredentials {
  readonly kind: 'client_credentials' | 'admin_consent';
  /** Tenant GUID (or, before it is resolved, a verified domain). */
  readonly tenantId: string;
  readonly appClientId: string;
  /** The client's app secret; unused for `admin_consent`, which signs in with our own app. */
  readonly clientSecret: string | undefined;
}

export interface TenantGraphFactoryOptions {
  readonly endpoints: GraphEndpoints;
  /** Our multi-tenant app, for admin-consent integrations. */
  readonly consentApp?: { readonly clientId: string | undefined; readonly clientSecret: string | undefined };
  readonly retryPolicy?: Partial<RetryPolicy>;
  /** Requests in flight per tenant, across every caller. Default 4. */
  readonly concurrencyPerTenant?: number;
  /** The TLS trust to share with the process's other calls to Entra ID (default: one of its own, from `endpoints`). */
  readonly trust?: TlsTrust;
}

interface CachedGraph {
  readonly graph: TenantGraph;
  readonly fingerprint: string;
}

/**
 * Hands out one {@link TenantGraph} per tenant and app, and one {@link TenantGate} per tenant shared by all of them,
 * so sync, sign-in ingestion and reports wait on the same Retry-After. A cached graph is replaced as soon as the
 * credentials it was built with change.
 */
export class TenantGraphFactory {
  private readonly endpoints: GraphEndpoints;
  private readonly consentApp: TenantGraphFactoryOptions['consentApp'];
  private readonly policy: RetryPolicy;
  private readonly concurrency: number;
  private readonly trust: TlsTrust;
  private readonly dispatcher: Agent;
  private readonly gates = new Map<string, TenantGate>();
  private readonly graphs = new Map<string, CachedGraph>();

  constructor(options: TenantGraphFactoryOptions) {
    this.endpoints = options.endpoints;
    this.consentApp = options.consentApp;
    this.policy = { ...defaultRetryPolicy, ...options.retryPolicy };
    this.concurrency = options.concurrencyPerTenant ?? 4;
    // One trust for Graph's connections and every credential's token requests (built once, see TlsTrust).
    this.trust = options.trust ?? new TlsTrust(options.endpoints.trustedCaPem);
    this.dispatcher = new Agent({ keepAliveTimeout: 30_000, connect: this.trust.connectOptions() });
  }

  /** The cached graph for an integration (rebuilt if its credentials changed). @throws {AppError} `consent_app_not_configured` */
  /**
   * Whether this process is set up to sign in with these credentials, without calling anyone: an admin-consent
   * integration needs our own app configured here.
   * @throws {AppError} `consent_app_not_configured` (503): this process's setup, not the tenant's.
   */
  assertConfiguredFor(credentials: IntegrationCredentials): void {
    if (credentials.kind === 'admin_consent') this.resolve(credentials);
  }

  forIntegration(credentials: IntegrationCredentials): TenantGraph {
    const resolved = this.resolve(credentials);
    const key = cacheKey(resolved.tenantId, resolved.appClientId);
    const fingerprint = crypto
      .createHash('sha256')
      .update(`${credentials.kind}\n${resolved.secret}`)
      .digest('hex');
    const cached = this.graphs.get(key);
    if (cached?.fingerprint === fingerprint) return cached.graph;
    const graph = this.build(resolved);
    this.graphs.set(key, { graph, fingerprint });
    return graph;
  }

  /**
   * A fresh, uncached graph: for checking credentials before they are saved, and for re-checking permissions
   * (a cached graph may hold a token issued before consent was granted).
   */
  create(credentials: IntegrationCredentials): TenantGraph {
    return this.build(this.resolve(credentials));
  }

  /** Forgets the cached graph(s) of a tenant, e.g. after its integration was removed or its secret rotated. */
  drop(tenantId: string, appClientId?: string): void {
    for (const key of [...this.graphs.keys()]) {
      const [tenant, app] = key.split('|');
      if (
        tenant === tenantId.toLowerCase() &&
        (appClientId === undefined || app === appClientId.toLowerCase())
      ) {
        this.graphs.delete(key);
      }
    }
  }

  /** The gate every caller of this tenant passes through. */
  gateFor(tenantId: string): TenantGate {
    const key = tenantId.toLowerCase();
    let gate = this.gates.get(key);
    if (gate === undefined) {
      gate = new TenantGate({ concurrency: this.concurrency });
      this.gates.set(key, gate);
    }
    return gate;
  }

  /** Closes pooled connections. */
  async close(): Promise<void> {
    this.graphs.clear();
    this.trust.close();
    await this.dispatcher.close();
  }

  private resolve(credentials: IntegrationCredentials): {
    tenantId: string;
    appClientId: string;
    secret: string;
  } {
    if (credentials.kind === 'admin_consent') {
      const clientId = this.consentApp?.clientId;
      const secret = this.consentApp?.clientSecret;
      if (clientId === undefined || secret === undefined) {
        throw new AppError(
          'consent_app_not_configured',
          'This integration uses admin consent, but our own app is not configured: set CONSENT_APP_CLIENT_ID and CONSENT_APP_CLIENT_SECRET.',
          { status: 503 },
        );
      }
      return { tenantId: credentials.tenantId, appClientId: clientId, secret };
    }
    if (credentials.clientSecret === undefined || credentials.clientSecret === '') {
      throw new AppError('secret_missing', 'This integration has no client secret stored; enter it again.', {
        status: 400,
      });
    }
    return {
      tenantId: credentials.tenantId,
      appClientId: credentials.appClientId,
      secret: credentials.clientSecret,
    };
  }

  private build(resolved: { tenantId: string; appClientId: string; secret: string }): TenantGraph {
    const credential = new ClientSecretCredential(resolved.tenantId, resolved.appClientId, resolved.secret, {
      authorityHost: this.endpoints.authorityHost,
      // Offline authorities (the simulator) cannot be looked up at login.microsoftonline.com.
      disableInstanceDiscovery: true,
      ...this.trust.credentialOptions(),
    });
    return new TenantGraph({
      tenant: resolved.tenantId,
      appClientId: resolved.appClientId,
      credential,
      graphBaseUrl: this.endpoints.graphBaseUrl,
      gate: this.gateFor(resolved.tenantId),
      policy: this.policy,
      dispatcher: this.dispatcher,
    });
  }
}

function cacheKey(tenantId: string, appClientId: string): string {
  return `${tenantId.toLowerCase()}|${appClientId.toLowerCase()}`;
}
