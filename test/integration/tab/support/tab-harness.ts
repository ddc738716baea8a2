import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type AppConfig } from '../../../../src/config/load-config.js';
import { createCore, type Core } from '../../../../src/composition/create-core.js';
import { createLogger } from '../../../../src/shared/logger.js';
import type { Clock } from '../../../../src/shared/clock.js';
import { closeHttpServer, createHttpServer } from '../../../../server/http-server.js';
import { mountTabRoutes, type MountedTab } from '../../../../server/tab-routes.js';
import { dropStore, freshStoreConfig, type EngineName } from '../../../support/databases.js';
import { TestTokenIssuer } from './test-token-issuer.js';

/** The MSP's own tenant in API tests, and its first partner admin. */
export const MSP_TENANT = '11111111-1111-4111-8111-111111111111';
export const PARTNER_ADMIN = { tenantId: MSP_TENANT, objectId: 'aaaaaaaa-0000-4000-8000-000000000001' };
export const TAB_CLIENT_ID = '22222222-2222-4222-8222-222222222222';
export const TAB_DOMAIN = 'idm.example.test';

export interface TabHarness {
  readonly baseUrl: string;
  readonly core: Core;
  readonly config: AppConfig;
  readonly tab: MountedTab;
  readonly issuer: TestTokenIssuer;
  /** A valid token of the partner admin. */
  partnerToken(): Promise<string>;
  /** fetch against the server with a bearer token (or none). */
  request(
    method: string,
    urlPath: string,
    options?: { token?: string | undefined; body?: unknown },
  ): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The app's real HTTP server with the tab mounted, over a fresh store, in production mode: tokens are checked
 * against a JWKS served over HTTP by {@link TestTokenIssuer} (the validator's remote path), exactly as they would
 * be against Entra.
 */
export async function startTabHarness(
  engine: EngineName = 'sqlite',
  options: { readonly clock?: Clock } = {},
): Promise<TabHarness> {
  const issuer = await TestTokenIssuer.start(TAB_CLIENT_ID);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-tab-'));
  const store = freshStoreConfig(engine);
  let started: Core | undefined;
  try {
    const loaded = loadConfig({
      APP_MODE: 'production',
      PORT: '0',
      PUBLIC_BASE_URL: 'https://idm.example.test',
      DATA_DIR: dataDir,
      SECRETS_KEY: crypto.randomBytes(32).toString('base64'),
      BOT_ID: crypto.randomUUID(),
      BOT_PASSWORD: 'unused-in-these-tests',
      BOT_TENANT_ID: MSP_TENANT,
      TEAMS_APP_ID: '8c3b2f2e-5d4a-4b6f-9a1e-2f7d0c9b1a11',
      TAB_SSO_CLIENT_ID: TAB_CLIENT_ID,
      TAB_DOMAIN,
      ALLOWED_TENANT_IDS: MSP_TENANT,
      PARTNER_ADMINS: `${PARTNER_ADMIN.tenantId}:${PARTNER_ADMIN.objectId}`,
      LOG_LEVEL: 'silent',
    });
    // The test issuer speaks plain HTTP on loopback; configuration only accepts https authorities.
    const config: AppConfig = {
      ...loaded,
      store,
      graph: { ...loaded.graph, authorityHost: issuer.authorityHost },
    };
    const logger = createLogger({ level: 'silent' });
    const core = await createCore({
      config,
      logger,
      secretsKey: crypto.randomBytes(32),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    started = core;
    const server = createHttpServer({ logger, version: 'test', pingStore: () => core.database.ping() });
    // A stand-in for the built tab, so these tests do not depend on `npm run build:tab` having run.
    const distDir = path.join(dataDir, 'tab-dist');
    fs.mkdirSync(path.join(distDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(distDir, 'index.html'), '<!doctype html><title>tab</title>');
    fs.writeFileSync(path.join(distDir, 'assets', 'tab-abc123.js'), 'export {};');
    const tab = mountTabRoutes(server, { core, logger, distDir });
    await new Promise<void>((resolve) => {
      server.listen(0, '127.0.0.1', () => {
        resolve();
      });
    });
    const address: { port: number } = server.address();
    const baseUrl = `http://127.0.0.1:${address.port}`;

    return {
      baseUrl,
      core,
      config,
      tab,
      issuer,
      partnerToken: () => issuer.token(PARTNER_ADMIN),
      request: (method, urlPath, options = {}) =>
        fetch(`${baseUrl}${urlPath}`, {
          method,
          headers: {
            ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
            ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(options.body === undefined
            ? {}
            : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
        }),
      close: async () => {
        await closeHttpServer(server, 2_000);
        await core.close();
        await issuer.close();
        await dropStore(store);
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    // Whatever was started before the failure is stopped, so a failed start leaves nothing behind.
    await started?.close().catch(() => undefined);
    await issuer.close();
    await dropStore(store).catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
