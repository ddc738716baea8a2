/**
 * `npm run bench:estate -- [--tenants 200] [--scale 1] [--instances 1,3] [--latency-ms 100] [--kill]
 *   [--concurrency N] [--timeout-min 60]`
 *
 * An MSP estate: `--tenants` simulated tenants from 20 to 20,000 users (400,000 in all at scale 1; `--scale`
 * multiplies every size), groups nested, 30 days of sign-ins, in one simulator in its own process with a latency on
 * every response and Graph's documented throttling on. The clients are onboarded straight into a fresh PostgreSQL
 * schema, then N instances of the product (test/integration/sync/support/product-instance.ts: the real core and
 * scheduler, each in its own process; the simulator's and the instances' processes bundled to run on plain Node, as
 * production runs: scripts/bench-bundle.mjs) sync them; once for each count of `--instances`. Prints, per run: time
 * until every tenant is fully visible (directory and sign-ins synced) against the floor (the slowest tenant's own
 * requests: its longer directory chain and every other request × the latency, and the reports tier's spacing),
 * per-tenant time to first data
 * (p50/p95/max), CPU seconds per 1,000 users, peak RSS per instance, the PostgreSQL schema's size, runs per client
 * and kind (exactly once), and with `--kill` (3 or more instances) the time until the runs of an instance killed
 * with SIGKILL were taken over.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import tls from 'node:tls';
import { sql } from 'kysely';
import { Agent, fetch } from 'undici';
import { ClientRepository } from '../src/store/client-repository.js';
import { openDatabase, type AppDatabase } from '../src/store/database.js';
import { IntegrationRepository } from '../src/store/integration-repository.js';
import { SecretBox } from '../src/store/secret-box.js';
import { bundleForBench } from '../scripts/bench-bundle.mjs';
import { dropStoreSchema } from './bench-support.js';

const { values: args } = parseArgs({
  options: {
    tenants: { type: 'string', default: '200' },
    scale: { type: 'string', default: '1' },
    instances: { type: 'string', default: '1,3' },
    'latency-ms': { type: 'string', default: '100' },
    concurrency: { type: 'string' },
    kill: { type: 'boolean', default: false },
    'timeout-min': { type: 'string', default: '60' },
  },
});
const tenantCount = Number(args.tenants);
const scale = Number(args.scale);
const latencyMs = Number(args['latency-ms']);
const instanceCounts = args.instances.split(',').map(Number);
/** SYNC_CONCURRENCY for each instance; the product's default when not given. */
const concurrency = args.concurrency === undefined ? undefined : Number(args.concurrency);
const timeoutMs = Number(args['timeout-min']) * 60_000;
const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const root = fileURLToPath(new URL('..', import.meta.url));
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-bench-estate-'));
const log = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

/**
 * Tenant sizes from 20 to 20,000 users whose sum is 400,000 for 200 tenants (a mean of 2,000): 20 + 19,980 ×
 * (i / (n − 1))^9 has that mean; then × scale.
 */
function tenantSizes(count: number): number[] {
  return Array.from({ length: count }, (_, index) => {
    const share = count === 1 ? 1 : index / (count - 1);
    return Math.max(5, Math.round((20 + 19_980 * share ** 9) * scale));
  });
}

interface EstateSim {
  readonly child: ChildProcess;
  readonly authorityHost: string;
  readonly graphBaseUrl: string;
  readonly caCertPath: string;
  readonly controlUrl: string;
  readonly tenants: { tenantId: string; clientId: string; clientSecret: string; users: number }[];
}

/** Starts a bundle of {@link bundleForBench} on plain Node, as production runs (no TypeScript loader in it). */
function node(bundle: string, argument: unknown): ChildProcess {
  return spawn(process.execPath, ['--enable-source-maps', bundle, JSON.stringify(argument)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

async function firstLine(child: ChildProcess): Promise<string> {
  if (child.stdout === null) throw new Error('no stdout');
  return new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve);
    child.once('exit', (code) => {
      reject(new Error(`a child process exited (${String(code)}) before it was ready`));
    });
  });
}

