import { sql, type Kysely, type SqlBool } from 'kysely';
import { escapeLike } from './collection-sql.js';
import type { ClientScope } from './dashboard-repository.js';
import type { Database } from './schema.js';

export interface FoundUserRow {
  readonly client_id: string;
  readonly id: string;
  readonly display_name: string | null;
  readonly user_principal_name: string | null;
  readonly mail: string | null;
  readonly user_type: string | null;
  readonly account_enabled: number;
  readonly entra_state: 'active' | 'soft_deleted' | 'deleted';
  readonly collection_state: 'not_imported' | 'imported' | 'disabled';
  readonly disable_reason: 'manual' | 'excluded_group' | 'deleted_in_entra' | null;
  readonly imported_at: string | null;
  readonly last_sign_in_at: string | null;
  readonly last_sign_in_app: string | null;
  readonly sign_in_activity_at: string | null;
}

export interface FoundGroupRow {
  readonly client_id: string;
  readonly id: string;
  readonly display_name: string | null;
  readonly mail: string | null;
  readonly entra_state: 'active' | 'soft_deleted' | 'deleted';
  readonly excluded_at: string | null;
  readonly reporting_enabled: number;
}

/**
 * Users and groups across clients whose name, UPN or mail contains a text, case-insensitively. `search_text` is
 * already lower-cased (display name, UPN, mail), so `like` means the same on SQLite and PostgreSQL; the scan walks the
 * users list's sort index per client (SQLite filters on its entries, migration 0007) and stops at `limit`.
 */
export class SearchRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Up to `limit` users, by display name; deleted users (gone from Entra for good) are left out. */
  async users(scope: ClientScope, text: string, limit: number): Promise<FoundUserRow[]> {
    const pattern = `%${escapeLike(text.toLowerCase())}%`;
    let query = this.db
      .selectFrom('directory_users')
      .select([
        'client_id',
        'id',
        'display_name',
        'user_principal_name',
        'mail',
        'user_type',
        'account_enabled',
        'entra_state',
        'collection_state',
        'disable_reason',
        'imported_at',
        'last_sign_in_at',
        'last_sign_in_app',
        'sign_in_activity_at',
      ])
      .where(sql<SqlBool>`directory_users.search_text like ${pattern} escape '\\'`)
      .where('entra_state', '!=', 'deleted')
      .orderBy(sql`coalesce(directory_users.display_name, '')`)
      .orderBy('client_id')
      .orderBy('id')
      .limit(limit);
    if (scope !== 'all') query = query.where('client_id', 'in', [...scope]);
    return query.execute();
  }

  /** Up to `limit` groups, by display name; deleted groups are left out. */
  async groups(scope: ClientScope, text: string, limit: number): Promise<FoundGroupRow[]> {
    const pattern = `%${escapeLike(text.toLowerCase())}%`;
    let query = this.db
      .selectFrom('directory_groups')
      .select(['client_id', 'id', 'display_name', 'mail', 'entra_state', 'excluded_at', 'reporting_enabled'])
      .where(
        sql<SqlBool>`(directory_groups.search_text like ${pattern} escape '\\' or lower(coalesce(directory_groups.display_name, '')) like ${pattern} escape '\\')`,
      )
      .where('entra_state', '!=', 'deleted')
      .orderBy(sql`coalesce(directory_groups.display_name, '')`)
      .orderBy('client_id')
      .orderBy('id')
      .limit(limit);
    if (scope !== 'all') query = query.where('client_id', 'in', [...scope]);
    return query.execute();
  }

  /** Of the given users (client id, user id), those who are members, at any depth, of an excluded group. */
  async inExcludedGroups(users: readonly { clientId: string; userId: string }[]): Promise<Set<string>> {
    if (users.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('group_user_closure')
      .innerJoin('directory_groups', (join) =>
        join
          .onRef('directory_groups.client_id', '=', 'group_user_closure.client_id')
          .onRef('directory_groups.id', '=', 'group_user_closure.group_id'),
      )
      .select(['group_user_closure.client_id', 'group_user_closure.user_id'])
      .where('directory_groups.excluded_at', 'is not', null)
      .where((eb) =>
        eb.or(
          users.map((user) =>
            eb.and([
              eb('group_user_closure.client_id', '=', user.clientId),
              eb('group_user_closure.user_id', '=', user.userId),
            ]),
          ),
        ),
      )
      .execute();
    return new Set(rows.map((row) => `${row.client_id}/${row.user_id}`));
  }
}
