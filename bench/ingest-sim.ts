/**
 * `npm run bench:ingest` (part 2): sign-in ingestion end to end — a simulator tenant in its own process (HTTPS,
 * /beta sign-ins with the MFA detail, interactive and non-interactive), read through the Graph seam into SQLite
 * with every aggregate, the last sign-ins and the report rollups. Compared with the floor: the same pages fetched
 * with plain HTTPS and discarded. Pacing is off (the simulator does not throttle here), so the figure is the
 * pipeline's own speed; under Graph's real reports tier (5 requests per 10 s per tenant) a tenant's ingestion is
 * bounded by that limit instead (about 500 events/s with 1,000-event pages).
 *
 * `-- [--users 2000] [--days 30]`. Prints figures; asserts nothing.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { parseArgs } from 'node:util';
import { ClientSecretCredential } from '@azure/identity';
import { Agent, fetch } from 'undici';
import { TenantGraphFactory } from '../src/graph/tenant-graph-factory.js';
import { REPORTS_PACE_KEY } from '../src/graph/tenant-gate.js';
import { systemClock } from '../src/shared/clock.js';
import { createLogger } from '../src/shared/logger.js';
import { ClientRepository } from '../src/store/client-repository.js';
import { openDatabase } from '../src/store/database.js';
import { IntegrationRepository } from '../src/store/integration-repository.js';
import { SecretBox } from '../src/store/secret-box.js';
import { createStore } from '../src/store/store.js';
import { AuditTrail } from '../src/services/audit-trail.js';
import { CollectionReconciler } from '../src/services/collection-reconciler.js';
import { DirectorySync } from '../src/sync/directory-sync.js';
import { SignInIngestion } from '../src/sync/sign-in-ingestion.js';
import { SyncRunner } from '../src/sync/sync-runner.js';
import { startSimulatorProcess, type SimDetails } from './bench-support.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '2000' },
    days: { type: 'string', default: '30' },
  },
});
const users = Number(args.users);
const days = Number(args.days);

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-bench-ingest-sim-'));

function line(label: string, value: string): void {
  console.log(`${label.padEnd(52)} ${value}`);
}

/** The floor: the sign-ins of the same period (same filter and page size, one unbounded query) fetched with plain HTTPS and thrown away. */
async function floor(
  details: SimDetails,
  token: string,
  dispatcher: Agent,
  from: string,
): Promise<{ ms: number; events: number }> {
  const filter = `createdDateTime ge ${from} and signInEventTypes/any(t: t eq 'interactiveUser' or t eq 'nonInteractiveUser')`;
  let link: string | undefined =
    `${details.graphBaseUrl}/beta/auditLogs/signIns?$filter=${encodeURIComponent(filter)}&$top=1000`;
  let events = 0;
  const started = performance.now();
  while (link !== undefined) {
    const response = await fetch(link, { headers: { authorization: `Bearer ${token}` }, dispatcher });
    if (!response.ok) throw new Error(`floor: HTTP ${String(response.status)}`);
    const page = (await response.json()) as { value: unknown[]; '@odata.nextLink'?: string };
    events += page.value.length;
    link = page['@odata.nextLink'];
  }
  return { ms: performance.now() - started, events };
}

