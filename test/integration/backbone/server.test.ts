import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startTs, type RunningProcess } from '../../support/processes.js';

describe('server process', function () {
  this.timeout(90_000);
  let dataDir: string;
  let server: RunningProcess | undefined;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-server-'));
  });
  afterEach(async () => {
    if (server?.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited();
    }
    server = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers /healthz with the store reachable, then stops cleanly on SIGTERM', async () => {
    server = startTs('server/main.ts', [], {
      DATA_DIR: dataDir,
      PORT: '0',
      DEMO_SIM_PORT: '0',
      DEMO_USERS: '50',
      LOG_LEVEL: 'info',
    });
    const line = await server.waitForLine(/"msg":"server listening"/, 60_000);
    const { port } = JSON.parse(line) as { port: number };
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { status: string; store: string; version: string };
    assert.equal(body.status, 'ok');
    assert.equal(body.store, 'reachable');
    assert.match(body.version, /^\d+\.\d+\.\d+/);
    for (const page of ['/privacy', '/terms']) {
      const legal = await fetch(`http://127.0.0.1:${port}${page}`);
      assert.equal(legal.status, 200, `${page} is linked from the Teams manifest`);
      assert.match(await legal.text(), /Entra ID Manager/);
    }

    server.child.kill('SIGTERM');
    const { code } = await server.exited();
    assert.equal(code, 0, server.stderr());
    assert.match(server.stdout(), /"msg":"stopped"/);
  });

  it('exits with an error, leaving nothing running, when start-up fails half-way (port taken)', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '0.0.0.0', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      server = startTs('server/main.ts', [], {
        DATA_DIR: dataDir,
        PORT: String(port),
        DEMO_SIM_PORT: '0',
        DEMO_USERS: '20',
      });
      const { code } = await server.exited();
      assert.notEqual(code, 0);
      assert.match(server.stderr(), /Start-up failed: .*EADDRINUSE/);
    } finally {
      await new Promise<void>((resolve) =>
        blocker.close(() => {
          resolve();
        }),
      );
    }
  });

  it('refuses to start in production with missing settings, naming each of them', async () => {
    server = startTs('server/main.ts', [], {
      DATA_DIR: dataDir,
      APP_MODE: 'production',
      BOT_ID: '',
      BOT_PASSWORD: '',
    });
    const { code } = await server.exited();
    assert.notEqual(code, 0);
    for (const setting of [
      'BOT_ID',
      'BOT_PASSWORD',
      'SECRETS_KEY',
      'TAB_SSO_CLIENT_ID',
      'TAB_DOMAIN',
      'ALLOWED_TENANT_IDS',
      'PARTNER_ADMINS',
      'PUBLIC_BASE_URL',
      'TEAMS_APP_ID',
    ]) {
      assert.match(server.stderr(), new RegExp(`${setting}: required in production mode`), setting);
    }
    assert.equal(
      fs.existsSync(path.join(dataDir, 'app.db')),
      false,
      'nothing may be created when the configuration is refused',
    );
  });
});