/** A dispatcher that trusts the simulator's certificate authority (its control API is HTTPS too). */
function trusting(sim: EstateSim): Agent {
  return new Agent({ connect: { ca: [...tls.rootCertificates, fs.readFileSync(sim.caCertPath, 'utf8')] } });
}

async function startSim(sizes: readonly number[]): Promise<EstateSim> {
  const child = node(await bundleForBench('bench/estate-sim.ts'), {
    dataDir: path.join(workDir, 'sim'),
    latencyMs,
    tenants: sizes.map((users, index) => ({ seed: 1000 + index, users })),
  });
  return { child, ...(JSON.parse(await firstLine(child)) as Omit<EstateSim, 'child'>) };
}

interface Instance {
  readonly child: ChildProcess;
  readonly pid: number;
  peakRssMb: number;
  cpuSeconds: number;
}

/** CPU seconds (user + system) and peak RSS of a live process, from /proc. */
function sample(instance: Instance): void {
  try {
    const stat = fs.readFileSync(`/proc/${String(instance.pid)}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    instance.cpuSeconds = (Number(fields[11]) + Number(fields[12])) / 100;
    const status = fs.readFileSync(`/proc/${String(instance.pid)}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    if (hwm !== undefined) instance.peakRssMb = Math.round(Number(hwm) / 1024);
  } catch {
    // gone (killed): its last sample stands
  }
}

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

const paced = (count: number, intervalMs: number): number =>
  count * latencyMs + Math.max(0, count - 1) * Math.max(0, intervalMs - latencyMs);

/** Each tenant's own floor, from the requests the simulator counted for it; and the throttled answers in all. */
async function floorsOf(sim: EstateSim): Promise<{ byTenant: Map<string, number>; throttled: number }> {
  const response = await fetch(`${sim.controlUrl}/stats`, { dispatcher: trusting(sim) });
  const stats = (await response.json()) as {
    requestsByTenant: Record<string, Record<string, number>>;
    throttledResponses: number;
  };
  const byTenant = new Map<string, number>();
  for (const [tenant, byEndpoint] of Object.entries(stats.requestsByTenant)) {
    let users = 0;
    let groups = 0;
    let rest = 0;
    for (const [endpoint, count] of Object.entries(byEndpoint)) {
      if (endpoint.endsWith('/users/delta')) users += count;
      else if (endpoint.endsWith('/groups/delta')) groups += count;
      // The reports tier, spaced by the product as Graph documents (sign-ins and registrations 2 s apart,
      // signInActivity 6 s): every request costs the latency, and each after the first the rest of its spacing.
      else if (/auditLogs\/signIns|reports\/authenticationMethods/.test(endpoint))
        rest += paced(count, 2_000);
      else if (endpoint.endsWith('/users')) rest += paced(count, 6_000);
      else if (!endpoint.includes('/oauth2/') && !endpoint.includes('token')) rest += count * latencyMs;
    }
    byTenant.set(tenant, Math.max(users, groups) * latencyMs + rest);
  }
  return { byTenant, throttled: stats.throttledResponses };
}

/** The product's default sync interval (SYNC_INTERVAL_MINUTES): a tenant synced before then is synced again. */
const intervalMinutes = 15;

/**
 * Exactly once, read from the runs table: no two succeeded runs of the same client and kind overlap in time (two
 * instances doing the same work), and none starts again within half the interval of the one before (a job run
 * twice). Runs an estate longer than the interval sees again are the schedule's, and counted as such.
 */
function exactlyOnce(
  runs: readonly {
    client_id: string;
    kind: string;
    status: string;
    error_code: string | null;
    started_at: string;
    finished_at: string | null;
    owner: string | null;
    trigger: string;
  }[],
): { overlapping: number; early: number; scheduledAgain: number; interrupted: number; examples: string[] } {
  const result = { overlapping: 0, early: 0, scheduledAgain: 0, interrupted: 0, examples: [] as string[] };
  const previous = new Map<string, { start: number; end: number; owner: string | null }>();
  for (const run of runs) {
    if (run.status !== 'succeeded') {
      if (run.error_code === 'interrupted') result.interrupted++;
      continue;
    }
    const key = `${run.client_id}/${run.kind}`;
    const start = Date.parse(run.started_at);
    const end = run.finished_at === null ? start : Date.parse(run.finished_at);
    const before = previous.get(key);
    if (before !== undefined) {
      const example = `${run.kind} ${(start - before.start) / 1000} s after the one before (${before.owner === run.owner ? 'same instance' : 'another instance'}, trigger ${run.trigger})`;
      if (start < before.end) {
        result.overlapping++;
        result.examples.push(`overlapping: ${example}`);
      } else if (start - before.start < (intervalMinutes / 2) * 60_000) {
        result.early++;
        result.examples.push(`early: ${example}`);
      } else result.scheduledAgain++;
    }
    previous.set(key, { start, end, owner: run.owner });
  }
  return result;
}

async function onboard(database: AppDatabase, sim: EstateSim, secretsKey: Buffer): Promise<string[]> {
  const clients = new ClientRepository(database.db);
  const integrations = new IntegrationRepository(database.db, new SecretBox(secretsKey));
  const ids: string[] = [];
  for (const [index, tenant] of sim.tenants.entries()) {
    const id = crypto.randomUUID();
    await clients.insert({
      id,
      name: `estate-${String(index)}`,
      displayName: `Estate tenant ${String(index)}`,
      expiryDays: 30,
      createdAt: new Date().toISOString(),
      createdBy: 'bench',
    });
    await integrations.save({
      clientId: id,
      kind: 'client_credentials',
      tenantId: tenant.tenantId,
      tenantInput: tenant.tenantId,
      appClientId: tenant.clientId,
      clientSecret: tenant.clientSecret,
      actor: 'bench',
      at: new Date(),
    });
    ids.push(id);
  }
  return ids;
}

async function runEstate(sim: EstateSim, instanceCount: number): Promise<string[]> {
  const schema = `estate_${crypto.randomBytes(4).toString('hex')}`;
  const database = await openDatabase({ kind: 'postgres', url, schema });
  const secretsKey = crypto.randomBytes(32);
  const lines: string[] = [];
  const instances: Instance[] = [];
  try {
    const clientIds = await onboard(database, sim, secretsKey);
    await fetch(`${sim.controlUrl}/stats`, { method: 'DELETE', dispatcher: trusting(sim) });
    const usersByClient = new Map(clientIds.map((id, index) => [id, sim.tenants[index]?.users ?? 0]));
    const totalUsers = [...usersByClient.values()].reduce((a, b) => a + b, 0);
    log(`${String(instanceCount)} instance(s): starting…`);
    const instanceBundle = await bundleForBench('test/integration/sync/support/product-instance.ts');
    for (let index = 0; index < instanceCount; index++) {
      const child = node(instanceBundle, {
        url,
        schema,
        secretsKey: secretsKey.toString('base64'),
        authorityHost: sim.authorityHost,
        graphBaseUrl: sim.graphBaseUrl,
        caCertPath: sim.caCertPath,
        ...(concurrency === undefined ? {} : { concurrency }),
      });
      instances.push({ child, pid: child.pid ?? 0, peakRssMb: 0, cpuSeconds: 0 });
    }
    await Promise.all(instances.map((instance) => firstLine(instance.child)));
    const started = Date.now();
    const firstData = new Map<string, number>();
    const visible = new Map<string, number>();
    let killedAt: number | undefined;
    let orphans: Set<string> | undefined;
    let recoveredAt: number | undefined;
    let lastLog = started;
    const loads: number[] = [];
    while (visible.size < clientIds.length && Date.now() - started < timeoutMs) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const now = Date.now();
      for (const instance of instances) sample(instance);
      const written = await database.db
        .selectFrom('sync_checkpoints')
        .select('client_id')
        .distinct()
        .execute();
      for (const row of written)
        if (!firstData.has(row.client_id)) firstData.set(row.client_id, now - started);
      const done = await database.db
        .selectFrom('sync_runs')
        .select('client_id')
        .where('status', '=', 'succeeded')
        .where('kind', 'in', ['directory', 'sign_ins'])
        .groupBy('client_id')
        .having((eb) => eb.fn.count('kind').distinct(), '=', 2)
        .execute();
      for (const row of done) if (!visible.has(row.client_id)) visible.set(row.client_id, now - started);
      if (
        args.kill &&
        instanceCount >= 3 &&
        killedAt === undefined &&
        visible.size >= clientIds.length * 0.3
      ) {
        // Kill -9 the instance running the most clients now; their runs must be taken over by the others.
        const running = await database.db
          .selectFrom('sync_runs')
          .select(['client_id', 'owner'])
          .where('status', '=', 'running')
          .execute();
        const held = (instance: Instance): string[] =>
          running
            .filter((row) => row.owner?.split(':')[1] === String(instance.pid))
            .map((row) => row.client_id);
        const victim = [...instances].sort((a, b) => held(b).length - held(a).length)[0];
        if (victim !== undefined && held(victim).length > 0) {
          victim.child.kill('SIGKILL');
          killedAt = now;
          orphans = new Set(held(victim));
          log(
            `  killed instance pid ${String(victim.pid)} holding ${String(orphans.size)} running client(s)`,
          );
        }
      }
      if (killedAt !== undefined && orphans !== undefined && recoveredAt === undefined) {
        const resumed = await database.db
          .selectFrom('sync_runs')
          .select('client_id')
          .where('client_id', 'in', orphans.size === 0 ? [''] : [...orphans])
          .where('started_at', '>', new Date(killedAt).toISOString())
          .distinct()
          .execute();
        if (resumed.length >= orphans.size) recoveredAt = now;
      }
      loads.push(os.loadavg()[0] ?? 0);
      if (now - lastLog >= 10_000) {
        lastLog = now;
        log(
          `  ${seconds(now - started)}: first data ${String(firstData.size)}, fully visible ${String(visible.size)} of ${String(clientIds.length)}, load ${(os.loadavg()[0] ?? 0).toFixed(1)}`,
        );
      }
    }
    const allVisibleMs = Math.max(...visible.values());
    for (const instance of instances) sample(instance);
    const floors = await floorsOf(sim);
    const tenantOf = new Map(clientIds.map((id, index) => [id, sim.tenants[index]?.tenantId ?? '']));
    const floorOfClient = (clientId: string): number =>
      floors.byTenant.get(tenantOf.get(clientId) ?? '') ?? 0;
    const floor = Math.max(...clientIds.map(floorOfClient));
    const size = await sql<{ bytes: string }>`
      select coalesce(sum(pg_total_relation_size(quote_ident(schemaname) || '.' || quote_ident(tablename))), 0) as bytes
      from pg_tables where schemaname = ${schema}`.execute(database.db);
    const runs = await database.db
      .selectFrom('sync_runs')
      .select(['client_id', 'kind', 'status', 'error_code', 'started_at', 'finished_at', 'owner', 'trigger'])
      .orderBy('started_at')
      .execute();
    const check = exactlyOnce(runs);
    const cpu = instances.reduce((sum, instance) => sum + instance.cpuSeconds, 0);
    const ttfd = [...firstData.values()];
    // The tenants that became visible last, against their own floor: whether the estate's time is one tenant's
    // own chain (ratio near 1) or tenants waiting for each other.
    const last = [...visible.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
    const firstStart = (clientId: string, kind: string): string => {
      const run = runs.find((candidate) => candidate.client_id === clientId && candidate.kind === kind);
      return run === undefined ? '—' : seconds(Date.parse(run.started_at) - started);
    };
    lines.push(
      `  ${String(instanceCount)} instance(s) on PostgreSQL, SYNC_CONCURRENCY ${concurrency === undefined ? 'default' : String(concurrency)} each`,
      `    every tenant fully visible     ${visible.size === clientIds.length ? seconds(allVisibleMs) : `NOT within ${seconds(timeoutMs)} (${String(visible.size)} of ${String(clientIds.length)})`}`,
      `    floor (slowest tenant's own)   ${seconds(floor)}   ratio ${(allVisibleMs / floor).toFixed(2)} ×   [${allVisibleMs <= 1.2 * floor ? 'ok  ' : 'MISS'}≤ 1.2 ×]   (${String(floors.throttled)} throttled answers in all)`,
      ...last.map(
        ([clientId, at]) =>
          `      last visible: ${String(usersByClient.get(clientId) ?? 0).padStart(6)} users at ${seconds(at)}, own floor ${seconds(floorOfClient(clientId))} (${(at / floorOfClient(clientId)).toFixed(2)} ×); directory started ${firstStart(clientId, 'directory')}, sign-ins ${firstStart(clientId, 'sign_ins')}`,
      ),
      `    machine load during the run    mean ${(loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length)).toFixed(1)}, max ${Math.max(...loads).toFixed(1)} (1-minute load average, ${String(os.cpus().length)} cores)`,
      `    time to first data             p50 ${seconds(quantile(ttfd, 0.5))}, p95 ${seconds(quantile(ttfd, 0.95))}, max ${seconds(Math.max(...ttfd))}`,
      `    CPU                            ${cpu.toFixed(1)} s in all, ${((cpu / totalUsers) * 1000).toFixed(2)} s per 1,000 users`,
      `    peak RSS per instance          ${instances.map((instance) => `${String(instance.peakRssMb)} MB`).join(', ')}`,
      `    PostgreSQL schema size         ${(Number(size.rows[0]?.bytes ?? 0) / 1024 / 1024).toFixed(0)} MB`,
      `    exactly once                   ${check.overlapping === 0 ? 'no two runs of a client and kind at once' : `${String(check.overlapping)} runs overlapped another of the same client and kind`}; ${check.early === 0 ? 'none started again within its interval' : `${String(check.early)} started again within ${String(intervalMinutes / 2)} min`}; ${String(check.scheduledAgain)} scheduled re-runs (every ${String(intervalMinutes)} min); ${String(check.interrupted)} interrupted`,
      ...check.examples.slice(0, 8).map((example) => `      ${example}`),
    );
    if (killedAt !== undefined) {
      lines.push(
        `    kill -9 of one instance        ${String(orphans?.size ?? 0)} running client(s) taken over ${recoveredAt === undefined ? 'NOT within the run' : `in ${seconds(recoveredAt - killedAt)}`}`,
      );
    }
  } finally {
    for (const instance of instances) instance.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    for (const instance of instances) instance.child.kill('SIGKILL');
    await database.close();
    await dropStoreSchema(url, schema);
  }
  return lines;
}

async function main(): Promise<void> {
  const sizes = tenantSizes(tenantCount);
  const total = sizes.reduce((a, b) => a + b, 0);
  log(`starting a simulator with ${String(tenantCount)} tenants, ${String(total)} users…`);
  const sim = await startSim(sizes);
  try {
    const lines = [
      '',
      `MSP estate benchmark — ${String(tenantCount)} tenants (${String(Math.min(...sizes))} to ${String(Math.max(...sizes))} users, ${total.toLocaleString('en-US')} in all), ${String(latencyMs)} ms per request, Graph throttling on, ${String(os.cpus().length)} cores (load average ${os.loadavg()[0]?.toFixed(1) ?? '?'} at the start)`,
    ];
    for (const count of instanceCounts) lines.push(...(await runEstate(sim, count)));
    process.stdout.write(`${lines.join('\n')}\n\n`);
  } finally {
    sim.child.kill('SIGTERM');
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:estate failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
