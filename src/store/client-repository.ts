import type { Kysely } from 'kysely';
import { clientTables } from './client-data-tables.js';
import type { ClientRow, Database } from './schema.js';

/** A client (one of the MSP's customer organisations) as the services and the edges read it. */
export interface ClientRecord {
  readonly id: string;
  /** Unique, case-insensitive short name used by the CLI and the bot (`contoso`). */
  readonly name: string;
  readonly displayName: string;
  /** Days without activity after which an imported user expires (rule 8): 7–365, default 30. */
  readonly expiryDays: number;
  /** ISO-8601 UTC. */
  readonly createdAt: string;
  /** UPN (or object id) of who added it. */
  readonly createdBy: string;
}

/** What an admin may change on a client. */
export type ClientChanges = Partial<Pick<ClientRecord, 'displayName' | 'expiryDays'>>;

/** A `clients` row as a {@link ClientRecord}. */
export function toClientRecord(row: ClientRow): ClientRecord {
  return {
    id: row.id,
    name: row.name,
    displayName: row.display_name,
    expiryDays: row.expiry_days,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

/** Clients: the MSP's customer organisations. */
export class ClientRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(ids: 'all' | readonly string[]): Promise<ClientRecord[]> {
    if (ids !== 'all' && ids.length === 0) return [];
    let query = this.db.selectFrom('clients').selectAll().orderBy('name');
    if (ids !== 'all') query = query.where('id', 'in', [...ids]);
    return (await query.execute()).map(toClientRecord);
  }

  /** By id or by (case-insensitive) name. */
  async find(idOrName: string): Promise<ClientRecord | undefined> {
    const row = await this.db
      .selectFrom('clients')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName.toLowerCase())]))
      .executeTakeFirst();
    return row === undefined ? undefined : toClientRecord(row);
  }

  async insert(client: ClientRecord): Promise<void> {
    await this.db
      .insertInto('clients')
      .values({
        id: client.id,
        name: client.name,
        display_name: client.displayName,
        expiry_days: client.expiryDays,
        created_at: client.createdAt,
        created_by: client.createdBy,
      })
      .execute();
  }

  async update(id: string, changes: ClientChanges): Promise<void> {
    const set: { display_name?: string; expiry_days?: number } = {};
    if (changes.displayName !== undefined) set.display_name = changes.displayName;
    if (changes.expiryDays !== undefined) set.expiry_days = changes.expiryDays;
    if (Object.keys(set).length === 0) return;
    await this.db.updateTable('clients').set(set).where('id', '=', id).execute();
  }

  /** Deletes the client and every row that belongs to it (role assignments scoped to it included). */
  async deleteWithData(id: string): Promise<void> {
    for (const table of clientTables) {
      await this.db.deleteFrom(table).where('client_id', '=', id).execute();
    }
    await this.db.deleteFrom('role_assignments').where('client_scope', '=', id).execute();
    await this.db
      .updateTable('conversation_references')
      .set({ client_id: null })
      .where('client_id', '=', id)
      .execute();
    await this.db.deleteFrom('clients').where('id', '=', id).execute();
  }
}
