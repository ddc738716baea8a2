import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { CliContext } from '../../../src/cli/cli-context.js';
import { EXIT_FAILED, EXIT_USAGE, runCli } from '../../../src/cli/program.js';
import { operatorActor } from '../../../src/services/actor.js';
import type { ApplicationUsageReport } from '../../../src/contracts/reports.js';
import { SignInIngestion } from '../../../src/sync/sign-in-ingestion.js';
import { startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
import { startCore, partnerAdmin, type CoreHarness } from '../services/fixtures/core-harness.js';
import { silentLogger } from '../sync/sync-harness.js';
import { collectedSignIns, noPace, succeeded } from './report-fixture.js';

describe('report command of the admin CLI', function () {
  let harness: TestSimulator;
  let core: CoreHarness;
  let dir: string;
  let out: string[];
  let err: string[];
  let context: CliContext;

  before(async () => {
    harness = await startTestSimulator({ users: 40, signInDays: 10 });
    core = await startCore('sqlite', {
      graphEndpoints: harness.endpoints,
      start: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString(),
    });
    const client = await core.core.clients.add(partnerAdmin, { name: 'contoso' });
    await core.core.integrationStore.save({
      clientId: client.id,
      kind: 'client_credentials',
      tenantId: harness.tenant.tenantId,
      tenantInput: harness.tenant.domain,
      appClientId: harness.app.clientId,
      clientSecret: harness.app.clientSecret,
      actor: 'test',
      at: core.clock.now(),
    });
    await core.core.integrations.startImport(partnerAdmin, client.id);
    await core.core.directorySync.run(client.id);
    await core.core.servicePrincipalSync.run(client.id);
    await new SignInIngestion({
      store: core.core.store,
      graphs: core.core.graphs,
      integrations: core.core.integrationStore,
      runner: core.core.syncRunner,
      clock: core.clock,
      logger: silentLogger,
      retentionDays: 90,
      pace: noPace,
    }).run(client.id);
  });
  after(async () => {
    await core.dispose();
    await harness.close();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-report-cli-'));
    out = [];
    err = [];
    context = {
      actor: operatorActor('operator'),
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      core: () => Promise.resolve(core.core),
    };
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints a report as one JSON document with --json', async () => {
    assert.equal(await runCli(['report', 'usage', 'contoso', '--json'], context), 0);
    const report = JSON.parse(out.join('\n')) as ApplicationUsageReport;
    // The users enabled for data collection: every member (guests are never imported).
    const signIns = collectedSignIns(harness.tenant);
    assert.equal(report.kind, 'usage');
    assert.equal(report.totals.signIns, signIns.length);
    assert.equal(
      report.totals.activeUsers,
      new Set(signIns.filter(succeeded).map((signIn) => signIn.userId)).size,
    );
  });

  it('prints a readable report by default', async () => {
    assert.equal(await runCli(['report', 'sso', 'contoso'], context), 0);
    const text = out.join('\n');
    assert.match(text, /^SSO coverage — contoso/);
    assert.match(text, /^Covers the \d+ users enabled for data collection \(imported, not disabled\)/m);
    assert.match(text, /enterprise applications \(SAML \d+, OIDC \d+/);
  });

  it('writes every table of a report as CSV files with --csv', async () => {
    const file = path.join(dir, 'usage.csv');
    assert.equal(await runCli(['report', 'usage', 'contoso', '--csv', file], context), 0);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['usage-daily-by-app.csv', 'usage-daily.csv', 'usage.csv']);
    const rows = parse<Record<string, string>>(fs.readFileSync(file, 'utf8'), { columns: true });
    const apps = new Set(collectedSignIns(harness.tenant).map((signIn) => signIn.appId));
    assert.deepEqual(new Set(rows.map((row) => row.app_id)), apps);
    assert.equal(out.length, 0);
    assert.equal(err.length, 3);
  });

  it('answers bad usage with exit code 2 and an unknown client with 1', async () => {
    assert.equal(await runCli(['report', 'nonsense', 'contoso'], context), EXIT_USAGE);
    assert.equal(await runCli(['report', 'usage', 'contoso', '--from', 'yesterday'], context), EXIT_USAGE);
    assert.match(err.join('\n'), /from: must be a day as YYYY-MM-DD/);
    assert.equal(await runCli(['report', 'usage', 'fabrikam'], context), EXIT_FAILED);
    assert.match(err.join('\n'), /'fabrikam' was not found/);
  });
});
