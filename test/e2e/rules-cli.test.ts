import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliContext } from '../../src/cli/cli-context.js';
import { EXIT_FAILED, EXIT_USAGE, runCli } from '../../src/cli/program.js';
import { operatorActor } from '../../src/services/actor.js';
import { startTestSimulator, type TestSimulator } from '../integration/graph/simulator-harness.js';
import { startCore, type CoreHarness } from '../integration/services/fixtures/core-harness.js';

/** The admin CLI for the rules, run in-process against a core whose tenant is the simulator (SQLite store). */
describe('rules from the admin CLI', function () {
  this.timeout(60_000);
  let sim: TestSimulator;
  let app: CoreHarness;
  let dir: string;
  let out: string[];
  let err: string[];
  let context: CliContext;

  before(async () => {
    sim = await startTestSimulator({ seed: 77, users: 80, groups: 10, nestingDepth: 3, guestRatio: 0.1 });
    app = await startCore('sqlite', { graphEndpoints: sim.endpoints, start: new Date().toISOString() });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-cli-rules-'));
    context = {
      actor: operatorActor('ops'),
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      core: () => Promise.resolve(app.core),
    };
  });
  beforeEach(() => {
    out = [];
    err = [];
  });
  after(async () => {
    await app.dispose();
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function cli(...argv: string[]): Promise<number> {
    out = [];
    err = [];
    return runCli(argv, context);
  }

  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it expects of the printed JSON
  function json<T>(): T {
    return JSON.parse(out.join('\n')) as T;
  }

  it('connects, previews and confirms an exclusion, imports, and reports billing and the audit log', async () => {
    assert.equal(await cli('clients', 'add', 'tailwind'), 0);
    // Not connected yet: its empty lists say why, and what to do.
    for (const [list, noun] of [
      ['users', 'user'],
      ['groups', 'group'],
    ] as const) {
      assert.equal(await cli(list, 'list', 'tailwind'), 0);
      assert.equal(
        out.join('\n'),
        `No ${noun} is read yet: connect the client's Entra tenant with \`integrations connect\`.`,
      );
    }
    const secretFile = path.join(dir, 'secret.txt');
    fs.writeFileSync(secretFile, `${sim.app.clientSecret}\n`, { mode: 0o600 });
    assert.equal(
      await cli(
        'integrations',
        'connect',
        'tailwind',
        '--tenant',
        sim.tenant.domain,
        '--client-id',
        sim.app.clientId,
        '--secret-file',
        secretFile,
      ),
      0,
      err.join('\n'),
    );
    assert.match(out.join('\n'), /✔ Permission AuditLog\.Read\.All/);
    assert.ok(!out.join('\n').includes(sim.app.clientSecret), 'the secret is never printed');
    // What the connection check found is kept: `show` sums up the permissions.
    assert.equal(await cli('integrations', 'show', 'tailwind'), 0);
    assert.match(out.join('\n'), /^Permissions: {3}6 of 6 granted$/m);

    assert.equal(await cli('sync', 'tailwind', '--json'), 0, err.join('\n'));
    assert.equal(await cli('groups', 'list', 'tailwind', '--json'), 0);
    const groups = json<{
      items: { id: string; counts: { directGroups: number; transitiveUsers: number } }[];
    }>();
    const nested = groups.items.find((g) => g.counts.directGroups > 0 && g.counts.transitiveUsers < 60);
    assert.ok(nested !== undefined, 'a nested group to exclude');

    assert.equal(await cli('groups', 'exclude', 'tailwind', nested.id, '--preview'), 0);
    const printed = out.join('\n');
    const figures = /Billable users: ([\d,]+) → ([\d,]+) \((?:−[\d,]+|±0)\)/.exec(printed);
    assert.ok(figures !== null, printed);
    assert.match(printed, /Counted: as at the initial import \(not started yet\)/);
    const previewedAfter = Number((figures[2] ?? '').replace(/,/g, ''));
    const token = /--confirm (\S+)/.exec(printed)?.[1];
    assert.ok(token !== undefined);
    assert.equal(await cli('groups', 'exclude', 'tailwind', '--confirm', token, '--json'), 0);
    assert.equal(json<{ excludedNow: boolean }>().excludedNow, true);
    assert.equal(await cli('groups', 'exclude', 'tailwind', '--confirm', token), EXIT_FAILED);
    assert.match(err.join('\n'), /already been confirmed/);

    assert.equal(await cli('integrations', 'start-import', 'tailwind', '--json'), 0);
    assert.ok(json<{ reconciled: { imported: number } }>().reconciled.imported > 0);
    assert.equal(await cli('billing', 'tailwind', '--json'), 0);
    assert.equal(
      json<{ counts: { billable: number } }>().counts.billable,
      previewedAfter,
      "the preview's billable after is the count once the initial import has run",
    );

    assert.equal(await cli('users', 'list', 'tailwind', '--guest', 'yes', '--limit', '1', '--json'), 0);
    const guest = json<{ items: { id: string }[] }>().items[0];
    assert.ok(guest !== undefined);
    assert.equal(await cli('users', 'import', 'tailwind', guest.id), EXIT_FAILED);
    assert.match(err.join('\n'), /cannot be imported: guest account/);
    // The guest is among those who may not be imported, and not among those who may.
    assert.equal(await cli('users', 'list', 'tailwind', '--eligible', 'no', '--limit', '500', '--json'), 0);
    assert.ok(json<{ items: { id: string }[] }>().items.some((user) => user.id === guest.id));
    assert.equal(await cli('users', 'list', 'tailwind', '--eligible', 'yes', '--limit', '500', '--json'), 0);
    const eligible = json<{ items: { id: string; eligibility: { eligible: boolean } }[] }>().items;
    assert.ok(eligible.length > 0 && eligible.every((user) => user.eligibility.eligible));
    assert.ok(!eligible.some((user) => user.id === guest.id));
    // A yes/no filter alone means yes, as the bot's `--guest` does; a word it does not know is refused.
    assert.equal(await cli('users', 'list', 'tailwind', '--guest', '--limit', '1', '--json'), 0);
    assert.equal(json<{ items: { id: string }[] }>().items[0]?.id, guest.id);
    assert.notEqual(await cli('users', 'list', 'tailwind', '--guest', 'maybe'), 0);
    assert.match(err.join('\n'), /guest.*yes.*no/i);
    // Whose sign-in is blocked in Entra: every one listed is, and nobody listed with `--blocked no` is.
    assert.equal(await cli('users', 'list', 'tailwind', '--blocked', '--limit', '500', '--json'), 0);
    const blocked = json<{ items: { accountEnabled: boolean }[] }>().items;
    assert.ok(blocked.length > 0 && blocked.every((user) => !user.accountEnabled));
    assert.equal(await cli('users', 'list', 'tailwind', '--blocked', 'no', '--limit', '500', '--json'), 0);
    assert.ok(json<{ items: { accountEnabled: boolean }[] }>().items.every((user) => user.accountEnabled));

    assert.equal(await cli('users', 'list', 'tailwind', '--state', 'imported', '--limit', '2', '--json'), 0);
    const page = json<{ items: { id: string; userPrincipalName: string }[]; nextCursor: string | null }>();
    assert.equal(page.items.length, 2);
    assert.ok(page.nextCursor !== null);
    // The same page as a person reads it: when each user expires, beside the sentence that explains it.
    assert.equal(await cli('users', 'list', 'tailwind', '--state', 'imported', '--limit', '2'), 0);
    const table = out.join('\n').split('\n');
    assert.match(table[0] ?? '', /STATE +BILLABLE +EXPIRY +ACTIVITY/);
    for (const row of table.slice(1, 3)) assert.match(row, / (expires|expired) \d{4}-\d{2}-\d{2} /, row);
    const target = page.items[0];
    assert.ok(target !== undefined);
    assert.equal(await cli('users', 'disable', 'tailwind', target.userPrincipalName, '--json'), 0);
    assert.equal(json<{ disableReason: string }>().disableReason, 'manual');

    assert.equal(await cli('billing', 'tailwind', '--json'), 0);
    const billing = json<{ counts: { billable: number; disabledManual: number } }>();
    assert.equal(billing.counts.disabledManual, 1);
    assert.ok(billing.counts.billable > 0);

    assert.equal(await cli('audit', '--client', 'tailwind', '--csv'), 0);
    const csv = out.join('\n');
    assert.match(
      csv.split('\n')[0] ?? '',
      /^id,at,actor_tenant_id,actor_object_id,actor_name,channel,client,action/,
    );
    for (const action of [
      'integration.connect',
      'group.exclude',
      'integration.start_import',
      'user.disable',
    ]) {
      assert.match(csv, new RegExp(action.replace('.', '\\.')), action);
    }
    assert.doesNotMatch(csv, new RegExp(sim.app.clientSecret.replace(/[.*+?^${}()|[\]\\~]/g, '\\$&')));
  });

  it('assigns, lists and revokes a role', async () => {
    const who = [
      '--tenant',
      '0f0f0f0f-1111-4222-8333-444444444444',
      '--object',
      'dddddddd-0000-4000-8000-000000000001',
    ];
    assert.equal(
      await cli(
        'roles',
        'assign',
        ...who,
        '--role',
        'client_admin',
        '--client',
        'tailwind',
        '--name',
        'ann@msp.example',
      ),
      0,
      err.join('\n'),
    );
    assert.equal(await cli('roles', 'list', '--json'), 0);
    assert.ok(out.some((line) => line.includes('ann@msp.example') && line.includes('client_admin')));
    assert.equal(await cli('roles', 'revoke', ...who, '--role', 'client_admin', '--client', 'tailwind'), 0);
    assert.equal(
      await cli('roles', 'revoke', ...who, '--role', 'client_admin', '--client', 'tailwind'),
      EXIT_FAILED,
    );
  });

  const badArguments: readonly (readonly [string, readonly string[], RegExp])[] = [
    ['a missing client', ['users', 'list'], /missing required argument 'client'/],
    [
      'an unknown state',
      ['users', 'list', 'tailwind', '--state', 'sleeping'],
      /state: must be not_imported, imported or disabled/,
    ],
    [
      'a malformed user id',
      ['users', 'disable', 'tailwind', 'not a user'],
      /object id \(GUID\) or a user principal name/,
    ],
    [
      'both --preview and --confirm',
      ['groups', 'exclude', 'tailwind', 'x', '--preview', '--confirm', 'y'],
      /exactly one of --preview/,
    ],
    ['a threshold out of range', ['integrations', 'threshold', 'tailwind', '3'], /whole days from 7 to 365/],
    [
      'a connect without a secret',
      ['integrations', 'connect', 'tailwind', '--tenant', 't.onmicrosoft.com', '--client-id', 'x'],
      /exactly one of --secret-file/,
    ],
    [
      'a malformed tenant',
      ['roles', 'assign', '--tenant', 'x', '--object', 'y', '--role', 'viewer'],
      /must be a GUID/,
    ],
    ['an unknown option', ['billing', 'tailwind', '--bogus'], /unknown option '--bogus'/],
  ];
  for (const [title, argv, message] of badArguments) {
    it(`exits 2 with a clear message for ${title}`, async () => {
      assert.equal(await cli(...argv), EXIT_USAGE);
      assert.match(err.join('\n'), message);
    });
  }
});
