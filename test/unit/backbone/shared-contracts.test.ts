import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const repoRoot = new URL('../../../', import.meta.url).pathname;
const contract = path.join(repoRoot, 'src/contracts/users.ts');
const screen = path.join(repoRoot, 'tab/web/src/components/users-table.tsx');
/** Parsed files, kept across the two checks (React's and Fluent's types take most of the time). */
const parsed = new Map<string, ts.SourceFile | undefined>();

/**
 * Type-checks one file of the tab's browser build with its own tsconfig, the contract of users replaced by
 * `contractText`: the errors that file gets.
 */
function tabErrors(contractText: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(repoRoot, 'tab/web/tsconfig.json'),
    undefined,
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  assert.ok(config !== undefined);
  const host = ts.createCompilerHost(config.options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    path.resolve(fileName) === contract
      ? ts.createSourceFile(fileName, contractText, languageVersion)
      : (parsed.get(fileName) ??
        parsed.set(fileName, read(fileName, languageVersion, ...rest)).get(fileName));
  const program = ts.createProgram({ rootNames: [screen], options: config.options, host });
  const file = program.getSourceFile(screen);
  assert.ok(file !== undefined);
  return program
    .getSemanticDiagnostics(file)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

describe("the tab's browser build reads the core's views from src/contracts", function () {
  this.timeout(120_000);

  it('keeps no copy of a contract: tab/web/src/api/types.ts re-exports them as types', () => {
    const types = fs.readFileSync(path.join(repoRoot, 'tab/web/src/api/types.ts'), 'utf8');
    assert.match(types, /^export type \* from '\.\.\/\.\.\/\.\.\/\.\.\/src\/contracts\/index\.js';$/m);
    assert.doesNotMatch(types, /export interface UserView\b/);
    // Nothing restated at all (the integration views were the last copies): every view comes from src/contracts.
    assert.doesNotMatch(types, /\b(interface|type [A-Z]\w* =|enum) /);
  });

  it("renaming a field of UserView breaks the tab's typecheck", () => {
    const text = fs.readFileSync(contract, 'utf8');
    assert.deepEqual(tabErrors(text), [], 'the tab typechecks against the contract as it is');
    const renamed = text.replace('readonly userPrincipalName:', 'readonly principalName:');
    assert.notEqual(renamed, text);
    const errors = tabErrors(renamed);
    assert.ok(
      errors.some((message) => message.includes("'userPrincipalName' does not exist on type")),
      errors.join('\n'),
    );
  });
});
