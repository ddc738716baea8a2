import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

/**
 * Lints a file that does not exist on disk, as if it lived at `filePath`, with the project's real config. Only the
 * type-aware rules are switched off (a virtual file is in no tsconfig); the import rules under test need no types.
 */
async function lintAt(filePath: string, code: string): Promise<string[]> {
  const [result] = await linter().lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => `${message.ruleId ?? 'parse'}: ${message.message}`);
}

const repoRoot = new URL('../../../', import.meta.url).pathname;

function linter(): ESLint {
  return new ESLint({ cwd: repoRoot, overrideConfig: tseslint.configs.disableTypeChecked });
}

/** The messages of one rule, by its id. */
function of(rule: string, messages: string[]): string[] {
  return messages.filter((message) => message.startsWith(`${rule}:`));
}

describe('the dependency rule (DESIGN §4) is enforced by lint', function () {
  this.timeout(60_000);

  it('fails a file under src/ that imports restify', async () => {
    const messages = await lintAt(
      'src/domain/probe.ts',
      "import restify from 'restify';\nexport const server = restify;\n",
    );
    assert.ok(
      messages.some(
        (message) =>
          message.startsWith('no-restricted-imports') &&
          message.includes('must not depend on Teams, restify or React'),
      ),
      messages.join('\n'),
    );
  });

  it('fails a file under src/ that imports botbuilder, teams-ai, teams-js or React', async () => {
    for (const pkg of ['botbuilder', '@microsoft/teams-ai', '@microsoft/teams-js', 'react']) {
      const messages = await lintAt(
        'src/services/probe.ts',
        `import * as probe from '${pkg}';\nexport const value = probe;\n`,
      );
      assert.ok(
        messages.some((message) => message.startsWith('no-restricted-imports')),
        `${pkg}: ${messages.join('\n')}`,
      );
    }
  });

  it('fails a file under src/ that imports from bot/ or tab/', async () => {
    for (const target of ['../../bot/app.js', '../../tab/api/routes.js']) {
      const messages = await lintAt(
        'src/services/probe.ts',
        `import * as probe from '${target}';\nexport const value = probe;\n`,
      );
      assert.ok(
        messages.some((message) => message.includes('must not import bot/, tab/, sim/ or server/')),
        `${target}: ${messages.join('\n')}`,
      );
    }
  });

  it('lets the bot import restify and the core', async () => {
    const messages = await lintAt(
      'bot/probe.ts',
      "import restify from 'restify';\nexport const server = restify;\n",
    );
    assert.deepEqual(
      messages.filter((message) => message.startsWith('no-restricted')),
      [],
    );
  });
});

