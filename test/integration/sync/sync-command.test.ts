import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliContext } from '../../../src/cli/cli-context.js';
import { EXIT_FAILED, runCli } from '../../../src/cli/program.js';
import type { SyncSummary } from '../../../src/cli/commands/sync-command.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { createCore, type Core } from '../../../src/composition/create-core.js';
import { operatorActor, SYSTEM_ACTOR } from '../../../src/services/actor.js';
import { createLogger } from '../../../src/shared/logger.js';
import { startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';

describe('admin CLI: sync', function () {
  let harness: TestSimulator;
  let dataDir: string;
  let core: Core;
  let out: string[];
  let err: string[];
  let context: CliContext;

  before(async () => {
    harness = await startTestSimulator({ users: 70, groups: 8 }, { deltaPageSize: 30 });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-sync-cli-'));
    core = await createCore({
      config: loadConfig({ DATA_DIR: dataDir, APP_MODE: 'demo' }),
      logger: createLogger({ level: 'silent' }),
      secretsKey: crypto.randomBytes(32),
      graphEndpoints: harness.endpoints,
    });
  });
  after(async () => {
    await core.close();
    await harness.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    out = [];
    err = [];
    context = {
      actor: operatorActor('operator'),
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      core: () => Promise.resolve(core),
    };
  });

  async function connect(name: string, secret: string): Promise<void> {
    const client = await core.clients.add(SYSTEM_ACTOR, { name });
    // One tenant belongs to one client (a unique index): the client of an earlier test lets go of the tenant.
    await core.database.db
      .deleteFrom('integrations')
      .where('tenant_id', '=', harness.tenant.tenantId.toLowerCase())
      .execute();
    await core.integrationStore.save({
      clientId: client.id,
      kind: 'client_credentials',
      tenantId: harness.tenant.tenantId,
      tenantInput: harness.tenant.domain,
      appClientId: harness.app.clientId,
      clientSecret: secret,
      actor: 'test',
      at: new Date(),
    });
  }

  it('prints one JSON line with the directory it now holds and what the run cost', async () => {
    await connect('contoso', harness.app.clientSecret);
    assert.equal(await runCli(['sync', 'contoso', '--json'], context), 0, err.join('\n'));
    assert.equal(out.length, 1);
    const summary = JSON.parse(out[0] ?? '') as SyncSummary;
    assert.equal(summary.status, 'succeeded');
    assert.equal(summary.trigger, 'initial');
    assert.equal(summary.users, harness.tenant.userCount);
    assert.equal(summary.groups, harness.tenant.groupCount);
    const edges = [...harness.tenant.groups()].reduce(
      (sum, g) => sum + harness.tenant.directMembers(g.id).length,
      0,
    );
    assert.equal(summary.memberships, edges);
    assert.ok(summary.requests >= summary.pages + 1);
    assert.equal(typeof summary.durationMs, 'number');

    out = [];
    assert.equal(await runCli(['sync', 'contoso'], context), 0);
    assert.match(out.join('\n'), /Synced contoso \(run \d+, manual\): succeeded/);
    assert.match(out.join('\n'), /Graph\s+3 requests/);
  });

  it('fails with the cause and the fix when the secret is wrong', async () => {
    await connect('wrong-secret', 'not-the-secret');
    assert.equal(await runCli(['sync', 'wrong-secret', '--json'], context), EXIT_FAILED);
    const summary = JSON.parse(out[0] ?? '') as SyncSummary;
    assert.equal(summary.status, 'failed');
    assert.equal(summary.error?.code, 'invalid_client_secret');
    assert.match(err.join('\n'), /client secret .* is wrong .*Certificates & secrets/);
  });

  it('refuses an unknown client', async () => {
    assert.equal(await runCli(['sync', 'nobody'], context), EXIT_FAILED);
    assert.match(err.join('\n'), /not found/);
  });
});
