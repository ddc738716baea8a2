/**
 * `npm run bench:reports -- [--users 10000] [--days 30] [--runs 30] [--engine sqlite|postgres]`
 *
 * The four reports over a store holding a simulator tenant: its users (departments, nested groups, one group
 * imported for reporting), enterprise applications, MFA registrations, daily billing snapshots and 30 days of
 * sign-ins (about 2 a user a day, ingested through the store path and rolled up as ingestion does). Each report runs
 * through the report service as a partner admin would call it — unfiltered, by reporting group, and by department —
 * `--runs` times after two warm-up runs. Prints p50, p95 and max per report against DESIGN §8 (p95 ≤ 200 ms).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { SimTenant } from '../sim/index.js';
import { TenantState } from '../sim/tenant-state.js';
import { isSimGuest } from '../sim/user-kind.js';
import type { StoreConfig } from '../src/config/load-config.js';
import { AccessPolicy } from '../src/services/access-policy.js';
import { operatorActor } from '../src/services/actor.js';
import { AuditTrail } from '../src/services/audit-trail.js';
import { ClientAccess } from '../src/services/client-access.js';
import { ClientService } from '../src/services/client-service.js';
import { ReportService } from '../src/services/report-service.js';
import type { ReportRequest } from '../src/services/reports/report-types.js';
import type { ReportKind } from '../src/contracts/reports.js';
import { systemClock } from '../src/shared/clock.js';
import { CheckpointRepository } from '../src/store/checkpoint-repository.js';
import { openDatabase, type AppDatabase } from '../src/store/database.js';
import { DirectoryRepository } from '../src/store/directory-repository.js';
import { GroupClosure } from '../src/store/group-closure.js';
import { MfaRepository } from '../src/store/mfa-repository.js';
import { ReportRepository } from '../src/store/report-repository.js';
import { SecretBox } from '../src/store/secret-box.js';
import { ServicePrincipalRepository } from '../src/store/service-principal-repository.js';
import { createStore } from '../src/store/store.js';
import { SignInRepository } from '../src/store/sign-in-repository.js';
import type { SignInRecord } from '../src/store/sign-in-record.js';
import {
  toMfaRegistrationRecord,
  toServicePrincipalRecord,
  toSignInRecord,
} from '../src/sync/activity-mappers.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    days: { type: 'string', default: '30' },
    runs: { type: 'string', default: '30' },
    engine: { type: 'string', default: 'sqlite' },
  },
});
const USERS = Number(args.users);
const DAYS = Number(args.days);
const RUNS = Number(args.runs);
const ENGINE = args.engine === 'postgres' ? 'postgres' : 'sqlite';
const DAY_MS = 86_400_000;

function line(label: string, value: string): void {
  console.log(`${label.padEnd(44)} ${value}`);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** The directory, applications, registrations, snapshots and sign-ins of the tenant, written to the store. */
