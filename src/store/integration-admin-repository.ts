import type { Kysely } from 'kysely';
import { tenantDataTables } from './client-data-tables.js';
import type { ActivityDataState } from '../domain/vocabulary.js';
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

  /** Whether the client has an integration (connected or in error). */
  async isConnected(clientId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('integrations')
      .select('client_id')
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * What the collection rules and billing read of a client's integration: whether its tenant's activity has been
   * read (rule 8) and when the initial import started (rule 2). Undefined without an integration.
   */
  async collectionFacts(
    clientId: string,
  ): Promise<{ activityData: ActivityDataState; importStartedAt: string | null } | undefined> {
    const row = await this.db
      .selectFrom('integrations')
      .select(['activity_data', 'import_started_at'])
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return row === undefined
      ? undefined
      : { activityData: row.activity_data, importStartedAt: row.import_started_at };
  }

  /** The ids of every client with an integration, for the daily jobs. */
  async clientIds(): Promise<string[]> {
    const rows = await this.db.selectFrom('integrations').select('client_id').execute();
    return rows.map((row) => row.client_id);
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
