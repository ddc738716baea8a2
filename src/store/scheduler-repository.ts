import type { Insertable, Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { SchedulerClaimsTable } from './schema/clients.js';

/** A queued job an instance took and runs. */
export interface SchedulerClaim {
  readonly jobId: string;
  readonly queue: string;
  readonly clientId: string;
  readonly instanceId: string;
  /** When the slot was first claimed (ISO 8601): a slot taken over keeps its first claim's time. */
  readonly claimedAt: string;
}

/** When a client's job may be queued again. */
export interface DueLimits {
  /** Now (ISO 8601): the queued time recorded. */
  readonly now: string;
  /** Its last run must have started at or before this (now − the job's interval). */
  readonly startedBy: string;
  /** A job queued at or before this and never finished is presumed lost, and the client is queued again. */
  readonly lostBy: string;
}

/** Rows a statement may bind per client: PostgreSQL allows 65,535 parameters. */
const CLIENTS_PER_STATEMENT = 500;

/**
 * The PostgreSQL scheduler's shared state (several instances on one database): which instances are alive, which
 * queued job each one runs, and when each client's job was last queued, started and finished.
 */
export class SchedulerRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records the instance as alive: at its start, or again after it was declared dead. */
  async join(instanceId: string, at: string): Promise<void> {
    await this.db
      .insertInto('scheduler_instances')
      .values({ id: instanceId, started_at: at, heartbeat_at: at })
      .onConflict((conflict) => conflict.column('id').doUpdateSet({ heartbeat_at: at }))
      .execute();
  }

  /** A sign of life. False when the instance's record is gone: another instance declared it dead. */
  async beat(instanceId: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('scheduler_instances')
      .set({ heartbeat_at: at })
      .where('id', '=', instanceId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async leave(instanceId: string): Promise<void> {
    await this.db.deleteFrom('scheduler_instances').where('id', '=', instanceId).execute();
  }

  /** Removes the instances silent since `cutoff`: each id is returned to exactly one caller. */
  async removeSilentSince(cutoff: string): Promise<string[]> {
    const rows = await this.db
      .deleteFrom('scheduler_instances')
      .where('heartbeat_at', '<', cutoff)
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }

  /** Claims whose instance is gone (declared dead, or left while runs were cut short). */
  async orphanClaims(): Promise<SchedulerClaim[]> {
    const rows = await this.db
      .selectFrom('scheduler_claims')
      .selectAll()
      .where('instance_id', 'not in', (eb) => eb.selectFrom('scheduler_instances').select('id'))
      .execute();
    return rows.map((row) => ({
      jobId: row.job_id,
      queue: row.queue,
      clientId: row.client_id,
      instanceId: row.instance_id,
      claimedAt: row.claimed_at,
    }));
  }

  /**
   * Takes an orphan claim over: the claim becomes the taker's (true for the one caller whose update moved it), so
   * that while the taker fails the job and queues it again the job is claimed, never seen as fetched-but-unclaimed.
   * A claim whose instance joined again in the meantime is not orphaned any more and stays.
   */
  async takeOrphan(jobId: string, takerId: string): Promise<boolean> {
    const taken = await this.db
      .updateTable('scheduler_claims')
      .set({ instance_id: takerId })
      .where('job_id', '=', jobId)
      .where('instance_id', 'not in', (eb) => eb.selectFrom('scheduler_instances').select('id'))
      .returning('job_id')
      .executeTakeFirst();
    return taken !== undefined;
  }

  async claim(claim: SchedulerClaim): Promise<void> {
    await this.db.insertInto('scheduler_claims').values(claimRow(claim)).execute();
  }

  /** Records the claim unless the job is claimed already: true when this call recorded it. */
  async claimIfFree(claim: SchedulerClaim): Promise<boolean> {
    const row = await this.db
      .insertInto('scheduler_claims')
      .values(claimRow(claim))
      .onConflict((conflict) => conflict.column('job_id').doNothing())
      .returning('job_id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async release(jobId: string): Promise<void> {
    await this.db.deleteFrom('scheduler_claims').where('job_id', '=', jobId).execute();
  }

  /**
   * Which of these jobs are still the instance's claims (not taken over). Locks the rows it finds (`FOR UPDATE`), so
   * it waits for a takeover under way and sees its outcome. Outside a transaction the locks end with the statement:
   * they are taken for the wait, not held (a takeover after it is the next fence check's to see).
   */
  async stillClaimed(instanceId: string, jobIds: readonly string[]): Promise<Set<string>> {
    if (jobIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('scheduler_claims')
      .select('job_id')
      .where('job_id', 'in', jobIds)
      .where('instance_id', '=', instanceId)
      .forUpdate()
      .execute();
    return new Set(rows.map((row) => row.job_id));
  }

  /**
   * Records as queued now, and returns, those of the clients whose job is due: never queued, or its last run
   * finished and started at or before `startedBy`, or its job presumed lost. One statement per 500 clients, each
   * row updated by one instance only (the upsert's condition is checked under the row's lock), so several
   * instances ticking at once queue each client once.
   */
  async queueDue(queue: string, clientIds: readonly string[], limits: DueLimits): Promise<string[]> {
    const due: string[] = [];
    for (let start = 0; start < clientIds.length; start += CLIENTS_PER_STATEMENT) {
      const chunk = clientIds.slice(start, start + CLIENTS_PER_STATEMENT);
      const rows = await this.db
        .insertInto('scheduler_slots')
        .values(chunk.map((clientId) => ({ queue, client_id: clientId, queued_at: limits.now })))
        .onConflict((conflict) =>
          conflict
            .columns(['queue', 'client_id'])
            .doUpdateSet({ queued_at: limits.now, started_at: null, finished_at: null })
            .where((eb) =>
              eb.or([
                eb.and([
                  eb('scheduler_slots.finished_at', 'is not', null),
                  eb('scheduler_slots.started_at', '<=', limits.startedBy),
                ]),
                eb('scheduler_slots.queued_at', '<=', limits.lostBy),
              ]),
            ),
        )
        .returning('client_id')
        .execute();
      due.push(...rows.map((row) => row.client_id));
    }
    return due;
  }

  /** Forgets that the client's job was queued (it could not be sent): it is due at the next tick. */
  async unqueue(queue: string, clientId: string): Promise<void> {
    await this.db
      .deleteFrom('scheduler_slots')
      .where('queue', '=', queue)
      .where('client_id', '=', clientId)
      .execute();
  }

  /** The client's job started (or started again, taken over): its interval counts from here. */
  async started(queue: string, clientId: string, at: string): Promise<void> {
    await this.db
      .insertInto('scheduler_slots')
      .values({ queue, client_id: clientId, queued_at: at, started_at: at, finished_at: null })
      .onConflict((conflict) =>
        conflict.columns(['queue', 'client_id']).doUpdateSet({ started_at: at, finished_at: null }),
      )
      .execute();
  }

  /** The client's job ended, whatever its outcome. */
  async finished(queue: string, clientId: string, at: string): Promise<void> {
    await this.db
      .updateTable('scheduler_slots')
      .set({ finished_at: at })
      .where('queue', '=', queue)
      .where('client_id', '=', clientId)
      .execute();
  }
}

function claimRow(claim: SchedulerClaim): Insertable<SchedulerClaimsTable> {
  return {
    job_id: claim.jobId,
    queue: claim.queue,
    client_id: claim.clientId,
    instance_id: claim.instanceId,
    claimed_at: claim.claimedAt,
  };
}
