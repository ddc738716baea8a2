import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startSimulator,
  type SimAppCredentials,
  type SimTenant,
  type Simulator,
  type TenantSpec,
} from '../../../sim/index.js';
import type { RetryPolicy } from '../../../src/graph/resilience-middleware.js';
import type { SaveIntegrationInput } from '../../../src/store/integration-repository.js';
import {
  TenantGraphFactory,
  type GraphEndpoints,
  type IntegrationCredentials,
} from '../../../src/graph/tenant-graph-factory.js';

/** One CA for the whole test process: generating it is the slow part of starting a simulator. */
let caDir: string | undefined;
function simulatorDataDir(): string {
  if (caDir === undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-sim-'));
    caDir = dir;
    process.once('exit', () => {
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }
  return caDir;
}

export interface TestSimulator {
  readonly sim: Simulator;
  readonly tenant: SimTenant;
  readonly app: SimAppCredentials;
  readonly endpoints: GraphEndpoints;
  readonly credentials: IntegrationCredentials;
  /** A Graph factory pointed at this simulator (quick retries unless told otherwise). */
  factory(retryPolicy?: Partial<RetryPolicy>): TenantGraphFactory;
  close(): Promise<void>;
}

/** What connects a client to the simulated tenant with the simulator app's client credentials, as an admin would. */
export function simulatorIntegration(
  harness: TestSimulator,
  clientId: string,
  at: Date,
): SaveIntegrationInput {
  return {
    clientId,
    kind: 'client_credentials',
    tenantId: harness.tenant.tenantId,
    tenantInput: harness.tenant.domain,
    appClientId: harness.app.clientId,
    clientSecret: harness.app.clientSecret,
    actor: 'test',
    at,
  };
}

/** Retries short enough for tests; Retry-After is still honoured in full. */
export const quickRetries: Partial<RetryPolicy> = { baseDelayMs: 20, maxDelayMs: 200, timeoutMs: 10_000 };

/** Starts a simulator on a free port with one tenant (seeded), for one suite. */
export async function startTestSimulator(
  spec: Partial<TenantSpec> = {},
  options: { deltaPageSize?: number; deltaMembersPerPage?: number; signInActivityMaxTop?: number } = {},
): Promise<TestSimulator> {
  const sim = await startSimulator({
    dataDir: simulatorDataDir(),
    port: 0,
    tenants: [{ seed: crypto.randomInt(1, 1_000_000), users: 60, ...spec }],
    ...options,
  });
  const tenant = sim.tenants()[0];
  const app = tenant?.registeredApps()[0];
  if (tenant === undefined || app === undefined) throw new Error('simulator started without a tenant');
  const endpoints: GraphEndpoints = {
    authorityHost: sim.authorityHost,
    graphBaseUrl: sim.graphBaseUrl,
    trustedCaPem: sim.caCertPem,
  };
  const factories: TenantGraphFactory[] = [];
  return {
    sim,
    tenant,
    app,
    endpoints,
    credentials: {
      kind: 'client_credentials',
      tenantId: tenant.tenantId,
      appClientId: app.clientId,
      clientSecret: app.clientSecret,
    },
    factory: (retryPolicy = quickRetries) => {
      const factory = new TenantGraphFactory({ endpoints, retryPolicy });
      factories.push(factory);
      return factory;
    },
    close: async () => {
      await Promise.all(factories.map((factory) => factory.close()));
      await sim.close();
    },
  };
}
