/**
 * `npm run bench:rules`: the data-collection rules at 100,000 users, on SQLite and PostgreSQL, through the real
 * services (authorization, validation, audit): the preview and the confirmation of a group exclusion (a nested group
 * of 10,000 users, and department groups of 1,000), and the first page of the users list with filters. The store is
 * seeded directly (users, groups, direct edges), the nesting of groups by the product's own code. Prints figures; asserts nothing.
 * BENCH_RULES_USERS (default 100,000), BENCH_RULES_ENGINES (default `sqlite,postgres`), BENCH_RULES_ROUNDS (20).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Insertable, type Kysely } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config/load-config.js';
import { createCore, type Core } from '../src/composition/create-core.js';
import { operatorActor } from '../src/services/actor.js';
import type { UserListInput } from '../src/services/user-service.js';
import { createLogger } from '../src/shared/logger.js';
import type { Database, DirectoryUsersTable } from '../src/store/schema.js';
import type { Edge } from '../src/domain/directory-facts.js';
import { DirectoryRepository } from '../src/store/directory-repository.js';
import { GroupClosure } from '../src/store/group-closure.js';

const USERS = Number(process.env.BENCH_RULES_USERS ?? 100_000);
const ENGINES = (process.env.BENCH_RULES_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim());
const ROUNDS = Number(process.env.BENCH_RULES_ROUNDS ?? 20);
const PG_URL = process.env.BENCH_RULES_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Keep the seeded stores (and print where they are) to look at query plans afterwards. */
const KEEP = process.env.BENCH_RULES_KEEP === '1';
const DEPARTMENTS = 100;
const TEAMS_PER_DEPARTMENT = 5;
const AGENCIES = 20;
const SMALL_GROUPS = 4_300;
const FIRST = [
  'Ada',
  'Ben',
  'Chen',
  'Dana',
  'Elif',
  'Femi',
  'Gita',
  'Hugo',
  'Ines',
  'Jon',
  'Kai',
  'Lea',
  'Mo',
  'Nia',
];
const LAST = [
  'Smith',
  'Novak',
  'Rossi',
  'Tanaka',
  'Silva',
  'Jansen',
  'Costa',
  'Müller',
  'Singh',
  'Walker',
  'Kim',
];

const actor = operatorActor('bench');
const now = new Date();
const day = 24 * 60 * 60 * 1000;

function line(label: string, value: string): void {
  console.log(`  ${label.padEnd(66)} ${value}`);
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

async function sample(fn: () => Promise<unknown>): Promise<{ median: number; p95: number }> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) times.push((await time(fn)).ms);
  times.sort((a, b) => a - b);
  return {
    median: times[Math.floor(times.length / 2)] ?? Number.NaN,
    p95: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))] ?? Number.NaN,
  };
}

/** The tenant: every user in a department (under All Staff) and a team; 10% contractors in agencies nested twice. */
interface Shape {
  readonly clientId: string;
  readonly contractors: string;
  readonly departments: readonly string[];
}

const guid = (): string => crypto.randomUUID();