async function load(
  database: AppDatabase,
  tenant: SimTenant,
  clientId: string,
): Promise<{ groupId: string; department: string }> {
  const db = database.db;
  const now = new Date();
  const at = now.toISOString();
  await db
    .insertInto('clients')
    .values({
      id: clientId,
      name: 'bench',
      display_name: 'Bench',
      expiry_days: 30,
      created_at: at,
      created_by: 'bench',
    })
    .execute();
  await db
    .insertInto('integrations')
    .values({
      client_id: clientId,
      kind: 'client_credentials',
      tenant_id: tenant.tenantId,
      tenant_input: tenant.domain,
      app_client_id: crypto.randomUUID(),
      secret_ciphertext: null,
      secret_expires_at: null,
      organization_name: tenant.displayName,
      verified_domains: '[]',
      permission_checks: '[]',
      activity_data: 'available',
      activity_data_checked_at: at,
      status: 'connected',
      status_message: null,
      created_at: at,
      created_by: 'bench',
      updated_at: at,
      import_started_at: new Date(now.getTime() - 60 * DAY_MS).toISOString(),
    })
    .execute();
  const imported = new Date(now.getTime() - 60 * DAY_MS).toISOString();
  for (const batch of chunks([...tenant.users()], 500)) {
    await db
      .insertInto('directory_users')
      .values(
        batch.map((user) => ({
          client_id: clientId,
          id: user.id,
          display_name: user.displayName,
          user_principal_name: user.userPrincipalName,
          mail: user.mail,
          user_type: user.userType,
          account_enabled: user.accountEnabled ? (1 as const) : (0 as const),
          department: user.department,
          job_title: user.jobTitle,
          created_date_time: user.createdDateTime,
          entra_state: 'active' as const,
          collection_state: isSimGuest(user) ? ('not_imported' as const) : ('imported' as const),
          disable_reason: null,
          imported_at: isSimGuest(user) ? null : imported,
          search_text: user.displayName.toLowerCase(),
          seen_generation: 1,
          updated_at: at,
        })),
      )
      .execute();
  }
  // The reporting group: the biggest one with members through nested groups and under half of the users.
  const candidates = [...tenant.groups()]
    .filter((group) => tenant.transitiveGroupMembers(group.id).size > 0)
    .map((group) => ({ group, size: tenant.transitiveUserMembers(group.id).size }))
    .filter(({ size }) => size < tenant.userCount / 2)
    .sort((a, b) => b.size - a.size);
  const reporting = candidates[0]?.group ?? [...tenant.groups()][0];
  if (reporting === undefined) throw new Error('the tenant has no groups');
  await db
    .insertInto('directory_groups')
    .values({
      client_id: clientId,
      id: reporting.id,
      display_name: reporting.displayName,
      description: null,
      mail: null,
      mail_enabled: 0,
      security_enabled: 1,
      group_types: '[]',
      is_team: 0,
      entra_state: 'active',
      excluded_at: null,
      excluded_by: null,
      reporting_enabled: 1,
      search_text: reporting.displayName.toLowerCase(),
      seen_generation: 1,
      updated_at: at,
    })
    .execute();
  // Its memberships as the sync stores them: the direct edges of it and of every group nested in it, then the
  // nesting behind the transitive closure, computed by the product's own code.
  const edges = [reporting.id, ...tenant.transitiveGroupMembers(reporting.id)].flatMap((groupId) =>
    tenant
      .directMembers(groupId)
      .flatMap((member) =>
        member.type === 'user' || member.type === 'group'
          ? [{ groupId, memberId: member.id, memberType: member.type }]
          : [],
      ),
  );
  await new DirectoryRepository(db).addEdges(clientId, edges, 1);
  await new GroupClosure(db).recomputeClosure(clientId);
  await new ServicePrincipalRepository(db).upsertPage(
    clientId,
    tenant.servicePrincipals().map(toServicePrincipalRecord),
    at,
  );
  const registrations = [...tenant.users()].flatMap((user) => {
    const details = tenant.registrationDetails(user.id);
    return details === undefined ? [] : [toMfaRegistrationRecord(details)];
  });
  await new MfaRepository(db).upsertPage(clientId, registrations, at);
  for (let day = 0; day < DAYS; day++) {
    const billable = Math.round(USERS * (0.85 + day / 1000));
    await db
      .insertInto('billing_snapshots')
      .values({
        client_id: clientId,
        day: new Date(now.getTime() - (DAYS - 1 - day) * DAY_MS).toISOString().slice(0, 10),
        total_users: USERS,
        imported: billable + 100,
        disabled: 20,
        expired: 80,
        guests: Math.round(USERS * 0.05),
        billable,
        created_at: at,
      })
      .execute();
  }
  const events: SignInRecord[] = [];
  for (const signIn of tenant.signIns()) {
    const record = toSignInRecord({ ...signIn, status: { errorCode: signIn.status.errorCode } });
    if (record !== undefined) events.push(record);
  }
  const lastSuccess = new Map<string, string>();
  for (const page of chunks(events, 1000)) {
    await db.transaction().execute((trx) => new SignInRepository(trx).writePage(clientId, page, lastSuccess));
  }
  await new SignInRepository(db).applyLastSignIns(clientId);
  await new ReportRepository(db).rebuildDirtyRollups(clientId, now);
  await new CheckpointRepository(db).save(
    {
      clientId,
      stream: 'sign_ins',
      nextLink: null,
      deltaLink: null,
      generation: 0,
      roundKind: 'delta',
      watermark: at,
      state: { source: 'beta' },
    },
    now,
  );
  const departments = new Map<string, number>();
  for (const user of tenant.users()) {
    if (user.department !== null)
      departments.set(user.department, (departments.get(user.department) ?? 0) + 1);
  }
  const [department] = [...departments].sort((a, b) => b[1] - a[1])[0] ?? ['Sales'];
  line('sign-ins in the store', events.length.toLocaleString());
  line(
    'reporting group (nested members)',
    `${reporting.displayName}, ${String(tenant.transitiveUserMembers(reporting.id).size)} users`,
  );
  return { groupId: reporting.id, department };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] ?? 0;
}

