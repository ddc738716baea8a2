import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { CliContext } from '../../../src/cli/cli-context.js';
import { PRINTED_ROWS } from '../../../src/cli/commands/report-command.js';
import { EXIT_FAILED, EXIT_USAGE, runCli } from '../../../src/cli/program.js';
import { operatorActor } from '../../../src/services/actor.js';
import type {
  ApplicationUsageReport,
  MfaCoverageReport,
  UsersBillingReport,
} from '../../../src/contracts/reports.js';
import { SignInIngestion } from '../../../src/sync/sign-in-ingestion.js';
import { simulatorIntegration, startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
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
    await core.core.integrationStore.save(simulatorIntegration(harness, client.id, core.clock.now()));
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
    await core.core.mfaRegistrationSync.run(client.id);
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

  /** The same report printed as JSON, then as text: the text is read against the JSON's figures. */
  const both = async (argv: readonly string[]): Promise<{ report: unknown; text: string }> => {
    assert.equal(await runCli([...argv, '--json'], context), 0, err.join('\n'));
    const report = JSON.parse(out.join('\n')) as unknown;
    out = [];
    assert.equal(await runCli(argv, context), 0, err.join('\n'));
    return { report, text: out.join('\n') };
  };
  const pct = (share: number | null): string => (share === null ? '—' : `${(share * 100).toFixed(1)} %`);
  // Numbers in the sentences are written as the core's sentences have them: 82,344, not 82344.
  const n = (value: number): string => value.toLocaleString('en-US');

  it('prints application usage as text with the figures of its JSON, each application a row', async () => {
    const { report: answer, text } = await both(['report', 'usage', 'contoso']);
    const report = answer as ApplicationUsageReport;
    const { totals } = report;
    assert.ok(totals.applications > 1 && totals.activeUsers > 1, JSON.stringify(totals));
    assert.match(
      text,
      new RegExp(
        `^${n(totals.applications)} applications, ${n(totals.activeUsers)} active users, ${n(totals.signIns)} sign-ins \\(${n(totals.failedSignIns)} failed\\)$`,
        'm',
      ),
    );
    // The first rows are printed, the rest counted (they are all in --csv and --json).
    const printed = report.applications.slice(0, PRINTED_ROWS);
    for (const app of printed) assert.ok(text.includes(app.appId), app.appId);
    // Microsoft's own services are said to be so, as in the tab, not "none" (no SSO).
    const microsoft = printed.find((app) => app.appClass === 'microsoft');
    assert.ok(microsoft !== undefined, 'the tenant signs in to a Microsoft service');
    const row = text.split('\n').find((line) => line.includes(microsoft.appId));
    assert.match(row ?? '', new RegExp(`${microsoft.appId}\\s+Microsoft service\\s`));
    const more = report.applications.length - printed.length;
    assert.equal(text.includes(`… and ${String(more)} more (see --csv or --json)`), more > 0);
  });

  it('prints MFA coverage as text with the figures of its JSON and every gap named', async () => {
    const { report: answer, text } = await both(['report', 'mfa', 'contoso']);
    const report = answer as MfaCoverageReport;
    const { registration, gaps } = report;
    assert.ok(registration.users > 0 && registration.withRegistrationData > 0);
    assert.ok(
      text.includes(
        `${n(registration.users)} users: ${n(registration.mfaRegistered)} registered for MFA (${pct(registration.registeredShare)}), ${n(registration.mfaCapable)} capable, ${n(registration.noRegistrationData)} without registration data.`,
      ),
      text,
    );
    assert.match(
      text,
      new RegExp(`^Not registered for MFA \\(${String(gaps.notRegistered.length)}\\):`, 'm'),
    );
    assert.match(text, new RegExp(`^Not MFA capable \\(${String(gaps.notCapable.length)}\\):`, 'm'));
    for (const user of gaps.notRegistered)
      assert.ok(text.includes(user.userPrincipalName ?? user.id), user.id);
    assert.match(text, /^Single-factor sign-ins \(\d+ users\):/m);
  });

  it('prints users and billing as text with the counts of its JSON, narrowed to one department', async () => {
    const department = [...harness.tenant.users()].find((user) => user.department !== null)?.department;
    assert.ok(department !== undefined && department !== null);
    const { report: answer, text } = await both(['report', 'billing', 'contoso', '--department', department]);
    const report = answer as UsersBillingReport;
    assert.equal(report.header.filters.department, department);
    assert.ok(report.header.usersInScope !== null && report.header.usersInScope > 0);
    assert.match(
      text,
      new RegExp(`; department ${department}; ${String(report.header.usersInScope)} users in scope$`, 'm'),
    );
    const { current } = report;
    const counts = [
      current.totalUsers,
      current.imported,
      current.notImported,
      current.disabled,
      current.disabledByReason.manual,
      current.disabledByReason.excludedGroup,
      current.disabledByReason.deletedInEntra,
      current.expired,
      current.blockedInEntra,
      current.guests,
      current.billable,
    ].map(String);
    assert.match(text, new RegExp(`^${counts.join('\\s+')}\\s*$`, 'm'));
    assert.ok(text.includes(`${n(report.users.length)} users listed in --csv and --json.`));
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
