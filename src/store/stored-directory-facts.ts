import type { Kysely } from 'kysely';
import { GROUP_FACT_COLUMNS, USER_FACT_COLUMNS } from './directory-upserts.js';
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
  'onPremisesSynced',
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

/** A user or group as the copy holds it: its Entra facts, and whether it is active (not deleted in Entra). */
export interface StoredObject<T> {
  readonly facts: T;
  readonly active: boolean;
}

/**
 * What a sync round's writes compare with: which items of a chunk the copy holds already, with their stored facts —
 * for items that carry only some properties, the values of the others; for every item, whether it changed at all
 * (a full round replays every object: only those that differ are "changed"). Works inside the caller's transaction.
 */
export class StoredDirectoryFacts {
  constructor(private readonly db: Kysely<Database>) {}

  async existingUsers(
    clientId: string,
    chunk: readonly UserFacts[],
  ): Promise<Map<string, StoredObject<UserFacts>>> {
    const rows = await this.db
      .selectFrom('directory_users')
      .select(['id', 'entra_state', ...USER_FACT_COLUMNS])
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
          facts: {
            id: row.id,
            displayName: row.display_name,
            userPrincipalName: row.user_principal_name,
            mail: row.mail,
            userType: row.user_type,
            accountEnabled: row.account_enabled === 1,
            department: row.department,
            jobTitle: row.job_title,
            createdDateTime: row.created_date_time,
            onPremisesSynced: row.on_premises_sync === 1,
          },
          active: row.entra_state === 'active',
        },
      ]),
    );
  }

  async existingGroups(
    clientId: string,
    chunk: readonly GroupFacts[],
  ): Promise<Map<string, StoredObject<GroupFacts>>> {
    const rows = await this.db
      .selectFrom('directory_groups')
      .select(['id', 'entra_state', ...GROUP_FACT_COLUMNS])
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
          facts: {
            id: row.id,
            displayName: row.display_name,
            description: row.description,
            mail: row.mail,
            mailEnabled: row.mail_enabled === 1,
            securityEnabled: row.security_enabled === 1,
            groupTypes: JSON.parse(row.group_types) as string[],
            isTeam: row.is_team === 1,
          },
          active: row.entra_state === 'active',
        },
      ]),
    );
  }
}