async function main(): Promise<void> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-bench-reports-'));
  const store: StoreConfig =
    ENGINE === 'sqlite'
      ? { kind: 'sqlite', path: path.join(workDir, 'bench.db') }
      : {
          kind: 'postgres',
          url: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
          schema: `bench_${crypto.randomBytes(4).toString('hex')}`,
        };
  const database = await openDatabase(store);
  try {
    console.log(
      `\nReports over ${String(USERS)} users × ${String(DAYS)} days (${ENGINE}; Node ${process.version}, ${String(os.cpus().length)} CPUs)\n`,
    );
    line('load average at start (1 min)', os.loadavg()[0]?.toFixed(2) ?? '?');
    const started = performance.now();
    const tenant = new TenantState(
      { seed: 11, users: USERS, signInDays: DAYS, signInsPerUserPerDay: 2, departments: 10 },
      () => new Date(),
    );
    const clientId = crypto.randomUUID();
    const { groupId, department } = await load(database, tenant, clientId);
    line('set-up (generate and load)', `${((performance.now() - started) / 1000).toFixed(1)} s`);

    const db = database.db;
    const store = createStore(db, new SecretBox(crypto.randomBytes(32)));
    const access = new AccessPolicy({ store, partnerAdmins: [] });
    const clients = new ClientService({
      store,
      access,
      audit: new AuditTrail({ clock: systemClock }),
      clock: systemClock,
    });
    const reports = new ReportService({
      store,
      clientAccess: new ClientAccess(clients, access),
      clock: systemClock,
    });
    const actor = operatorActor('bench');
    const scopes: { name: string; request: ReportRequest }[] = [
      { name: 'all users', request: { client: 'bench' } },
      { name: 'reporting group', request: { client: 'bench', group: groupId } },
      { name: 'department', request: { client: 'bench', department } },
    ];
    console.log(`\n${'report'.padEnd(32)}${'p50'.padStart(10)}${'p95'.padStart(10)}${'max'.padStart(10)}`);
    let worstP95 = 0;
    for (const kind of ['usage', 'sso', 'mfa', 'billing'] as const satisfies readonly ReportKind[]) {
      for (const scope of scopes) {
        for (let warm = 0; warm < 2; warm++) await reports.report(actor, kind, scope.request);
        const times: number[] = [];
        for (let run = 0; run < RUNS; run++) {
          const begin = performance.now();
          await reports.report(actor, kind, scope.request);
          times.push(performance.now() - begin);
        }
        times.sort((a, b) => a - b);
        const p95 = percentile(times, 0.95);
        worstP95 = Math.max(worstP95, p95);
        console.log(
          `${`${kind} (${scope.name})`.padEnd(32)}${`${percentile(times, 0.5).toFixed(0)} ms`.padStart(10)}${`${p95.toFixed(0)} ms`.padStart(10)}${`${(times.at(-1) ?? 0).toFixed(0)} ms`.padStart(10)}`,
        );
      }
    }
    const csvStart = performance.now();
    const csv = await reports.csv(actor, 'billing', { client: 'bench' });
    console.log('');
    line('worst p95 (target ≤ 200 ms)', `${worstP95.toFixed(0)} ms`);
    line(
      'billing users CSV',
      `${(csv.text.length / 1024).toFixed(0)} KB in ${(performance.now() - csvStart).toFixed(0)} ms`,
    );
    line('load average at end (1 min)', os.loadavg()[0]?.toFixed(2) ?? '?');
  } finally {
    await database.close();
    if (store.kind === 'postgres') {
      const { dropStoreSchema } = await import('./bench-support.js');
      await dropStoreSchema(store.url, store.schema);
    }
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
