// Bundles a benchmark entry (or a process a benchmark starts) as production runs the product: compiled JavaScript
// on plain Node, with no TypeScript loader in the measured process.
//
// Through tsx, a process also holds tsx's loader thread and its transformed sources: about 60 MB of resident memory
// and start-up CPU that a production server (`npm start`, dist/) does not have, counted against DESIGN §8's figures.
// So the entry is bundled with the sources it imports into dist-bench/<name>.mjs (packages stay external, loaded from
// node_modules as the server loads them) and the SQLite worker is copied beside it, as the build copies it beside
// the server's modules. dist-bench/ sits one level below the repository, as bench/ and scripts/ do, so paths
// relative to a file's own directory (the repository root as `..`) still hold once bundled.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @param {string} entry a TypeScript file, relative to the repository root
 * @returns {Promise<string>} the bundle's absolute path
 */
export async function bundleForBench(entry) {
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
  return outfile;
}
