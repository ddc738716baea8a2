import type { Kysely } from 'kysely';
import type { Database, RoleAssignmentRow } from './schema.js';
import type { RoleName } from '../domain/vocabulary.js';

export interface RoleAssignmentKey {
  readonly principalTenantId: string;
  readonly principalObjectId: string;
  readonly role: RoleName;
  /** A client id, or `*` for every client. */
  readonly clientScope: string;
}

/** A role given to a principal, as stored. */
export interface RoleAssignmentRecord {
  readonly id: number;
  readonly principalTenantId: string;
  readonly principalObjectId: string;
  /** For display only; the identity is tenant id + object id. */
  readonly principalName: string | null;
  readonly role: RoleName;
  /** A client id, or `*` for every client. */
  readonly clientScope: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

/** Stored role assignments (the first partner admins come from configuration, not from here). */
export class RoleRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Assignments, optionally only those scoped to one client (and the partner-wide ones when `includeAll`). */
  async list(filter: { clientScope?: string; includeAll?: boolean } = {}): Promise<RoleAssignmentRecord[]> {
    let query = this.db
      .selectFrom('role_assignments')
      .selectAll()
      .orderBy('role')
      .orderBy('principal_name')
      .orderBy('id');
    if (filter.clientScope !== undefined) {
      const scopes = filter.includeAll === true ? [filter.clientScope, '*'] : [filter.clientScope];
      query = query.where('client_scope', 'in', scopes);
    }
    return (await query.execute()).map(toRecord);
  }

  /** The roles one principal holds (ids lower-cased by the caller). */
  async grantsOf(principal: {
    readonly tenantId: string;
    readonly objectId: string;
  }): Promise<{ role: RoleName; clientScope: string }[]> {
    const rows = await this.db
      .selectFrom('role_assignments')
      .select(['role', 'client_scope'])
      .where('principal_tenant_id', '=', principal.tenantId)
      .where('principal_object_id', '=', principal.objectId)
      .execute();
    return rows.map((row) => ({ role: row.role, clientScope: row.client_scope }));
  }

  async find(key: RoleAssignmentKey): Promise<RoleAssignmentRecord | undefined> {
    const row = await this.db
      .selectFrom('role_assignments')
      .selectAll()
      .where('principal_tenant_id', '=', key.principalTenantId)
      .where('principal_object_id', '=', key.principalObjectId)
      .where('role', '=', key.role)
      .where('client_scope', '=', key.clientScope)
      .executeTakeFirst();
    return row === undefined ? undefined : toRecord(row);
  }

  async insert(
    key: RoleAssignmentKey,
    extra: { principalName: string | null; createdAt: string; createdBy: string },
  ): Promise<RoleAssignmentRecord> {
    const row = await this.db
      .insertInto('role_assignments')
      .values({
        principal_tenant_id: key.principalTenantId,
        principal_object_id: key.principalObjectId,
        principal_name: extra.principalName,
        role: key.role,
        client_scope: key.clientScope,
        created_at: extra.createdAt,
        created_by: extra.createdBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRecord(row);
  }

  /** Returns whether a row was deleted. */
  async delete(key: RoleAssignmentKey): Promise<boolean> {
    const result = await this.db
      .deleteFrom('role_assignments')
      .where('principal_tenant_id', '=', key.principalTenantId)
      .where('principal_object_id', '=', key.principalObjectId)
      .where('role', '=', key.role)
      .where('client_scope', '=', key.clientScope)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}

function toRecord(row: RoleAssignmentRow): RoleAssignmentRecord {
  return {
    id: row.id,
    principalTenantId: row.principal_tenant_id,
    principalObjectId: row.principal_object_id,
    principalName: row.principal_name,
    role: row.role,
    clientScope: row.client_scope,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}
