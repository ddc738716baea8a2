// `npm run build:server`: the production build of everything but the tab (which Vite builds).
// 1. tsc compiles src/, server/, bot/, tab/api/ and sim/ to dist/ (tsconfig.build.json), file for file.
// 2. The admin CLI is bundled into one file over its compiled entry (dist/src/cli/main.js): loading hundreds of
//    modules one by one is what made it slow to start, and an operator runs it once per command (DESIGN §8: < 1 s).
//    Only native and optional packages stay outside the bundle.
// 3. The SQLite worker (src/store/sqlite-worker.mjs, plain JavaScript that tsc does not emit) is copied beside the
//    modules that start it: dist/src/store for the compiled server, dist/src/cli for the bundled CLI.
// 4. dist/BUILD records when the build finished (scripts/run-entry.mjs runs the build only when it is newer than
//    every source file).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

fs.rmSync(dist, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
await build({
  entryPoints: [path.join(root, 'src/cli/main.ts')],
  outfile: path.join(dist, 'src/cli/main.js'),
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  external: ['better-sqlite3', 'pg-native'],
  // Some bundled packages are CommonJS and call require() (node: built-ins among them).
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
for (const folder of ['src/store', 'src/cli']) {
  fs.copyFileSync(
    path.join(root, 'src/store/sqlite-worker.mjs'),
    path.join(dist, folder, 'sqlite-worker.mjs'),
  );
}
fs.writeFileSync(path.join(dist, 'BUILD'), `${new Date().toISOString()}\n`);
