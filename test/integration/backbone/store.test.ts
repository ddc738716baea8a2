import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { CompiledQuery, Migrator, sql, type Kysely, type Migration } from 'kysely';
import { AccessPolicy } from '../../../src/services/access-policy.js';
import type { Actor } from '../../../src/services/actor.js';
import { AuditTrail } from '../../../src/services/audit-trail.js';
import { ClientService } from '../../../src/services/client-service.js';
import { FakeClock } from '../../../src/shared/clock.js';
import { ConflictError, ForbiddenError, ValidationError } from '../../../src/shared/errors.js';
import { clientTables } from '../../../src/store/client-data-tables.js';
import { SecretBox } from '../../../src/store/secret-box.js';
import { createStore } from '../../../src/store/store.js';
import { openDatabase } from '../../../src/store/database.js';
import { userByUpnQuery } from '../../../src/store/user-repository.js';
import { migrations } from '../../../src/store/migrations/index.js';
import { describeEachEngine, dropStore, engines, freshStoreConfig } from '../../support/databases.js';

const partnerTenant = '33333333-3333-3333-3333-333333333333';
const partner: Actor = {
  tenantId: partnerTenant,
  objectId: '44444444-4444-4444-4444-444444444444',
  name: 'pat@msp.example',
  channel: 'cli',
};
const stranger: Actor = {
  tenantId: partnerTenant,
  objectId: '55555555-5555-5555-5555-555555555555',
  name: 'sam@msp.example',
  channel: 'tab',
};

const expectedTables = [
  'audit_log',
  'billing_snapshots',
  'clients',
  'conversation_references',
  'directory_groups',
  'directory_users',
  'group_members',
  'group_nesting',
  'incidents',
  'integrations',
  'mfa_registrations',
  'notifications_sent',
  'pending_actions',
  'role_assignments',
  'service_principals',
  'sign_in_daily',
  'sign_in_events',
  'sync_checkpoints',
  'sync_runs',
];

