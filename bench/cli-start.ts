/**
 * `npm run bench:cli [-- --runs N]`: how long the admin CLI takes to start and answer `--help` and `status` (DESIGN
 * §8: < 1 s from the production build). Builds first when dist/ is missing or older than the sources, then times N
 * runs of each way of starting it and prints the median and the slowest:
 * - `node dist/src/cli/main.js` — the build alone;
 * - `npm run cli -- …` — as an operator types it (npm, then scripts/run-entry.mjs, which picks the build);
 * - `node --import tsx src/cli/main.ts` — the sources through tsx, as before the build existed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag === -1 ? 7 : Number(process.argv[runsFlag + 1]);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');

const compiled = path.join(root, 'dist/src/cli/main.js');
const probe = spawnSync(
  process.execPath,
  [path.join(root, 'scripts/run-entry.mjs'), 'src/cli/main.ts', '--help'],
  {
    cwd: root,
    encoding: 'utf8',
  },
);
if (!fs.existsSync(compiled) || probe.stderr.includes('older than the sources')) {
  process.stdout.write('building (npm run build:server)…\n');
  execFileSync('npm', ['run', '--silent', 'build:server'], { cwd: root, stdio: 'inherit' });
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-bench-cli-'));
const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
const ways: { name: string; command: string; args: string[]; expect: string }[] = [];
for (const [label, args, expect] of [
  ['--help', ['--help'], 'Usage'],
  ['status', ['status'], 'CLIENT'],
] as const) {
  ways.push(
    {
      name: `build: node dist/src/cli/main.js ${label}`,
      command: process.execPath,
      args: [compiled, ...args],
      expect,
    },
    {
      name: `npm run cli -- ${label}`,
      command: 'npm',
      args: ['run', '--silent', 'cli', '--', ...args],
      expect,
    },
    {
      name: `sources through tsx ${label}`,
      command: process.execPath,
      args: ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), ...args],
      expect,
    },
  );
}
// The store exists before the clock runs (its first opening creates and migrates it), with one client to show.
execFileSync(process.execPath, [compiled, 'clients', 'add', 'bench-cli'], {
  cwd: root,
  env,
  stdio: 'ignore',
});

process.stdout.write(
  `CLI start, ${String(runs)} runs each (SQLite store in ${dataDir}); target < 1 s from the build (DESIGN §8)\n`,
);
for (const way of ways) {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(way.command, way.args, { cwd: root, env, encoding: 'utf8' });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.status !== 0 || !result.stdout.includes(way.expect)) {
      throw new Error(`${way.name} failed (${String(result.status)}): ${result.stdout}${result.stderr}`);
    }
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? 0;
  const max = times[times.length - 1] ?? 0;
  process.stdout.write(
    `  ${way.name.padEnd(44)} median ${median.toFixed(0).padStart(5)} ms, slowest ${max.toFixed(0).padStart(5)} ms\n`,
  );
}
fs.rmSync(dataDir, { recursive: true, force: true });
