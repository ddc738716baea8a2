/**
 * `npm run bench:sync -- [--users 100000] [--groups 5000] [--latencies 50,100] [--engine sqlite|postgres]`
 *
 * Directory sync against a simulator tenant running in its own process (so its CPU and memory are not ours):
 * 1. at zero latency: the serving floor — a plain HTTPS fetch of the same delta pages (the users and the groups
 *    chains side by side), bodies parsed for the next link and discarded; a full sync into a fresh store; a delta
 *    sync after 1 % of the users changed;
 * 2. at each latency of `--latencies` (a simulator latency fault on every Graph request): the longer chain's floor
 *    (both chains fetched side by side, plain HTTPS), a full sync into a fresh store, and the usual script approach
 *    (users with `$top=999`, groups, then `transitiveMembers` of each group with 4 requests in flight, nothing
 *    stored) on the same tenant.
 * Prints wall times and ratios against DESIGN §8 and issue 18's targets.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ClientSecretCredential } from '@azure/identity';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { Agent, fetch } from 'undici';
import type { StoreConfig } from '../src/config/load-config.js';
import { TenantGraphFactory } from '../src/graph/tenant-graph-factory.js';
import { GROUP_SELECT, USER_SELECT } from '../src/sync/directory-mappers.js';
import { DirectorySync } from '../src/sync/directory-sync.js';
import { SyncRunner } from '../src/sync/sync-runner.js';
import { systemClock } from '../src/shared/clock.js';
import { createLogger } from '../src/shared/logger.js';
import { ClientRepository } from '../src/store/client-repository.js';
import { openDatabase } from '../src/store/database.js';
import { IntegrationRepository } from '../src/store/integration-repository.js';
import { SecretBox } from '../src/store/secret-box.js';
import { createStore } from '../src/store/store.js';
import { dropStoreSchema, startSimulatorProcess, type SimDetails } from './bench-support.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    groups: { type: 'string', default: '5000' },
    latencies: { type: 'string', default: '50,100' },
    engine: { type: 'string', default: 'sqlite' },
    json: { type: 'boolean', default: false },
    'profile-sql': { type: 'boolean', default: false },
    'batch-items': { type: 'string' },
  },
});
const users = Number(args.users);
const groups = Number(args.groups);
const latencies = args.latencies
  .split(',')
  .filter((text) => text.trim() !== '')
  .map(Number);
const engine = args.engine === 'postgres' ? 'postgres' : 'sqlite';

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-bench-sync-'));
const log = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

interface Chain {
  readonly pages: number;
  readonly ms: number;
}

/** Follows one chain of pages from `first` with plain HTTPS, each body parsed for its next link and dropped. */
async function followChain(link: string | undefined, token: string, dispatcher: Agent): Promise<Chain> {
  const started = performance.now();
  let pages = 0;
  let next = link;
  while (next !== undefined) {
    const response = await fetch(next, { headers: { authorization: `Bearer ${token}` }, dispatcher });
    if (!response.ok) throw new Error(`HTTP ${response.status} for ${next}`);
    const page = (await response.json()) as { '@odata.nextLink'?: string };
    next = page['@odata.nextLink'];
    pages++;
  }
  return { pages, ms: performance.now() - started };
}

/** The floor: the same delta pages fetched with plain HTTPS and thrown away, the two chains side by side. */
async function floor(
  details: SimDetails,
  token: string,
  dispatcher: Agent,
): Promise<{ ms: number; users: Chain; groups: Chain }> {
  const started = performance.now();
  const [users, groups] = await Promise.all([
    followChain(
      `${details.graphBaseUrl}/v1.0/users/delta?$select=${USER_SELECT.join(',')}`,
      token,
      dispatcher,
    ),
    followChain(
      `${details.graphBaseUrl}/v1.0/groups/delta?$select=${GROUP_SELECT.join(',')}`,
      token,
      dispatcher,
    ),
  ]);
  return { ms: performance.now() - started, users, groups };
}

/**
 * The usual script approach: every user (`$top=999`), every group, then each group's `transitiveMembers`
 * (`$top=999`, all pages) with `inFlight` requests at a time. Nothing is stored, which only favours the script.
 */