async function seed(db: Kysely<Database>, clientId: string): Promise<Shape> {
  const at = now.toISOString();
  const userIds: string[] = [];
  const rows: Insertable<DirectoryUsersTable>[] = [];
  for (let i = 0; i < USERS; i++) {
    const id = guid();
    userIds.push(id);
    const name = `${FIRST[i % FIRST.length] ?? ''} ${LAST[Math.floor(i / FIRST.length) % LAST.length] ?? ''} ${i}`;
    const upn = `user${i}@bench.example`;
    const guest = i % 20 === 7;
    const lastSeen = i % 3 === 0 ? null : new Date(now.getTime() - ((i % 60) + 0.5) * day).toISOString();
    rows.push({
      client_id: clientId,
      id,
      display_name: name,
      user_principal_name: upn,
      mail: upn,
      user_type: guest ? 'Guest' : 'Member',
      account_enabled: i % 33 === 5 ? 0 : 1,
      department: `Department ${i % DEPARTMENTS}`,
      job_title: null,
      created_date_time: at,
      entra_state: i % 250 === 3 ? 'soft_deleted' : 'active',
      collection_state: 'not_imported',
      disable_reason: null,
      imported_at: null,
      last_sign_in_at: lastSeen,
      last_sign_in_app: lastSeen === null ? null : 'Salesforce',
      sign_in_activity_at: null,
      search_text: `${name} ${upn} ${upn}`.toLowerCase(),
      seen_generation: 1,
      updated_at: at,
    });
  }
  const groups: { id: string; name: string; users: string[]; groups: string[] }[] = [];
  const allStaff = { id: guid(), name: 'All Staff', users: [] as string[], groups: [] as string[] };
  groups.push(allStaff);
  const departments = Array.from({ length: DEPARTMENTS }, (_, d) => ({
    id: guid(),
    name: `Department ${d}`,
    users: [] as string[],
    groups: [] as string[],
  }));
  const teams: { id: string; name: string; users: string[]; groups: string[] }[][] = [];
  for (const department of departments) {
    allStaff.groups.push(department.id);
    groups.push(department);
    const ofDepartment = [];
    for (let t = 0; t < TEAMS_PER_DEPARTMENT; t++) {
      const team = {
        id: guid(),
        name: `${department.name} team ${t}`,
        users: [] as string[],
        groups: [] as string[],
      };
      department.groups.push(team.id);
      groups.push(team);
      ofDepartment.push(team);
    }
    teams.push(ofDepartment);
  }
  const contractors = { id: guid(), name: 'Contractors', users: [] as string[], groups: [] as string[] };
  groups.push(contractors);
  const agencies = Array.from({ length: AGENCIES }, (_, a) => ({
    id: guid(),
    name: `Agency ${a}`,
    users: [] as string[],
    groups: [] as string[],
  }));
  for (const agency of agencies) {
    contractors.groups.push(agency.id);
    groups.push(agency);
  }
  // A cycle: the last agency contains Contractors again.
  agencies.at(-1)?.groups.push(contractors.id);
  const small = Array.from({ length: SMALL_GROUPS }, (_, s) => ({
    id: guid(),
    name: `Project ${s}`,
    users: [] as string[],
    groups: [] as string[],
  }));
  groups.push(...small);
  userIds.forEach((id, i) => {
    teams[i % DEPARTMENTS]?.[Math.floor(i / DEPARTMENTS) % TEAMS_PER_DEPARTMENT]?.users.push(id);
    if (i % 10 === 1) agencies[i % AGENCIES]?.users.push(id);
    small[(i * 7) % SMALL_GROUPS]?.users.push(id);
  });

  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 500)
      await trx
        .insertInto('directory_users')
        .values(rows.slice(i, i + 500))
        .execute();
    const groupRows = groups.map((group) => ({
      client_id: clientId,
      id: group.id,
      display_name: group.name,
      description: null,
      mail: null,
      mail_enabled: 0 as const,
      security_enabled: 1 as const,
      group_types: '[]',
      is_team: 0 as const,
      entra_state: 'active' as const,
      excluded_at: null,
      excluded_by: null,
      reporting_enabled: 0 as const,
      search_text: group.name.toLowerCase(),
      seen_generation: 1,
      updated_at: at,
    }));
    for (let i = 0; i < groupRows.length; i += 500)
      await trx
        .insertInto('directory_groups')
        .values(groupRows.slice(i, i + 500))
        .execute();
    // Memberships as the sync stores them — direct edges, then the nesting behind the transitive closure — through
    // the product's own code.
    const edges: Edge[] = groups.flatMap((group) => [
      ...group.users.map((member) => ({ groupId: group.id, memberId: member, memberType: 'user' as const })),
      ...group.groups.map((member) => ({
        groupId: group.id,
        memberId: member,
        memberType: 'group' as const,
      })),
    ]);
    await new DirectoryRepository(trx).addEdges(clientId, edges, 1, { fresh: true });
    await new GroupClosure(trx).recomputeClosure(clientId);
    const closure = await trx
      .selectFrom('group_user_closure')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('client_id', '=', clientId)
      .executeTakeFirstOrThrow();
    console.log(
      `  seeded ${rows.length} users, ${groups.length} groups, ${edges.length} edges, ${closure.count} closure rows`,
    );
  });
  return { clientId, contractors: contractors.id, departments: departments.map((d) => d.id) };
}

