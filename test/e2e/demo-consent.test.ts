import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, fetch } from 'undici';
import { DEMO_SECOND_TENANT_DOMAIN, startDemoTenant, type DemoTenant } from '../../server/demo-tenant.js';
import type { CliContext } from '../../src/cli/cli-context.js';
import { EXIT_FAILED, runCli } from '../../src/cli/program.js';
import { loadConfig, type AppConfig } from '../../src/config/load-config.js';
import { createCore, type Core } from '../../src/composition/create-core.js';
import { operatorActor } from '../../src/services/actor.js';
import { createLogger } from '../../src/shared/logger.js';

describe('demo mode: connecting the second simulated tenant through admin consent', function () {
  this.timeout(120_000);
  let dataDir: string;
  let demo: DemoTenant | undefined;
  let core: Core | undefined;
  let config: AppConfig;
  const secretsKey = crypto.randomBytes(32);
  const logger = createLogger({ level: 'silent' });

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-demo-consent-'));
    config = loadConfig({ DATA_DIR: dataDir, DEMO_SIM_PORT: '0', DEMO_USERS: '120', PORT: '3978' });
    demo = await startDemoTenant(config, logger, secretsKey);
    core = await createCore({
      config,
      logger,
      secretsKey,
      graphEndpoints: demo.endpoints,
      consentApp: demo.consentApp,
    });
  });
  after(async () => {
    await core?.close();
    await demo?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('grants our app in the tenant, connects the client and syncs its directory', async () => {
    assert.ok(core && demo);
    const actor = operatorActor('tester');
    await core.clients.add(actor, { name: 'northwind' });
    const { url } = await core.integrations.startConsent(actor, 'northwind', {
      tenant: DEMO_SECOND_TENANT_DOMAIN,
    });
    assert.ok(url.startsWith(`${demo.endpoints.authorityHost}/`), url);

    // The client's admin opens the link; Entra (the simulator) sends them back to our callback.
    const dispatcher = new Agent({ connect: { ca: demo.endpoints.trustedCaPem } });
    const response = await fetch(url, { redirect: 'manual', dispatcher });
    assert.equal(response.status, 302);
    const callback = new URL(response.headers.get('location') ?? '');
    assert.equal(callback.pathname, '/auth/consent/callback');
    assert.equal(callback.searchParams.get('admin_consent'), 'True');

    const outcome = await core.integrations.completeConsent(Object.fromEntries(callback.searchParams));
    assert.equal(outcome.outcome, 'connected');
    const integration = await core.integrations.get(actor, 'northwind');
    assert.equal(integration?.kind, 'admin_consent');
    assert.equal(integration.tenantId, demo.simulator.tenant(DEMO_SECOND_TENANT_DOMAIN).tenantId);

    const client = await core.clients.get(actor, 'northwind');
    const run = await core.directorySync.run(client.id, { trigger: 'initial' });
    assert.equal(run.run.status, 'succeeded');
    const [status] = await core.status.list(actor, 'northwind');
    assert.equal(status?.users, demo.simulator.tenant(DEMO_SECOND_TENANT_DOMAIN).userCount);

    // The state is single use: the same callback again changes nothing.
    await assert.rejects(core.integrations.completeConsent(Object.fromEntries(callback.searchParams)));
  });

  /** The admin CLI as `npm run cli` runs it: its own core on the same store, opened from the settings alone. */
  async function cli(cliCore: Core, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const context: CliContext = {
      actor: operatorActor('ops'),
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      core: () => Promise.resolve(cliCore),
    };
    const code = await runCli(argv, context);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('the admin CLI syncs the consent-connected client with the demo app the server registered', async () => {
    assert.ok(core);
    // No endpoints or consent app handed over: the CLI finds the simulator through the file the server wrote and
    // derives the demo app's secret from the store's key, as main.ts does.
    const cliCore = await createCore({ config, logger, secretsKey });
    try {
      const synced = await cli(cliCore, 'sync', 'northwind', '--only', 'directory', '--json');
      assert.equal(synced.code, 0, synced.err);
      assert.equal((JSON.parse(synced.out) as { succeeded: boolean }).succeeded, true);
    } finally {
      await cliCore.close();
    }
  });

  it('a CLI without our consent app says so and records no failed sync against the tenant', async () => {
    assert.ok(core && demo);
    const runsBefore = await core.database.db.selectFrom('sync_runs').select('id').execute();
    // A process configured for production without CONSENT_APP_CLIENT_ID / CONSENT_APP_CLIENT_SECRET.
    const misconfigured = await createCore({
      config: { ...config, mode: 'production', consentApp: { clientId: undefined, clientSecret: undefined } },
      logger,
      secretsKey,
      graphEndpoints: demo.endpoints,
    });
    try {
      const refused = await cli(misconfigured, 'sync', 'northwind');
      assert.equal(refused.code, EXIT_FAILED);
      assert.match(refused.err, /our own app is not configured: set CONSENT_APP_CLIENT_ID/);
    } finally {
      await misconfigured.close();
    }
    const runsAfter = await core.database.db.selectFrom('sync_runs').select('id').execute();
    assert.deepEqual(runsAfter, runsBefore, 'no run was recorded');
    const [status] = await core.status.list(operatorActor('tester'), 'northwind');
    assert.ok(
      !status?.problems.some((problem) => problem.includes('CONSENT_APP')),
      status?.problems.join('; '),
    );
  });

  it('`audit --client northwind --csv FILE` writes the CSV to FILE, as the README says', async () => {
    assert.ok(core);
    const file = path.join(dataDir, 'audit.csv');
    const written = await cli(core, 'audit', '--client', 'northwind', '--csv', file);
    assert.equal(written.code, 0, written.err);
    assert.match(written.err, /Wrote .*audit\.csv/);
    const csv = fs.readFileSync(file, 'utf8');
    assert.match(csv, /integration\.consent/);
    assert.equal(written.out, '', 'nothing on the output when a file is named');
    const printed = await cli(core, 'audit', '--client', 'northwind', '--csv');
    assert.equal(printed.out.trim(), csv.replace(/^\uFEFF/, '').trim());
  });
});
