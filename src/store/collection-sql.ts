import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from './schema.js';

/**
 * SQL spellings of the domain rules (src/domain), shared by the repositories so a list filter, a count and a
 * reconciliation all mean the same thing. Each takes an expression builder over `directory_users`; correlated
 * subqueries refer to the outer row as `directory_users`, so statements must not alias that table.
 */
type UsersBuilder = ExpressionBuilder<Database, 'directory_users'>;

/** Above this many excluded groups, membership is tested by a join instead of an `in (…)` list. */
const MAX_LISTED_GROUPS = 500;

/** `userType` is Guest (case-insensitively; null counts as a member). */
export function isGuestSql(): Expression<SqlBool> {
  return sql<SqlBool>`lower(coalesce(directory_users.user_type, '')) = 'guest'`;
}

export function isNotGuestSql(): Expression<SqlBool> {
  return sql<SqlBool>`lower(coalesce(directory_users.user_type, '')) <> 'guest'`;
}

/**
 * The user is a member, directly or nested, of one of `excludedGroupIds` (rule 3). The closure already resolves
 * nesting and cycles, so this is one indexed probe per user on (client_id, user_id, group_id).
 */
export function inExcludedGroupSql(
  eb: UsersBuilder,
  excludedGroupIds: readonly string[],
): Expression<SqlBool> {
  if (excludedGroupIds.length === 0) return sql<SqlBool>`1 = 0`;
  const closure = eb
    .selectFrom('group_user_closure')
    .select(sql.lit(1).as('hit'))
    .whereRef('group_user_closure.client_id', '=', 'directory_users.client_id')
    .whereRef('group_user_closure.user_id', '=', 'directory_users.id');
  if (excludedGroupIds.length <= MAX_LISTED_GROUPS) {
    return eb.exists(closure.where('group_user_closure.group_id', 'in', [...excludedGroupIds]));
  }
  return eb.exists(
    closure
      .innerJoin('directory_groups', (join) =>
        join
          .onRef('directory_groups.client_id', '=', 'group_user_closure.client_id')
          .onRef('directory_groups.id', '=', 'group_user_closure.group_id'),
      )
      .where('directory_groups.excluded_at', 'is not', null),
  );
}

/** The newest of the sign-in log's and signInActivity's last success (rule 8), null when neither is known. */
export function latestActivitySql(): Expression<string | null> {
  return sql<string | null>`case
    when directory_users.last_sign_in_at is null then directory_users.sign_in_activity_at
    when directory_users.sign_in_activity_at is null then directory_users.last_sign_in_at
    when directory_users.last_sign_in_at >= directory_users.sign_in_activity_at then directory_users.last_sign_in_at
    else directory_users.sign_in_activity_at end`;
}

/**
 * Rule 8 with activity data available: imported, and the last activity strictly before `cutoff` (now − N days), or
 * no activity at all and imported strictly before `cutoff`. Timestamps are ISO-8601 UTC text, so text order is time
 * order.
 */
export function isExpiredSql(cutoff: string): Expression<SqlBool> {
  const latest = latestActivitySql();
  return sql<SqlBool>`(directory_users.collection_state = 'imported' and (
    (${latest} is not null and ${latest} < ${cutoff})
    or (${latest} is null and directory_users.imported_at is not null and directory_users.imported_at < ${cutoff})))`;
}

/**
 * Rule 9, with the materialised expiry: imported ∧ eligible ∧ ¬expired ∧ account enabled. Guests and deleted users
 * are never billable.
 */
export function isBillableSql(eb: UsersBuilder, excludedGroupIds: readonly string[]): Expression<SqlBool> {
  return eb.and([
    eb('directory_users.collection_state', '=', 'imported'),
    eb('directory_users.entra_state', '=', 'active'),
    eb('directory_users.account_enabled', '=', 1),
    eb('directory_users.expired_at', 'is', null),
    isNotGuestSql(),
    eb.not(inExcludedGroupSql(eb, excludedGroupIds)),
  ]);
}

/** The sort key of the users list, matching the expression indexes of migration 0003. */
export function userSortKeySql(): Expression<string> {
  return sql<string>`coalesce(directory_users.display_name, '')`;
}

/**
 * Rows after a keyset cursor, spelt so both engines use the sort index as a range: `key >= k and (key > k or id > i)`
 * (SQLite does not range-scan an index for the row value `(key, id) > (k, i)`).
 */
export function afterCursorSql(cursor: {
  readonly sortKey: string;
  readonly id: string;
}): Expression<SqlBool> {
  const key = userSortKeySql();
  return sql<SqlBool>`(${key} >= ${cursor.sortKey} and (${key} > ${cursor.sortKey} or directory_users.id > ${cursor.id}))`;
}

/** Escapes `%`, `_` and `\` for `like … escape '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Billing's and the users report's counts of a set of users (rule 9's vocabulary), defined once. */
export interface CollectionCounts {
  /** Users present in Entra (soft-deleted and deleted excluded). */
  readonly totalUsers: number;
  readonly imported: number;
  readonly notImported: number;
  readonly disabled: number;
  readonly disabledManual: number;
  readonly disabledExcludedGroup: number;
  readonly disabledDeletedInEntra: number;
  readonly expired: number;
  readonly guests: number;
  readonly billable: number;
}

/**
 * The aggregate columns behind {@link CollectionCounts}, over `directory_users`, one pass; `billable` is the
 * caller's billable condition (the full rule, or all of it but the excluded groups when those are taken out after).
 */
export function collectionCountColumns(billable: Expression<SqlBool>) {
  const when = (condition: Expression<unknown>): RawBuilder<number> =>
    sql<number>`coalesce(sum(case when ${condition} then 1 else 0 end), 0)`;
  return [
    when(sql`directory_users.entra_state = 'active'`).as('total_users'),
    when(sql`directory_users.collection_state = 'imported'`).as('imported'),
    when(sql`directory_users.collection_state = 'not_imported'`).as('not_imported'),
    when(sql`directory_users.collection_state = 'disabled'`).as('disabled'),
    when(sql`directory_users.disable_reason = 'manual'`).as('disabled_manual'),
    when(sql`directory_users.disable_reason = 'excluded_group'`).as('disabled_excluded_group'),
    when(sql`directory_users.disable_reason = 'deleted_in_entra'`).as('disabled_deleted_in_entra'),
    when(sql`directory_users.collection_state = 'imported' and directory_users.expired_at is not null`).as(
      'expired',
    ),
    when(sql`directory_users.entra_state = 'active' and ${isGuestSql()}`).as('guests'),
    when(billable).as('billable'),
  ] as const;
}

/** A row of {@link collectionCountColumns} as {@link CollectionCounts}. */
export function toCollectionCounts(row: {
  readonly total_users: number;
  readonly imported: number;
  readonly not_imported: number;
  readonly disabled: number;
  readonly disabled_manual: number;
  readonly disabled_excluded_group: number;
  readonly disabled_deleted_in_entra: number;
  readonly expired: number;
  readonly guests: number;
  readonly billable: number;
}): CollectionCounts {
  return {
    totalUsers: row.total_users,
    imported: row.imported,
    notImported: row.not_imported,
    disabled: row.disabled,
    disabledManual: row.disabled_manual,
    disabledExcludedGroup: row.disabled_excluded_group,
    disabledDeletedInEntra: row.disabled_deleted_in_entra,
    expired: row.expired,
    guests: row.guests,
    billable: row.billable,
  };
}
