import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import {
  COLLECTION_CONDITIONS,
  RECONCILE_TRANSITIONS,
  STATUS_KEYS,
  statusOf,
  type CollectionCondition,
  type StatusKey,
} from '../domain/collection-state.js';
import { EXTERNAL_UPN_MARKER } from '../domain/eligibility.js';
import { expiryCutoff, type ExpiryPolicy } from '../domain/expiry.js';
import { memberAtAnyDepthSql } from './closure-sql.js';
import type { Database } from './schema.js';
import type { CollectionState, DisableReason } from '../domain/vocabulary.js';
import type { CollectionCounts } from '../contracts/billing.js';

/**
 * SQL spellings of the domain rules (src/domain), shared by the repositories so a list filter, a count and a
 * reconciliation all mean the same thing. Each takes an expression builder over `directory_users`; correlated
 * subqueries refer to the outer row as `directory_users`, so statements must not alias that table.
 */
type UsersBuilder = ExpressionBuilder<Database, 'directory_users'>;

/** Above this many excluded groups, membership is tested by a join instead of an `in (…)` list. */
const MAX_LISTED_GROUPS = 500;

const EXTERNAL_UPN_PATTERN = `%${EXTERNAL_UPN_MARKER}%`;

/**
 * A guest by Microsoft's definitions (`isGuest` in src/domain/eligibility.ts): `userType` Guest in any case, or no
 * `userType` on a `#EXT#` account. Spelt exactly as the guests' partial index (migration 0011) so lists use it.
 */
export function isGuestSql(): Expression<SqlBool> {
  return sql<SqlBool>`(lower(coalesce(directory_users.user_type, '')) = 'guest'
      or (directory_users.user_type is null and upper(coalesce(directory_users.user_principal_name, '')) like ${sql.lit(EXTERNAL_UPN_PATTERN)}))`;
}

export function isNotGuestSql(): Expression<SqlBool> {
  return sql<SqlBool>`not ${isGuestSql()}`;
}

/** An external member (`isExternalMember`): a `#EXT#` account that is not a guest. */
export function isExternalMemberSql(): Expression<SqlBool> {
  return sql<SqlBool>`(upper(coalesce(directory_users.user_principal_name, '')) like ${sql.lit(EXTERNAL_UPN_PATTERN)} and ${isNotGuestSql()})`;
}

/**
 * The user is a member, directly or nested, of one of `excludedGroupIds` (rule 3). Nesting and cycles are resolved
 * in `group_nesting`, so this is a few indexed probes per user: its own edges, and the groups above each.
 */
