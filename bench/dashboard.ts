/**
 * `npm run bench:dashboard`: the partner dashboard and the cross-client search over an MSP estate (200 clients by
 * default), on SQLite and PostgreSQL, through the real services. The store is seeded directly: per client its users
 * (a quarter imported long ago and expired, a tenth guests), MFA registrations, three enterprise applications with
 * 30 days of sign-ins, and 40 days of billing snapshots. Prints figures; asserts nothing. The status part (health,
 * problems: the status service's, one set of queries per client) is timed apart from the dashboard's figures.
 * BENCH_DASHBOARD_CLIENTS (200), BENCH_DASHBOARD_USERS per client (500), BENCH_DASHBOARD_ENGINES (sqlite,postgres),
 * BENCH_DASHBOARD_ROUNDS (10).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Insertable, Kysely } from 'kysely';
import { loadConfig } from '../src/config/load-config.js';
import { createCore, type Core } from '../src/composition/create-core.js';
import { operatorActor } from '../src/services/actor.js';
import { createLogger } from '../src/shared/logger.js';
import { DashboardRepository } from '../src/store/dashboard-repository.js';
import type { Database, DirectoryUsersTable } from '../src/store/schema.js';
import { dropStoreSchema } from './bench-support.js';

const CLIENTS = Number(process.env.BENCH_DASHBOARD_CLIENTS ?? 200);
const USERS = Number(process.env.BENCH_DASHBOARD_USERS ?? 500);
const ENGINES = (process.env.BENCH_DASHBOARD_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim());
const ROUNDS = Number(process.env.BENCH_DASHBOARD_ROUNDS ?? 10);
const PG_URL = process.env.BENCH_DASHBOARD_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NOW = new Date();
const iso = (daysAgo: number): string => new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString();
const FIRST = ['Ada', 'Ben', 'Chen', 'Dana', 'Elif', 'Femi', 'Gita', 'Hugo', 'Ines', 'Jon', 'Kai', 'Lea'];
const LAST = ['Smith', 'Novak', 'Rossi', 'Tanaka', 'Silva', 'Jansen', 'Costa', 'Singh', 'Walker', 'Kim'];

async function insertAll<T extends keyof Database>(
  db: Kysely<Database>,
  table: T,
  rows: Insertable<Database[T]>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 1_000) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + 1_000))
      .execute();
  }
}

async function seed(db: Kysely<Database>): Promise<void> {
  for (let c = 0; c < CLIENTS; c++) {
    const clientId = crypto.randomUUID();
    await db
      .insertInto('clients')
      .values({
        id: clientId,
        name: `client-${c}`,
        display_name: `Client ${c}`,
        expiry_days: c % 7 === 0 ? 60 : 30,
        created_at: iso(90),
        created_by: 'bench',
      })
      .execute();
    await db
      .insertInto('integrations')
      .values({
        client_id: clientId,
        kind: 'client_credentials',
        tenant_id: crypto.randomUUID(),
        tenant_input: `client-${c}.onmicrosoft.com`,
        app_client_id: crypto.randomUUID(),
        secret_ciphertext: null,
        secret_expires_at: null,
        organization_name: `Client ${c}`,
        verified_domains: '[]',
        permission_checks: '[]',
        activity_data: 'available',
        activity_data_checked_at: iso(60),
        licence_refused_at: null,
        status: 'connected',
        status_message: null,
        created_at: iso(90),
        created_by: 'bench',
        updated_at: iso(1),
        import_started_at: iso(90),
        expiry_policy_at: iso(90),
      })
      .execute();
    const users: Insertable<DirectoryUsersTable>[] = [];
    for (let u = 0; u < USERS; u++) {
      const name = `${FIRST[u % FIRST.length] ?? ''} ${LAST[(u * 7 + c) % LAST.length] ?? ''} ${u}`;
      const upn = `${name.toLowerCase().replaceAll(' ', '.')}@client-${c}.example`;
      const guest = u % 10 === 0;
      users.push({
        client_id: clientId,
        id: crypto.randomUUID(),
        display_name: name,
        user_principal_name: guest ? `${upn.replace('@', '_')}#EXT#@client-${c}.example` : upn,
        mail: upn,
        user_type: guest ? 'Guest' : 'Member',
        account_enabled: 1,
        department: null,
        job_title: null,
        created_date_time: iso(u % 50 === 0 ? 0.5 : 200),
        entra_state: 'active',
        collection_state: guest ? 'not_imported' : 'imported',
        disable_reason: null,
        imported_at: iso(80),
        last_sign_in_at: null,
        last_sign_in_app: null,
        sign_in_activity_at: iso(u % 4 === 0 ? 45 : 3),
        search_text: `${name} ${upn} ${upn}`.toLowerCase(),
        seen_generation: 1,
        updated_at: iso(1),
        collected_from: null,
      });
    }
    await insertAll(db, 'directory_users', users);
    await insertAll(
      db,
      'mfa_registrations',
      users.map((user, u) => ({
        client_id: clientId,
        user_id: user.id,
        user_principal_name: user.user_principal_name ?? null,
        user_display_name: user.display_name ?? null,
        user_type: user.user_type ?? null,
        is_admin: 0,
        is_mfa_registered: u % 3 === 0 ? 0 : 1,
        is_mfa_capable: 1,
        is_passwordless_capable: 0,
        is_sspr_registered: 0,
        methods_registered: '[]',
        last_updated_at: null,
        synced_at: iso(0),
      })),
    );
    const apps = ['saml-app', 'oidc-app', 'plain-app'];
    await insertAll(
      db,
      'service_principals',
      apps.map((app, a) => ({
        client_id: clientId,
        id: crypto.randomUUID(),
        app_id: app,
        display_name: app,
        preferred_single_sign_on_mode: a === 0 ? 'saml' : a === 1 ? 'oidc' : null,
        service_principal_type: 'Application',
        account_enabled: 1,
        updated_at: iso(1),
        app_owner_organization_id: null,
      })),
    );
    await insertAll(
      db,
      'sign_in_apps',
      apps.map((app, a) => ({
        client_id: clientId,
        app_id: app,
        display_name: app,
        first_seen_at: iso(a === 2 && c % 10 === 0 ? 0.2 : 60),
        last_seen_at: iso(0),
        sign_ins: 100,
      })),
    );
    const daily = [];
    for (let day = 0; day < 30; day++) {
      for (let u = 0; u < Math.min(20, USERS); u++) {
        for (const app of apps) {
          daily.push({
            client_id: clientId,
            day: iso(day).slice(0, 10),
            user_id: users[u]?.id ?? '',
            app_id: app,
            sign_ins: 2,
            successes: 2,
            mfa_sign_ins: 1,
            single_factor_sign_ins: 1,
          });
        }
      }
    }
    await insertAll(db, 'sign_in_daily', daily);
    await insertAll(
      db,
      'billing_snapshots',
      Array.from({ length: 40 }, (_, day) => ({
        client_id: clientId,
        day: iso(day + 1).slice(0, 10),
        total_users: USERS,
        imported: USERS,
        disabled: 0,
        expired: 0,
        guests: 0,
        billable: USERS - day,
        created_at: iso(day + 1),
      })),
    );
  }
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function time(rounds: number, run: () => Promise<unknown>): Promise<string> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return `p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms`;
}

async function benchEngine(engine: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-dashboard-'));
  const schema = `bench_dashboard_${process.pid}`;
  const config = loadConfig({
    APP_MODE: 'demo',
    ...(engine === 'sqlite'
      ? { SQLITE_PATH: path.join(dir, 'app.db') }
      : { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema }),
    PUBLIC_BASE_URL: 'https://bench.example',
    LOG_LEVEL: 'silent',
  });
  const core: Core = await createCore({
    config,
    logger: createLogger({ level: 'silent' }),
    secretsKey: crypto.randomBytes(32),
    graphEndpoints: { authorityHost: 'https://127.0.0.1:9', graphBaseUrl: 'https://127.0.0.1:9' },
  });
  try {
    const seeding = performance.now();
    await seed(core.database.db);
    console.log(
      `[${engine}] seeded ${CLIENTS} clients × ${USERS} users in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
    );
    const actor = operatorActor('bench');
    // What each sync (and the daily job) does: the day's snapshot, from which MFA and SSO coverage are read.
    await core.dashboard.recordSnapshots();
    const dashboard = await core.dashboard.dashboard(actor);
    const first = dashboard.clients[0];
    console.log(
      `[${engine}] dashboard rows ${dashboard.clients.length}; first: billable ${first?.billable ?? '?'}, expired ${first?.expired ?? '?'}, MFA ${first?.mfaRegisteredPercent ?? '?'} %, SSO ${first?.ssoSharePercent ?? '?'} %, 7-day change ${first?.billableTrend.change7Days ?? '?'}`,
    );
    console.log(
      `[${engine}] status.list (health, problems; per client)  ${await time(ROUNDS, () => core.status.list(actor))}`,
    );
    console.log(
      `[${engine}] dashboard (status + figures across clients) ${await time(ROUNDS, () => core.dashboard.dashboard(actor))}`,
    );
    const repository = new DashboardRepository(core.database.db);
    const since = new Date(Date.now() - 86_400_000);
    const policies = await repository.policies('all');
    const figures: [string, () => Promise<unknown>][] = [
      ['policies', () => repository.policies('all')],
      ['users figures', () => repository.userFigures(policies, new Date(), since)],
      ['MFA figures', () => repository.mfaFigures('all')],
      ['SSO figures', () => repository.ssoFigures('all', iso(29).slice(0, 10))],
      ['new apps', () => repository.newApps('all', since)],
      [
        'billable history',
        () => repository.billableHistory('all', iso(37).slice(0, 10), iso(1).slice(0, 10)),
      ],
      ['yesterday snapshots', () => repository.snapshotsOf('all', iso(1).slice(0, 10))],
    ];
    for (const [name, run] of figures) console.log(`[${engine}]   ${name.padEnd(20)} ${await time(3, run)}`);
    console.log(
      `[${engine}] search "ada" (partner admin, every client)  ${await time(ROUNDS, () => core.search.find(actor, { text: 'ada' }))}`,
    );
    console.log(
      `[${engine}] search "zzzz" (no match: full scan)        ${await time(ROUNDS, () => core.search.find(actor, { text: 'zzzz' }))}`,
    );
    console.log(
      `[${engine}] daily snapshot of every client             ${await time(1, () => core.dashboard.recordSnapshots())}`,
    );
  } finally {
    await core.close();
    fs.rmSync(dir, { recursive: true, force: true });
    if (engine === 'postgres') await dropStoreSchema(PG_URL, schema);
  }
}

for (const engine of ENGINES) await benchEngine(engine);
