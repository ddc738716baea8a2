import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { PRODUCT_PERMISSIONS, startSimulator, type SimTenant, type Simulator } from '../../../sim/index.js';
import { dropStore, freshStoreConfig, type EngineName } from '../../support/databases.js';
import { startTs, type RunningProcess } from '../../support/processes.js';
import { freePort } from '../../support/ports.js';

export { buildTab } from '../../support/tab-build.js';

/**
 * The real server (`server/main.ts`, a child process) as the security tests attack it: in demo mode (its in-process
 * simulator) or in production mode against a simulator this test process runs, on SQLite or PostgreSQL.
 */
export interface SecureServer {
  readonly engine: EngineName;
  readonly mode: 'demo' | 'production';
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  readonly dataDir: string;
  /** The environment the server runs with (for a second instance or the CLI). */
  readonly env: Readonly<Record<string, string>>;
  readonly process: RunningProcess;
  /** A bearer token of a person: a demo identity key (demo mode) or a simulated MSP user (production). */
  token(who: string): Promise<string>;
  stop(): Promise<void>;
}

/** The MSP's own tenant in production-mode tests, and its people (partner admin; the others get roles by test). */
export const MSP = { seed: 4101, domain: 'msp-sec.onmicrosoft.com', displayName: 'MSP (security tests)' };
export const TAB_CLIENT_ID = '6b0f4b1c-2f8e-4d0a-9c1b-5e7d3a2f1c0e';
export const CONSENT_APP = {
  clientId: '7c1e5d2a-3b9f-4e1b-8d2c-6f8e4b3a2d1f',
  clientSecret: 'security~tests~consent~secret',
};

/** This machine's own non-loopback address, to play a remote peer (undefined when there is none). */
export function lanAddress(): string | undefined {
  for (const entries of Object.values(os.networkInterfaces())) {
    for (const entry of entries ?? []) if (entry.family === 'IPv4' && !entry.internal) return entry.address;
  }
  return undefined;
}

function storeEnv(engine: EngineName): {
  env: Record<string, string>;
  dispose: () => Promise<void>;
} {
  if (engine === 'sqlite') return { env: {}, dispose: () => Promise.resolve() };
  const store = freshStoreConfig('postgres');
  if (store.kind !== 'postgres') throw new Error('expected postgres');
  return {
    env: { DATABASE_URL: store.url, DATABASE_SCHEMA: store.schema },
    dispose: () => dropStore(store),
  };
}

async function launch(env: Record<string, string>): Promise<RunningProcess> {
  const child = startTs('server/main.ts', [], env);
  try {
    await child.waitForLine(/"msg":"server listening"/, 120_000);
  } catch (error) {
    child.child.kill('SIGKILL');
    throw error;
  }
  return child;
}

async function stopProcess(running: RunningProcess): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  const exited = running.exited();
  running.child.kill('SIGTERM');
  const timer = setTimeout(() => running.child.kill('SIGKILL'), 12_000);
  await exited;
  clearTimeout(timer);
}

