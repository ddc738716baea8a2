import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSimulator, type Simulator } from '../../../sim/index.js';
import type { StoreConfig } from '../../../src/config/load-config.js';
import type { SyncKind } from '../../../src/domain/vocabulary.js';
import { TenantGraphFactory } from '../../../src/graph/tenant-graph-factory.js';
import { systemClock } from '../../../src/shared/clock.js';
import { createLogger } from '../../../src/shared/logger.js';
import { ClientRepository } from '../../../src/store/client-repository.js';
import { openDatabase, type AppDatabase } from '../../../src/store/database.js';
import { IntegrationRepository } from '../../../src/store/integration-repository.js';
import { SecretBox } from '../../../src/store/secret-box.js';
import { createStore } from '../../../src/store/store.js';
import { DirectorySync } from '../../../src/sync/directory-sync.js';
import { SyncRunner } from '../../../src/sync/sync-runner.js';
import { dropStore, freshStoreConfig } from '../../support/databases.js';
import { repoRoot } from '../../support/processes.js';

/**
 * Three instances of the product (each the real core and scheduler in a process of its own) on one PostgreSQL,
 * syncing a small estate for real against the simulator: one large tenant and many small ones, scheduled syncs and
 * manual ones (from this process, as the CLI or the tab would), `kill -9` of the instance running the large
 * tenant's directory mid-run, then of the survivor that finished it while the same slot runs a later part. Every
 * client ends fully synced, no run of a client ever overlaps another of the same kind, each scheduled slot ran each
 * kind to success exactly once (a taken-over slot skips the kinds it had done; the run cut short is closed as
 * interrupted and resumed once by another instance), and no small tenant waited behind the large one.
 */
