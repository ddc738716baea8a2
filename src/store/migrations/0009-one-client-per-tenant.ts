import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * DESIGN §9: one tenant belongs to at most one client — as a constraint, so two connects racing on PostgreSQL
 * cannot both succeed (the service's check-then-insert alone let them). A store that already holds a tenant under
 * two clients cannot be constrained silently: the migration stops and names them, for an operator to remove one.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const duplicates = await sql<{ tenant_id: string; clients: string }>`
    select tenant_id, ${sql.raw(dialect === 'postgres' ? "string_agg(client_id, ', ')" : "group_concat(client_id, ', ')")} as clients
    from integrations group by tenant_id having count(*) > 1`.execute(db);
  if (duplicates.rows.length > 0) {
    const list = duplicates.rows.map((row) => `tenant ${row.tenant_id}: clients ${row.clients}`).join('; ');
    throw new Error(
      `A tenant is connected to more than one client (${list}). Remove all but one of those integrations (npm run cli -- integrations remove <client>) and start again.`,
    );
  }
  await sql`drop index integrations_tenant`.execute(db);
  await sql`create unique index integrations_tenant_unique on integrations (tenant_id)`.execute(db);
}