/** Demo mode: its own simulator, the demo identities, `/dev/token`. */
export async function startDemoServer(
  options: { engine?: EngineName; users?: number; env?: Record<string, string> } = {},
): Promise<SecureServer> {
  const engine = options.engine ?? 'sqlite';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-sec-demo-'));
  const store = storeEnv(engine);
  const port = await freePort();
  const env = {
    APP_MODE: 'demo',
    PORT: String(port),
    DEMO_SIM_PORT: '0',
    DEMO_USERS: String(options.users ?? 60),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    SYNC_INTERVAL_MINUTES: '1440',
    ...store.env,
    ...options.env,
  };
  let running: RunningProcess;
  try {
    running = await launch(env);
  } catch (error) {
    await store.dispose();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const baseUrl = `http://127.0.0.1:${String(port)}`;
  const tokens = new Map<string, string>();
  return {
    engine,
    mode: 'demo',
    port,
    baseUrl,
    dataDir,
    env,
    process: running,
    token: async (who) => {
      const known = tokens.get(who);
      if (known !== undefined) return known;
      const response = await fetch(`${baseUrl}/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identity: who }),
      });
      const { token } = (await response.json()) as { token: string };
      tokens.set(who, token);
      return token;
    },
    stop: async () => {
      await stopProcess(running);
      await store.dispose();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A production-mode server and the simulator standing in for Entra and Graph. */
export interface ProductionServer extends SecureServer {
  readonly sim: Simulator;
  readonly msp: SimTenant;
  /** An MSP user of the simulator (created on first use), by a short name; `partner` is the partner admin. */
  person(who: string): { tenantId: string; objectId: string; upn: string };
  /** Runs the admin CLI against this server's store. */
  cli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Starts another instance on the same store (several instances on PostgreSQL). */
  another(): Promise<{ baseUrl: string; stop: () => Promise<void> }>;
}

export async function startProductionServer(
  options: { engine?: EngineName; env?: Record<string, string>; sim?: Simulator } = {},
): Promise<ProductionServer> {
  const engine = options.engine ?? 'postgres';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-sec-prod-'));
  const sim =
    options.sim ??
    (await startSimulator({
      dataDir: path.join(os.tmpdir(), 'idm-sec-sim'),
      tenants: [{ ...MSP, users: 12, groups: 4 }],
    }));
  const port = await freePort();
  const publicBaseUrl = `http://localhost:${String(port)}`;
  sim.registerMultiTenantApp({
    ...CONSENT_APP,
    permissions: [...PRODUCT_PERMISSIONS],
    displayName: 'Entra ID Manager (security tests)',
    redirectUris: [`${publicBaseUrl}/auth/consent/callback`],
  });
  const msp = sim.tenant(MSP.domain);
  const people = new Map<string, { tenantId: string; objectId: string; upn: string }>();
  const person = (who: string): { tenantId: string; objectId: string; upn: string } => {
    const known = people.get(who);
    if (known !== undefined) return known;
    const created = msp.addUser({ displayName: who, userPrincipalName: `${who}@${MSP.domain}` });
    const entry = { tenantId: msp.tenantId, objectId: created.id, upn: `${who}@${MSP.domain}` };
    people.set(who, entry);
    return entry;
  };
  const partner = person('partner');
  const store = storeEnv(engine);
  const env: Record<string, string> = {
    APP_MODE: 'production',
    PORT: String(port),
    PUBLIC_BASE_URL: publicBaseUrl,
    DATA_DIR: dataDir,
    SECRETS_KEY: crypto.randomBytes(32).toString('base64'),
    TEAMS_APP_ID: crypto.randomUUID(),
    BOT_ID: crypto.randomUUID(),
    BOT_PASSWORD: 'security-tests-bot-password',
    BOT_TENANT_ID: msp.tenantId,
    TAB_SSO_CLIENT_ID: TAB_CLIENT_ID,
    TAB_DOMAIN: 'idm.security.test',
    ALLOWED_TENANT_IDS: msp.tenantId,
    PARTNER_ADMINS: `${partner.tenantId}:${partner.objectId}`,
    CONSENT_APP_CLIENT_ID: CONSENT_APP.clientId,
    CONSENT_APP_CLIENT_SECRET: CONSENT_APP.clientSecret,
    AUTHORITY_HOST: sim.authorityHost,
    GRAPH_BASE_URL: sim.graphBaseUrl,
    TRUSTED_CA_PATH: sim.caCertPath,
    LOG_LEVEL: 'info',
    SYNC_INTERVAL_MINUTES: '1440',
    ...store.env,
    ...options.env,
  };
  let running: RunningProcess;
  try {
    running = await launch(env);
  } catch (error) {
    await store.dispose();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (options.sim === undefined) await sim.close();
    throw error;
  }
  const baseUrl = `http://127.0.0.1:${String(port)}`;
  return {
    engine,
    mode: 'production',
    port,
    baseUrl,
    dataDir,
    env,
    process: running,
    sim,
    msp,
    person,
    token: (who) => {
      const p = person(who);
      return sim.issueUserToken({
        tenantId: p.tenantId,
        oid: p.objectId,
        upn: p.upn,
        name: who,
        audience: TAB_CLIENT_ID,
      });
    },
    cli: async (args) => {
      const cli = startTs('src/cli/main.ts', args, env);
      const { code } = await cli.exited();
      return { code, stdout: cli.stdout(), stderr: cli.stderr() };
    },
    another: async () => {
      const otherPort = await freePort();
      const other = await launch({ ...env, PORT: String(otherPort) });
      return { baseUrl: `http://127.0.0.1:${String(otherPort)}`, stop: () => stopProcess(other) };
    },
    stop: async () => {
      await stopProcess(running);
      await store.dispose();
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (options.sim === undefined) await sim.close();
    },
  };
}

/** A raw HTTP request (the path sent exactly as given, no normalisation), optionally from a given local address. */
export function rawRequest(
  baseUrl: string,
  request: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    host?: string;
    localAddress?: string;
  },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: request.host ?? url.hostname,
        port: url.port,
        method: request.method ?? 'GET',
        path: request.path,
        headers: request.headers,
        ...(request.localAddress === undefined ? {} : { localAddress: request.localAddress }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
}

/** The tab API as someone holding `token`. */
export async function api(
  server: { readonly baseUrl: string },
  token: string | undefined,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(`${server.baseUrl}/api/tab${route}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    // a CSV or an HTML page: the text itself
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** Polls `check` until it answers true. */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${String(timeoutMs)} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