describe('the inner layers are kept by lint (DESIGN §4)', function () {
  this.timeout(120_000);

  it('fails the domain when it takes a word from the storage schema (the inverted import)', async () => {
    const messages = await lintAt(
      'src/domain/probe.ts',
      "import type { CollectionState } from '../store/schema.js';\nexport type Probe = CollectionState;\n",
    );
    assert.ok(
      of('import-x/no-restricted-paths', messages).some((message) => message.includes('src/domain')),
      messages.join('\n'),
    );
  });

  it('fails the domain when it imports a service or the Graph client', async () => {
    for (const target of ['../services/user-view.js', '../graph/tenant-graph.js', '../contracts/users.js']) {
      const messages = await lintAt(
        'src/domain/probe.ts',
        `import * as probe from '${target}';\nexport const value = probe;\n`,
      );
      assert.equal(
        of('import-x/no-restricted-paths', messages).length,
        1,
        `${target}: ${messages.join('\n')}`,
      );
    }
  });

  it('lets the domain import its own vocabulary and the shared kernel, and the store import the domain', async () => {
    const domain = await lintAt(
      'src/domain/probe.ts',
      "import type { CollectionState } from './vocabulary.js';\nimport type { Clock } from '../shared/clock.js';\n" +
        'export type Probe = [CollectionState, Clock];\n',
    );
    const store = await lintAt(
      'src/store/probe.ts',
      "import type { CollectionState } from '../domain/vocabulary.js';\nexport type Probe = CollectionState;\n",
    );
    assert.deepEqual(of('import-x/no-restricted-paths', [...domain, ...store]), []);
  });

  it('fails an edge (bot, tab API, CLI command) that reaches past the services into the store, sync or Graph', async () => {
    for (const [file, target] of [
      ['bot/workflows/probe.ts', '../../src/store/schema.js'],
      ['tab/api/routes/probe.ts', '../../../src/sync/client-sync.js'],
      ['src/cli/commands/probe.ts', '../../graph/permission-check.js'],
    ] as const) {
      const messages = await lintAt(
        file,
        `import type * as probe from '${target}';\nexport type Probe = typeof probe;\n`,
      );
      assert.ok(
        of('import-x/no-restricted-paths', messages).some((message) => message.includes('add a use case')),
        `${file} -> ${target}: ${messages.join('\n')}`,
      );
    }
    const services = await lintAt(
      'bot/workflows/probe.ts',
      "import type { UserService } from '../../src/services/user-service.js';\nexport type Probe = UserService;\n",
    );
    assert.deepEqual(of('import-x/no-restricted-paths', services), []);
  });

  it('fails a contract that imports anything but the contracts and the vocabulary', async () => {
    for (const target of ['../services/user-view.js', '../store/schema.js', '../domain/expiry.js']) {
      const messages = await lintAt(
        'src/contracts/probe.ts',
        `import type * as probe from '${target}';\nexport type Probe = typeof probe;\n`,
      );
      assert.equal(
        of('import-x/no-restricted-paths', messages).length,
        1,
        `${target}: ${messages.join('\n')}`,
      );
    }
  });

  it("fails the tab's browser code when it imports the core beyond the contracts, or the server", async () => {
    for (const target of [
      '../../../src/services/user-view.js',
      '../../../src/domain/vocabulary.js',
      '../../api/tab-api.js',
      '../../../server/main.js',
    ]) {
      const messages = await lintAt(
        'tab/web/src/probe.ts',
        `import type * as probe from '${target}';\nexport type Probe = typeof probe;\n`,
      );
      assert.equal(
        of('import-x/no-restricted-paths', messages).length,
        1,
        `${target}: ${messages.join('\n')}`,
      );
    }
  });

  it("fails the tab's browser code when it imports a contract as a value, and lets it import types", async () => {
    const value = await lintAt(
      'tab/web/src/probe.ts',
      "import { users } from '../../../src/contracts/index.js';\nexport const probe = users;\n",
    );
    assert.ok(
      of('@typescript-eslint/no-restricted-imports', value).some((message) =>
        message.includes('import type'),
      ),
      value.join('\n'),
    );
    const types = await lintAt(
      'tab/web/src/probe.ts',
      "import type { UserView } from '../../../src/contracts/index.js';\nexport type Probe = UserView;\n",
    );
    assert.deepEqual(
      types.filter((message) => message.includes('restricted')),
      [],
    );
    const shared = await lintAt(
      'tab/web/src/probe.ts',
      "import { GUID_PATTERN } from '../../../src/contracts/values.js';\nexport const probe = GUID_PATTERN;\n",
    );
    assert.deepEqual(
      shared.filter((message) => message.includes('restricted')),
      [],
      'the shared values (input patterns, a day) may be imported as values',
    );
  });

  it('fails an import cycle in the core', async () => {
    // A cycle needs two files on disk that import each other; they live in a scratch folder for the test only.
    const dir = fs.mkdtempSync(path.join(repoRoot, 'src/shared/cycle-probe-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'a.ts'),
        "import { b } from './b.js';\nexport const a = (): number => b() + 1;\n",
      );
      fs.writeFileSync(
        path.join(dir, 'b.ts'),
        "import { a } from './a.js';\nexport const b = (): number => a() - 1;\n",
      );
      const [result] = await linter().lintFiles([path.join(dir, 'a.ts')]);
      const messages = (result?.messages ?? []).map(
        (message) => `${message.ruleId ?? 'parse'}: ${message.message}`,
      );
      assert.equal(of('import-x/no-cycle', messages).length, 1, messages.join('\n'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('services reach the data through the Store, not the SQL builder (issue 15, step 5)', function () {
  this.timeout(60_000);

  const kyselyImport =
    "import type { Kysely } from 'kysely';\nimport type { Database } from '../store/schema.js';\n" +
    'export type Probe = Kysely<Database>;\n';

  it('fails a service that imports kysely again, even a type', async () => {
    for (const file of [
      'src/services/role-service.ts',
      'src/services/probe.ts',
      'src/services/reports/probe.ts',
    ]) {
      const messages = await lintAt(
        file,
        kyselyImport.replaceAll('../store/', file.includes('/reports/') ? '../../store/' : '../store/'),
      );
      assert.ok(
        of('no-restricted-imports', messages).some((message) => message.includes('use the Store')),
        `${file}: ${messages.join('\n')}`,
      );
    }
  });

  it('still fails a service that imports restify (the core rule holds under the services zone)', async () => {
    const messages = await lintAt(
      'src/services/probe.ts',
      "import restify from 'restify';\nexport const server = restify;\n",
    );
    assert.ok(
      of('no-restricted-imports', messages).some((message) => message.includes('must not depend on Teams')),
      messages.join('\n'),
    );
  });

  it('lets the store use kysely', async () => {
    const messages = await lintAt('src/store/probe.ts', kyselyImport);
    assert.deepEqual(of('no-restricted-imports', messages), [], messages.join('\n'));
  });

  it('no service imports kysely, and the rule has no exceptions left', () => {
    const config = fs.readFileSync(path.join(repoRoot, 'eslint.config.js'), 'utf8');
    assert.doesNotMatch(config, /servicesStillOnKysely/);
    const services = (fs.readdirSync(path.join(repoRoot, 'src/services'), { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts'))
      .map((file) => `src/services/${file}`);
    const usingKysely = services.filter((file) =>
      fs.readFileSync(path.join(repoRoot, file), 'utf8').includes("from 'kysely'"),
    );
    assert.deepEqual(usingKysely, []);
  });
});
