import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Where a client's tab was added: a team's channel or a group chat. */
export interface TabPlacementRecord {
  readonly clientId: string;
  readonly kind: 'channel' | 'chat';
  readonly id: string;
}

/** The channel and group-chat tabs added for each client (`tab_placements`). */
export class TabPlacementRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Adds the placement unless it is already there; returns whether this call added it. */
  async add(
    placement: TabPlacementRecord,
    by: { readonly at: string; readonly actor: string },
  ): Promise<boolean> {
    const inserted = await this.db
      .insertInto('tab_placements')
      .values({
        client_id: placement.clientId,
        place_kind: placement.kind,
        place_id: placement.id,
        created_at: by.at,
        created_by: by.actor,
      })
      .onConflict((conflict) => conflict.columns(['client_id', 'place_id']).doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** Removes the placement; returns whether there was one. */
  async remove(clientId: string, placeId: string): Promise<boolean> {
    const deleted = await this.db
      .deleteFrom('tab_placements')
      .where('client_id', '=', clientId)
      .where('place_id', '=', placeId)
      .executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  }

  /** Every placement of every client (the places a client's tab holds, for telling whose a chat is). */
  async all(): Promise<TabPlacementRecord[]> {
    const rows = await this.db
      .selectFrom('tab_placements')
      .select(['client_id', 'place_kind', 'place_id'])
      .orderBy('client_id')
      .orderBy('place_id')
      .execute();
    return rows.map((row) => ({ clientId: row.client_id, kind: row.place_kind, id: row.place_id }));
  }

  async find(clientId: string, placeId: string): Promise<TabPlacementRecord | undefined> {
    const row = await this.db
      .selectFrom('tab_placements')
      .select(['client_id', 'place_kind', 'place_id'])
      .where('client_id', '=', clientId)
      .where('place_id', '=', placeId)
      .executeTakeFirst();
    return row === undefined
      ? undefined
      : { clientId: row.client_id, kind: row.place_kind, id: row.place_id };
  }
}
