import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { ExcludedGroupRef } from '../domain/eligibility.js';
import {
  afterCursorSql,
  escapeLike,
  expiredSinceSql,
  expiresBeforeSql,
  isExpiredSql,
  isEligibleSql,
  isExternalMemberSql,
  isGuestSql,
  isNotGuestSql,
  userSortKeySql,
  type ExpiryAsOf,
} from './collection-sql.js';
import { userInGroupsSql } from './closure-sql.js';
import type { Database, DirectoryUserRow } from './schema.js';
import type { CollectionState, DisableReason, EntraState } from '../domain/vocabulary.js';

/** A directory user as the rules and the views read it (the sync's bookkeeping columns stay in the store). */
export interface UserRecord {
  readonly clientId: string;
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  readonly mail: string | null;
  readonly userType: string | null;
  readonly accountEnabled: boolean;
  readonly department: string | null;
  readonly jobTitle: string | null;
  readonly createdDateTime: string | null;
  /** Synchronised from an on-premises Active Directory (blocked there, not through Graph). */
  readonly onPremisesSynced: boolean;
  readonly entraState: EntraState;
  readonly collectionState: CollectionState;
  readonly disableReason: DisableReason | null;
  /** When it was last imported; expiry counts from here when there is no activity. */
  readonly importedAt: string | null;
  /** Newest successful sign-in seen in the sign-in log, and its application. */
  readonly lastSignInAt: string | null;
  readonly lastSignInApp: string | null;
  /** `signInActivity.lastSuccessfulSignInDateTime` from the signInActivity pass. */
  readonly signInActivityAt: string | null;
  /** Sign-ins from before this instant are not collected; null = collected from the start. */
  readonly collectedFrom: string | null;
  readonly updatedAt: string;
}

/** A `directory_users` row as a {@link UserRecord}. */
export function toUserRecord(row: DirectoryUserRow): UserRecord {
  return {
    clientId: row.client_id,
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
    entraState: row.entra_state,
    collectionState: row.collection_state,
    disableReason: row.disable_reason,
    importedAt: row.imported_at,
    lastSignInAt: row.last_sign_in_at,
    lastSignInApp: row.last_sign_in_app,
    signInActivityAt: row.sign_in_activity_at,
    collectedFrom: row.collected_from,
    updatedAt: row.updated_at,
  };
}

/** Filters of the users list (all optional, combined with "and"). */
export interface UserFilter {
  /** Case-insensitive substring of display name, UPN or mail. */
  readonly search?: string;
  readonly state?: CollectionState;
  readonly disableReason?: DisableReason;
  /** Expired now (rule 8, as of the query's `expiry`). */
  readonly expired?: boolean;
  readonly guest?: boolean;
  /** External members: `#EXT#` accounts Entra classifies as members (not guests). */
  readonly externalMember?: boolean;
  /** Sign-in blocked in Entra (`accountEnabled` false), or not. */
  readonly signInBlocked?: boolean;
  /** Exact department name. */
  readonly department?: string;
  /** Transitive member of this group (nested groups included). */
  readonly groupId?: string;
  /** Rule 3: may be imported (true) or may not (false), given the client's excluded groups. */
  readonly eligible?: { readonly is: boolean; readonly excludedGroupIds: readonly string[] };
  readonly entraState?: EntraState;
  /** Expired now and not billed since this instant or later: "expired today" is the start of today. */
  readonly expiredSince?: Date;
  /** Imported, not expired now, and expiring before this instant: the users that will expire within a window. */
  readonly expiresBefore?: Date;
}

/** Where the previous page ended: its last row's sort key and id. */
export interface UserCursor {
  readonly sortKey: string;
  readonly id: string;
}

export interface UserPageQuery {
  readonly filter: UserFilter;
  /** Rule 8 as of now for the client: what the expiry filters compare with. */
  readonly expiry: ExpiryAsOf;
  readonly limit: number;
  readonly after?: UserCursor;
  /** Also count every match (one more pass over the matches). */
  readonly withTotal: boolean;
}

