// Runs one entry point of the application — `node scripts/run-entry.mjs src/cli/main.ts [args…]` — from the
// production build (dist/, `npm run build`) when one exists and is newer than every source file, otherwise from the
// sources through tsx (a development dependency). Plain JavaScript, so that it starts without a compiler.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The folders `tsconfig.build.json` compiles. */
const SOURCE_FOLDERS = ['src', 'server', 'bot', 'tab/api', 'sim'];
/** Written by `npm run build` once the compiler has finished. */
const STAMP = path.join(root, 'dist', 'BUILD');

const entry = process.argv[2];
if (entry === undefined || !entry.endsWith('.ts')) {
  process.stderr.write('usage: node scripts/run-entry.mjs <entry.ts> [arguments…]\n');
  process.exit(2);
}
// The entry sees its own arguments where it expects them (process.argv.slice(2)).
process.argv.splice(1, 2, path.join(root, entry));

const compiled = path.join(root, 'dist', entry.replace(/\.ts$/, '.js'));
const built = fs.existsSync(compiled) && fs.existsSync(STAMP);
if (built && !newerSource(fs.statSync(STAMP).mtimeMs)) {
  await import(pathToFileURL(compiled).href);
} else {
  if (built) {
    process.stderr.write(
      'note: the build in dist/ is older than the sources; running the sources (npm run build to refresh it)\n',
    );
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(root, entry)).href);
}

/** Whether any source (TypeScript, or the SQLite worker in plain JavaScript) was changed after `since` (a few hundred stats: milliseconds). */
function newerSource(since) {
  const pending = SOURCE_FOLDERS.map((folder) => path.join(root, folder));
  while (pending.length > 0) {
    const folder = pending.pop();
    let entries;
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const item of entries) {
      const full = path.join(folder, item.name);
      if (item.isDirectory()) {
        if (item.name !== 'node_modules' && item.name !== 'dist') pending.push(full);
      } else if (/\.(ts|mjs)$/.test(item.name) && fs.statSync(full).mtimeMs > since) return true;
    }
  }
  return false;
}
