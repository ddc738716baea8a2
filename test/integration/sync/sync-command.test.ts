import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliContext } from '../../../src/cli/cli-context.js';
import { EXIT_FAILED, EXIT_USAGE, runCli } from '../../../src/cli/program.js';
import type { SyncSummary } from '../../../src/cli/commands/sync-command.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { createCore, type Core } from '../../../src/composition/create-core.js';
import { DAY_MS } from '../../../src/shared/clock.js';
import { REPORTS_PACE_KEY } from '../../../src/graph/tenant-gate.js';
import { operatorActor, SYSTEM_ACTOR } from '../../../src/services/actor.js';
import { createLogger } from '../../../src/shared/logger.js';
import { SyncRunRepository } from '../../../src/store/sync-run-repository.js';
import { startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';

describe('admin CLI: sync', function () {
  this.timeout(60_000);
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
      reportsPace: { key: REPORTS_PACE_KEY, minIntervalMs: 0 },
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

  it('brings everything a sync means — directory, activity, MFA, sign-ins — and prints exactly one JSON document', async () => {
    await connect('contoso', harness.app.clientSecret);
    assert.equal(await runCli(['sync', 'contoso', '--json'], context), 0, err.join('\n'));
    assert.equal(out.length, 1, 'one JSON document, nothing else on stdout');
    const summary = JSON.parse(out[0] ?? '') as SyncSummary;
    assert.equal(summary.succeeded, true);
    assert.deepEqual(summary.parts, ['directory', 'activity', 'mfa', 'sign-ins']);
    assert.deepEqual(
      summary.runs.map((run) => [run.kind, run.status]),
      [
        ['directory', 'succeeded'],
        ['service_principals', 'succeeded'],
        ['licences', 'succeeded'],
        ['sign_in_activity', 'succeeded'],
        ['mfa_registration', 'succeeded'],
        ['sign_ins', 'succeeded'],
      ],
    );
    assert.equal(summary.runs[0]?.trigger, 'initial');
    // Nobody is collected before the initial import: the sign-in log waits for it.
    assert.equal(
      summary.runs.find((run) => run.kind === 'sign_ins')?.skipped,
      'waiting for the initial import',
    );
    const held = summary.directory;
    assert.ok(held !== null);
    assert.equal(held.users, harness.tenant.userCount);
    assert.equal(held.groups, harness.tenant.groupCount);
    const edges = [...harness.tenant.groups()].reduce(
      (sum, g) => sum + harness.tenant.directMembers(g.id).length,
      0,
    );
    assert.equal(held.memberships, edges);
    assert.equal(summary.billing.activityData, 'available', 'the activity pass ran after the directory');
    const directory = summary.runs.at(0);
    assert.ok(directory !== undefined && directory.requests >= directory.pages + 1);
    assert.equal(typeof directory.durationMs, 'number');

    out = [];
    assert.equal(await runCli(['sync', 'contoso', '--only', 'directory'], context), 0);
    assert.match(out.join('\n'), /Synced contoso \(directory\): succeeded/);
    assert.match(out.join('\n'), /directory\s+run \d+ \(manual\): succeeded/);
    assert.doesNotMatch(out.join('\n'), /signInActivity/);
    // One page of enterprise applications, in words that agree with the count.
    assert.match(
      out.join('\n'),
      /enterprise apps\s+run \d+ \(manual\): succeeded .* 1 request over 1 page$/m,
    );

    out = [];
    assert.equal(await runCli(['sync', 'contoso', '--only', 'activity', 'mfa', '--json'], context), 0);
    assert.equal(out.length, 1);
    const narrowed = JSON.parse(out[0] ?? '') as SyncSummary;
    assert.deepEqual(
      narrowed.runs.map((run) => run.kind),
      ['sign_in_activity', 'mfa_registration'],
    );
    assert.equal(narrowed.directory, null);
  });

  it('joins a directory sync another process has under way, says so, and waits for its end', async () => {
    await connect('northwind', harness.app.clientSecret);
    const client = await core.clients.get(SYSTEM_ACTOR, 'northwind');
    // Another process (another host: only its heartbeat tells it is alive) is running the client's directory sync.
    const runs = new SyncRunRepository(core.database.db);
    const elsewhere = await runs.start({
      clientId: client.id,
      kind: 'directory',
      trigger: 'schedule',
      owner: 'another-host:4242:feedbeef',
      at: new Date(),
    });
    const exit = runCli(['sync', 'northwind', '--only', 'directory'], context);
    for (let waited = 0; !err.some((line) => line.includes('Joining')) && waited < 20_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(err, [
      'Joining the directory sync already under way (started elsewhere); waiting for it…',
    ]);
    await runs.heartbeat(elsewhere.id, new Date(), { pages: 3, phase: 'users' });
    await runs.succeed(elsewhere.id, { usersAdded: 70 }, new Date());
    assert.equal(await exit, 0, err.join('\n'));
    assert.match(
      out.join('\n'),
      new RegExp(`directory\\s+joined run ${String(elsewhere.id)} \\(scheduled\\): succeeded`),
    );
    assert.equal(err.length, 1, 'said once');
  });

  it('re-evaluates expiry with the activity it brings: a user who signs in again is no longer expired at once', async () => {
    await connect('fabrikam', harness.app.clientSecret);
    assert.equal(await runCli(['sync', 'fabrikam', '--json'], context), 0, err.join('\n'));
    await core.integrations.startImport(operatorActor('operator'), 'fabrikam');
    const expired = await core.users.list(operatorActor('operator'), 'fabrikam', { expired: true });
    const idle = expired.items[0];
    assert.ok(idle !== undefined, 'the tenant has users idle for more than 30 days');
    assert.equal((await core.users.get(operatorActor('operator'), 'fabrikam', idle.id)).billable, false);

    // The user signs in again; one activity pass later (signInActivity), it is current and billable again.
    harness.tenant.addSignIns([{ userId: idle.id, createdDateTime: new Date().toISOString() }]);
    out = [];
    assert.equal(await runCli(['sync', 'fabrikam', '--only', 'activity', '--json'], context), 0);
    const after = await core.users.get(operatorActor('operator'), 'fabrikam', idle.id);
    assert.equal(after.expired, false, after.expiry.explanation);
    assert.equal(after.billable, idle.accountEnabled);
    const summary = JSON.parse(out[0] ?? '') as SyncSummary;
    assert.equal(summary.billing.expired, expired.total === null ? 0 : expired.total - 1);

    // The same through the sign-in log alone.
    const other = expired.items[1];
    assert.ok(other !== undefined);
    harness.tenant.addSignIns([
      { userId: other.id, createdDateTime: new Date(Date.now() - DAY_MS / 24).toISOString() },
    ]);
    assert.equal(await runCli(['sync', 'fabrikam', '--only', 'sign-ins'], context), 0, err.join('\n'));
    assert.equal((await core.users.get(operatorActor('operator'), 'fabrikam', other.id)).expired, false);
  });

  it('fails with the cause and the fix when the secret is wrong, still printing one JSON document', async () => {
    await connect('wrong-secret', 'not-the-secret');
    assert.equal(await runCli(['sync', 'wrong-secret', '--json'], context), EXIT_FAILED);
    assert.equal(out.length, 1);
    const summary = JSON.parse(out[0] ?? '') as SyncSummary;
    assert.equal(summary.succeeded, false);
    const directory = summary.runs.at(0);
    assert.equal(directory?.status, 'failed');
    assert.equal(directory.error?.code, 'invalid_client_secret');
    assert.match(err.join('\n'), /client secret .* is wrong .*Certificates & secrets/);
  });

  it('refuses an unknown part, saying which parts there are', async () => {
    assert.equal(await runCli(['sync', 'contoso', '--only', 'groups'], context), EXIT_USAGE);
    assert.match(err.join('\n'), /directory, activity, mfa, sign-ins/);
  });

  it('refuses an unknown client', async () => {
    assert.equal(await runCli(['sync', 'nobody'], context), EXIT_FAILED);
    assert.match(err.join('\n'), /not found/);
  });
});