export interface UserPage {
  readonly rows: UserRecord[];
  /** Present when more rows follow. */
  readonly next: UserCursor | undefined;
  readonly total: number | undefined;
}

type UsersQuery = SelectQueryBuilder<Database, 'directory_users', object>;

/** Directory users of a client: paged, filtered reads and single-user state changes. */
export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * One page of users ordered by display name then id, with keyset pagination (the cursor is the last row's sort
   * key and id), so page 1 and page 1,000 cost the same. The page's ids are found first — on SQLite the sort index
   * carries `search_text`, so a search filters index entries without reading rows — then only those rows are read.
   */
  async page(clientId: string, query: UserPageQuery): Promise<UserPage> {
    const filtered = this.filtered(clientId, query.filter, query.expiry);
    let idsQuery = filtered
      .select('directory_users.id')
      .orderBy(userSortKeySql())
      .orderBy('directory_users.id')
      .limit(query.limit + 1);
    if (query.after !== undefined) {
      idsQuery = idsQuery.where(afterCursorSql(query.after));
    }
    const ids = (await idsQuery.execute()).map((row) => row.id);
    const more = ids.length > query.limit;
    if (more) ids.pop();
    const byId = new Map(
      ids.length === 0
        ? []
        : (
            await this.db
              .selectFrom('directory_users')
              .selectAll()
              .where('client_id', '=', clientId)
              .where('id', 'in', ids)
              .execute()
          ).map((row) => [row.id, toUserRecord(row)]),
    );
    const rows = ids.flatMap((id) => {
      const row = byId.get(id);
      return row === undefined ? [] : [row];
    });
    const last = rows.at(-1);
    const total = query.withTotal
      ? (await filtered.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow()).count
      : undefined;
    return {
      rows,
      next: more && last !== undefined ? { sortKey: last.displayName ?? '', id: last.id } : undefined,
      total,
    };
  }

  /** A user by object id or (case-insensitive) user principal name. */
  async find(clientId: string, idOrUpn: string): Promise<UserRecord | undefined> {
    const byId = await this.db
      .selectFrom('directory_users')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('id', '=', idOrUpn.toLowerCase())
      .executeTakeFirst();
    if (byId !== undefined) return toUserRecord(byId);
    if (!idOrUpn.includes('@')) return undefined;
    const byUpn = await userByUpnQuery(this.db, clientId, idOrUpn).executeTakeFirst();
    return byUpn === undefined ? undefined : toUserRecord(byUpn);
  }

  /** For each user id given, the excluded groups it belongs to (directly or nested), sorted by name. */
  async excludedGroupsOf(
    clientId: string,
    userIds: readonly string[],
  ): Promise<Map<string, ExcludedGroupRef[]>> {
    const result = new Map<string, ExcludedGroupRef[]>();
    if (userIds.length === 0) return result;
    // The users' own edges lead to an excluded group directly, or to a group nested in one (the closure's two parts).
    const users = sql.join([...userIds]);
    const { rows } = await sql<{ user_id: string; id: string; display_name: string | null }>`
      select user_id, id, display_name from (
        select m.member_id as user_id, g.id, g.display_name from group_members m
        join directory_groups g on g.client_id = m.client_id and g.id = m.group_id
        where m.client_id = ${clientId} and m.member_id in (${users}) and m.member_type = 'user'
          and g.excluded_at is not null
        union
        select m.member_id, g.id, g.display_name from group_members m
        join group_nesting n on n.client_id = m.client_id and n.member_group_id = m.group_id
        join directory_groups g on g.client_id = n.client_id and g.id = n.group_id
        where m.client_id = ${clientId} and m.member_id in (${users}) and m.member_type = 'user'
          and g.excluded_at is not null
      ) excluded
      order by display_name`.execute(this.db);
    for (const row of rows) {
      const list = result.get(row.user_id) ?? [];
      list.push({ id: row.id, displayName: row.display_name });
      result.set(row.user_id, list);
    }
    return result;
  }

  /**
   * Changes one user's collection state, only if it is still in `expectedState`/`expectedReason` (a conditional
   * update: two admins acting at once cannot both win). `importedAt` and `collectedFrom` are set only when given.
   * Returns whether the row changed.
   */
  async changeState(
    clientId: string,
    userId: string,
    expected: { state: CollectionState; reason: DisableReason | null },
    change: {
      readonly state: CollectionState;
      readonly reason: DisableReason | null;
      readonly importedAt?: string;
      readonly collectedFrom?: string;
      readonly at: string;
    },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('directory_users')
      .set({
        collection_state: change.state,
        disable_reason: change.reason,
        ...(change.importedAt === undefined ? {} : { imported_at: change.importedAt }),
        ...(change.collectedFrom === undefined ? {} : { collected_from: change.collectedFrom }),
        updated_at: change.at,
      })
      .where('client_id', '=', clientId)
      .where('id', '=', userId)
      .where('collection_state', '=', expected.state)
      .where((eb) =>
        expected.reason === null
          ? eb('disable_reason', 'is', null)
          : eb('disable_reason', '=', expected.reason),
      )
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** The client's department names, for the list's filter. */
  async departments(clientId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('directory_users')
      .select('department')
      .distinct()
      .where('client_id', '=', clientId)
      .where('department', 'is not', null)
      .orderBy('department')
      .execute();
    return rows.flatMap((row) => (row.department === null ? [] : [row.department]));
  }

  private filtered(clientId: string, filter: UserFilter, expiry: ExpiryAsOf): UsersQuery {
    let query: UsersQuery = this.db
      .selectFrom('directory_users')
      .where('directory_users.client_id', '=', clientId);
    if (filter.search !== undefined && filter.search !== '') {
      const pattern = `%${escapeLike(filter.search.toLowerCase())}%`;
      query = query.where(sql<boolean>`directory_users.search_text like ${pattern} escape '\\'`);
    }
    if (filter.state !== undefined)
      query = query.where('directory_users.collection_state', '=', filter.state);
    if (filter.disableReason !== undefined) {
      query = query.where('directory_users.disable_reason', '=', filter.disableReason);
    }
    if (filter.expired !== undefined) {
      const expired = isExpiredSql(expiry);
      query = query.where(filter.expired ? expired : sql<boolean>`not ${expired}`);
    }
    if (filter.guest !== undefined) query = query.where(filter.guest ? isGuestSql() : isNotGuestSql());
    if (filter.externalMember !== undefined) {
      query = query.where(
        filter.externalMember ? isExternalMemberSql() : sql<boolean>`not ${isExternalMemberSql()}`,
      );
    }
    if (filter.signInBlocked !== undefined)
      query = query.where('directory_users.account_enabled', '=', filter.signInBlocked ? 0 : 1);
    if (filter.department !== undefined) {
      query = query.where('directory_users.department', '=', filter.department);
    }
    if (filter.expiredSince !== undefined) query = query.where(expiredSinceSql(expiry, filter.expiredSince));
    if (filter.expiresBefore !== undefined)
      query = query.where(expiresBeforeSql(expiry, filter.expiresBefore));
    if (filter.entraState !== undefined) {
      query = query.where('directory_users.entra_state', '=', filter.entraState);
    }
    if (filter.eligible !== undefined) {
      const { is, excludedGroupIds } = filter.eligible;
      query = query.where((eb) => {
        const eligible = isEligibleSql(eb, excludedGroupIds);
        return is ? eligible : sql<boolean>`not ${eligible}`;
      });
    }
    if (filter.groupId !== undefined) {
      const groupId = filter.groupId;
      query = query.where(userInGroupsSql(clientId, [groupId]));
    }
    return query;
  }
}

/**
 * A client's user by UPN, case-insensitively as Entra compares them: the expression is the one `directory_users_upn`
 * indexes (migration 0027), so the lookup is one index search (exported for the test that checks the plan).
 */
export function userByUpnQuery(
  db: Kysely<Database>,
  clientId: string,
  upn: string,
): SelectQueryBuilder<Database, 'directory_users', DirectoryUserRow> {
  return db
    .selectFrom('directory_users')
    .selectAll()
    .where('client_id', '=', clientId)
    .where(sql<boolean>`lower(user_principal_name) = ${upn.toLowerCase()}`);
}
