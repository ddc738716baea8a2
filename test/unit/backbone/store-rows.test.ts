import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Rows stay in the store (issue 15; the architecture review's step 5): a repository maps its snake_case rows to
 * camelCase records, so no `*Row` type of src/store is imported anywhere else.
 */

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

  it('no source outside src/store imports a *Row type of the store', () => {
    assert.deepEqual(
      allStoreRowImports(),
      [],
      'Map the row to a camelCase record in its repository and import the record instead.',
    );
  });
});
