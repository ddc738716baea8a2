import type PgBoss from 'pg-boss';
import type { QueueStats } from '../../observability/telemetry.js';

/** A client job an instance fetched from pg-boss but never recorded as its claim. */
export interface UnclaimedJob {
  readonly id: string;
  readonly queue: string;
  readonly clientId: string;
}

/**
 * What pg-boss's job table holds for the scheduler (it lives in the app's schema; its own API counts one queue at
 * a time): every queue's waiting and active jobs in one grouped query, and jobs fetched but never claimed.
 */
export class PgBossJobTable {
  constructor(
    private readonly boss: PgBoss,
    private readonly schema: string,
  ) {}

  /** Waiting and active jobs of each queue, and the oldest waiting job's age. */
  async queueStats(names: readonly string[]): Promise<QueueStats[]> {
    const result = await this.boss.getDb().executeSql(
      `select name, count(*) filter (where state in ('created', 'retry'))::int as waiting,
                count(*) filter (where state = 'active')::int as active,
                coalesce(extract(epoch from now() - min(created_on) filter (where state in ('created', 'retry'))), 0)::float as oldest
           from "${this.schema}".job where name = any($1) and state in ('created', 'retry', 'active') group by name`,
      [names],
    );
    const rows = result.rows as { name: string; waiting: number; active: number; oldest: number }[];
    const byName = new Map(rows.map((row) => [row.name, row]));
    return names.map((name) => {
      const row = byName.get(name);
      return {
        queue: name,
        waiting: row?.waiting ?? 0,
        active: row?.active ?? 0,
        oldestWaitingSeconds: row?.oldest ?? 0,
      };
    });
  }

  /**
   * Client jobs fetched (active) for longer than `seconds` with no claim recorded: the instance that fetched them
   * died in the moment between fetching and recording its claim (a live one records it at once), so nobody runs
   * them. On the database's clock, as pg-boss's own times are.
   */
  async unclaimedActive(queues: readonly string[], seconds: number): Promise<UnclaimedJob[]> {
    const result = await this.boss.getDb().executeSql(
      `select j.id::text as id, j.name as queue, j.data->>'clientId' as client_id
         from "${this.schema}".job j
        where j.name = any($1) and j.state = 'active' and j.started_on < now() - make_interval(secs => $2)
          and not exists (select 1 from "${this.schema}".scheduler_claims c where c.job_id = j.id::text)`,
      [queues, seconds],
    );
    const rows = result.rows as { id: string; queue: string; client_id: string | null }[];
    return rows.flatMap((row) =>
      row.client_id === null ? [] : [{ id: row.id, queue: row.queue, clientId: row.client_id }],
    );
  }
}
