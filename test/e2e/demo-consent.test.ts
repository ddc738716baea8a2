import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, fetch } from 'undici';
import { DEMO_SECOND_TENANT_DOMAIN, startDemoTenant, type DemoTenant } from '../../server/demo-tenant.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createCore, type Core } from '../../src/composition/create-core.js';
import { operatorActor } from '../../src/services/actor.js';
import { createLogger } from '../../src/shared/logger.js';

describe('demo mode: connecting the second simulated tenant through admin consent', function () {
  this.timeout(120_000);
  let dataDir: string;
  let demo: DemoTenant | undefined;
  let core: Core | undefined;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-demo-consent-'));
    const config = loadConfig({ DATA_DIR: dataDir, DEMO_SIM_PORT: '0', DEMO_USERS: '120', PORT: '3978' });
    const logger = createLogger({ level: 'silent' });
    demo = await startDemoTenant(config, logger);
    core = await createCore({
      config,
      logger,
      secretsKey: crypto.randomBytes(32),
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
});
