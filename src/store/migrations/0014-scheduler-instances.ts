import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * The PostgreSQL scheduler's view of its instances (several share one database): each instance's last heartbeat,
 * and which queued job each instance took. An instance silent for longer than the scheduler's limit died (`kill -9`,
 * a lost machine): another one fails its jobs, closes its runs as interrupted and queues those clients again at the
 * front, so their syncs resume from their checkpoints within a minute. Unused with SQLite (one instance).
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('scheduler_instances')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('started_at', 'text', (col) => col.notNull())
    .addColumn('heartbeat_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createTable('scheduler_claims')
    .addColumn('job_id', 'text', (col) => col.primaryKey())
    .addColumn('queue', 'text', (col) => col.notNull())
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('instance_id', 'text', (col) => col.notNull())
    .addColumn('claimed_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('scheduler_claims_by_instance')
    .on('scheduler_claims')
    .column('instance_id')
    .execute();
}
