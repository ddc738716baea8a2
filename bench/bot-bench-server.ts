/**
 * The server side of `npm run bench:bot`, in its own process so that the load generator does not share its CPU:
 * the core on a fresh SQLite store, a client of BENCH_BOT_USERS users and 200 groups, BENCH_BOT_ADMINS client
 * admins, and the bot mounted on the app's restify server (anonymous, as in demo mode). Prints one line
 * `READY <json>` with the port and the ids the load generator needs, then serves until SIGTERM.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Insertable } from 'kysely';
import { loadConfig } from '../src/config/load-config.js';
import { createCore, type Core } from '../src/composition/create-core.js';
import type { Actor } from '../src/services/actor.js';
import { createLogger } from '../src/shared/logger.js';
import type { DirectoryUsersTable } from '../src/store/schema.js';
import { closeHttpServer, createHttpServer } from '../server/http-server.js';
import { createBotEdge, mountBotRoutes } from '../server/bot-routes.js';

const USERS = Number(process.env.BENCH_BOT_USERS ?? 10_000);
const ADMINS = Number(process.env.BENCH_BOT_ADMINS ?? 50);
const GROUPS = 200;
export const BENCH_TENANT = '11111111-1111-4111-8111-111111111111';
const PARTNER = '11111111-0000-4000-8000-000000000001';

/** What the load generator gets from the server process. */
export interface BenchServerReady {
  readonly port: number;
  readonly clientId: string;
  readonly userIds: readonly string[];
  readonly groupIds: readonly string[];
  readonly admins: readonly string[];
  readonly seededMs: number;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-bench-bot-'));
const config = loadConfig({
  APP_MODE: 'demo',
  // Figures of the product, not of Graph's throttling waits.
  DEMO_THROTTLING: 'false',
  PORT: '0',
  DATA_DIR: dir,
  ALLOWED_TENANT_IDS: BENCH_TENANT,
  PARTNER_ADMINS: `${BENCH_TENANT}:${PARTNER}`,
  LOG_LEVEL: 'silent',
});
const logger = createLogger({ level: 'silent' });
const edge = createBotEdge(config);
const core = await createCore({
  config,
  logger,
  secretsKey: crypto.randomBytes(32),
  notifier: edge.notifier,
});
const partner: Actor = { tenantId: BENCH_TENANT, objectId: PARTNER, name: 'bench partner', channel: 'cli' };

const seeded = performance.now();
const client = await core.clients.add(partner, { name: 'bench', displayName: 'Bench Ltd' });
const { userIds, groupIds } = await seed(core, client.id);
const admins: string[] = [];
for (let i = 0; i < ADMINS; i++) {
  const objectId = `aaaaaaaa-0000-4000-8000-${String(i).padStart(12, '0')}`;
  await core.roles.assign(partner, {
    principalTenantId: BENCH_TENANT,
    principalObjectId: objectId,
    role: 'client_admin',
    client: 'bench',
  });
  admins.push(objectId);
}
const seededMs = performance.now() - seeded;

const server = createHttpServer({ logger, version: 'bench', pingStore: () => core.database.ping() });
mountBotRoutes(server, {
  core,
  logger,
  edge,
  isTenantAllowed: (tenantId) => Promise.resolve(tenantId === BENCH_TENANT),
});
await new Promise<void>((resolve) => {
  server.listen(0, '127.0.0.1', () => {
    resolve();
  });
});
const address: { port: number } = server.address();
const ready: BenchServerReady = {
  port: address.port,
  clientId: client.id,
  userIds,
  groupIds,
  admins,
  seededMs,
};
process.stdout.write(`READY ${JSON.stringify(ready)}\n`);

process.once('SIGTERM', () => {
  void closeHttpServer(server, 2_000)
    .then(() => core.close())
    .finally(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });
});

/** A client of USERS users (a tenth imported), GROUPS groups of 50 members each, with the closure. */
async function seed(core: Core, clientId: string): Promise<{ userIds: string[]; groupIds: string[] }> {
  const db = core.database.db;
  const now = new Date().toISOString();
  await db
    .insertInto('integrations')
    .values({
      client_id: clientId,
      kind: 'client_credentials',
      tenant_id: crypto.randomUUID(),
      tenant_input: 'bench.onmicrosoft.com',
      app_client_id: crypto.randomUUID(),
      secret_ciphertext: null,
      secret_expires_at: null,
      organization_name: 'Bench',
      verified_domains: '[]',
      permission_checks: '[]',
      activity_data: 'available',
      activity_data_checked_at: now,
      status: 'connected',
      status_message: null,
      created_at: now,
      created_by: 'bench',
      updated_at: now,
      import_started_at: null,
    })
    .execute();
  const last = ['Smith', 'Novak', 'Rossi', 'Tanaka', 'Silva', 'Jansen', 'Costa', 'Müller', 'Singh', 'Walker'];
  const userIds: string[] = [];
  const rows: Insertable<DirectoryUsersTable>[] = [];
  for (let i = 0; i < USERS; i++) {
    const id = crypto.randomUUID();
    userIds.push(id);
    const name = `User${String(i)} ${last[i % last.length] ?? ''}`;
    const upn = `user${String(i)}@bench.example`;
    rows.push({
      client_id: clientId,
      id,
      display_name: name,
      user_principal_name: upn,
      mail: upn,
      user_type: 'Member',
      account_enabled: 1,
      department: null,
      job_title: null,
      created_date_time: now,
      entra_state: 'active',
      collection_state: i % 10 === 0 ? 'imported' : 'not_imported',
      disable_reason: null,
      imported_at: i % 10 === 0 ? now : null,
      last_sign_in_at: now,
      last_sign_in_app: 'Teams',
      sign_in_activity_at: null,
      search_text: `${name} ${upn} ${upn}`.toLowerCase(),
      seen_generation: 1,
      updated_at: now,
      collected_from: null,
    });
  }
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('directory_users')
      .values(rows.slice(i, i + 500))
      .execute();
  const groupIds: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    const id = crypto.randomUUID();
    groupIds.push(id);
    await db
      .insertInto('directory_groups')
      .values({
        client_id: clientId,
        id,
        display_name: `Group ${String(g)}`,
        description: null,
        mail: null,
        mail_enabled: 0,
        security_enabled: 1,
        group_types: '[]',
        is_team: 0,
        entra_state: 'active',
        excluded_at: null,
        excluded_by: null,
        reporting_enabled: 0,
        search_text: `group ${String(g)}`,
        seen_generation: 1,
        updated_at: now,
      })
      .execute();
    const members = Array.from({ length: 50 }, (_, k) => userIds[(g * 50 + k) % userIds.length] ?? '');
    await db
      .insertInto('group_members')
      .values(
        members.map((member) => ({
          client_id: clientId,
          group_id: id,
          member_id: member,
          member_type: 'user' as const,
        })),
      )
      .execute();
  }
  return { userIds, groupIds };
}
