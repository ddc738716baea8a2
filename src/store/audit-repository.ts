import { sql, type Kysely } from 'kysely';
import type { AuditLogRow, Database } from './schema.js';

/** One entry of the audit log. `before` and `after` are the JSON text of the snapshots (never secrets). */
export interface AuditEntryRecord {
  readonly id: number;
  /** ISO-8601 UTC. */
  readonly at: string;
  readonly actorTenantId: string;
  readonly actorObjectId: string;
  readonly actorName: string | null;
  readonly clientId: string | null;
  readonly action: string;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly before: string | null;
  readonly after: string | null;
  /** Which edge the action came through: `bot`, `tab`, `cli`, `system`, `scheduler`. */
  readonly channel: string;
}

/** What an audit query may filter on; every field optional. */
export interface AuditQuery {
  /** Only entries of these clients; `undefined` = any. Entries without a client count as `null`. */
  readonly clientIds?: readonly (string | null)[];
  readonly actorObjectId?: string;
  /** Exact action (`group.exclude`) or a prefix ending in a dot (`integration.`). */
  readonly action?: string;
  /** Inclusive lower bound (ISO timestamp). */
  readonly from?: string;
  /** Exclusive upper bound (ISO timestamp). */
  readonly to?: string;
  /** Entries with an id below this (keyset paging, newest first). */
  readonly beforeId?: number;
  readonly limit: number;
}

/** One entry to append (an entry before the store gives it its id); `before`/`after` are JSON text already scrubbed. */
export type NewAuditRecord = Omit<AuditEntryRecord, 'id'>;

/** The audit log: appended by AuditTrail inside each change's transaction, read by the audit log service. */
export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async append(entry: NewAuditRecord): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        at: entry.at,
        actor_tenant_id: entry.actorTenantId,
        actor_object_id: entry.actorObjectId,
        actor_name: entry.actorName,
        client_id: entry.clientId,
        action: entry.action,
        target_type: entry.targetType,
        target_id: entry.targetId,
        before: entry.before,
        after: entry.after,
        channel: entry.channel,
      })
      .execute();
  }

  /** Newest first. */
  async query(filter: AuditQuery): Promise<AuditEntryRecord[]> {
    let query = this.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(filter.limit);
    if (filter.clientIds !== undefined) {
      const ids = filter.clientIds.filter((id): id is string => id !== null);
      const withNull = filter.clientIds.includes(null);
      if (ids.length === 0 && !withNull) return [];
      query = query.where((eb) => {
        const parts = [];
        if (ids.length > 0) parts.push(eb('client_id', 'in', ids));
        if (withNull) parts.push(eb('client_id', 'is', null));
        return eb.or(parts);
      });
    }
    if (filter.actorObjectId !== undefined) query = query.where('actor_object_id', '=', filter.actorObjectId);
    if (filter.action !== undefined) {
      query = filter.action.endsWith('.')
        ? query.where(sql<boolean>`substr(action, 1, ${sql.lit(filter.action.length)}) = ${filter.action}`)
        : query.where('action', '=', filter.action);
    }
    if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('at', '<', filter.to);
    if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
    return (await query.execute()).map(toRecord);
  }

  /**
   * The names of the users and groups entries point at, keyed `user:<client>:<id>` / `group:<client>:<id>` (a
   * display name, else the UPN). Targets no longer in the directory copy are simply absent.
   */
  async targetNames(
    targets: readonly { readonly clientId: string; readonly type: 'user' | 'group'; readonly id: string }[],
  ): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const type of ['user', 'group'] as const) {
      const ids = [...new Set(targets.filter((t) => t.type === type).map((t) => t.id))];
      if (ids.length === 0) continue;
      const rows =
        type === 'user'
          ? await this.db
              .selectFrom('directory_users')
              .select(['client_id', 'id', 'display_name', 'user_principal_name as alias'])
              .where('id', 'in', ids)
              .execute()
          : await this.db
              .selectFrom('directory_groups')
              .select(['client_id', 'id', 'display_name', 'mail as alias'])
              .where('id', 'in', ids)
              .execute();
      for (const row of rows) {
        const name = row.display_name ?? row.alias;
        if (name !== null) names.set(`${type}:${row.client_id}:${row.id}`, name);
      }
    }
    return names;
  }
}

function toRecord(row: AuditLogRow): AuditEntryRecord {
  return {
    id: row.id,
    at: row.at,
    actorTenantId: row.actor_tenant_id,
    actorObjectId: row.actor_object_id,
    actorName: row.actor_name,
    clientId: row.client_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    before: row.before,
    after: row.after,
    channel: row.channel,
  };
}
