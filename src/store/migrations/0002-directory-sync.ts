import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * What the directory sync needs beyond the first schema:
 * - `sync_runs.owner` / `heartbeat_at`: who runs a sync and when it last showed life, so a run killed mid-way is
 *   recognised and a new one may start; a partial unique index allows one running run per client and kind, on both
 *   engines and across processes.
 * - `group_members.seen_generation`: edges take part in the mark-and-sweep of a full resync like users and groups.
 * - `directory_groups.closure_dirty`: groups whose direct edges changed since the transitive closure was last
 *   computed — written in the same transaction as the page, so a crash between the page and the closure loses nothing.
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema.alterTable('sync_runs').addColumn('owner', 'text').execute();
  await db.schema.alterTable('sync_runs').addColumn('heartbeat_at', 'text').execute();
  await db.schema
    .createIndex('sync_runs_one_running')
    .on('sync_runs')
    .columns(['client_id', 'kind'])
    .unique()
    .where(sql.ref('status'), '=', 'running')
    .execute();
  await db.schema
    .alterTable('group_members')
    .addColumn('seen_generation', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('directory_groups')
    .addColumn('closure_dirty', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('directory_groups_closure_dirty')
    .on('directory_groups')
    .columns(['client_id', 'closure_dirty'])
    .execute();
}
