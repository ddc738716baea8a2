/**
 * `npm run bench:sim`: how fast the simulator builds a 100k-user tenant with 5k groups and 30 days of sign-ins, how
 * much memory that takes, and how many Graph pages per second it then serves over HTTPS (users, users delta,
 * groups delta, sign-ins) to one client with keep-alive. Prints figures; asserts nothing.
 */
import os from 'node:os';
import path from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { Agent, fetch } from 'undici';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { TenantState } from '../sim/tenant-state.js';
import type { TenantSpec } from '../sim/index.js';

const USERS = Number(process.env.SIM_BENCH_USERS ?? 100_000);
const SPEC: TenantSpec = {
  seed: 1,
  users: USERS,
  groups: Math.round(USERS / 20),
  signInDays: 30,
  signInsPerUserPerDay: 2,
};
const MB = 1024 * 1024;

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function memory(): { rss: number; heap: number; external: number } {
  const m = process.memoryUsage();
  return { rss: m.rss / MB, heap: m.heapUsed / MB, external: (m.external + m.arrayBuffers) / MB };
}

function line(label: string, value: string): void {
  console.log(`${label.padEnd(46)} ${value}`);
}

// --- generation ------------------------------------------------------------------------------------------------
function measureGeneration(): void {
  collectGarbage();
  const before = memory();
  const started = performance.now();
  const generated = new TenantState(SPEC, () => new Date());
  const generationMs = performance.now() - started;
  collectGarbage();
  const after = memory();
  console.log(`\nSimulator benchmark (Node ${process.version}, ${os.cpus().length.toString()} CPUs)\n`);
  line(
    'tenant',
    `${generated.userCount.toLocaleString()} users, ${generated.groupCount.toLocaleString()} groups, ` +
      `${generated.signInCount.toLocaleString()} sign-ins (30 days)`,
  );
  line('generation time', `${(generationMs / 1000).toFixed(2)} s`);
  line(
    'memory held by the tenant (heap + buffers)',
    `${(after.heap - before.heap + after.external - before.external).toFixed(0)} MB`,
  );
  line('process RSS after generation', `${after.rss.toFixed(0)} MB`);
}
measureGeneration();
collectGarbage();

// --- serving ---------------------------------------------------------------------------------------------------
// The simulator runs in its own process, as `npm run sim`, so the figures are what a client in another process sees.
const dataDir = path.join(os.tmpdir(), 'entra-graph-sim-bench');
const child = spawn(
  process.execPath,
  [
    '--max-semi-space-size=32',
    '--import',
    'tsx',
    path.join(import.meta.dirname, '..', 'sim', 'main.ts'),
    '--seed',
    String(SPEC.seed),
    '--users',
    String(USERS),
    '--json',
    '--data-dir',
    dataDir,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const ready = await new Promise<{
  graphBaseUrl: string;
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  caCertPath: string;
}>((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    const lineEnd = out.indexOf('\n');
    if (lineEnd >= 0) resolve(JSON.parse(out.slice(0, lineEnd)) as never);
  });
  child.once('exit', (code) => {
    reject(new Error(`npm run sim exited with ${String(code)}`));
  });
});
const ca = readFileSync(ready.caCertPath, 'utf8');
const credential = new ClientSecretCredential(ready.tenantId, ready.clientId, ready.clientSecret, {
  authorityHost: ready.authorityHost,
  disableInstanceDiscovery: true,
  tlsOptions: { ca },
});
const token = (await credential.getToken('https://graph.microsoft.com/.default')).token;
const dispatcher = new Agent({ connect: { ca }, keepAliveTimeout: 10_000 });

/** Reads pages from `firstUrl` following nextLinks, up to `maxPages`; returns pages, items and bytes. */
async function crawl(
  firstUrl: string,
  maxPages = Number.POSITIVE_INFINITY,
): Promise<{ pages: number; items: number; bytes: number; ms: number }> {
  const t0 = performance.now();
  let url: string | undefined = `${ready.graphBaseUrl}${firstUrl}`;
  let pages = 0;
  let items = 0;
  let bytes = 0;
  while (url !== undefined && pages < maxPages) {
    const response = await fetch(url, { dispatcher, headers: { Authorization: `Bearer ${token}` } });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${response.status.toString()} ${text}`);
    const page = JSON.parse(text) as { value: unknown[]; '@odata.nextLink'?: string };
    pages++;
    items += page.value.length;
    bytes += text.length;
    url = page['@odata.nextLink'];
  }
  return { pages, items, bytes, ms: performance.now() - t0 };
}

function report(label: string, result: { pages: number; items: number; bytes: number; ms: number }): void {
  const seconds = result.ms / 1000;
  line(
    label,
    `${(result.pages / seconds).toFixed(0)} pages/s, ${(result.items / seconds).toFixed(0)} objects/s ` +
      `(${result.pages.toString()} pages, ${(result.bytes / MB).toFixed(1)} MB in ${seconds.toFixed(2)} s)`,
  );
}

console.log('');
const usersSelect =
  '$select=id,displayName,userPrincipalName,mail,userType,accountEnabled,department,jobTitle,createdDateTime';
await crawl(`/v1.0/users?${usersSelect}&$top=999`, 5); // warm-up
report('GET /users $top=999 (all pages)', await crawl(`/v1.0/users?${usersSelect}&$top=999`));
report('GET /users/delta (initial round)', await crawl(`/v1.0/users/delta?${usersSelect}`));
report('GET /groups/delta with members', await crawl('/v1.0/groups/delta?$select=id,displayName,members'));
report('GET /users signInActivity $top=500', await crawl('/v1.0/users?$select=id,signInActivity&$top=500'));
const since = new Date(Date.now() - 2 * 86_400_000).toISOString();
report(
  'GET /auditLogs/signIns $top=1000 (2 days)',
  await crawl(`/v1.0/auditLogs/signIns?$filter=createdDateTime ge ${since}&$top=1000`, 200),
);
report(
  'GET beta /auditLogs/signIns $top=1000 (2 days)',
  await crawl(`/beta/auditLogs/signIns?$filter=createdDateTime ge ${since}&$top=1000`, 200),
);

await dispatcher.close();
child.kill('SIGTERM');