async function main(): Promise<void> {
  console.log(
    `\nSign-in ingestion through the simulator (SQLite; Node ${process.version}, ${String(os.cpus().length)} CPUs)\n`,
  );
  line('load average at start (1 min)', os.loadavg()[0]?.toFixed(2) ?? '?');
  const { child, details } = await startSimulatorProcess([
    '--seed',
    '7',
    '--users',
    String(users),
    '--sign-in-days',
    String(days),
    '--data-dir',
    path.join(workDir, 'sim'),
  ]);
  const ca = fs.readFileSync(details.caCertPath, 'utf8');
  const dispatcher = new Agent({ connect: { ca: [...tls.rootCertificates, ca] }, keepAliveTimeout: 30_000 });
  const database = await openDatabase({ kind: 'sqlite', path: path.join(workDir, 'bench.db') });
  const graphs = new TenantGraphFactory({
    endpoints: { authorityHost: details.authorityHost, graphBaseUrl: details.graphBaseUrl, trustedCaPem: ca },
  });
  try {
    const credential = new ClientSecretCredential(details.tenantId, details.clientId, details.clientSecret, {
      authorityHost: details.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: [...tls.rootCertificates, ca] },
    });
    const token = (await credential.getToken('https://graph.microsoft.com/.default')).token;
    const from = new Date(Date.now() - days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const floorRun = await floor(details, token, dispatcher, from);
    line(
      'floor: plain HTTPS fetch of the same pages',
      `${rate(floorRun.events, floorRun.ms)} (${floorRun.events.toLocaleString()} events in ${seconds(floorRun.ms)})`,
    );

    const clientId = crypto.randomUUID();
    const key = crypto.randomBytes(32);
    await new ClientRepository(database.db).insert({
      id: clientId,
      name: 'bench',
      displayName: 'Bench',
      expiryDays: 30,
      createdAt: new Date().toISOString(),
      createdBy: 'bench',
    });
    const secretBox = new SecretBox(key);
    const integrations = new IntegrationRepository(database.db, secretBox);
    const store = createStore(database.db, secretBox);
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
    const logger = createLogger({ level: 'silent' });
    const runner = new SyncRunner({ store, clock: systemClock, logger });
    // Sign-ins are kept for users enabled for data collection only (rule 10): the directory, then the import.
    const directory = new DirectorySync({
      store,
      graphs,
      integrations,
      runner,
      clock: systemClock,
      logger,
    });
    const reconciler = new CollectionReconciler({
      store: createStore(database.db, new SecretBox(crypto.randomBytes(32))),
      audit: new AuditTrail({ clock: systemClock }),
      clock: systemClock,
      logger,
    });
    directory.setRules(reconciler);
    const synced = await directory.run(clientId);
    if (synced.run.status !== 'succeeded')
      throw new Error(synced.run.errorMessage ?? 'directory sync failed');
    await database.db
      .updateTable('integrations')
      .set({ import_started_at: new Date().toISOString() })
      .where('client_id', '=', clientId)
      .execute();
    await reconciler.reconcile(clientId);
    const ingestion = new SignInIngestion({
      store,
      graphs,
      integrations,
      runner,
      clock: systemClock,
      logger,
      retentionDays: 90,
      initialLookbackDays: days,
      pace: { key: REPORTS_PACE_KEY, minIntervalMs: 0 },
    });
    const started = performance.now();
    const outcome = await ingestion.run(clientId);
    const elapsed = performance.now() - started;
    if (outcome.run.status !== 'succeeded') throw new Error(outcome.run.errorMessage ?? 'ingestion failed');
    line(
      'ingestion: pages → store, aggregates, last sign-ins, rollups',
      `${rate(outcome.run.itemsWritten, elapsed)} (${outcome.run.itemsWritten.toLocaleString()} events, ${String(outcome.run.pages)} pages in ${seconds(elapsed)})`,
    );
    line('ratio to the floor', `${(elapsed / floorRun.ms).toFixed(2)} ×`);
    const again = performance.now();
    const replay = await ingestion.run(clientId);
    line(
      'next run (overlap window only, all duplicates)',
      `${seconds(performance.now() - again)}, ${String(replay.run.itemsWritten)} added, ${String(replay.run.graphRequests)} request(s)`,
    );
    line('load average at end (1 min)', os.loadavg()[0]?.toFixed(2) ?? '?');
  } finally {
    await graphs.close();
    await database.close();
    await dispatcher.close();
    child.kill();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

function rate(count: number, elapsedMs: number): string {
  return `${Math.round(count / (elapsedMs / 1000)).toLocaleString()} events/s`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

await main();