async function scriptApproach(
  details: SimDetails,
  token: string,
  dispatcher: Agent,
  inFlight: number,
): Promise<{ ms: number; requests: number }> {
  const started = performance.now();
  let requests = 0;
  const getAll = async (first: string): Promise<{ id: string }[]> => {
    const items: { id: string }[] = [];
    let next: string | undefined = first;
    while (next !== undefined) {
      const response = await fetch(next, { headers: { authorization: `Bearer ${token}` }, dispatcher });
      requests++;
      if (!response.ok) throw new Error(`script: HTTP ${response.status} for ${next}`);
      const page = (await response.json()) as { value: { id: string }[]; '@odata.nextLink'?: string };
      items.push(...page.value);
      next = page['@odata.nextLink'];
    }
    return items;
  };
  const base = `${details.graphBaseUrl}/v1.0`;
  await getAll(`${base}/users?$top=999&$select=${USER_SELECT.join(',')}`);
  const groups = await getAll(`${base}/groups?$top=999&$select=id,displayName`);
  let index = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (index < groups.length) {
        const group = groups[index++];
        if (group === undefined) break;
        await getAll(`${base}/groups/${group.id}/transitiveMembers?$top=999&$select=id`);
      }
    }),
  );
  return { ms: performance.now() - started, requests };
}

