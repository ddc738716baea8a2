import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliContext } from '../../../src/cli/cli-context.js';
import { EXIT_USAGE, runCli } from '../../../src/cli/program.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { createCore, type Core } from '../../../src/composition/create-core.js';
import { operatorActor } from '../../../src/services/actor.js';
import { createLogger } from '../../../src/shared/logger.js';

describe('admin CLI', () => {
  let dataDir: string;
  let core: Core | undefined;
  let out: string[];
  let err: string[];
  let context: CliContext;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-cli-'));
    out = [];
    err = [];
    context = {
      actor: operatorActor('operator'),
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      core: async () => {
        core ??= await createCore({
          config: loadConfig({ DATA_DIR: dataDir }),
          logger: createLogger({ level: 'silent' }),
          secretsKey: crypto.randomBytes(32),
        });
        return core;
      },
    };
  });
  afterEach(async () => {
    await core?.close();
    core = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('adds, lists (as JSON) and removes a client', async () => {
    assert.equal(await runCli(['clients', 'add', 'contoso', '--display-name', 'Contoso Ltd'], context), 0);
    out = [];
    assert.equal(await runCli(['clients', 'list', '--json'], context), 0);
    const listed = out.map((line) => JSON.parse(line) as { name: string; displayName: string });
    assert.deepEqual(
      listed.map(({ name, displayName }) => ({ name, displayName })),
      [{ name: 'contoso', displayName: 'Contoso Ltd' }],
    );
    assert.equal(await runCli(['clients', 'remove', 'contoso', '--confirm', 'contoso'], context), 0);
    out = [];
    await runCli(['clients', 'list', '--json'], context);
    assert.deepEqual(out, []);
  });

  it('shows the status of each client as one JSON line', async () => {
    await runCli(['clients', 'add', 'fabrikam'], context);
    out = [];
    assert.equal(await runCli(['status', 'fabrikam', '--json'], context), 0);
    const status = JSON.parse(out[0] ?? '{}') as {
      name: string;
      integration: string;
      users: number;
      lastSync: unknown;
      billable: number;
      problems: string[];
    };
    assert.equal(status.name, 'fabrikam');
    assert.equal(status.integration, 'not connected');
    assert.equal(status.users, 0);
    assert.equal(status.lastSync, null);
    // The same billable count and problems as the bot's status card and the tab's partner view.
    assert.equal(status.billable, 0);
    assert.deepEqual(status.problems, ['Not connected to Entra ID']);
    out = [];
    assert.equal(await runCli(['status', 'fabrikam'], context), 0);
    assert.match(out.join('\n'), /BILLABLE/);
    assert.match(out.join('\n'), /fabrikam: Not connected to Entra ID/);
  });

  it('answers bad arguments with a clear message, usage and exit code 2, changing nothing', async () => {
    assert.equal(await runCli([], context), EXIT_USAGE);
    assert.match(err.join('\n'), /Usage: cli/);
    err = [];
    assert.equal(await runCli(['clients', 'frobnicate'], context), EXIT_USAGE);
    assert.match(err.join('\n'), /unknown command 'frobnicate'/);
    err = [];
    assert.equal(await runCli(['clients', 'add', 'Bad Name!'], context), EXIT_USAGE);
    assert.match(err.join('\n'), /name: use 2–40 lower-case letters/);
    err = [];
    assert.equal(await runCli(['clients', 'remove', 'nobody'], context), EXIT_USAGE);
    assert.match(err.join('\n'), /required option '--confirm <name>'/);
    out = [];
    await runCli(['clients', 'list', '--json'], context);
    assert.deepEqual(out, []);
  });

  it('answers an unknown client with exit code 1 and says which one', async () => {
    assert.equal(await runCli(['status', 'nobody'], context), 1);
    assert.match(err.join('\n'), /Client 'nobody' was not found/);
  });
});
