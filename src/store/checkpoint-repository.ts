import type { Kysely } from 'kysely';
import type { Database, SyncCheckpointRow } from './schema.js';

/** A stream's position, as the sync reads and writes it. */
export interface Checkpoint {
  readonly clientId: string;
  /** `users`, `groups`, `sign_in_activity`, `sign_ins`… */
  readonly stream: string;
  readonly nextLink: string | null;
  readonly deltaLink: string | null;
  readonly generation: number;
  readonly roundKind: 'full' | 'delta';
  readonly watermark: string | null;
  readonly state: Readonly<Record<string, unknown>>;
}

/** The position of each stream of each client (`sync_checkpoints`), written in the same transaction as the data. */
export class CheckpointRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(clientId: string, stream: string): Promise<Checkpoint | undefined> {
    const row = await this.db
      .selectFrom('sync_checkpoints')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('stream', '=', stream)
      .executeTakeFirst();
    return row === undefined ? undefined : toCheckpoint(row);
  }

  /** The stored position, or a fresh one (no links, generation 0) for a stream never run. */
  async getOrInitial(clientId: string, stream: string): Promise<Checkpoint> {
    return (
      (await this.get(clientId, stream)) ?? {
        clientId,
        stream,
        nextLink: null,
        deltaLink: null,
        generation: 0,
        roundKind: 'full',
        watermark: null,
        state: {},
      }
    );
  }

  async save(checkpoint: Checkpoint, at: Date): Promise<void> {
    const values = {
      next_link: checkpoint.nextLink,
      delta_link: checkpoint.deltaLink,
      generation: checkpoint.generation,
      round_kind: checkpoint.roundKind,
      watermark: checkpoint.watermark,
      state: JSON.stringify(checkpoint.state),
      updated_at: at.toISOString(),
    };
    await this.db
      .insertInto('sync_checkpoints')
      .values({ client_id: checkpoint.clientId, stream: checkpoint.stream, ...values })
      .onConflict((conflict) => conflict.columns(['client_id', 'stream']).doUpdateSet(values))
      .execute();
  }

  /**
   * Drops every stream's links but keeps generations and watermarks: each stream's next run starts a full round
   * that marks and sweeps (for when the tenant behind the links was replaced, like the demo simulator's).
   */
  async forgetLinks(clientId: string, at: Date): Promise<void> {
    await this.db
      .updateTable('sync_checkpoints')
      .set({ next_link: null, delta_link: null, round_kind: 'full', updated_at: at.toISOString() })
      .where('client_id', '=', clientId)
      .execute();
  }

  async remove(clientId: string, stream?: string): Promise<void> {
    let query = this.db.deleteFrom('sync_checkpoints').where('client_id', '=', clientId);
    if (stream !== undefined) query = query.where('stream', '=', stream);
    await query.execute();
  }
}

function toCheckpoint(row: SyncCheckpointRow): Checkpoint {
  return {
    clientId: row.client_id,
    stream: row.stream,
    nextLink: row.next_link,
    deltaLink: row.delta_link,
    generation: row.generation,
    roundKind: row.round_kind,
    watermark: row.watermark,
    state: parseState(row.state),
  };
}

function parseState(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
