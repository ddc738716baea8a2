import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Rows stay in the store (issue 15; the architecture review's step 5): a repository maps its snake_case rows to
 * camelCase records, so no `*Row` type of src/store is imported anywhere else. The files below still import one and
 * are waiting to move; remove an entry in the commit that converts it, never add one.
 */
const NOT_YET_CONVERTED: Readonly<Record<string, readonly string[]>> = {
  'src/services/licence-service.ts': ['ClientRow'],
  'src/services/user-actions-service.ts': ['ClientRow'],
  // ClientRow: ClientAccess.resolve and ClientService hand it to the alerts and licence files above and to the edges
  // (bot, tab API, CLI read `display_name`); it moves in one step with them, once that work has landed.
  'src/services/admin-consent.ts': ['ClientRow'],
  'src/services/client-access.ts': ['ClientRow'],
  'src/services/client-service.ts': ['ClientRow'],
  'src/services/dashboard-service.ts': ['ClientRow'],
  'src/services/integration-base.ts': ['ClientRow'],
  'src/services/report-service.ts': ['ClientRow'],
};

const repoRoot = new URL('../../../', import.meta.url).pathname;
/** Every folder of our own sources outside the store (the store itself is where rows belong). */
const SCANNED = ['src', 'bot', 'tab', 'server', 'sim', 'bench', 'scripts', 'test'];
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'coverage']);

function sourcesUnder(folder: string, out: string[] = []): string[] {
  if (!fs.existsSync(folder)) return out;
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) sourcesUnder(full, out);
    } else if (/\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      out.push(full);
    }
  }
  return out;
}

/**
 * The `*Row` names a source imports (or re-exports) from a module under src/store, as `file: Name`. `file` is the
 * source's path from the repository root; relative specifiers are resolved from it.
 */
function storeRowImports(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
    const specifier = statement.moduleSpecifier;
    if (specifier === undefined || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.'))
      continue;
    const target = path.posix.join(path.posix.dirname(file), specifier.text);
    if (!target.startsWith('src/store/')) continue;
    const names: string[] = [];
    if (ts.isImportDeclaration(statement)) {
      const bindings = statement.importClause?.namedBindings;
      if (bindings !== undefined && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) names.push((element.propertyName ?? element.name).text);
      }
    } else if (statement.exportClause !== undefined && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) {
        names.push((element.propertyName ?? element.name).text);
      }
    }
    for (const name of names) if (name.endsWith('Row')) found.push(`${file}: ${name}`);
  }
  return found;
}

function allStoreRowImports(): string[] {
  const found: string[] = [];
  for (const folder of SCANNED) {
    for (const full of sourcesUnder(path.join(repoRoot, folder))) {
      const file = path.relative(repoRoot, full).split(path.sep).join('/');
      if (file.startsWith('src/store/')) continue;
      const text = fs.readFileSync(full, 'utf8');
      // Parse only what could hold such an import (parsing every source takes seconds).
      if (text.includes('Row') && text.includes('store/')) found.push(...storeRowImports(file, text));
    }
  }
  return found.sort();
}

const allowed = Object.entries(NOT_YET_CONVERTED)
  .flatMap(([file, names]) => names.map((name) => `${file}: ${name}`))
  .sort();

describe('store rows stay in src/store (issue 15: repositories return records)', () => {
  it('finds a *Row imported from the store, however the import is written, and nothing else', () => {
    const probe = [
      "import type { ClientRow } from '../src/store/schema.js';",
      "import { type SyncRunRow, SyncRunRepository } from '../src/store/sync-run-repository.js';",
      'import type {\n  Database,\n  DirectoryUserRow as UserRow,\n} from "../src/store/schema.js";',
      "export type { AuditLogRow } from '../src/store/schema.js';",
      // Not rows of the store: a view's row from the contracts, and a record from the store.
      "import type { ClientDashboardRow } from '../src/contracts/dashboard.js';",
      "import type { IntegrationRecord } from '../src/store/integration-repository.js';",
    ].join('\n');
    assert.deepEqual(storeRowImports('bot/probe.ts', probe), [
      'bot/probe.ts: ClientRow',
      'bot/probe.ts: SyncRunRow',
      'bot/probe.ts: DirectoryUserRow',
      'bot/probe.ts: AuditLogRow',
    ]);
    assert.deepEqual(
      storeRowImports(
        'src/services/reports/probe.ts',
        "import type { X } from '../../store/report-repository.js';\n",
      ),
      [],
    );
    assert.deepEqual(
      storeRowImports(
        'src/services/reports/probe.ts',
        "import type { MfaRegistrationRow } from '../../store/report-repository.js';\n",
      ),
      ['src/services/reports/probe.ts: MfaRegistrationRow'],
    );
  });

  let actual: string[] = [];
  before(() => {
    actual = allStoreRowImports();
  });

  it('no source outside src/store imports a *Row type of the store, but for the files not yet converted', () => {
    const unexpected = actual.filter((entry) => !allowed.includes(entry));
    assert.deepEqual(
      unexpected,
      [],
      'Map the row to a camelCase record in its repository and import the record instead.',
    );
  });

  it('lists as not yet converted only what still imports a row (shorten the list as rows become records)', () => {
    assert.deepEqual(
      allowed.filter((entry) => !actual.includes(entry)),
      [],
      'These no longer import the row: remove them from NOT_YET_CONVERTED.',
    );
  });
});