describe('three product instances syncing an estate on PostgreSQL, two killed in turn with kill -9 [postgres]', function () {
  this.timeout(300_000);
  const store = freshStoreConfig('postgres') as Extract<StoreConfig, { kind: 'postgres' }>;
  const secretsKey = crypto.randomBytes(32);
  const smallCount = 14;
  let sim: Simulator;
  let database: AppDatabase;
  const children: ChildProcess[] = [];
  let dataDir: string;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-multi-'));
    sim = await startSimulator({
      dataDir,
      port: 0,
      tenants: [
        { seed: 501, users: 3_000, groups: 150, signInDays: 1 },
        ...Array.from({ length: smallCount }, (_, index) => ({
          seed: 600 + index,
          users: 25,
          groups: 4,
          signInDays: 1,
        })),
      ],
      deltaPageSize: 50,
    });
    // Every response 60 ms late: the large directory takes long enough to be killed mid-run.
    sim.faults.latency({ ms: 60, rate: 1 });
    database = await openDatabase(store);
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await database.close();
    await dropStore(store);
    await sim.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('syncs every tenant once across the instances, survives kill -9, lets no small tenant wait', async () => {
    const clients = new ClientRepository(database.db);
    const integrations = new IntegrationRepository(database.db, new SecretBox(secretsKey));
    const ids: string[] = [];
    for (const [index, tenant] of sim.tenants().entries()) {
      const app = tenant.registeredApps()[0];
      assert.ok(app);
      const id = crypto.randomUUID();
      await clients.insert({
        id,
        name: `estate-${String(index)}`,
        displayName: `Estate ${String(index)}`,
        expiryDays: 30,
        createdAt: new Date().toISOString(),
        createdBy: 'test',
      });
      await integrations.save({
        clientId: id,
        kind: 'client_credentials',
        tenantId: tenant.tenantId,
        tenantInput: tenant.tenantId,
        appClientId: app.clientId,
        clientSecret: app.clientSecret,
        actor: 'test',
        at: new Date(),
      });
      ids.push(id);
    }
    const [large, ...small] = ids;
    assert.ok(large !== undefined);

    const instances = new Map<number, ChildProcess>();
    for (let index = 0; index < 3; index++) {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          path.join(repoRoot, 'test/integration/sync/support/product-instance.ts'),
          JSON.stringify({
            url: store.url,
            schema: store.schema,
            secretsKey: secretsKey.toString('base64'),
            authorityHost: sim.authorityHost,
            graphBaseUrl: sim.graphBaseUrl,
            caCertPath: sim.caCertPath,
            concurrency: 4,
            // A silent instance is dead after 6 s rather than 30 (ticks every second to notice), and the reports
            // tier spaced 100 ms (the simulator does not throttle it here): the checks are the same, the waits shorter.
            schedulerTiming: { tickMs: 1_000, pollMs: 250, heartbeatMs: 1_000, deadAfterMs: 6_000 },
            reportsPaceMs: 100,
          }),
        ],
        { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      children.push(child);
      instances.set(child.pid ?? 0, child);
    }
    await Promise.all(
      [...instances.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', () => {
              resolve();
            });
          }),
      ),
    );

    // Manual syncs from this process while the scheduled ones run: they join a run under way or run on their own.
    const logger = createLogger({ level: 'silent' });
    const graphs = new TenantGraphFactory({
      endpoints: {
        authorityHost: sim.authorityHost,
        graphBaseUrl: sim.graphBaseUrl,
        trustedCaPem: sim.caCertPem,
      },
    });
    const manualStore = createStore(database.db, new SecretBox(secretsKey));
    const runner = new SyncRunner({ store: manualStore, clock: systemClock, logger });
    const manualSync = new DirectorySync({
      store: manualStore,
      graphs,
      integrations,
      runner,
      clock: systemClock,
      logger,
    });
    const manualClients = small.slice(0, 3);
    const manual = Promise.all(manualClients.map((clientId) => manualSync.run(clientId)));

    // kill -9 the instance running a run of the large tenant, when `when` says so; returns the instance's pid. With
    // `hold`, the large tenant's requests are first held for seconds and the run seen still running: a short later
    // part could otherwise finish between the look and the kill, and then nothing was cut short (seen in CI).
    const largeTenantId = sim.tenants()[0]?.tenantId;
    assert.ok(largeTenantId !== undefined);
    const stillRunning = async (running: { owner: string | null; kind: SyncKind }): Promise<boolean> =>
      (await database.db
        .selectFrom('sync_runs')
        .select('id')
        .where('client_id', '=', large)
        .where('kind', '=', running.kind)
        .where('owner', '=', running.owner)
        .where('status', '=', 'running')
        .executeTakeFirst()) !== undefined;
    const killWhen = async (
      kind: (running: { kind: string; pages: number }, directoryDone: boolean) => boolean,
      what: string,
      hold = false,
    ): Promise<number> => {
      for (let waited = 0; waited < 120_000; waited += 100) {
        await sleep(100);
        const rows = await database.db
          .selectFrom('sync_runs')
          .select(['owner', 'kind', 'status', 'progress'])
          .where('client_id', '=', large)
          .where('status', 'in', ['running', 'succeeded'])
          .execute();
        const directoryDone = rows.some((row) => row.kind === 'directory' && row.status === 'succeeded');
        for (const running of rows.filter((row) => row.status === 'running')) {
          const progress: unknown =
            typeof running.progress === 'string' ? JSON.parse(running.progress) : running.progress;
          const pages = Number((progress as { pages?: unknown } | undefined)?.pages ?? 0);
          const pid = Number(running.owner?.split(':')[1]);
          if (instances.has(pid) && kind({ kind: running.kind, pages }, directoryDone)) {
            const held = hold
              ? sim.faults.latency({ ms: 10_000, rate: 1, tenantId: largeTenantId })
              : undefined;
            if (held !== undefined) await sleep(500); // longer than a request in flight: the run now waits on one
            if (held === undefined || (await stillRunning(running))) {
              instances.get(pid)?.kill('SIGKILL');
              instances.delete(pid);
            }
            if (held !== undefined) sim.faults.remove(held);
            if (!instances.has(pid)) return pid;
          }
        }
      }
      assert.fail(`${what} was never seen running in an instance`);
    };
    // First the instance running the large tenant's directory, once it is well under way: a survivor resumes it.
    const killed = [
      await killWhen((running) => running.kind === 'directory' && running.pages >= 10, 'the large directory'),
    ];
    // Then the survivor that finished that directory, while the same slot runs a later part (the directory done in
    // it): the last instance goes on with that part and does not read the directory again.
    killed.push(
      await killWhen(
        (running, directoryDone) => directoryDone && running.kind !== 'directory',
        'a later part of the large tenant',
        true,
      ),
    );
    const byKilled = (owner: string | null): boolean =>
      killed.some((pid) => String(owner).includes(`:${String(pid)}:`));
    const manualOutcomes = await manual;
    for (const outcome of manualOutcomes) {
      assert.equal(
        outcome.run.status,
        'succeeded',
        `${outcome.run.errorCode ?? ''} ${outcome.run.errorMessage ?? ''}`,
      );
    }
    await graphs.close();

    // Every client fully synced: its directory and its sign-ins.
    let done = 0;
    for (let waited = 0; done < ids.length && waited < 200_000; waited += 500) {
      await sleep(500);
      const rows = await database.db
        .selectFrom('sync_runs')
        .select('client_id')
        .where('status', '=', 'succeeded')
        .where('kind', 'in', ['directory', 'sign_ins'])
        .groupBy('client_id')
        .having((eb) => eb.fn.count('kind').distinct(), '=', 2)
        .execute();
      done = rows.length;
    }
    await sleep(3_000); // ticks keep coming: a duplicate would show
    assert.equal(done, ids.length, 'every client fully synced');

    const runs = await database.db
      .selectFrom('sync_runs')
      .select(['client_id', 'kind', 'status', 'error_code', 'started_at', 'finished_at', 'owner'])
      .orderBy('id')
      .execute();
    // No two runs of one client and kind ever overlapped.
    for (const clientId of ids) {
      for (const kind of new Set(runs.map((run) => run.kind))) {
        const mine = runs.filter((run) => run.client_id === clientId && run.kind === kind);
        for (let index = 1; index < mine.length; index++) {
          const previous = mine[index - 1];
          const current = mine[index];
          assert.ok(previous?.finished_at !== null && previous !== undefined && current !== undefined);
          assert.ok(
            previous.finished_at <= current.started_at,
            `${clientId} ${kind}: runs overlap (${JSON.stringify(mine)})`,
          );
        }
      }
    }
    // Each scheduled slot ran once: every client and kind succeeded exactly once (a manual directory sync adds at
    // most its own run, or joined the scheduled one), and nothing failed but the runs the kill cut short. A job taken
    // over from the killed instance skipped the kinds it had already done and resumed the one cut short, once.
    const kinds = ['directory', 'service_principals', 'sign_in_activity', 'mfa_registration', 'sign_ins'];
    for (const clientId of ids) {
      const mine = runs.filter((run) => run.client_id === clientId);
      for (const kind of kinds) {
        const succeeded = mine.filter((run) => run.kind === kind && run.status === 'succeeded');
        const allowed = kind === 'directory' && manualClients.includes(clientId) ? 2 : 1;
        assert.ok(
          succeeded.length >= 1 && succeeded.length <= allowed,
          `${clientId} ${kind}: ${String(succeeded.length)} runs succeeded (${JSON.stringify(mine)})`,
        );
      }
      for (const run of mine.filter((candidate) => candidate.status !== 'succeeded')) {
        assert.equal(run.error_code, 'interrupted', `${clientId}: ${JSON.stringify(run)}`);
        assert.ok(byKilled(run.owner), `${clientId}: ${JSON.stringify(run)}`);
        const resumed = mine.filter(
          (later) =>
            later.kind === run.kind &&
            later.status === 'succeeded' &&
            later.started_at >= (run.finished_at ?? ''),
        );
        assert.equal(resumed.length, 1, `${clientId} ${run.kind}: resumed once (${JSON.stringify(mine)})`);
      }
    }
    // The killed directory run was closed as interrupted and the large tenant's directory finished by a survivor
    // (from the checkpoints: test/integration/sync/crash-resume.test.ts checks what a resumed run reads), and not
    // read again after the second kill; the later part that kill cut short was finished by the last instance.
    const largeRuns = runs.filter((run) => run.client_id === large && run.kind === 'directory');
    assert.equal(largeRuns.length, 2, JSON.stringify(largeRuns));
    assert.equal(largeRuns[0]?.error_code, 'interrupted', JSON.stringify(largeRuns));
    const finished = largeRuns[1];
    assert.ok(finished?.status === 'succeeded' && finished.owner?.includes(`:${String(killed[1])}:`));
    const cutLater = runs.filter(
      (run) => run.client_id === large && run.kind !== 'directory' && run.error_code === 'interrupted',
    );
    assert.equal(cutLater.length, 1, `one later part cut short: ${JSON.stringify(runs)}`);
    const users = await database.db
      .selectFrom('directory_users')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('client_id', '=', large)
      .executeTakeFirstOrThrow();
    assert.equal(Number(String(users.count)), sim.tenants()[0]?.userCount);
    // Fairness: every small tenant's directory was in before the large tenant's was.
    const largeFinished = finished.finished_at ?? '';
    for (const clientId of small) {
      const first = runs.find(
        (run) => run.client_id === clientId && run.kind === 'directory' && run.status === 'succeeded',
      );
      assert.ok(
        first !== undefined && first.finished_at !== null && first.finished_at < largeFinished,
        `${clientId} finished its directory at ${String(first?.finished_at)}, the large tenant at ${largeFinished}`,
      );
    }
  });
});