export function inExcludedGroupSql(
  eb: UsersBuilder,
  excludedGroupIds: readonly string[],
): Expression<SqlBool> {
  if (excludedGroupIds.length === 0) return sql<SqlBool>`1 = 0`;
  const user = { client: eb.ref('directory_users.client_id'), id: eb.ref('directory_users.id') };
  if (excludedGroupIds.length <= MAX_LISTED_GROUPS) {
    return memberAtAnyDepthSql(
      user.client,
      user.id,
      (group) => sql<SqlBool>`${group} in (${sql.join([...excludedGroupIds])})`,
    );
  }
  return memberAtAnyDepthSql(
    user.client,
    user.id,
    (group, client) => sql<SqlBool>`exists (select 1 from directory_groups excluded_group
      where excluded_group.client_id = ${client} and excluded_group.id = ${group}
      and excluded_group.excluded_at is not null)`,
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
 * Rule 8 for one client at one instant: whether anyone can expire (the tenant's activity has been read and is
 * available) and the cutoff (now − N days, ISO). Expiry is never stored: every read evaluates it from the user's
 * last activity and import time against this, so a verdict is always as current as the data and the clock.
 */
export interface ExpiryAsOf {
  readonly activityRead: boolean;
  readonly cutoff: string;
  readonly thresholdDays: number;
  /** Since when the policy holds (ISO), null when unknown: see `ExpiryPolicy.since`. */
  readonly policySince: string | null;
}

export function expiryAsOf(policy: ExpiryPolicy, now: Date): ExpiryAsOf {
  return {
    activityRead: policy.activityData === 'available',
    cutoff: expiryCutoff(now, policy.thresholdDays).toISOString(),
    thresholdDays: policy.thresholdDays,
    policySince: policy.since ?? null,
  };
}

/**
 * Expired now and not billed since `since` or later (`expiredSince` of `evaluateExpiry`: the later of crossing the
 * threshold, the import, and the policy taking effect) — "expired today" with `since` = the start of the day.
 */
export function expiredSinceSql(expiry: ExpiryAsOf, since: Date): Expression<SqlBool> {
  const at = since.toISOString();
  if (expiry.policySince !== null && expiry.policySince >= at) return isExpiredSql(expiry);
  const crossedAt = expiryCutoff(since, expiry.thresholdDays).toISOString();
  return sql<SqlBool>`(${isExpiredSql(expiry)} and (not ${wouldBeExpiredSql(crossedAt)}
    or directory_users.imported_at >= ${at}))`;
}

/** Imported, not expired now, and expiring before `until` (activity read): "expiring within N days". */
export function expiresBeforeSql(expiry: ExpiryAsOf, until: Date): Expression<SqlBool> {
  if (!expiry.activityRead) return sql<SqlBool>`1 = 0`;
  const limit = expiryCutoff(until, expiry.thresholdDays).toISOString();
  return sql<SqlBool>`(directory_users.collection_state = 'imported' and not ${isExpiredSql(expiry)}
    and ${wouldBeExpiredSql(limit)})`;
}

/**
 * Rule 8 (`evaluateExpiry` in src/domain/expiry.ts), spelt in SQL: imported, the tenant's activity read, and the
 * last activity strictly before the cutoff — or no activity at all and imported strictly before it. Timestamps are
 * ISO-8601 UTC text, so text order is time order (the cutoff is to the second: see `expiryCutoff`).
 */
export function isExpiredSql(expiry: ExpiryAsOf): Expression<SqlBool> {
  if (!expiry.activityRead) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`(directory_users.collection_state = 'imported' and ${wouldBeExpiredSql(expiry.cutoff)})`;
}

/** The activity part of rule 8 alone: past the cutoff by last activity, or by import time when there is none. */
export function wouldBeExpiredSql(cutoff: string): Expression<SqlBool> {
  const latest = latestActivitySql();
  return sql<SqlBool>`((${latest} is not null and ${latest} < ${cutoff})
    or (${latest} is null and directory_users.imported_at is not null and directory_users.imported_at < ${cutoff}))`;
}

/**
 * Rule 9: imported ∧ eligible ∧ ¬expired ∧ account enabled, with expiry evaluated as of `expiry`. Guests and
 * deleted users are never billable.
 */
export function isBillableSql(
  eb: UsersBuilder,
  excludedGroupIds: readonly string[],
  expiry: ExpiryAsOf,
): Expression<SqlBool> {
  return eb.and([billableButForGroupsSql(expiry), eb.not(inExcludedGroupSql(eb, excludedGroupIds))]);
}

/** Rule 9 without its "not in an excluded group" part (counted separately where that is cheaper). */
export function billableButForGroupsSql(expiry: ExpiryAsOf): Expression<SqlBool> {
  return sql<SqlBool>`(directory_users.collection_state = 'imported' and directory_users.entra_state = 'active'
    and directory_users.account_enabled = 1 and not ${isExpiredSql(expiry)} and ${isNotGuestSql()})`;
}

/**
 * Who would be billable once the initial import runs (rule 6's preview before the import), without the excluded
 * groups: present and enabled in Entra, not a guest, not disabled by hand — and not already past the threshold by
 * its last activity, since a user imported now with old activity is expired at once (rule 8).
 */
export function projectedBillableButForGroupsSql(expiry: ExpiryAsOf): Expression<SqlBool> {
  const expired = expiry.activityRead
    ? sql<SqlBool>`(case when directory_users.collection_state = 'imported' then ${wouldBeExpiredSql(expiry.cutoff)}
        else ${latestActivitySql()} is not null and ${latestActivitySql()} < ${expiry.cutoff} end)`
    : sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`(directory_users.entra_state = 'active' and directory_users.account_enabled = 1
    and coalesce(directory_users.disable_reason, '') <> 'manual' and ${isNotGuestSql()} and not ${expired})`;
}

/** A user's status as a key of the transition tables (`imported`, `disabled:manual`…). */
function statusKeySql(): Expression<string> {
  return sql<string>`case when directory_users.collection_state = 'disabled'
    then 'disabled:' || coalesce(directory_users.disable_reason, 'manual')
    else directory_users.collection_state end`;
}

/** The condition of {@link RECONCILE_TRANSITIONS} that holds for a user, in the table's order. */
function conditionSql(eb: UsersBuilder, excludedGroupIds: readonly string[]): Expression<string> {
  const test: Readonly<Record<CollectionCondition, Expression<SqlBool>>> = {
    excluded_member: sql<SqlBool>`(${inExcludedGroupSql(eb, excludedGroupIds)} and ${isNotGuestSql()})`,
    deleted_in_entra: sql<SqlBool>`directory_users.entra_state <> 'active'`,
    guest: isGuestSql(),
    eligible: sql<SqlBool>`1 = 1`,
  };
  const branches = COLLECTION_CONDITIONS.map(
    (condition) => sql`when ${test[condition]} then ${sql.lit(condition)}`,
  );
  return sql<string>`case ${sql.join(branches, sql` `)} end`;
}

/**
 * Rule 3 in SQL: the user may be imported — the condition the transition table's `eligible` row applies to (not
 * deleted, not a guest, in no excluded group), from the same generated `case`, so the list filter and the
 * reconciliation cannot disagree.
 */
export function isEligibleSql(eb: UsersBuilder, excludedGroupIds: readonly string[]): Expression<SqlBool> {
  return sql<SqlBool>`(${conditionSql(eb, excludedGroupIds)} = ${sql.lit('eligible')})`;
}

/** Where the reconciliation sends each user: its new state and reason, and whether that changes anything. */
export interface ReconcileTargetSql {
  readonly state: Expression<CollectionState>;
  readonly reason: Expression<DisableReason | null>;
  /** The user moves to another status. */
  readonly changes: Expression<SqlBool>;
  /** The user moves from disabled back to imported (collection restarts now). */
  readonly restarts: Expression<SqlBool>;
  /** The user becomes imported. */
  readonly imports: Expression<SqlBool>;
}

/**
 * {@link RECONCILE_TRANSITIONS}, generated into SQL: one `case` over "condition/status" with a branch per table
 * cell that moves the user, so a single statement applies the whole table to every user of a client.
 */
export function reconcileTargetSql(
  eb: UsersBuilder,
  excludedGroupIds: readonly string[],
  options: { readonly autoImport: boolean },
): ReconcileTargetSql {
  const moves: { key: string; from: StatusKey; to: StatusKey }[] = [];
  for (const condition of COLLECTION_CONDITIONS) {
    for (const from of STATUS_KEYS) {
      const target = RECONCILE_TRANSITIONS[condition][from];
      if (target === 'keep') continue;
      const to: StatusKey = target === 'import' ? (options.autoImport ? 'imported' : 'not_imported') : target;
      if (to !== from) moves.push({ key: `${condition}/${from}`, from, to });
    }
  }
  const cell = sql<string>`(${conditionSql(eb, excludedGroupIds)} || '/' || ${statusKeySql()})`;
  const pick = <T>(
    value: (move: { from: StatusKey; to: StatusKey }) => string | null,
    otherwise: RawBuilder<T>,
  ) =>
    moves.length === 0
      ? otherwise
      : sql<T>`case ${cell} ${sql.join(
          moves.map((move) => {
            const picked = value(move);
            return sql`when ${sql.lit(move.key)} then ${picked === null ? sql`null` : sql.lit(picked)}`;
          }),
          sql` `,
        )} else ${otherwise} end`;
  const keys = (filter: (move: { from: StatusKey; to: StatusKey }) => boolean): Expression<SqlBool> => {
    const matching = moves.filter(filter).map((move) => sql.lit(move.key));
    return matching.length === 0 ? sql<SqlBool>`1 = 0` : sql<SqlBool>`${cell} in (${sql.join(matching)})`;
  };
  return {
    state: pick<CollectionState>((move) => statusOf(move.to).state, sql`directory_users.collection_state`),
    reason: pick<DisableReason | null>(
      (move) => statusOf(move.to).reason,
      sql`directory_users.disable_reason`,
    ),
    changes: keys(() => true),
    restarts: keys((move) => move.from.startsWith('disabled:') && move.to === 'imported'),
    imports: keys((move) => move.to === 'imported'),
  };
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

/** Billing's and the users report's counts of a set of users (rule 9's vocabulary), defined once: in the contracts. */
export type { CollectionCounts };

/**
 * The aggregate columns behind {@link CollectionCounts}, over `directory_users`, one pass; `billable` is the
 * caller's billable condition (the full rule, or all of it but the excluded groups when those are taken out after).
 */
export function collectionCountColumns(billable: Expression<SqlBool>, expiry: ExpiryAsOf) {
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
    when(isExpiredSql(expiry)).as('expired'),
    when(
      sql`directory_users.collection_state = 'imported' and directory_users.entra_state = 'active'
        and directory_users.account_enabled = 0 and not ${isExpiredSql(expiry)} and ${isNotGuestSql()}`,
    ).as('blocked_in_entra'),
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
  readonly blocked_in_entra: number;
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
    blockedInEntra: row.blocked_in_entra,
    guests: row.guests,
    billable: row.billable,
  };
}
