import type { Kysely } from 'kysely';
import { clientTables } from './client-data-tables.js';
import type { ClientRow, Database, NewClient } from './schema.js';

/** Clients: the MSP's customer organisations. */
export class ClientRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(ids: 'all' | readonly string[]): Promise<ClientRow[]> {
    if (ids !== 'all' && ids.length === 0) return [];
    let query = this.db.selectFrom('clients').selectAll().orderBy('name');
    if (ids !== 'all') query = query.where('id', 'in', [...ids]);
    return query.execute();
  }

  /** By id or by (case-insensitive) name. */
  async find(idOrName: string): Promise<ClientRow | undefined> {
    return this.db
      .selectFrom('clients')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName.toLowerCase())]))
      .executeTakeFirst();
  }

  async insert(client: NewClient): Promise<void> {
    await this.db.insertInto('clients').values(client).execute();
  }

  async update(id: string, changes: Partial<Pick<ClientRow, 'display_name' | 'expiry_days'>>): Promise<void> {
    await this.db.updateTable('clients').set(changes).where('id', '=', id).execute();
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
