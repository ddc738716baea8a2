import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliContext } from '../../../src/cli/cli-context.js';
import { EXIT_FAILED, runCli } from '../../../src/cli/program.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { createCore, type Core } from '../../../src/composition/create-core.js';
import type { DoctorReport, Recording } from '../../../src/graph/graph-doctor.js';
import { GRAPH_REQUESTS } from '../../../src/graph/graph-requests.js';
import { REPORTS_PACE_KEY } from '../../../src/graph/tenant-gate.js';
import { operatorActor, SYSTEM_ACTOR } from '../../../src/services/actor.js';
import { createLogger } from '../../../src/shared/logger.js';
import { simulatorIntegration, startTestSimulator, type TestSimulator } from './simulator-harness.js';

describe('admin CLI: doctor against the strict simulator', function () {
  this.timeout(60_000);
  let harness: TestSimulator;
  let dataDir: string;
  let core: Core;
  let out: string[];
  let err: string[];
  let context: CliContext;

  before(async () => {
    harness = await startTestSimulator({ users: 30, groups: 5, signInDays: 3 });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-doctor-'));
    core = await createCore({
      config: loadConfig({ DATA_DIR: dataDir, APP_MODE: 'demo' }),
      logger: createLogger({ level: 'silent' }),
      secretsKey: crypto.randomBytes(32),
      graphEndpoints: harness.endpoints,
      reportsPace: { key: REPORTS_PACE_KEY, minIntervalMs: 0 },
    });
    const client = await core.clients.add(SYSTEM_ACTOR, { name: 'contoso' });
    await core.integrationStore.save(simulatorIntegration(harness, client.id, new Date()));
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

  it('sends every kind of Graph request the product makes, and each is answered', async () => {
    const code = await runCli(['doctor', 'contoso', '--json'], context);
    const report = JSON.parse(out.join('\n')) as DoctorReport;
    assert.equal(code, 0, JSON.stringify(report.findings.filter((f) => !f.ok)));
    const probed = GRAPH_REQUESTS.filter((kind) => kind.probe !== undefined).map((kind) => kind.name);
    assert.deepEqual(
      report.findings.map((finding) => finding.name),
      ['token', ...probed],
    );
    assert.ok(report.findings.every((finding) => finding.ok));
  });

  it('prints one block per request, readable in a terminal, and says when all were answered', async () => {
    const code = await runCli(['doctor', 'contoso'], context);
    assert.equal(code, 0);
    const lines = out.join('\n').split('\n');
    assert.equal(
      lines.at(-1),
      `All ${String(GRAPH_REQUESTS.filter((kind) => kind.probe !== undefined).length + 1)} requests were answered.`,
    );
    // Each request: the result first, then the request; what came back indented under it. (The table this replaced
    // padded every request to the longest, a 200-character sign-in filter, so each row wrapped in a terminal.)
    const blocks = lines.slice(0, -2);
    assert.equal(blocks.length % 2, 0, blocks.join('\n'));
    for (let index = 0; index < blocks.length; index += 2) {
      assert.match(blocks[index] ?? '', /^OK +(GET|POST) \//);
      assert.match(blocks[index + 1] ?? '', /^ {4}\S/);
    }
  });

  it('names each refused request with the fix, and exits 1', async () => {
    harness.tenant.revokeAppPermissions(harness.app.clientId, ['AuditLog.Read.All']);
    try {
      const code = await runCli(['doctor', 'contoso'], context);
      assert.equal(code, EXIT_FAILED);
      const text = out.join('\n');
      for (const refused of [
        '/beta/auditLogs/signIns',
        '/v1.0/auditLogs/signIns',
        'userRegistrationDetails',
      ]) {
        // The result and the request on one line, the fix indented on the next.
        const lines = text.split('\n');
        const at = lines.findIndex((row) => row.includes(refused));
        assert.ok(lines[at]?.startsWith('REFUSED 403'), `${refused}: ${lines[at] ?? 'missing'}`);
        assert.match(lines[at + 1] ?? '', /^ +Grant AuditLog\.Read\.All/);
      }
      assert.match(text.split('\n').find((row) => row.includes('/users/delta')) ?? '', /^OK /);
      // Queries are shown decoded, as a person writes them.
      assert.match(text, /auditLogs\/signIns\?\$filter=createdDateTime ge \d{4}-/);
      assert.match(err.join('\n'), /Microsoft refused \d+ of \d+ requests/);
    } finally {
      harness.tenant.grantAppPermissions(harness.app.clientId, ['AuditLog.Read.All']);
    }
  });

  it('says THROTTLED, not refused, for a request Microsoft throttled past the retries, and asks to run it again', async () => {
    const fault = harness.sim.faults.throttle({ pathPattern: '/auditLogs/signIns', rate: 1, retryAfter: 0 });
    try {
      const code = await runCli(['doctor', 'contoso'], context);
      assert.equal(code, EXIT_FAILED);
      const lines = out.join('\n').split('\n');
      const throttled = lines.filter((row) => row.includes('/auditLogs/signIns'));
      assert.equal(throttled.length, 2, lines.join('\n'));
      for (const line of throttled) assert.match(line, /^THROTTLED 429 /);
      assert.ok(!lines.some((row) => row.startsWith('REFUSED')), lines.join('\n'));
      assert.match(
        err.join('\n'),
        /Microsoft throttled 2 of \d+ requests, so they were not checked: run doctor again/,
      );
    } finally {
      harness.sim.faults.remove(fault);
    }
  });

  it('records the answers with ids, names and addresses replaced by stable pseudonyms', async () => {
    const dir = path.join(dataDir, 'recorded');
    const code = await runCli(['doctor', 'contoso', '--record', dir], context);
    assert.equal(code, 0, err.join('\n'));
    const files = fs.readdirSync(dir).sort();
    assert.ok(files.includes('users.delta.json') && files.includes('signIns.beta.json'), files.join(', '));
    const all = files.map((file) => fs.readFileSync(path.join(dir, file), 'utf8')).join('\n');
    const user = [...harness.tenant.users()][0]!;
    assert.ok(!all.includes(harness.tenant.tenantId), 'the tenant id is replaced');
    assert.ok(!all.toLowerCase().includes(user.id), 'user ids are replaced');
    assert.ok(!all.includes(user.userPrincipalName), 'user principal names are replaced');
    assert.ok(!all.includes(harness.tenant.domain), 'the domain is replaced');
    const delta = JSON.parse(fs.readFileSync(path.join(dir, 'users.delta.json'), 'utf8')) as Recording;
    const body = delta.body as {
      value: { id: string; displayName?: string }[];
      '@odata.nextLink'?: string;
      '@odata.deltaLink'?: string;
    };
    assert.ok(body.value.length > 0);
    assert.match(body.value[0]!.id, /^[0-9a-f-]{36}$/);
    assert.match(body.value[0]!.displayName ?? '', /^Name \d+$/);
    assert.match(body['@odata.nextLink'] ?? body['@odata.deltaLink'] ?? '', /token=REDACTED$/);
  });
});
