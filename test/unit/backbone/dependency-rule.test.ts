import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

/**
 * Lints a file that does not exist on disk, as if it lived at `filePath`, with the project's real config. Only the
 * type-aware rules are switched off (a virtual file is in no tsconfig); the import rules under test need no types.
 */
async function lintAt(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: new URL('../../../', import.meta.url).pathname,
    overrideConfig: tseslint.configs.disableTypeChecked,
  });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => `${message.ruleId ?? 'parse'}: ${message.message}`);
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
