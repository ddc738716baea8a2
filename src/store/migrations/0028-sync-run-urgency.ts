import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * `sync_runs.urgent`: 1 while a person waits for the run. A *Sync now* or a client's first sync starts urgent; a
 * scheduled run becomes urgent when a *Sync now* joins it, from this process or another instance. The instance
 * running it reads the flag back at each progress write and heartbeat, so the rest of the run's Graph requests go
 * before the tenant's background ones (see `isUrgentTrigger` in src/sync/sync-runner.ts).
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema
    .alterTable('sync_runs')
    .addColumn('urgent', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
}
