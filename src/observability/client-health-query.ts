import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { ClientHealth } from './telemetry.js';

/**
 * Every client's sync health per stream, for /metrics: whether its latest finished run succeeded and when one last
 * did. Two grouped queries over `sync_runs`, whatever the number of clients (read at each scrape).
 */
export async function readClientHealth(db: Kysely<Database>): Promise<ClientHealth[]> {
  const latest = await db
    .selectFrom('sync_runs as r')
    .innerJoin('clients as c', 'c.id', 'r.client_id')
    .select(['c.name as client', 'r.client_id', 'r.kind', 'r.status'])
    .where('r.id', 'in', (eb) =>
      eb
        .selectFrom('sync_runs')
        .select((inner) => inner.fn.max<number>('id').as('id'))
        .where('status', '!=', 'running')
        .groupBy(['client_id', 'kind']),
    )
    .execute();
  const successes = await db
    .selectFrom('sync_runs')
    .select(['client_id', 'kind', (eb) => eb.fn.max('finished_at').as('at')])
    .where('status', '=', 'succeeded')
    .groupBy(['client_id', 'kind'])
    .execute();
  const lastSuccess = new Map(successes.map((row) => [`${row.client_id}:${row.kind}`, row.at]));
  return latest.map((row) => {
    const at = lastSuccess.get(`${row.client_id}:${row.kind}`);
    return {
      client: row.client,
      kind: row.kind,
      healthy: row.status === 'succeeded',
      lastSuccessSeconds: at === undefined || at === null ? undefined : Date.parse(at) / 1000,
    };
  });
}
