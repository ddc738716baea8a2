import type { Kysely } from 'kysely';
import { tenantDataTables } from './client-data-tables.js';
import type { Database, IntegrationRow } from './schema.js';

/** The admin side of an integration row: connect, rotate, re-check, start the import, remove with its data. */
export class IntegrationAdminRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async find(clientId: string): Promise<IntegrationRow | undefined> {
    return this.db
      .selectFrom('integrations')
      .selectAll()
      .where('client_id', '=', clientId)
      .executeTakeFirst();
  }

  /** The client (if any) already connected to this tenant. */
  async findByTenant(tenantId: string): Promise<IntegrationRow | undefined> {
    return this.db
      .selectFrom('integrations')
      .selectAll()
      .where('tenant_id', '=', tenantId.toLowerCase())
      .executeTakeFirst();
  }

  async insert(row: IntegrationRow): Promise<void> {
    await this.db.insertInto('integrations').values(row).execute();
  }

  async update(
    clientId: string,
    changes: Partial<Omit<IntegrationRow, 'client_id' | 'created_at' | 'created_by'>>,
  ): Promise<void> {
    await this.db.updateTable('integrations').set(changes).where('client_id', '=', clientId).execute();
  }

  /** Sets the import start once; returns whether this call set it. */
  async markImportStarted(clientId: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('integrations')
      .set({ import_started_at: at, updated_at: at })
      .where('client_id', '=', clientId)
      .where('import_started_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Deletes the integration and the tenant's data held for the client. Returns rows deleted per table. */
  async deleteWithData(clientId: string): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {};
    for (const table of tenantDataTables) {
      const result = await this.db.deleteFrom(table).where('client_id', '=', clientId).executeTakeFirst();
      deleted[table] = Number(result.numDeletedRows);
    }
    await this.db.deleteFrom('integrations').where('client_id', '=', clientId).execute();
    return deleted;
  }
}
