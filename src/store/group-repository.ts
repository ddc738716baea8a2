import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import {
  afterCursorSql,
  escapeLike,
  inExcludedGroupSql,
  isBillableSql,
  isNotGuestSql,
  projectedBillableButForGroupsSql,
  userSortKeySql,
  type ExpiryAsOf,
} from './collection-sql.js';
import { groupWithinSql, transitiveUserCountsSql, userInGroupsSql } from './closure-sql.js';
import type { Database, DirectoryGroupRow } from './schema.js';
import type { BillableBasis, EntraState } from '../domain/vocabulary.js';
import { toUserRecord, type UserCursor, type UserRecord } from './user-repository.js';

export interface GroupFilter {
  /** Case-insensitive substring of the name, description or mail. */
  readonly search?: string;
  readonly excluded?: boolean;
  readonly reporting?: boolean;
}

/** Member counts of one group. */
export interface GroupCounts {
  readonly directUsers: number;
  readonly directGroups: number;
  /** Users reachable through any depth of nesting (direct members included). */
  readonly transitiveUsers: number;
}

/** A transitive member and whether it is a direct member of the group. */
export interface GroupMemberRecord extends UserRecord {
  readonly direct: boolean;
}

/** Who an exclusion would disable, and how that changes billing. */
export interface ExclusionImpact {
  /** Transitive members (not guests) that would become disabled for the group (`excluded_group`). */
  readonly affected: number;
  /** Of those, how many are billable now (`current`), or would be once imported (`projected`). */
  readonly affectedBillable: number;
}

/** A directory group as people and the rules see it (the sync's bookkeeping columns stay in the store). */
export interface GroupRecord {
  readonly clientId: string;
  readonly id: string;
  readonly displayName: string | null;
  readonly description: string | null;
  readonly mail: string | null;
  readonly mailEnabled: boolean;
  readonly securityEnabled: boolean;
  /** Graph's `groupTypes` (`Unified`, `DynamicMembership`); an unreadable value reads as none. */
  readonly groupTypes: readonly string[];
  readonly isTeam: boolean;
  readonly entraState: EntraState;
  /** Irreversible exclusion (rule 6): set once, never cleared. */
  readonly excludedAt: string | null;
  readonly excludedBy: string | null;
  /** Imported for reporting (rule 7): selectable as a report filter. */
  readonly reportingEnabled: boolean;
  readonly updatedAt: string;
}

