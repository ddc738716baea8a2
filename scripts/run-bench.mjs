// `node scripts/run-bench.mjs bench/<name>.ts [arguments…]`: runs a benchmark as production runs the product —
// compiled JavaScript on plain Node, with no TypeScript loader in the process.
//
// Through tsx, the measured process also holds tsx's loader thread and its transformed sources: about 60 MB of
// resident memory and start-up CPU that a production server (`npm start`, dist/) does not have, counted against
// DESIGN §8's memory figure. So the benchmark is bundled with the sources it imports into dist-bench/<name>.mjs
// (packages stay external, loaded from node_modules as the server loads them), the SQLite worker is copied beside
// it as the build copies it beside the server's modules, and it runs with the arguments given.
// dist-bench/ sits one level below the repository, as bench/ does, so a benchmark's paths relative to its own file
// (the repository root as `..`) still hold.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [entry, ...args] = process.argv.slice(2);
if (entry === undefined || !entry.endsWith('.ts')) {
  process.stderr.write('usage: node scripts/run-bench.mjs bench/<name>.ts [arguments…]\n');
  process.exit(2);
}
const out = path.join(root, 'dist-bench');
const outfile = path.join(out, `${path.basename(entry, '.ts')}.mjs`);
fs.mkdirSync(out, { recursive: true });
await build({
  entryPoints: [path.resolve(root, entry)],
  outfile,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
fs.copyFileSync(path.join(root, 'src/store/sqlite-worker.mjs'), path.join(out, 'sqlite-worker.mjs'));

const child = spawn(process.execPath, ['--enable-source-maps', outfile, ...args], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal === null ? 1 : 128);
});