async function control(
  details: SimDetails,
  dispatcher: Agent,
  method: string,
  route: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${details.controlUrl}${route}`, {
    method,
    dispatcher,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok)
    throw new Error(`control ${method} ${route}: HTTP ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

function freshStore(name: string): StoreConfig {
  if (engine === 'sqlite') return { kind: 'sqlite', path: path.join(workDir, `${name}.db`) };
  return {
    kind: 'postgres',
    url: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    schema: `bench_${crypto.randomBytes(4).toString('hex')}`,
  };
}

/** `--profile-sql`: time spent per statement shape, to see where a sync's store time goes. */
class SqlTimer implements KyselyPlugin {
  private readonly started = new Map<unknown, { sql: string; at: number }>();
  readonly totals = new Map<string, { count: number; ms: number }>();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const kind = args.node.kind;
    const table =
      /"identifier":\{"kind":"IdentifierNode","name":"(\w+)"/.exec(JSON.stringify(args.node))?.[1] ?? '';
    this.started.set(args.queryId, { sql: `${kind} ${table}`, at: performance.now() });
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const start = this.started.get(args.queryId);
    if (start !== undefined) {
      this.started.delete(args.queryId);
      const total = this.totals.get(start.sql) ?? { count: 0, ms: 0 };
      total.count++;
      total.ms += performance.now() - start.at;
      this.totals.set(start.sql, total);
    }
    return Promise.resolve(args.result);
  }
}

const rssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

/**
 * CPU milliseconds used so far by each thread of this process, by thread id (Linux: /proc/self/task/<tid>/stat,
 * utime + stime in clock ticks of 10 ms); empty where /proc is not there. Which thread is which: the main thread's
 * id is the process id; the SQLite worker is the thread that appeared when the store opened; the others are V8's
 * platform threads (garbage collection) and libuv's pool.
 */
function threadCpuMs(): Map<number, number> {
  const used = new Map<number, number>();
  let tids: string[];
  try {
    tids = fs.readdirSync('/proc/self/task');
  } catch {
    return used;
  }
  for (const tid of tids) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      used.set(Number(tid), (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return used;
}

/** CPU milliseconds a process has used so far (Linux: /proc/<pid>/stat); 0 where /proc is not there. */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = fs.readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** CPU seconds per kind of thread between two {@link threadCpuMs} readings; `store` names the SQLite worker's ids. */
function cpuByThread(
  before: Map<number, number>,
  after: Map<number, number>,
  store: ReadonlySet<number>,
): string {
  let main = 0;
  let worker = 0;
  let other = 0;
  for (const [tid, ms] of after) {
    const spent = ms - (before.get(tid) ?? 0);
    if (tid === process.pid) main += spent;
    else if (store.has(tid)) worker += spent;
    else other += spent;
  }
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  return `main thread ${s(main)}, SQLite worker ${s(worker)}, V8 and libuv helpers ${s(other)}`;
}

/** A client connected to the simulated tenant in a fresh store, ready to sync. */
interface Target {
  readonly store: StoreConfig;
  readonly database: Awaited<ReturnType<typeof openDatabase>>;
  readonly clientId: string;
  readonly sync: DirectorySync;
  readonly graphs: TenantGraphFactory;
  readonly timer: SqlTimer;
  /** The threads that appeared while the store opened: its SQLite worker. */
  readonly storeThreads: ReadonlySet<number>;
}

async function connect(details: SimDetails, ca: string, name: string): Promise<Target> {
  const store = freshStore(name);
  const threadsBefore = threadCpuMs();
  const database = await openDatabase(store);
  const storeThreads = new Set([...threadCpuMs().keys()].filter((tid) => !threadsBefore.has(tid)));
  const clientId = crypto.randomUUID();
  const integrations = new IntegrationRepository(database.db, new SecretBox(crypto.randomBytes(32)));
  await new ClientRepository(database.db).insert({
    id: clientId,
    name: 'bench',
    displayName: 'Benchmark',
    expiryDays: 30,
    createdAt: new Date().toISOString(),
    createdBy: 'bench',
  });
  await integrations.save({
    clientId,
    kind: 'client_credentials',
    tenantId: details.tenantId,
    tenantInput: details.tenantId,
    appClientId: details.clientId,
    clientSecret: details.clientSecret,
    actor: 'bench',
    at: new Date(),
  });
  const logger = createLogger({ level: 'warn', destination: process.stderr });
  const graphs = new TenantGraphFactory({
    endpoints: { authorityHost: details.authorityHost, graphBaseUrl: details.graphBaseUrl, trustedCaPem: ca },
  });
  const timer = new SqlTimer();
  const db = args['profile-sql'] ? database.db.withPlugin(timer) : database.db;
  const syncStore = createStore(db, new SecretBox(crypto.randomBytes(32)));
  const sync = new DirectorySync({
    store: syncStore,
    graphs,
    integrations,
    runner: new SyncRunner({ store: syncStore, clock: systemClock, logger }),
    clock: systemClock,
    logger,
    ...(args['batch-items'] === undefined ? {} : { batch: { items: Number(args['batch-items']) } }),
  });
  return { store, database, clientId, sync, graphs, timer, storeThreads };
}

async function release(target: Target): Promise<void> {
  await target.graphs.close();
  await target.database.close();
  if (target.store.kind === 'postgres') await dropStoreSchema(target.store.url, target.store.schema);
}

/** How long the event loop was held up during a full sync (a commit on this thread holds the page chains). */
interface Stalls {
  readonly maxMs: number;
  readonly p99Ms: number;
}

async function timedFullSync(
  target: Target,
): Promise<{ ms: number; cpuMs: number; threads: string; requests: number; pages: number; stalls: Stalls }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const threadsBefore = threadCpuMs();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const full = await target.sync.run(target.clientId);
  loop.disable();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const threads = cpuByThread(threadsBefore, threadCpuMs(), target.storeThreads);
  const stalls = { maxMs: loop.max / 1e6, p99Ms: loop.percentile(99) / 1e6 };
  if (full.run.status !== 'succeeded') throw new Error(`full sync failed: ${full.run.errorMessage ?? ''}`);
  return {
    ms,
    cpuMs: (used.user + used.system) / 1000,
    threads,
    requests: full.run.graphRequests,
    pages: full.run.pages,
    stalls,
  };
}

const stalled = (stalls: Stalls): string =>
  `event loop held up to ${Math.round(stalls.maxMs)} ms (p99 ${Math.round(stalls.p99Ms)} ms)`;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`.padStart(8);
const times = (ratio: number): string => `${ratio.toFixed(2)} ×`;
const mark = (ok: boolean): string => (ok ? 'ok  ' : 'MISS');

async function main(): Promise<void> {
  log(`starting a simulator with ${users} users and ${groups} groups…`);
  const { child, details } = await startSimulatorProcess([
    '--seed',
    '7',
    '--users',
    String(users),
    '--groups',
    String(groups),
    '--sign-in-days',
    '0',
    '--data-dir',
    path.join(workDir, 'sim'),
  ]);
  const ca = fs.readFileSync(details.caCertPath, 'utf8');
  const dispatcher = new Agent({
    connect: { ca: [...tls.rootCertificates, ca] },
    keepAliveTimeout: 30_000,
    connections: 16,
  });
  const lines: string[] = [];
  const print = (line: string): void => {
    lines.push(line);
    log(line);
  };
  try {
    const credential = new ClientSecretCredential(details.tenantId, details.clientId, details.clientSecret, {
      authorityHost: details.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: [...tls.rootCertificates, ca] },
    });
    const token = (await credential.getToken('https://graph.microsoft.com/.default')).token;

    log('zero latency: serving floor (plain HTTPS, both chains side by side)…');
    const floorCpu = process.cpuUsage();
    const floorRun = await floor(details, token, dispatcher);
    const floorUsed = process.cpuUsage(floorCpu);
    const floorPages = floorRun.users.pages + floorRun.groups.pages;
    log('zero latency: full sync…');
    const target = await connect(details, ca, 'zero');
    const simBefore = processCpuMs(child.pid);
    const full = await timedFullSync(target);
    const simMs = processCpuMs(child.pid) - simBefore;
    const fullRss = rssMb();
    const count = async (
      table:
        'directory_users' | 'directory_groups' | 'group_members' | 'group_nesting' | 'group_user_closure',
    ): Promise<number> => {
      const row = await target.database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('client_id', '=', target.clientId)
        .executeTakeFirstOrThrow();
      return Number(String(row.count)); // PostgreSQL answers count(*) as a string
    };
    const rows = {
      users: await count('directory_users'),
      groups: await count('directory_groups'),
      edges: await count('group_members'),
      nesting: await count('group_nesting'),
      closure: await count('group_user_closure'),
    };

    log('changing 1 % of the users…');
    const sample = await target.database.db
      .selectFrom('directory_users')
      .select('id')
      .where('client_id', '=', target.clientId)
      .orderBy('id')
      .limit(Math.max(1, Math.round(rows.users / 100)))
      .execute();
    for (const [index, user] of sample.entries()) {
      await control(details, dispatcher, 'PATCH', `/tenants/${details.tenantId}/users/${user.id}`, {
        department: `Changed ${index % 7}`,
      });
    }
    log('delta sync…');
    const started = performance.now();
    const delta = await target.sync.run(target.clientId);
    const deltaMs = performance.now() - started;
    if (delta.run.status !== 'succeeded')
      throw new Error(`delta sync failed: ${delta.run.errorMessage ?? ''}`);
    const sqlProfile = [...target.timer.totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15);
    await release(target);

    // The transitive closure is a view over the edges and the nesting of groups: read, not written.
    const written = rows.users + rows.groups + rows.edges + rows.nesting;
    print('');
    print(
      `directory sync benchmark — ${users.toLocaleString('en-US')} users, ${groups.toLocaleString('en-US')} groups, ${engine}, ${os.cpus().length} cores (load average ${os.loadavg()[0]?.toFixed(1) ?? '?'} at the start)`,
    );
    print(`  zero latency`);
    print(
      `    serving floor (plain HTTPS, ${floorRun.users.pages} users + ${floorRun.groups.pages} groups pages side by side)  ${seconds(floorRun.ms)}`,
    );
    print(
      `    full sync                                                          ${seconds(full.ms)}   ${times(full.ms / floorRun.ms)} floor   [${mark(full.ms <= 3 * floorRun.ms)}≤ 3 ×]`,
    );
    print(
      `    CPU of this process (the simulator's apart)   floor ${seconds(floorUsed.user / 1000 + floorUsed.system / 1000).trim()}, full sync ${seconds(full.cpuMs).trim()} — wall times stretch with the machine's load, CPU less so`,
    );
    print(`    by thread: ${full.threads}`);
    if (simMs > 0) {
      const cores = os.availableParallelism();
      const all = full.cpuMs + simMs;
      print(
        `    CPU with the simulator's (${seconds(simMs).trim()}): ${seconds(all).trim()} over ${cores} cores — no schedule could take less than ${seconds(all / cores).trim()} (${times(all / cores / floorRun.ms)} floor) on this machine`,
      );
    }
    print(`    ${stalled(full.stalls)} during the full sync`);
    print(
      `    Graph requests (full)            ${full.requests} for ${floorPages} pages   [${mark(full.requests <= floorPages + 3)}≤ pages + 3]`,
    );
    print(`    peak RSS                         ${fullRss} MB   [${mark(fullRss <= 400)}≤ 400 MB]`);
    print(
      `    rows written                     ${written.toLocaleString('en-US')} (${rows.users} users, ${rows.groups} groups, ${rows.edges} edges, ${rows.nesting} nesting rows)   ${Math.round(written / (full.ms / 1000)).toLocaleString('en-US')} rows/s; transitive closure (a view) ${rows.closure} rows`,
    );
    print(
      `    delta sync after 1 % changed     ${seconds(deltaMs)}   ${((deltaMs / full.ms) * 100).toFixed(1)} % of full   [${mark(deltaMs <= 0.1 * full.ms)}≤ 10 %]   ${delta.run.graphRequests} requests, ${delta.run.usersUpdated} users updated`,
    );
    const figures: Record<string, unknown> = {
      users,
      groups,
      engine,
      zero: {
        floorMs: Math.round(floorRun.ms),
        fullMs: Math.round(full.ms),
        fullCpuMs: Math.round(full.cpuMs),
        stallMaxMs: Math.round(full.stalls.maxMs),
        deltaMs: Math.round(deltaMs),
        rows,
      },
    };

    for (const latency of latencies) {
      log(`${latency} ms per request…`);
      const fault = (await control(details, dispatcher, 'POST', '/faults/latency', {
        ms: latency,
        target: 'graph',
      })) as { id: string };
      const chains = await floor(details, token, dispatcher);
      const longer = Math.max(chains.users.ms, chains.groups.ms);
      const at = await connect(details, ca, `latency-${latency}`);
      const product = await timedFullSync(at);
      await release(at);
      const script = await scriptApproach(details, token, dispatcher, 4);
      await control(details, dispatcher, 'DELETE', `/faults/${fault.id}`);
      print(`  ${latency} ms per request`);
      print(
        `    longer chain's floor (users ${chains.users.pages} pages ${seconds(chains.users.ms).trim()}, groups ${chains.groups.pages} pages ${seconds(chains.groups.ms).trim()})  ${seconds(longer)}`,
      );
      print(
        `    full sync (product)              ${seconds(product.ms)}   ${times(product.ms / longer)} the longer chain   [${mark(product.ms <= 1.2 * longer)}≤ 1.2 ×]   ${product.requests} requests, ${seconds(product.cpuMs).trim()} CPU, ${stalled(product.stalls)}`,
      );
      print(
        `    script, 4 in flight              ${seconds(script.ms)}   product ${times(script.ms / product.ms)} faster   [${mark(script.ms >= 1.8 * product.ms)}≥ 1.8 ×]   ${script.requests} requests`,
      );
      figures[`latency${latency}`] = {
        usersChainMs: Math.round(chains.users.ms),
        groupsChainMs: Math.round(chains.groups.ms),
        fullMs: Math.round(product.ms),
        stallMaxMs: Math.round(product.stalls.maxMs),
        scriptMs: Math.round(script.ms),
        scriptRequests: script.requests,
      };
    }
    print('');
    process.stdout.write(args.json ? `${JSON.stringify(figures)}\n` : `${lines.join('\n')}\n`);
    if (args['profile-sql']) {
      for (const [shape, total] of sqlProfile) {
        process.stdout.write(
          `  sql ${Math.round(total.ms).toString().padStart(7)} ms ${String(total.count).padStart(6)} × ${shape}\n`,
        );
      }
    }
  } finally {
    await dispatcher.close();
    child.kill('SIGTERM');
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:sync failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