/** Directory groups of a client: lists with counts, exclusion and reporting flags, transitive members. */
export class GroupRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** A page of groups by name (offset paging: a tenant has thousands of groups, not hundreds of thousands). */
  async list(
    clientId: string,
    filter: GroupFilter,
    page: { limit: number; offset: number },
  ): Promise<{ rows: GroupRecord[]; total: number }> {
    let query = this.db
      .selectFrom('directory_groups')
      .where('client_id', '=', clientId)
      .where('entra_state', '<>', 'deleted');
    if (filter.search !== undefined && filter.search !== '') {
      const pattern = `%${escapeLike(filter.search.toLowerCase())}%`;
      query = query.where(
        sql<boolean>`(search_text like ${pattern} escape '\\' or lower(coalesce(display_name, '')) like ${pattern} escape '\\')`,
      );
    }
    if (filter.excluded !== undefined) {
      query = query.where('excluded_at', filter.excluded ? 'is not' : 'is', null);
    }
    if (filter.reporting !== undefined)
      query = query.where('reporting_enabled', '=', filter.reporting ? 1 : 0);
    const rows = await query
      .selectAll()
      .orderBy(sql`coalesce(display_name, '')`)
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    const total = await query.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
    return { rows: rows.map(toGroupRecord), total: total.count };
  }

  /** Member counts for the groups given (one grouped query each over direct edges and the closure). */
  async counts(clientId: string, groupIds: readonly string[]): Promise<Map<string, GroupCounts>> {
    const result = new Map<string, GroupCounts>();
    if (groupIds.length === 0) return result;
    for (const id of groupIds) result.set(id, { directUsers: 0, directGroups: 0, transitiveUsers: 0 });
    const direct = await this.db
      .selectFrom('group_members')
      .select([
        'group_id',
        sql<number>`coalesce(sum(case when member_type = 'user' then 1 else 0 end), 0)`.as('users'),
        sql<number>`coalesce(sum(case when member_type = 'group' then 1 else 0 end), 0)`.as('groups'),
      ])
      .where('client_id', '=', clientId)
      .where('group_id', 'in', [...groupIds])
      .groupBy('group_id')
      .execute();
    const transitive = (await transitiveUserCountsSql(clientId, groupIds).execute(this.db)).rows;
    for (const row of direct) {
      const counts = result.get(row.group_id);
      if (counts !== undefined) {
        result.set(row.group_id, {
          ...counts,
          directUsers: row.users,
          directGroups: row.groups,
        });
      }
    }
    for (const row of transitive) {
      const counts = result.get(row.group_id);
      if (counts !== undefined) result.set(row.group_id, { ...counts, transitiveUsers: row.users });
    }
    return result;
  }

  /** A group by object id, or by its exact display name when that is unique (case-insensitive). */
  async find(clientId: string, idOrName: string): Promise<GroupRecord | undefined | 'ambiguous'> {
    const byId = await this.db
      .selectFrom('directory_groups')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('id', '=', idOrName.toLowerCase())
      .executeTakeFirst();
    if (byId !== undefined) return toGroupRecord(byId);
    const byName = await this.db
      .selectFrom('directory_groups')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('entra_state', '<>', 'deleted')
      .where(sql<boolean>`lower(display_name) = ${idOrName.toLowerCase()}`)
      .limit(2)
      .execute();
    if (byName.length > 1) return 'ambiguous';
    const [only] = byName;
    return only === undefined ? undefined : toGroupRecord(only);
  }

  /** Ids of every user in the group through any depth of nesting (for the membership fingerprint). */
  async transitiveUserIds(clientId: string, groupId: string): Promise<string[]> {
    const rows = await sql<{ user_id: string }>`
      select distinct member_id as user_id from group_members
      where client_id = ${clientId} and member_type = 'user' and group_id in (${groupWithinSql(clientId, groupId)})`.execute(
      this.db,
    );
    return rows.rows.map((row) => row.user_id);
  }

  /**
   * How many users excluding the group would disable, and how many of them count in the billable figure of the
   * basis, with expiry as of `expiry` — so that `before − affectedBillable` is exactly the figure after.
   */
  async exclusionImpact(
    clientId: string,
    groupId: string,
    excludedGroupIds: readonly string[],
    basis: BillableBasis,
    expiry: ExpiryAsOf,
  ): Promise<ExclusionImpact> {
    const row = await this.affectedQuery(clientId, groupId)
      .select((eb) => [
        eb.fn.countAll<number>().as('affected'),
        sql<number>`coalesce(sum(case when ${
          basis === 'current'
            ? isBillableSql(eb, excludedGroupIds, expiry)
            : sql`${projectedBillableButForGroupsSql(expiry)} and not ${inExcludedGroupSql(eb, excludedGroupIds)}`
        } then 1 else 0 end), 0)`.as('billable'),
      ])
      .executeTakeFirstOrThrow();
    return { affected: row.affected, affectedBillable: row.billable };
  }

  /**
   * The monthly cost (hundredths of the client's currency) of the licences held by the users the exclusion would
   * disable, at the partner's prices; null when none of those licences has a price (issue 17: never a guessed cost).
   */
  async affectedLicenceCents(clientId: string, groupId: string): Promise<number | null> {
    const row = await this.db
      .selectFrom('user_licences as l')
      .innerJoin('licence_prices as p', (join) =>
        join.onRef('p.client_id', '=', 'l.client_id').onRef('p.sku_id', '=', 'l.sku_id'),
      )
      .select((eb) => eb.fn.sum<number | string | null>('p.monthly_price_cents').as('cents'))
      .where('l.client_id', '=', clientId)
      .where('l.user_id', 'in', this.affectedQuery(clientId, groupId).select('directory_users.id'))
      .executeTakeFirst();
    return row?.cents === null || row?.cents === undefined ? null : Number(row.cents);
  }

  /** The first `limit` users the exclusion would disable, by name, each marked direct or nested. */
  async affectedSample(clientId: string, groupId: string, limit: number): Promise<GroupMemberRecord[]> {
    const rows = await this.affectedQuery(clientId, groupId)
      .selectAll('directory_users')
      .select((eb) => this.directFlag(eb, groupId))
      .orderBy(userSortKeySql())
      .orderBy('directory_users.id')
      .limit(limit)
      .execute();
    return rows.map(({ direct, ...user }) => ({ ...toUserRecord(user), direct: direct === 1 }));
  }

  /**
   * Marks the group excluded if it is not yet (a conditional update: of two concurrent confirmations exactly one
   * changes the row). Returns whether this call excluded it.
   */
  async markExcluded(clientId: string, groupId: string, at: string, by: string): Promise<boolean> {
    const result = await this.db
      .updateTable('directory_groups')
      .set({ excluded_at: at, excluded_by: by, updated_at: at })
      .where('client_id', '=', clientId)
      .where('id', '=', groupId)
      .where('excluded_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async setReporting(clientId: string, groupId: string, enabled: boolean, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('directory_groups')
      .set({ reporting_enabled: enabled ? 1 : 0, updated_at: at })
      .where('client_id', '=', clientId)
      .where('id', '=', groupId)
      .where('reporting_enabled', '=', enabled ? 0 : 1)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** A page of the group's transitive user members with their states, by name (keyset paging). */
  async members(
    clientId: string,
    groupId: string,
    page: { limit: number; after?: UserCursor },
  ): Promise<{ rows: GroupMemberRecord[]; next: UserCursor | undefined }> {
    let query = this.db
      .selectFrom('directory_users')
      .where('directory_users.client_id', '=', clientId)
      .where(userInGroupsSql(clientId, [groupId]))
      .selectAll('directory_users')
      .select((eb) => this.directFlag(eb, groupId))
      .orderBy(userSortKeySql())
      .orderBy('directory_users.id')
      .limit(page.limit + 1);
    if (page.after !== undefined) {
      query = query.where(afterCursorSql(page.after));
    }
    const rows = (await query.execute()).map(({ direct, ...user }) => ({
      ...toUserRecord(user),
      direct: direct === 1,
    }));
    const more = rows.length > page.limit;
    if (more) rows.pop();
    const last = rows.at(-1);
    return {
      rows,
      next: more && last !== undefined ? { sortKey: last.displayName ?? '', id: last.id } : undefined,
    };
  }

  /**
   * The group's transitive members the exclusion moves to `excluded_group` (the transition table's
   * `excluded_member` row): every member that is not a guest and not disabled for an excluded group already.
   */
  private affectedQuery(clientId: string, groupId: string) {
    return this.db
      .selectFrom('directory_users')
      .where('directory_users.client_id', '=', clientId)
      .where(isNotGuestSql())
      .where(sql<boolean>`coalesce(directory_users.disable_reason, '') <> 'excluded_group'`)
      .where(userInGroupsSql(clientId, [groupId]));
  }

  private directFlag(eb: ExpressionBuilder<Database, 'directory_users'>, groupId: string) {
    return eb
      .case()
      .when(
        eb.exists(
          eb
            .selectFrom('group_members')
            .select(sql.lit(1).as('hit'))
            .whereRef('group_members.client_id', '=', 'directory_users.client_id')
            .where('group_members.group_id', '=', groupId)
            .whereRef('group_members.member_id', '=', 'directory_users.id'),
        ),
      )
      .then(1)
      .else(0)
      .end()
      .as('direct');
  }
}

function toGroupRecord(row: DirectoryGroupRow): GroupRecord {
  return {
    clientId: row.client_id,
    id: row.id,
    displayName: row.display_name,
    description: row.description,
    mail: row.mail,
    mailEnabled: row.mail_enabled === 1,
    securityEnabled: row.security_enabled === 1,
    groupTypes: parseGroupTypes(row.group_types),
    isTeam: row.is_team === 1,
    entraState: row.entra_state,
    excludedAt: row.excluded_at,
    excludedBy: row.excluded_by,
    reportingEnabled: row.reporting_enabled === 1,
    updatedAt: row.updated_at,
  };
}

function parseGroupTypes(json: string): string[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}
