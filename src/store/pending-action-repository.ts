import type { Kysely } from 'kysely';
import type { Database, PendingActionRow } from './schema.js';

export type PendingActionKind = PendingActionRow['kind'];

/**
 * Single-use, time-limited tokens (admin-consent `state`, exclusion previews). Rows are keyed by a hash of the token,
 * never the token itself, so the table holds nothing a reader could replay.
 */
export class PendingActionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(action: Omit<PendingActionRow, 'used_at'>): Promise<void> {
    await this.db
      .insertInto('pending_actions')
      .values({ ...action, used_at: null })
      .execute();
  }

  async find(id: string, kind: PendingActionKind): Promise<PendingActionRow | undefined> {
    return this.db
      .selectFrom('pending_actions')
      .selectAll()
      .where('id', '=', id)
      .where('kind', '=', kind)
      .executeTakeFirst();
  }

  /** Marks the action used if nobody has yet (conditional: of two concurrent uses exactly one wins). */
  async markUsed(id: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('pending_actions')
      .set({ used_at: at })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Replaces the stored payload (e.g. a consent's "received at"); the signed binding is not in it. */
  async setPayload(id: string, payload: string): Promise<void> {
    await this.db.updateTable('pending_actions').set({ payload }).where('id', '=', id).execute();
  }

  /** A client's actions of one kind that are neither used nor expired at `now`, newest first. */
  async listOpen(clientId: string, kind: PendingActionKind, now: string): Promise<PendingActionRow[]> {
    return this.db
      .selectFrom('pending_actions')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('kind', '=', kind)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .execute();
  }

  /** Forgets actions that expired before `before` (housekeeping; used ones are kept until they expire). */
  async deleteExpired(before: string): Promise<number> {
    const result = await this.db
      .deleteFrom('pending_actions')
      .where('expires_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