async function benchEngine(engine: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-bench-rules-'));
  const schema = `bench_rules_${crypto.randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    APP_MODE: 'demo',
    // Figures of the product, not of Graph's throttling waits.
    DEMO_THROTTLING: 'false',
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    ...(engine === 'postgres' ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema } : {}),
  });
  const core: Core = await createCore({
    config,
    logger: createLogger({ level: 'silent' }),
    secretsKey: crypto.randomBytes(32),
  });
  try {
    console.log(
      `\n${engine === 'postgres' ? 'PostgreSQL' : 'SQLite'} — ${USERS.toLocaleString('en')} users\n`,
    );
    const client = await core.clients.add(actor, { name: 'bench' });
    await core.database.db
      .insertInto('integrations')
      .values({
        client_id: client.id,
        kind: 'client_credentials',
        tenant_id: guid(),
        tenant_input: 'bench.onmicrosoft.com',
        app_client_id: guid(),
        secret_ciphertext: null,
        secret_expires_at: null,
        organization_name: 'Bench',
        verified_domains: '[]',
        permission_checks: '[]',
        activity_data: 'available',
        activity_data_checked_at: now.toISOString(),
        status: 'connected',
        status_message: null,
        created_at: now.toISOString(),
        created_by: 'bench',
        updated_at: now.toISOString(),
        import_started_at: null,
      })
      .execute();
    const seeding = await time(() => seed(core.database.db, client.id));
    line('seeding the store', ms(seeding.ms));
    const shape = seeding.value;
    const started = await time(() => core.integrations.startImport(actor, client.id));
    line(
      `initial import (reconcile + expiry), ${started.value.reconciled.imported} users imported`,
      ms(started.ms),
    );
    const again = await time(() => core.collection.reconcile(client.id));
    line('reconcile again after a sync that changed nothing', ms(again.ms));
    // As autovacuum would after a first sync: fresh statistics for the planner.
    if (engine === 'postgres') await sql`analyze`.execute(core.database.db);

    console.log('\n  Exclusion (target < 2 s each)');
    const preview = await time(() => core.groups.previewExclusion(actor, client.id, shape.contractors));
    line(
      `preview "Contractors" (nested, cycle; ${preview.value.affected.count} users; billable ${preview.value.billable.before} → ${preview.value.billable.after})`,
      ms(preview.ms),
    );
    const confirm = await time(() => core.groups.confirmExclusion(actor, client.id, preview.value.token));
    line(`confirm "Contractors" (${confirm.value.disabledUsers} users disabled)`, ms(confirm.ms));
    const previews: number[] = [];
    const confirms: number[] = [];
    for (const department of shape.departments.slice(0, 5)) {
      const p = await time(() => core.groups.previewExclusion(actor, client.id, department));
      previews.push(p.ms);
      const c = await time(() => core.groups.confirmExclusion(actor, client.id, p.value.token));
      confirms.push(c.ms);
    }
    const median = (values: number[]): number =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
    line('preview a department (1,000 users, 5 teams nested), median of 5', ms(median(previews)));
    line('confirm a department, median of 5', ms(median(confirms)));

    console.log(
      `\n  Users list, first page of 50 with the total (target < 100 ms; median / p95 of ${ROUNDS})`,
    );
    const pages: [string, UserListInput][] = [
      ['no filter', {}],
      ['state = imported', { state: 'imported' }],
      ['search "smith"', { search: 'smith' }],
      ['search "user4242" (rare)', { search: 'user4242' }],
      ['department + state = imported', { department: 'Department 42', state: 'imported' }],
      ['group = Department 7 (nested teams)', { group: shape.departments[7] ?? '' }],
      ['group = Contractors (nested, cycle)', { group: shape.contractors }],
      ['expired = yes', { expired: true }],
      ['guest = yes', { guest: true }],
      ['disable reason = excluded_group', { disableReason: 'excluded_group' }],
      [
        'state = imported + expired = no + guest = no + search "ada"',
        { state: 'imported', expired: false, guest: false, search: 'ada' },
      ],
      ['expiring within 7 days', { expiringWithinDays: 7 }],
    ];
    for (const [label, filters] of pages) {
      const figures = await sample(() => core.users.list(actor, client.id, { ...filters, limit: 50 }));
      line(label, `${ms(figures.median)} / ${ms(figures.p95)}`);
    }
    const withoutTotal = await sample(() =>
      core.users.list(actor, client.id, { limit: 50, search: 'smith', withTotal: false }),
    );
    line('search "smith" without the total', `${ms(withoutTotal.median)} / ${ms(withoutTotal.p95)}`);
    const first = await core.users.list(actor, client.id, { limit: 50 });
    let cursor = first.nextCursor ?? undefined;
    for (let i = 0; i < 1000 && cursor !== undefined; i++) {
      cursor =
        (await core.users.list(actor, client.id, { limit: 50, cursor, withTotal: false })).nextCursor ??
        undefined;
    }
    const deep = await sample(() =>
      core.users.list(actor, client.id, { limit: 50, cursor: cursor ?? '', withTotal: false }),
    );
    line('page 1,001 (keyset cursor, no total)', `${ms(deep.median)} / ${ms(deep.p95)}`);
    const billing = await sample(() => core.billing.summary(actor, client.id));
    line('billing summary (all counts, one pass)', `${ms(billing.median)} / ${ms(billing.p95)}`);
  } finally {
    await core.close();
    if (KEEP) {
      console.log(`  kept: ${engine === 'postgres' ? `schema ${schema}` : path.join(dir, 'app.db')}`);
    } else {
      fs.rmSync(dir, { recursive: true, force: true });
      if (engine === 'postgres') {
        const admin = new pg.Client({ connectionString: PG_URL });
        await admin.connect();
        await admin.query(`drop schema if exists "${schema}" cascade`);
        await admin.end();
      }
    }
  }
}

console.log(
  `\nData-collection rules (Node ${process.version}, ${String(os.cpus().length)} CPUs, load ${os.loadavg()[0]?.toFixed(2) ?? '?'})`,
);
for (const engine of ENGINES) await benchEngine(engine);
