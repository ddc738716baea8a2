import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTs } from '../support/processes.js';
import {
  rawRequest,
  startDemoServer,
  startProductionServer,
  type ProductionServer,
} from './support/secure-server.js';

/**
 * Issue 12, item 6 (review findings 10, 11, 14): production accepted an all-zero or plain-text SECRETS_KEY and an
 * http:// PUBLIC_BASE_URL; the SQLite database was world-readable; no HSTS, and the tab's CSP was only
 * `frame-ancestors`.
 */
const productionEnv = (overrides: Record<string, string>): Record<string, string> => ({
  APP_MODE: 'production',
  PORT: '0',
  PUBLIC_BASE_URL: 'https://idm.example.com',
  DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'idm-sec-config-')),
  SECRETS_KEY: crypto.randomBytes(32).toString('base64'),
  TEAMS_APP_ID: crypto.randomUUID(),
  BOT_ID: crypto.randomUUID(),
  BOT_PASSWORD: 'x',
  BOT_TENANT_ID: crypto.randomUUID(),
  TAB_SSO_CLIENT_ID: crypto.randomUUID(),
  TAB_DOMAIN: 'idm.example.com',
  ALLOWED_TENANT_IDS: crypto.randomUUID(),
  PARTNER_ADMINS: `${crypto.randomUUID()}:${crypto.randomUUID()}`,
  ...overrides,
});

describe('security: the production configuration refuses weak settings', function () {
  this.timeout(60_000);

  for (const [why, overrides, setting] of [
    ['an all-zero SECRETS_KEY', { SECRETS_KEY: Buffer.alloc(32).toString('base64') }, 'SECRETS_KEY'],
    ['a repeated-character SECRETS_KEY', { SECRETS_KEY: 'a'.repeat(43) }, 'SECRETS_KEY'],
    [
      'a plain-text SECRETS_KEY',
      { SECRETS_KEY: 'ThisIsNotBase64AtAll_ButItIsFortyThreeChars' },
      'SECRETS_KEY',
    ],
    ['an http:// PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'http://idm.example.com' }, 'PUBLIC_BASE_URL'],
  ] as const) {
    it(`does not start with ${why}, and creates nothing`, async () => {
      const env = productionEnv(overrides);
      const server = startTs('server/main.ts', [], env);
      const { code } = await server.exited();
      assert.notEqual(code, 0);
      assert.match(server.stderr(), new RegExp(`${setting}: `));
      assert.equal(fs.existsSync(path.join(env.DATA_DIR ?? '', 'app.db')), false);
      fs.rmSync(env.DATA_DIR ?? '', { recursive: true, force: true });
    });
  }
});

describe('security: what a production server sends and stores [production, SQLite]', function () {
  this.timeout(180_000);
  let server: ProductionServer;

  before(async () => {
    server = await startProductionServer({ engine: 'sqlite' });
  });
  after(async () => {
    await server.stop();
  });

  it('keeps its SQLite database and folder owner-only', () => {
    assert.equal(fs.statSync(server.dataDir).mode & 0o777, 0o700);
    for (const file of ['app.db', 'app.db-wal', 'app.db-shm']) {
      const target = path.join(server.dataDir, file);
      if (fs.existsSync(target)) assert.equal(fs.statSync(target).mode & 0o777, 0o600, file);
    }
  });

  it('serves the tab with a full CSP, HSTS, nosniff and a referrer policy, and no Server header', async () => {
    const answer = await rawRequest(server.baseUrl, { path: '/tab/index.html' });
    const csp = String(answer.headers['content-security-policy']);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      'frame-ancestors',
      'https://teams.microsoft.com',
      'https://*.cloud.microsoft',
    ]) {
      assert.ok(csp.includes(directive), `${directive} in ${csp}`);
    }
    assert.equal(answer.headers['strict-transport-security'], 'max-age=31536000');
    assert.equal(answer.headers['x-content-type-options'], 'nosniff');
    assert.equal(answer.headers['referrer-policy'], 'strict-origin-when-cross-origin');
    assert.equal(answer.headers.server, undefined);
    const api = await rawRequest(server.baseUrl, { path: '/api/tab/me' });
    assert.equal(api.headers['strict-transport-security'], 'max-age=31536000');
  });
});

describe('security: demo mode listens on this machine only by default', function () {
  this.timeout(120_000);

  it('binds 127.0.0.1 and sends no HSTS over its plain-http loopback address', async () => {
    const server = await startDemoServer({ users: 20 });
    try {
      assert.match(server.process.stdout(), /"host":"127\.0\.0\.1"/);
      const answer = await rawRequest(server.baseUrl, { path: '/healthz' });
      assert.equal(answer.headers['strict-transport-security'], undefined);
      assert.equal(answer.headers['x-content-type-options'], 'nosniff');
    } finally {
      await server.stop();
    }
  });
});
