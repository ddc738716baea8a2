/**
 * `npm run bench:bot`: card actions (Universal Actions) under 50 concurrent admins, through the real bot endpoint —
 * POST /api/messages on the app's restify server, the Bot Framework adapter, teams-ai routing, zod on the card data,
 * the core's services with their authorization, the store (SQLite) — over a client of 10,000 users. The server runs
 * in its own process (bench/bot-bench-server.ts), this one only sends the clicks. Each admin has its own personal
 * chat and clicks through status, user cards, Import, Disable, lists, groups and an exclusion preview.
 * Prints latency percentiles (DESIGN §8: p95 ≤ 150 ms, zero errors); asserts nothing.
 * BENCH_BOT_USERS (default 10,000), BENCH_BOT_ADMINS (default 50), BENCH_BOT_ROUNDS (default 20 per admin),
 * BENCH_BOT_PROFILE (a folder: CPU-profile the server).
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BenchServerReady } from './bot-bench-server.js';

const ADMINS = Number(process.env.BENCH_BOT_ADMINS ?? 50);
const ROUNDS = Number(process.env.BENCH_BOT_ROUNDS ?? 20);
const TENANT = '11111111-1111-4111-8111-111111111111';

function line(label: string, value: string): void {
  console.log(`${label.padEnd(52)} ${value}`);
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

console.log(`\nBot card actions (SQLite; Node ${process.version}, ${String(os.cpus().length)} CPUs)\n`);
line('load average at start (1 min)', os.loadavg()[0]?.toFixed(2) ?? '?');
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--no-deprecation',
    // BENCH_BOT_PROFILE=<dir>: a CPU profile of the server process, to see where a card action's time goes.
    ...(process.env.BENCH_BOT_PROFILE === undefined
      ? []
      : ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_BOT_PROFILE}`]),
    fileURLToPath(new URL('./bot-bench-server.ts', import.meta.url)),
  ],
  { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BENCH_BOT_ADMINS: String(ADMINS) } },
);
try {
  const ready = await new Promise<BenchServerReady>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (text) => {
      if (text.startsWith('READY ')) resolve(JSON.parse(text.slice('READY '.length)) as BenchServerReady);
    });
    child.once('exit', (code) => {
      reject(new Error(`the bench server exited (${String(code)}) before it was ready`));
    });
  });
  const { clientId, userIds, groupIds, admins } = ready;
  line(
    `seeded ${userIds.length.toLocaleString()} users, ${String(groupIds.length)} groups`,
    ms(ready.seededMs),
  );
  const endpoint = `http://127.0.0.1:${String(ready.port)}/api/messages`;
  /** One click: an `adaptiveCard/action` invoke as Teams sends it. The answer is in the HTTP response. */
  const click = async (admin: string, verb: string, data: unknown): Promise<{ ms: number; ok: boolean }> => {
    const body = JSON.stringify({
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: crypto.randomUUID(),
      channelId: 'msteams',
      // Invokes are answered in the HTTP response; nothing is sent to this address.
      serviceUrl: 'http://127.0.0.1:9/',
      from: { id: `29:${admin}`, aadObjectId: admin, name: `admin ${admin.slice(-4)}` },
      recipient: { id: '28:bench-bot', name: 'Identity Manager' },
      conversation: { id: `a:${admin}`, conversationType: 'personal', tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
      replyToId: 'card-1',
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    });
    const start = performance.now();
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const text = await response.text();
    const elapsed = performance.now() - start;
    // An answer that is an error card counts as an error too.
    const ok =
      response.status === 200 &&
      text.includes('application/vnd.microsoft.card.adaptive') &&
      !text.includes('"Not allowed"') &&
      !text.includes('Something went wrong');
    if (!ok && process.env.BENCH_BOT_VERBOSE !== undefined)
      console.log(verb, response.status, text.slice(0, 300));
    return { ms: elapsed, ok };
  };

  const actionsFor = (index: number, round: number): [string, unknown] => {
    const user = userIds[(index * ROUNDS + round) % userIds.length] ?? '';
    const group = groupIds[(index + round) % groupIds.length] ?? '';
    const actions: [string, unknown][] = [
      ['status.show', { client: clientId }],
      ['user.show', { client: clientId, user }],
      ['user.import', { client: clientId, user }],
      ['user.disable', { client: clientId, user }],
      ['users.list', { client: clientId, search: 'novak' }],
      ['group.show', { client: clientId, group }],
      ['groups.list', { client: clientId }],
      ['group.members', { client: clientId, group }],
      ['users.list', { client: clientId, filter: 'disabled' }],
      ['group.exclude.preview', { client: clientId, group }],
    ];
    return actions[round % actions.length] ?? ['help.show', {}];
  };

  // Warm-up: every admin's conversation is captured once, code paths are compiled.
  await Promise.all(admins.map((admin) => click(admin, 'help.show', {})));

  const report = (
    label: string,
    latencies: number[],
    errors: number,
    wall: number,
    byVerb?: Map<string, number[]>,
  ): void => {
    latencies.sort((a, b) => a - b);
    console.log(`\n${label}`);
    line(
      'card actions',
      `${latencies.length.toLocaleString()} in ${ms(wall)} (${Math.round((latencies.length / wall) * 1000).toLocaleString()}/s)`,
    );
    line(
      'latency p50 / p95 / p99 / max',
      [50, 95, 99, 100].map((p) => ms(percentile(latencies, p))).join(' / '),
    );
    line('errors', String(errors));
    if (byVerb === undefined) return;
    for (const [verb, samples] of [...byVerb].sort()) {
      samples.sort((a, b) => a - b);
      line(`  ${verb} p50 / p95`, `${ms(percentile(samples, 50))} / ${ms(percentile(samples, 95))}`);
    }
  };

  /** Every admin clicks ROUNDS times, `thinkMs()` apart, arrivals spread over the first second. */
  const session = async (label: string, thinkMs: () => number): Promise<void> => {
    const latencies: number[] = [];
    const byVerb = new Map<string, number[]>();
    let errors = 0;
    const started = performance.now();
    await Promise.all(
      admins.map(async (admin, index) => {
        await new Promise((resolve) => setTimeout(resolve, (index * 1000) / ADMINS));
        for (let round = 0; round < ROUNDS; round++) {
          const think = thinkMs();
          if (think > 0) await new Promise((resolve) => setTimeout(resolve, think));
          const [verb, data] = actionsFor(index, round);
          const result = await click(admin, verb, data);
          latencies.push(result.ms);
          byVerb.set(verb, [...(byVerb.get(verb) ?? []), result.ms]);
          if (!result.ok) errors++;
        }
      }),
    );
    report(label, latencies, errors, performance.now() - started, byVerb);
  };

  await session(
    `${String(ADMINS)} concurrent admins, ${String(ROUNDS)} card clicks each, 0.5–1.5 s apart`,
    () => 500 + Math.random() * 1000,
  );

  // The worst moment: all admins click in the same instant, 10 times over.
  {
    const latencies: number[] = [];
    let errors = 0;
    const started = performance.now();
    for (let burst = 0; burst < 10; burst++) {
      // Each burst mixes the verbs, as fifty people clicking at once would.
      const results = await Promise.all(
        admins.map((admin, index) => click(admin, ...actionsFor(index, burst + index))),
      );
      for (const result of results) {
        latencies.push(result.ms);
        if (!result.ok) errors++;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    report(
      `Bursts: ${String(ADMINS)} clicks at the same instant, 10 times`,
      latencies,
      errors,
      performance.now() - started,
    );
  }

  await session(
    `Saturation (for information): the same ${String(ADMINS)} admins clicking back to back`,
    () => 0,
  );
  console.log('\nTarget (DESIGN §8): p95 ≤ 150 ms under 50 concurrent admins, zero errors.\n');
} finally {
  child.kill('SIGTERM');
}