describeEachEngine('store', (context) => {
  const clock = new FakeClock('2026-11-26T09:00:00.000Z');
  const service = (): ClientService => {
    const store = createStore(context.database.db, new SecretBox(crypto.randomBytes(32)));
    return new ClientService({
      store,
      access: new AccessPolicy({
        store,
        partnerAdmins: [{ tenantId: partner.tenantId, objectId: partner.objectId }],
      }),
      audit: new AuditTrail({ clock }),
      clock,
    });
  };
  const unique = (): string => `c${crypto.randomBytes(4).toString('hex')}`;

  it('migrates to the full schema', async () => {
    const tables = (await context.database.db.introspection.getTables()).map((table) => table.name);
    for (const table of expectedTables) assert.ok(tables.includes(table), `missing table ${table}`);
  });

  it('looks only at its own schema when it introspects (the migrator does, before every migration)', async function () {
    if (context.engine !== 'postgres') this.skip();
    const db = context.database.db;
    const ours = (await sql<{ name: string }>`select current_schema() as name`.execute(db)).rows[0]?.name;
    // Another schema of the same database, with a table: Kysely's own introspection listed it, and failed outright
    // when such a schema was dropped while it read the catalog (postgres-own-schema.ts).
    const other = `other_${crypto.randomBytes(4).toString('hex')}`;
    await sql`create schema ${sql.id(other)}`.execute(db);
    try {
      await sql`create table ${sql.id(other, 'directory_users')} (id text)`.execute(db);
      assert.deepEqual(await db.introspection.getSchemas(), [{ name: ours }]);
      const tables = await db.introspection.getTables();
      assert.deepEqual([...new Set(tables.map((table) => table.schema))], [ours]);
      const users = tables.find((table) => table.name === 'directory_users');
      assert.ok(users !== undefined && users.columns.length > 10, 'our own directory_users, all its columns');
      const id = users.columns.find((column) => column.name === 'id');
      assert.deepEqual([id?.dataType, id?.isNullable, id?.isAutoIncrementing], ['text', false, false]);
      const withMigrations = await db.introspection.getTables({ withInternalKyselyTables: true });
      assert.ok(withMigrations.some((table) => table.name === 'kysely_migration'));
      assert.ok(!tables.some((table) => table.name === 'kysely_migration'));
    } finally {
      await sql`drop schema ${sql.id(other)} cascade`.execute(db);
    }
  });

  it('adds a client, lists it and records who did it in the audit log', async () => {
    const name = unique();
    const client = await service().add(partner, { name, displayName: 'Contoso Ltd' });
    const listed = await service().list(partner);
    assert.ok(listed.some((row) => row.id === client.id && row.displayName === 'Contoso Ltd'));
    const audit = await context.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('client_id', '=', client.id)
      .execute();
    assert.equal(audit.length, 1);
    const [entry] = audit;
    assert.ok(entry);
    assert.equal(entry.action, 'client.add');
    assert.equal(entry.actor_object_id, partner.objectId);
    assert.equal(entry.at, '2026-11-26T09:00:00.000Z');
  });

  it('refuses a duplicate or malformed name and a non-partner actor, changing nothing', async () => {
    const name = unique();
    await service().add(partner, { name });
    const count = async (): Promise<number> =>
      (
        await context.database.db
          .selectFrom('clients')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    const auditCount = async (): Promise<number> =>
      (
        await context.database.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    const before = [await count(), await auditCount()];
    await assert.rejects(service().add(partner, { name: name.toUpperCase() }), ConflictError);
    await assert.rejects(service().add(partner, { name: 'Not a name!' }), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.equal(error.problems[0]?.path, 'name');
      return true;
    });
    await assert.rejects(service().add(stranger, { name: unique() }), ForbiddenError);
    assert.deepEqual([await count(), await auditCount()], before);
  });

  it('removes a client with all its rows once the name is confirmed', async () => {
    const client = await service().add(partner, { name: unique() });
    const db = context.database.db;
    const now = clock.now().toISOString();
    await db
      .insertInto('directory_users')
      .values({
        client_id: client.id,
        id: crypto.randomUUID(),
        account_enabled: 1,
        entra_state: 'active',
        collection_state: 'imported',
        search_text: 'x',
        seen_generation: 1,
        updated_at: now,
      })
      .execute();
    await db
      .insertInto('sign_in_daily')
      .values({
        client_id: client.id,
        day: '2026-11-25',
        user_id: 'u',
        app_id: 'a',
        sign_ins: 3,
        successes: 3,
        mfa_sign_ins: 1,
        single_factor_sign_ins: 2,
      })
      .execute();
    await assert.rejects(service().remove(partner, client.name, 'wrong'), ValidationError);
    await service().remove(partner, client.name, client.name);
    for (const table of ['clients', 'directory_users', 'sign_in_daily'] as const) {
      const column = table === 'clients' ? 'id' : 'client_id';
      const left = await db
        .selectFrom(table)
        .select(sql<number>`count(*)`.as('n'))
        .where(column, '=', client.id)
        .executeTakeFirstOrThrow();
      assert.equal(left.n, 0, `${table} still has rows`);
    }
  });

  it('knows every table with a client_id column, so removing a client leaves nothing behind', async () => {
    const kept = new Set(['audit_log', 'conversation_references']);
    const db = context.database.db;
    const tables = await db.introspection.getTables();
    // Views (the transitive closure) hold no rows of their own.
    const withClientId = tables
      .filter(
        (table) =>
          !table.isView &&
          table.columns.some((column) => column.name === 'client_id') &&
          !kept.has(table.name),
      )
      .map((table) => table.name)
      .sort();
    assert.deepEqual(withClientId, [...clientTables].sort());
  });

  it('finds a user by UPN in any case, with one search of the index on lower(UPN)', async () => {
    const { db } = context.database;
    const client = await service().add(partner, { name: unique(), displayName: 'UPN lookup' });
    await db
      .insertInto('directory_users')
      .values({
        client_id: client.id,
        id: '0b5c5c3e-7a51-4d6e-9f2a-1c3d5e7f9a0b',
        user_principal_name: 'Adele.Vance@Contoso.example',
        account_enabled: 1,
        entra_state: 'active',
        collection_state: 'not_imported',
        search_text: 'adele vance',
        seen_generation: 1,
        updated_at: clock.now().toISOString(),
      })
      .execute();
    const store = createStore(db, new SecretBox(crypto.randomBytes(32)));
    assert.equal(
      (await store.read.users.find(client.id, 'adele.vance@contoso.EXAMPLE'))?.id,
      '0b5c5c3e-7a51-4d6e-9f2a-1c3d5e7f9a0b',
    );
    assert.equal(await store.read.users.find(client.id, 'someone.else@contoso.example'), undefined);

    // The plan of the very statement `find` runs. PostgreSQL would scan so small a table: told not to, it must be
    // able to take the index (SQLite plans by the schema alone).
    const query = userByUpnQuery(db, client.id, 'Adele.Vance@Contoso.example').compile();
    const plan = await db.transaction().execute(async (tx) => {
      if (context.engine === 'postgres') await sql`set local enable_seqscan = off`.execute(tx);
      const explain = context.engine === 'postgres' ? 'explain ' : 'explain query plan ';
      const { rows } = await tx.executeQuery(CompiledQuery.raw(explain + query.sql, [...query.parameters]));
      return rows.map((row) => Object.values(row as Record<string, unknown>).join(' ')).join('\n');
    });
    assert.match(plan, /directory_users_upn/, plan);
  });

  it('returns counts and sums as JavaScript numbers on both engines', async () => {
    const row = await context.database.db
      .selectFrom('clients')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(typeof row.n, 'number');
  });

  it('keeps client secrets encrypted: the column holds ciphertext bound to its client', async () => {
    const box = new SecretBox(crypto.randomBytes(32));
    const client = await service().add(partner, { name: unique() });
    const secret = 'Qx7~VerySecretClientSecretValue';
    const now = clock.now().toISOString();
    await context.database.db
      .insertInto('integrations')
      .values({
        client_id: client.id,
        kind: 'client_credentials',
        tenant_id: crypto.randomUUID(),
        tenant_input: 'contoso.onmicrosoft.com',
        app_client_id: crypto.randomUUID(),
        secret_ciphertext: box.encrypt(secret, client.id),
        secret_expires_at: null,
        organization_name: 'Contoso',
        verified_domains: '[]',
        permission_checks: '[]',
        activity_data: 'unknown',
        activity_data_checked_at: null,
        status: 'connected',
        status_message: null,
        created_at: now,
        created_by: 'test',
        updated_at: now,
      })
      .execute();
    const stored = await context.database.db
      .selectFrom('integrations')
      .select('secret_ciphertext')
      .where('client_id', '=', client.id)
      .executeTakeFirstOrThrow();
    assert.ok(stored.secret_ciphertext !== null && !stored.secret_ciphertext.includes(secret));
    assert.equal(box.decrypt(stored.secret_ciphertext, client.id), secret);
    assert.throws(() => box.decrypt(stored.secret_ciphertext ?? '', 'another-client'), /cannot be decrypted/);
  });
});

/** Migrates a store opened without migrations step by step (`migrateTo`), as an older version left it. */
function migratorFor(before: Awaited<ReturnType<typeof openDatabase>>): Migrator {
  return new Migrator({
    db: before.db as Kysely<unknown>,
    provider: {
      getMigrations: () =>
        Promise.resolve(
          Object.fromEntries(
            Object.entries(migrations).map(([name, migration]): [string, Migration] => [
              name,
              { up: (db) => migration.up(db, before.dialect) },
            ]),
          ),
        ),
    },
    ...(before.schema === undefined ? {} : { migrationTableSchema: before.schema }),
  });
}

describe('store migrations', () => {
  for (const engine of engines) {
    it(`open a second time without re-applying anything, keeping the data [${engine}]`, async () => {
      const config = freshStoreConfig(engine);
      try {
        const first = await openDatabase(config);
        await first.db
          .insertInto('clients')
          .values({
            id: 'c1',
            name: 'kept',
            display_name: 'Kept',
            expiry_days: 30,
            created_at: 'now',
            created_by: 't',
          })
          .execute();
        await first.close();
        const second = await openDatabase(config);
        const rows = await second.db.selectFrom('clients').select('name').execute();
        await second.close();
        assert.deepEqual(rows, [{ name: 'kept' }]);
      } finally {
        await dropStore(config);
      }
    });

    it(`0018 gives runs and connection checks written before it their structured facts [${engine}]`, async () => {
      const config = freshStoreConfig(engine);
      try {
        const before = await openDatabase(config, { migrate: false });
        assert.equal((await migratorFor(before).migrateTo('0014-scheduler-instances')).error, undefined);
        const old = before.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
        await old
          .insertInto('clients')
          .values({
            id: 'c1',
            name: 'old',
            display_name: 'Old',
            expiry_days: 30,
            created_at: 'now',
            created_by: 't',
          })
          .execute();
        await old
          .insertInto('integrations')
          .values({
            client_id: 'c1',
            kind: 'client_credentials',
            tenant_id: '11111111-1111-1111-1111-111111111111',
            tenant_input: 'old.example',
            status: 'connected',
            app_client_id: '22222222-2222-2222-2222-222222222222',
            permission_checks: JSON.stringify([
              { name: 'Sign in', passed: true, reason: 'ok' },
              { name: 'Permission AuditLog.Read.All', passed: false, reason: 'Missing' },
            ]),
            created_at: 'now',
            created_by: 't',
            updated_at: 'now',
          })
          .execute();
        const run = {
          client_id: 'c1',
          kind: 'directory',
          trigger: 'schedule',
          started_at: 'now',
          progress: '{}',
          ...Object.fromEntries(
            [
              'users_added',
              'users_updated',
              'users_removed',
              'groups_added',
              'groups_updated',
              'groups_removed',
              'edges_added',
              'edges_removed',
              'items_written',
              'pages',
              'graph_requests',
              'retries',
              'throttled_ms',
            ].map((column) => [column, 0]),
          ),
        };
        await old
          .insertInto('sync_runs')
          .values([
            {
              ...run,
              status: 'failed',
              error_code: 'permission_missing',
              error_message:
                'The application is missing the Microsoft Graph application permissions Group.Read.All, User.Read.All. In the Entra admin center …',
            },
            { ...run, kind: 'mfa', status: 'succeeded' },
          ])
          .execute();
        await before.close();

        const after = await openDatabase(config);
        const runs = await after.db
          .selectFrom('sync_runs')
          .select(['kind', 'error_details'])
          .orderBy('id')
          .execute();
        const integration = await after.db
          .selectFrom('integrations')
          .select('permission_checks')
          .executeTakeFirstOrThrow();
        await after.close();
        assert.deepEqual(runs, [
          {
            kind: 'directory',
            error_details: JSON.stringify({ missing: ['Group.Read.All', 'User.Read.All'] }),
          },
          { kind: 'mfa', error_details: null },
        ]);
        assert.deepEqual(JSON.parse(integration.permission_checks), [
          { name: 'Sign in', passed: true, reason: 'ok' },
          {
            name: 'Permission AuditLog.Read.All',
            passed: false,
            reason: 'Missing',
            permission: 'AuditLog.Read.All',
          },
        ]);
      } finally {
        await dropStore(config);
      }
    });

    it(`0023 keeps every transitive membership the closure table held [${engine}]`, async () => {
      const config = freshStoreConfig(engine);
      try {
        const before = await openDatabase(config, { migrate: false });
        assert.equal((await migratorFor(before).migrateTo('0018-structured-error-facts')).error, undefined);
        const old = before.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
        // A ⊃ B ⊃ C ⊃ A (a cycle) with a user each, D ⊃ u1 directly and through B ⊃ u1; another client's E ⊃ u9.
        const edge = (client: string, group: string, member: string, type: string) => ({
          client_id: client,
          group_id: group,
          member_id: member,
          member_type: type,
        });
        await old
          .insertInto('group_members')
          .values([
            edge('c1', 'A', 'B', 'group'),
            edge('c1', 'B', 'C', 'group'),
            edge('c1', 'C', 'A', 'group'),
            edge('c1', 'A', 'u1', 'user'),
            edge('c1', 'B', 'u2', 'user'),
            edge('c1', 'C', 'u3', 'user'),
            edge('c1', 'D', 'B', 'group'),
            edge('c1', 'D', 'u2', 'user'),
            edge('c2', 'E', 'u9', 'user'),
          ])
          .execute();
        const closure = [
          ...['A', 'B', 'C', 'D'].flatMap((group) => ['u1', 'u2', 'u3'].map((user) => `c1 ${group}>${user}`)),
          'c2 E>u9',
        ].sort();
        await old
          .insertInto('group_user_closure')
          .values(
            closure.map((row) => {
              const [client, pair] = row.split(' ');
              const [group, user] = (pair ?? '').split('>');
              return { client_id: client, group_id: group, user_id: user };
            }),
          )
          .execute();
        await before.close();

        const after = await openDatabase(config);
        const rows = await after.db.selectFrom('group_user_closure').selectAll().execute();
        const nesting = await after.db.selectFrom('group_nesting').selectAll().execute();
        await after.close();
        assert.deepEqual(
          rows.map((row) => `${row.client_id} ${row.group_id}>${row.user_id}`).sort(),
          closure,
        );
        // Stored: only groups in groups (A, B, C each hold all three; D holds A, B, C), not a row per user.
        assert.equal(nesting.length, 12);
      } finally {
        await dropStore(config);
      }
    });

    it(`0029 starts each client's users stream afresh, so its next round selects onPremisesSyncEnabled [${engine}]`, async () => {
      const config = freshStoreConfig(engine);
      try {
        const before = await openDatabase(config, { migrate: false });
        assert.equal((await migratorFor(before).migrateTo('0028-sync-run-urgency')).error, undefined);
        const old = before.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
        const checkpoint = (stream: string) => ({
          client_id: 'c1',
          stream,
          next_link: null,
          delta_link: `https://graph.microsoft.com/v1.0/${stream}/delta?$deltatoken=abc`,
          generation: 4,
          round_kind: 'delta',
          watermark: null,
          state: '{}',
          updated_at: '2026-12-01T00:00:00.000Z',
        });
        await old.insertInto('sync_checkpoints').values(checkpoint('users')).execute();
        await old.insertInto('sync_checkpoints').values(checkpoint('groups')).execute();
        await before.close();
        const after = await openDatabase(config);
        try {
          const rows = await after.db
            .selectFrom('sync_checkpoints')
            .select(['stream', 'delta_link', 'round_kind', 'generation'])
            .orderBy('stream')
            .execute();
          assert.deepEqual(rows, [
            {
              stream: 'groups',
              delta_link: checkpoint('groups').delta_link,
              round_kind: 'delta',
              generation: 4,
            },
            // The generation is kept: the full round marks and sweeps with the next one.
            { stream: 'users', delta_link: null, round_kind: 'full', generation: 4 },
          ]);
        } finally {
          await after.close();
        }
      } finally {
        await dropStore(config);
      }
    });

    it(`0024 and 0025 keep every user with all its columns, and its key still refuses a second row [${engine}]`, async () => {
      const config = freshStoreConfig(engine);
      try {
        const before = await openDatabase(config, { migrate: false });
        assert.equal((await migratorFor(before).migrateTo('0023-group-nesting')).error, undefined);
        const old = before.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
        const full = {
          client_id: 'c1',
          id: 'u1',
          display_name: 'Ann Smith',
          user_principal_name: 'ann@contoso.example',
          mail: 'ann@contoso.example',
          user_type: 'Member',
          account_enabled: 0,
          department: 'Sales',
          job_title: 'Rep',
          created_date_time: '2024-01-01T00:00:00Z',
          entra_state: 'soft_deleted',
          collection_state: 'disabled',
          disable_reason: 'manual',
          imported_at: '2026-11-01T00:00:00.000Z',
          last_sign_in_at: '2026-11-20T00:00:00.000Z',
          last_sign_in_app: 'Teams',
          sign_in_activity_at: '2026-11-21T00:00:00.000Z',
          search_text: 'ann smith ann@contoso.example',
          seen_generation: 3,
          updated_at: '2026-11-22T00:00:00.000Z',
          collected_from: '2026-11-02T00:00:00.000Z',
        };
        const bare = { client_id: 'c2', id: 'u1', updated_at: 'now' };
        // One at a time: in one multi-row insert Kysely would give SQLite nulls, not the defaults, for the bare row.
        await old.insertInto('directory_users').values(full).execute();
        await old.insertInto('directory_users').values(bare).execute();
        // Users written while 0024's rowid table was in place, arriving out of key order.
        const late = { ...full, client_id: 'c1', id: 'u0', display_name: 'Bo Late', department: null };
        const expected = [
          late,
          full,
          {
            ...Object.fromEntries(Object.keys(full).map((column) => [column, null])),
            ...bare,
            account_enabled: 1,
            entra_state: 'active',
            collection_state: 'not_imported',
            search_text: '',
            seen_generation: 0,
          },
        ];
        const users = async (db: Kysely<unknown>): Promise<unknown[]> =>
          (db as unknown as Kysely<Record<string, Record<string, unknown>>>)
            .selectFrom('directory_users')
            .selectAll()
            .orderBy('client_id')
            .orderBy('id')
            .execute();
        const withoutRowid = async (db: Kysely<unknown>): Promise<unknown> =>
          (
            await sql<{
              wr: number;
            }>`select wr from pragma_table_list where name = 'directory_users'`.execute(db)
          ).rows;
        assert.equal((await migratorFor(before).migrateTo('0024-users-in-arrival-order')).error, undefined);
        await old.insertInto('directory_users').values(late).execute();
        assert.deepEqual(await users(before.db as Kysely<unknown>), expected);
        // 0024: an ordinary rowid table, no longer clustered on the random key.
        if (engine === 'sqlite')
          assert.deepEqual(await withoutRowid(before.db as Kysely<unknown>), [{ wr: 0 }]);
        await before.close();

        const after = await openDatabase(config);
        try {
          // 0029 adds on_premises_sync, 0 for every user until a sync reads it.
          assert.deepEqual(
            await users(after.db as Kysely<unknown>),
            expected.map((user) => ({ ...user, on_premises_sync: 0 })),
          );
          if (engine === 'sqlite') {
            // 0025: clustered on (client_id, id) again, with 0024's other indexes.
            assert.deepEqual(await withoutRowid(after.db as Kysely<unknown>), [{ wr: 1 }]);
            const indexes = await sql<{
              name: string;
            }>`select name from sqlite_master where type = 'index' and tbl_name = 'directory_users' order by name`.execute(
              after.db,
            );
            assert.deepEqual(
              indexes.rows.map((row) => row.name),
              [
                'directory_users_department',
                'directory_users_guest_sort',
                'directory_users_reason_sort',
                'directory_users_sort',
                'directory_users_state_sort',
                'directory_users_upn',
              ],
            );
            // The guest index holds the columns of its own condition (null: the sort name expression).
            const guest = await sql<{
              name: string | null;
            }>`select name from pragma_index_info('directory_users_guest_sort') order by seqno`.execute(
              after.db,
            );
            assert.deepEqual(
              guest.rows.map((row) => row.name),
              ['client_id', null, 'id', 'user_type', 'user_principal_name'],
            );
          }
          await assert.rejects(
            after.db
              .insertInto('directory_users')
              .values({
                client_id: 'c1',
                id: 'u1',
                account_enabled: 1,
                entra_state: 'active',
                collection_state: 'not_imported',
                search_text: '',
                seen_generation: 0,
                updated_at: 'again',
              })
              .execute(),
            /unique|duplicate/i,
          );
        } finally {
          await after.close();
        }
      } finally {
        await dropStore(config);
      }
    });
  }
});
