import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { openDatabase, type AppDatabase } from '../../../../src/store/database.js';
import { startTs, type RunningProcess } from '../../../support/processes.js';
import { startHttpsFront, type HttpsFront } from './https-front.js';
import { freePort } from '../../../support/ports.js';

export { buildTab } from '../../../support/tab-build.js';

/** The app started by the suite itself: `server/main.ts` in demo mode, its simulator, and its SQLite store. */
export interface DemoApp {
  /** Where the server listens (plain http, for the test's own requests). */
  readonly baseUrl: string;
  /**
   * The address a browser uses and the server puts in its links and redirect URIs: `baseUrl`, or the https front
   * when the app was started with `https`.
   */
  readonly publicUrl: string;
  readonly dataDir: string;
  /** The store the server writes, opened read-mostly by the test to check what the screens did. */
  readonly store: AppDatabase;
  /** The simulator's control API (`/_control`), over HTTPS trusting its CA. */
  simControl(method: string, route: string, body?: unknown): Promise<unknown>;
  /** The tab API as one of the demo identities (a token from the demo token endpoint). */
  api(
    identity: string,
    method: string,
    route: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

/**
 * Starts the app in demo mode on free ports (the server's and the simulator's) with a small demo tenant — or, with
 * `defaults`, exactly as `npm start` does (its demo tenant and import settings) — waits until it listens and the
 * demo client's first sync has finished.
 */
export async function startDemoApp(
  options: ({ readonly users: number; readonly autoImport?: boolean } | { readonly defaults: true }) & {
    /** Serve the browser over https (a TLS front, support/https-front.ts), as Teams requires. */
    readonly https?: boolean;
    /** More settings for the server (METRICS_PORT…). */
    readonly env?: Readonly<Record<string, string>>;
  },
): Promise<DemoApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-e2e-tab-'));
  // Ports chosen here rather than by the server (PORT=0), so that the public address the server puts in redirect
  // URIs (admin consent, the sign-in window) is the one the browser uses.
  const port = await freePort();
  const frontPort = options.https === true ? await freePort() : undefined;
  const publicUrl =
    frontPort === undefined ? `http://127.0.0.1:${String(port)}` : `https://127.0.0.1:${String(frontPort)}`;
  const server: RunningProcess = startTs('server/main.ts', [], {
    APP_MODE: 'demo',
    PORT: String(port),
    PUBLIC_BASE_URL: publicUrl,
    DEMO_SIM_PORT: '0',
    ...('defaults' in options
      ? {}
      : {
          DEMO_USERS: String(options.users),
          // The end-to-end flows start from a connected tenant whose initial import is not started unless asked.
          DEMO_AUTO_IMPORT: String(options.autoImport ?? false),
        }),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    ...options.env,
  });
  let store: AppDatabase | undefined;
  let front: HttpsFront | undefined;
  try {
    await server.waitForLine(/"msg":"server listening"/, 60_000);
    const baseUrl = `http://127.0.0.1:${String(port)}`;
    front = frontPort === undefined ? undefined : await startHttpsFront(frontPort, baseUrl);
    const endpoints = JSON.parse(fs.readFileSync(path.join(dataDir, 'demo-endpoints.json'), 'utf8')) as {
      authorityHost: string;
      caCertPath: string;
    };
    const dispatcher = new Agent({ connect: { ca: fs.readFileSync(endpoints.caCertPath, 'utf8') } });
    store = await openDatabase({ kind: 'sqlite', path: path.join(dataDir, 'app.db') }, { migrate: false });
    const opened = store;
    const tokens = new Map<string, string>();

    const app: DemoApp = {
      baseUrl,
      publicUrl,
      dataDir,
      store: opened,
      simControl: async (method: string, route: string, body?: unknown): Promise<unknown> => {
        const response = await undiciFetch(`${endpoints.authorityHost}/_control${route}`, {
          method,
          dispatcher,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        if (!response.ok) throw new Error(`sim control ${method} ${route}: ${response.status} ${text}`);
        return text === '' ? undefined : (JSON.parse(text) as unknown);
      },
      api: async (identity: string, method: string, route: string, body?: unknown) => {
        let token = tokens.get(identity);
        if (token === undefined) {
          const issued = await fetch(`${baseUrl}/dev/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ identity }),
          });
          token = ((await issued.json()) as { token: string }).token;
          tokens.set(identity, token);
        }
        const response = await fetch(`${baseUrl}/api/tab${route}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as unknown };
      },
      stop: async () => {
        await front?.close();
        await opened.close();
        await stopProcess(server);
        await dispatcher.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
    try {
      await waitFor(async () => {
        const run = await opened.db
          .selectFrom('sync_runs')
          .select('status')
          .where('kind', '=', 'directory')
          .where('status', '=', 'succeeded')
          .executeTakeFirst();
        return run !== undefined;
      }, 90_000);
    } catch (error) {
      throw new Error(
        `the demo client's first sync did not finish; server output:\n${server.stdout().slice(-4000)}`,
        {
          cause: error,
        },
      );
    }
    return app;
  } catch (error) {
    await front?.close();
    await store?.close();
    await stopProcess(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function stopProcess(server: RunningProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  const exited = server.exited();
  const timer = setTimeout(() => {
    server.child.kill('SIGKILL');
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

/** Polls `check` until it answers true. */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A fresh random secret for a simulated app. */
export function randomSecret(): string {
  return `${crypto.randomBytes(6).toString('base64url')}~${crypto.randomBytes(18).toString('base64url')}`;
}
