// `node scripts/run-bench.mjs bench/<name>.ts [arguments…]`: runs a benchmark as production runs the product —
// bundled by scripts/bench-bundle.mjs and run on plain Node, with the arguments given. A benchmark that starts
// processes of its own (bench:estate's simulator and instances) bundles them the same way.
import { spawn } from 'node:child_process';
import { bundleForBench } from './bench-bundle.mjs';

const [entry, ...args] = process.argv.slice(2);
if (entry === undefined || !entry.endsWith('.ts')) {
  process.stderr.write('usage: node scripts/run-bench.mjs bench/<name>.ts [arguments…]\n');
  process.exit(2);
}
const outfile = await bundleForBench(entry);

const child = spawn(process.execPath, ['--enable-source-maps', outfile, ...args], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal === null ? 1 : 128);
});
