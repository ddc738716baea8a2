import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * When the PostgreSQL scheduler last queued, started and finished each client's job: a client is queued again once
 * its last run has finished and started at least the job's interval ago — measured from the run, as the in-process
 * scheduler does, not by windows aligned to the clock (pg-boss's `singletonSeconds` queued a client again at every
 * window boundary, even a minute after its run). Several instances share the rows, so each slot is queued once.
 * Unused with SQLite (one instance).
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('scheduler_slots')
    .addColumn('queue', 'text', (col) => col.notNull())
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('queued_at', 'text', (col) => col.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addPrimaryKeyConstraint('scheduler_slots_pk', ['queue', 'client_id'])
    .execute();
}
