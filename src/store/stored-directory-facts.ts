import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { GroupFacts, UserFacts } from '../domain/directory-facts.js';

/** The properties a user item of a delta round may carry; one missing means "unchanged", so the stored value stays. */
export const userKeys = [
  'displayName',
  'userPrincipalName',
  'mail',
  'userType',
  'accountEnabled',
  'department',
  'jobTitle',
  'createdDateTime',
] as const;
/** The same for a group item. */
export const groupKeys = [
  'displayName',
  'description',
  'mail',
  'mailEnabled',
  'securityEnabled',
  'groupTypes',
  'isTeam',
] as const;

/**
 * What a sync round's writes compare with: which items of a chunk the copy holds already and, for items that carry
 * only some properties, the stored values of the others. Works inside the caller's transaction.
 */
export class StoredDirectoryFacts {
  constructor(private readonly db: Kysely<Database>) {}

  private async existingIds<T extends { id: string }>(
    table: 'directory_users' | 'directory_groups',
    clientId: string,
    chunk: readonly T[],
  ): Promise<Map<string, T>> {
    const rows = await this.db
      .selectFrom(table)
      .select('id')
      .where('client_id', '=', clientId)
      .where(
        'id',
        'in',
        chunk.map((facts) => facts.id),
      )
      .execute();
    const present = new Set(rows.map((row) => row.id));
    return new Map(chunk.filter((facts) => present.has(facts.id)).map((facts) => [facts.id, facts]));
  }

  async existingUsers(clientId: string, chunk: readonly UserFacts[]): Promise<Map<string, UserFacts>> {
    // Complete items (the usual case) need only to know which rows exist, not what they hold.
    if (chunk.every((facts) => userKeys.every((key) => key in facts))) {
      return this.existingIds('directory_users', clientId, chunk);
    }
    const rows = await this.db
      .selectFrom('directory_users')
      .select([
        'id',
        'display_name',
        'user_principal_name',
        'mail',
        'user_type',
        'account_enabled',
        'department',
        'job_title',
        'created_date_time',
      ])
      .where('client_id', '=', clientId)
      .where(
        'id',
        'in',
        chunk.map((facts) => facts.id),
      )
      .execute();
    return new Map(
      rows.map((row) => [
        row.id,
        {
          id: row.id,
          displayName: row.display_name,
          userPrincipalName: row.user_principal_name,
          mail: row.mail,
          userType: row.user_type,
          accountEnabled: row.account_enabled === 1,
          department: row.department,
          jobTitle: row.job_title,
          createdDateTime: row.created_date_time,
        },
      ]),
    );
  }

  async existingGroups(clientId: string, chunk: readonly GroupFacts[]): Promise<Map<string, GroupFacts>> {
    if (chunk.every((facts) => groupKeys.every((key) => key in facts))) {
      return this.existingIds('directory_groups', clientId, chunk);
    }
    const rows = await this.db
      .selectFrom('directory_groups')
      .select([
        'id',
        'display_name',
        'description',
        'mail',
        'mail_enabled',
        'security_enabled',
        'group_types',
        'is_team',
      ])
      .where('client_id', '=', clientId)
      .where(
        'id',
        'in',
        chunk.map((facts) => facts.id),
      )
      .execute();
    return new Map(
      rows.map((row) => [
        row.id,
        {
          id: row.id,
          displayName: row.display_name,
          description: row.description,
          mail: row.mail,
          mailEnabled: row.mail_enabled === 1,
          securityEnabled: row.security_enabled === 1,
          groupTypes: JSON.parse(row.group_types) as string[],
          isTeam: row.is_team === 1,
        },
      ]),
    );
  }
}
