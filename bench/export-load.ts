/**
 * `npm run bench:exports`: the export load of the security review (finding 4) — a *viewer* starts 12 users-CSV
 * exports at once on a 50,000-user client — against the real server process in demo mode (SQLite). Prints how long
 * /healthz takes while they run (probed every 250 ms), the server's resident memory before and at its peak, and how
 * each export ended (200 streamed / 429 refused). BENCH_EXPORT_USERS (50,000), BENCH_EXPORTS (12),
 * BENCH_EXPORTS_ROOT (the repository whose server/main.ts runs: another checkout measures the code before a change),
 * BENCH_EXPORTS_PER_USER (passed as EXPORTS_PER_USER: raise it to let all 12 run, queued by EXPORT_CONCURRENCY).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const USERS = Number(process.env.BENCH_EXPORT_USERS ?? 50_000);
const EXPORTS = Number(process.env.BENCH_EXPORTS ?? 12);
const root = process.env.BENCH_EXPORTS_ROOT ?? fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.BENCH_EXPORTS_PORT ?? 4120);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-bench-exports-'));
const base = `http://127.0.0.1:${String(port)}`;

const server = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server/main.ts')], {
  cwd: root,
  env: {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    APP_MODE: 'demo',
    // Figures of the product, not of Graph's throttling waits.
    DEMO_THROTTLING: 'false',
    PORT: String(port),
    DEMO_SIM_PORT: String(port + 1),
    DEMO_USERS: String(USERS),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    RATE_LIMIT_PER_USER: '100000',
    RATE_LIMIT_PER_ADDRESS: '100000',
    ...(process.env.BENCH_EXPORTS_PER_USER === undefined
      ? {}
      : { EXPORTS_PER_USER: process.env.BENCH_EXPORTS_PER_USER }),
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const serverPid = server.pid ?? 0;

function rssMb(): number {
  const status = fs.readFileSync(`/proc/${String(serverPid)}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

const line = (label: string, value: string): void => {
  console.log(`${label.padEnd(58)} ${value}`);
};

try {
  await new Promise<void>((resolve, reject) => {
    readline.createInterface({ input: server.stdout }).on('line', (text) => {
      if (text.includes('"msg":"server listening"')) resolve();
    });
    server.once('exit', (code) => {
      reject(new Error(`the server exited (${String(code)})`));
    });
  });
  const token = (await (
    await fetch(`${base}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identity: 'viewer' }),
    })
  ).json()) as { token: string };
  const auth = { authorization: `Bearer ${token.token}` };
  // The first sync (and import) of the demo tenant runs at start-up: wait until every user is there.
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    const page = (await (
      await fetch(`${base}/api/tab/clients/demo/users?limit=1`, { headers: auth })
    ).json()) as {
      total?: number;
    };
    if ((page.total ?? 0) >= USERS * 0.9) break;
    if (Date.now() > deadline) throw new Error('the demo tenant was not synced in time');
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  await new Promise((resolve) => setTimeout(resolve, 5000));

  console.log(
    `\nExports under load: ${String(EXPORTS)} concurrent users.csv by a viewer, ${USERS.toLocaleString()} users (demo, SQLite; Node ${process.version}, ${String(os.cpus().length)} CPUs, load ${os.loadavg()[0]?.toFixed(2) ?? '?'})\n`,
  );
  const before = rssMb();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb());
  }, 100);
  let healthMax = 0;
  let healthErrors = 0;
  const healthTimes: number[] = [];
  const state = { running: true };
  const prober = (async () => {
    while (state.running) {
      const started = performance.now();
      await fetch(`${base}/healthz`).then(
        (response) => response.arrayBuffer(),
        () => {
          healthErrors++;
        },
      );
      const took = performance.now() - started;
      healthTimes.push(took);
      healthMax = Math.max(healthMax, took);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  const burstStart = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: EXPORTS }, async () => {
      const started = performance.now();
      try {
        const response = await fetch(`${base}/api/tab/clients/demo/users.csv`, { headers: auth });
        const bytes = (await response.arrayBuffer()).byteLength;
        return { status: response.status, bytes, ms: performance.now() - started };
      } catch {
        return { status: 0, bytes: 0, ms: performance.now() - started };
      }
    }),
  );
  const burstMs = performance.now() - burstStart;
  state.running = false;
  await prober;
  clearInterval(sampler);
  const statuses = new Map<number, number>();
  for (const outcome of outcomes) statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
  const ok = outcomes.filter((outcome) => outcome.status === 200);
  const sorted = [...healthTimes].sort((a, b) => a - b);
  line(
    'exports answered (status × count; 0 = connection failed)',
    [...statuses].map(([s, n]) => `${String(s)}×${String(n)}`).join(', '),
  );
  line('bytes of one full export', ok[0] === undefined ? '—' : `${(ok[0].bytes / 1e6).toFixed(1)} MB`);
  line('slowest export', `${(Math.max(...outcomes.map((o) => o.ms)) / 1000).toFixed(1)} s`);
  line('whole burst', `${(burstMs / 1000).toFixed(1)} s`);
  line(
    '/healthz during the burst: probes (failed)',
    `${String(healthTimes.length)} (${String(healthErrors)})`,
  );
  line('/healthz during the burst: median', `${(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(0)} ms`);
  line('/healthz during the burst: max', `${healthMax.toFixed(0)} ms`);
  line('server RSS before the burst', `${before.toFixed(0)} MB`);
  line('server RSS peak during the burst', `${peak.toFixed(0)} MB`);
  console.log('\nThe machine has 2 cores shared with other work: figures are pessimistic.\n');
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.kill('SIGKILL');
    }, 15_000);
    server.once('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  fs.rmSync(dataDir, { recursive: true, force: true });
}
