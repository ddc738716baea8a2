/**
 * `npm run bench:sync -- [--users 100000] [--groups 5000] [--latency-ms 0] [--engine sqlite|postgres]`
 *
 * Directory sync against a simulator tenant running in its own process (so its CPU and memory are not ours):
 * 1. the floor — a plain HTTPS fetch of the same delta pages (users, then groups), bodies parsed for the next link
 *    and discarded;
 * 2. a full sync into a fresh store;
 * 3. a delta sync after 1 % of the users changed.
 * Prints wall times, the ratio to the floor, Graph requests, peak RSS and rows per second, against DESIGN §8.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
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
import pg from 'pg';
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
import { startSimulatorProcess, type SimDetails } from './bench-support.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    groups: { type: 'string', default: '5000' },
    'latency-ms': { type: 'string', default: '0' },
    engine: { type: 'string', default: 'sqlite' },
    json: { type: 'boolean', default: false },
    'profile-sql': { type: 'boolean', default: false },
    'batch-items': { type: 'string' },
    'batch-ms': { type: 'string' },
    'batch-network-ms': { type: 'string' },
  },
});
const users = Number(args.users);
const groups = Number(args.groups);
const latencyMs = Number(args['latency-ms']);
const engine = args.engine === 'postgres' ? 'postgres' : 'sqlite';

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-bench-sync-'));
const log = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

/** The floor: the same pages fetched with plain HTTPS and thrown away. */
async function floor(
  details: SimDetails,
  token: string,
  dispatcher: Agent,
): Promise<{ ms: number; pages: number }> {
  const started = performance.now();
  let pages = 0;
  for (const first of [
    `/v1.0/users/delta?$select=${USER_SELECT.join(',')}`,
    `/v1.0/groups/delta?$select=${GROUP_SELECT.join(',')}`,
  ]) {
    let link: string | undefined = `${details.graphBaseUrl}${first}`;
    while (link !== undefined) {
      const response = await fetch(link, { headers: { authorization: `Bearer ${token}` }, dispatcher });
      if (!response.ok) throw new Error(`floor: HTTP ${response.status} for ${link}`);
      const page = (await response.json()) as { '@odata.nextLink'?: string };
      link = page['@odata.nextLink'];
      pages++;
    }
  }
  return { ms: performance.now() - started, pages };
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

function freshStore(): StoreConfig {
  if (engine === 'sqlite') return { kind: 'sqlite', path: path.join(workDir, 'bench.db') };
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

async function main(): Promise<void> {
  log(`starting a simulator with ${users} users and ${groups} groups (latency ${latencyMs} ms)…`);
  const { child, details } = await startSimulatorProcess([
    '--seed',
    '7',
    '--users',
    String(users),
    '--groups',
    String(groups),
    '--sign-in-days',
    '0',
    '--latency-ms',
    String(latencyMs),
    '--data-dir',
    path.join(workDir, 'sim'),
  ]);
  const ca = fs.readFileSync(details.caCertPath, 'utf8');
  const dispatcher = new Agent({ connect: { ca: [...tls.rootCertificates, ca] }, keepAliveTimeout: 30_000 });
  const store = freshStore();
  const database = await openDatabase(store);
  try {
    const credential = new ClientSecretCredential(details.tenantId, details.clientId, details.clientSecret, {
      authorityHost: details.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: [...tls.rootCertificates, ca] },
    });
    const token = (await credential.getToken('https://graph.microsoft.com/.default')).token;

    log('floor: plain HTTPS fetch of the same pages…');
    const floorRun = await floor(details, token, dispatcher);
    log(`  ${floorRun.pages} pages in ${Math.round(floorRun.ms)} ms`);

    const clientId = crypto.randomUUID();
    const secretBox = new SecretBox(crypto.randomBytes(32));
    const integrations = new IntegrationRepository(database.db, secretBox);
    await new ClientRepository(database.db).insert({
      id: clientId,
      name: 'bench',
      display_name: 'Benchmark',
      expiry_days: 30,
      created_at: new Date().toISOString(),
      created_by: 'bench',
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
      endpoints: {
        authorityHost: details.authorityHost,
        graphBaseUrl: details.graphBaseUrl,
        trustedCaPem: ca,
      },
    });
    const timer = new SqlTimer();
    const db = args['profile-sql'] ? database.db.withPlugin(timer) : database.db;
    const runner = new SyncRunner({ db, clock: systemClock, logger });
    const sync = new DirectorySync({
      db,
      graphs,
      integrations,
      runner,
      clock: systemClock,
      logger,
      batch: {
        ...(args['batch-items'] === undefined ? {} : { items: Number(args['batch-items']) }),
        ...(args['batch-ms'] === undefined ? {} : { ms: Number(args['batch-ms']) }),
        ...(args['batch-network-ms'] === undefined
          ? {}
          : { networkBoundMs: Number(args['batch-network-ms']) }),
      },
    });

    log('full sync…');
    let started = performance.now();
    const full = await sync.run(clientId);
    const fullMs = performance.now() - started;
    if (full.run.status !== 'succeeded') throw new Error(`full sync failed: ${full.run.error_message ?? ''}`);
    const fullRss = rssMb();
    const count = async (
      table: 'directory_users' | 'directory_groups' | 'group_members' | 'group_user_closure',
    ): Promise<number> => {
      const row = await database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('client_id', '=', clientId)
        .executeTakeFirstOrThrow();
      return row.count;
    };
    const rows = {
      users: await count('directory_users'),
      groups: await count('directory_groups'),
      edges: await count('group_members'),
      closure: await count('group_user_closure'),
    };

    log('changing 1 % of the users…');
    const sample = await database.db
      .selectFrom('directory_users')
      .select('id')
      .where('client_id', '=', clientId)
      .orderBy('id')
      .limit(Math.max(1, Math.round(rows.users / 100)))
      .execute();
    for (const [index, user] of sample.entries()) {
      await control(details, dispatcher, 'PATCH', `/tenants/${details.tenantId}/users/${user.id}`, {
        department: `Changed ${index % 7}`,
      });
    }

    log('delta sync…');
    started = performance.now();
    const delta = await sync.run(clientId);
    const deltaMs = performance.now() - started;
    if (delta.run.status !== 'succeeded')
      throw new Error(`delta sync failed: ${delta.run.error_message ?? ''}`);

    const written = rows.users + rows.groups + rows.edges;
    const figures = {
      users,
      groups,
      latencyMs,
      engine,
      floorMs: Math.round(floorRun.ms),
      floorPages: floorRun.pages,
      fullMs: Math.round(fullMs),
      fullToFloor: Number((fullMs / floorRun.ms).toFixed(2)),
      fullRequests: full.run.graph_requests,
      fullPages: full.run.pages,
      peakRssMb: Math.max(fullRss, rssMb()),
      rowsPerSecond: Math.round(written / (fullMs / 1000)),
      rows,
      deltaMs: Math.round(deltaMs),
      deltaToFull: Number((deltaMs / fullMs).toFixed(3)),
      deltaRequests: delta.run.graph_requests,
      deltaUsersUpdated: delta.run.users_updated,
    };
    if (args.json) {
      process.stdout.write(`${JSON.stringify(figures)}\n`);
    } else {
      const mark = (ok: boolean): string => (ok ? 'ok  ' : 'MISS');
      process.stdout.write(
        [
          '',
          `directory sync benchmark — ${users.toLocaleString('en-US')} users, ${groups.toLocaleString('en-US')} groups, latency ${latencyMs} ms, ${engine}`,
          `  floor (plain HTTPS, same ${floorRun.pages} pages)  ${figures.floorMs} ms`,
          `  full sync                            ${figures.fullMs} ms   ${figures.fullToFloor} × floor   [${mark(figures.fullToFloor <= 1.5)}≤ 1.5]`,
          `  Graph requests (full)                ${figures.fullRequests}   for ${floorRun.pages} pages   [${mark(figures.fullRequests <= floorRun.pages + 3)}≤ pages + 3]`,
          `  peak RSS                             ${figures.peakRssMb} MB   [${mark(figures.peakRssMb <= 400)}≤ 400 MB]`,
          `  rows written                         ${written.toLocaleString('en-US')} (${rows.users} users, ${rows.groups} groups, ${rows.edges} edges; ${rows.closure} closure rows)`,
          `  rows per second                      ${figures.rowsPerSecond.toLocaleString('en-US')}`,
          `  delta sync after 1 % changed         ${figures.deltaMs} ms   ${(figures.deltaToFull * 100).toFixed(1)} % of full   [${mark(figures.deltaToFull <= 0.1)}≤ 10 %]`,
          `  Graph requests (delta)               ${figures.deltaRequests}   (${figures.deltaUsersUpdated} users updated)`,
          '',
        ].join('\n'),
      );
    }
    if (args['profile-sql']) {
      for (const [shape, total] of [...timer.totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
        process.stdout.write(
          `  sql ${Math.round(total.ms).toString().padStart(7)} ms ${String(total.count).padStart(6)} × ${shape}\n`,
        );
      }
    }
    await graphs.close();
  } finally {
    await database.close();
    await dispatcher.close();
    child.kill('SIGTERM');
    if (store.kind === 'postgres') {
      const admin = new pg.Client({ connectionString: store.url });
      await admin.connect();
      await admin.query(`drop schema if exists "${store.schema}" cascade`);
      await admin.end();
    }
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:sync failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
