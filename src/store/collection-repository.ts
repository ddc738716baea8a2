import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import {
  collectionCountColumns,
  inExcludedGroupSql,
  isExpiredSql,
  isGuestSql,
  isNotGuestSql,
  latestActivitySql,
  toCollectionCounts,
  type CollectionCounts,
} from './collection-sql.js';
import type { Database } from './schema.js';

/** How many users each step of a reconciliation moved. */
export interface ReconcileCounts {
  /** Newly imported (auto-import, restored or left an excluded group). */
  readonly imported: number;
  readonly disabledExcludedGroup: number;
  readonly disabledDeletedInEntra: number;
  /** Guests set back to not imported, and automatically disabled users waiting for the initial import. */
  readonly notImported: number;
}

/** A client's users by collection state and billing status, now. */
export type { CollectionCounts } from './collection-sql.js';

export interface ExpiryEvaluation {
  readonly newlyExpired: number;
  readonly noLongerExpired: number;
}

/**
 * Set-based statements over a client's users: the reconciliation after each directory sync (rules 2, 3, 5, 6), the
 * expiry evaluation (rule 8) and the counts billing needs (rule 9). Each statement touches only rows whose state
 * changes, so a sync that changed nothing writes nothing. `decideCollectionState` in src/domain is the per-user
 * specification these statements implement.
 */
export class CollectionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Ids of the client's excluded groups (irreversible, rule 6). */
  async excludedGroupIds(clientId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('directory_groups')
      .select('id')
      .where('client_id', '=', clientId)
      .where('excluded_at', 'is not', null)
      .execute();
    return rows.map((row) => row.id);
  }

  /** Brings every user of the client to the state the rules give it. Run inside a transaction. */
  async reconcile(clientId: string, options: { autoImport: boolean; now: string }): Promise<ReconcileCounts> {
    const excluded = await this.excludedGroupIds(clientId);
    const now = options.now;
    const count = (result: { numUpdatedRows: bigint } | undefined): number =>
      Number(result?.numUpdatedRows ?? 0n);

    const deleted = await this.db
      .updateTable('directory_users')
      .set({ collection_state: 'disabled', disable_reason: 'deleted_in_entra', updated_at: now })
      .where('client_id', '=', clientId)
      .where('entra_state', '<>', 'active')
      .where(sql<boolean>`coalesce(disable_reason, '') not in ('manual', 'deleted_in_entra')`)
      .executeTakeFirst();

    const guests = await this.db
      .updateTable('directory_users')
      .set({ collection_state: 'not_imported', disable_reason: null, updated_at: now })
      .where('client_id', '=', clientId)
      .where('entra_state', '=', 'active')
      .where(isGuestSql())
      .where('collection_state', '<>', 'not_imported')
      .where(sql<boolean>`coalesce(disable_reason, '') <> 'manual'`)
      .executeTakeFirst();

    const excludedMembers =
      excluded.length === 0
        ? undefined
        : await this.db
            .updateTable('directory_users')
            .set({ collection_state: 'disabled', disable_reason: 'excluded_group', updated_at: now })
            .where('client_id', '=', clientId)
            .where('entra_state', '=', 'active')
            .where(isNotGuestSql())
            .where(sql<boolean>`coalesce(disable_reason, '') not in ('manual', 'excluded_group')`)
            .where((eb) => inExcludedGroupSql(eb, excluded))
            .executeTakeFirst();

    const lifted = await this.db
      .updateTable('directory_users')
      .set(
        options.autoImport
          ? { collection_state: 'imported', disable_reason: null, imported_at: now, updated_at: now }
          : { collection_state: 'not_imported', disable_reason: null, updated_at: now },
      )
      .where('client_id', '=', clientId)
      .where('entra_state', '=', 'active')
      .where(isNotGuestSql())
      .where('collection_state', '=', 'disabled')
      .where('disable_reason', 'in', ['excluded_group', 'deleted_in_entra'])
      .where((eb) => eb.not(inExcludedGroupSql(eb, excluded)))
      .executeTakeFirst();

    const autoImported = options.autoImport
      ? await this.db
          .updateTable('directory_users')
          .set({ collection_state: 'imported', disable_reason: null, imported_at: now, updated_at: now })
          .where('client_id', '=', clientId)
          .where('entra_state', '=', 'active')
          .where('collection_state', '=', 'not_imported')
          .where(isNotGuestSql())
          .where((eb) => eb.not(inExcludedGroupSql(eb, excluded)))
          .executeTakeFirst()
      : undefined;

    return {
      imported: count(autoImported) + (options.autoImport ? count(lifted) : 0),
      disabledExcludedGroup: count(excludedMembers),
      disabledDeletedInEntra: count(deleted),
      notImported: count(guests) + (options.autoImport ? 0 : count(lifted)),
    };
  }

  /**
   * Refreshes each user's last activity and expiry (rule 8). With activity data available, users crossing the
   * threshold get `expired_at = now` and users with new activity lose it; otherwise nobody is expired.
   * @param cutoff now − N days, ISO text.
   */
  async evaluateExpiry(
    clientId: string,
    options: { now: string; cutoff: string; activityAvailable: boolean },
  ): Promise<ExpiryEvaluation> {
    const latest = latestActivitySql();
    await this.db
      .updateTable('directory_users')
      .set({ last_activity_at: latest })
      .where('client_id', '=', clientId)
      .where(sql<boolean>`directory_users.last_activity_at is distinct from ${latest}`)
      .execute();

    const expired = isExpiredSql(options.cutoff);
    const newlyExpired = options.activityAvailable
      ? await this.db
          .updateTable('directory_users')
          .set({ expired_at: options.now })
          .where('client_id', '=', clientId)
          .where('expired_at', 'is', null)
          .where(expired)
          .executeTakeFirst()
      : undefined;
    const cleared = await this.db
      .updateTable('directory_users')
      .set({ expired_at: null })
      .where('client_id', '=', clientId)
      .where('expired_at', 'is not', null)
      .where((eb) => (options.activityAvailable ? eb.not(expired) : sql<boolean>`1 = 1`))
      .executeTakeFirst();
    return {
      newlyExpired: Number(newlyExpired?.numUpdatedRows ?? 0n),
      noLongerExpired: Number(cleared.numUpdatedRows),
    };
  }

  /**
   * Every count billing and the users report show: one pass over the client's users, then — only when groups are
   * excluded — one pass over those groups' members to take out the billable ones (rule 9's "eligible"), instead of
   * probing the closure for every user.
   */
  async counts(clientId: string): Promise<CollectionCounts> {
    const excluded = await this.excludedGroupIds(clientId);
    const row = await this.db
      .selectFrom('directory_users')
      .where('client_id', '=', clientId)
      .select(collectionCountColumns(billableButForGroupsSql()))
      .executeTakeFirstOrThrow();
    const counts = toCollectionCounts(row);
    return {
      ...counts,
      billable: counts.billable - (await this.countInGroups(clientId, excluded, billableButForGroupsSql())),
    };
  }

  /**
   * How many users would be billable once the initial import runs: the eligible users not disabled by hand, with
   * an enabled account (new imports are not expired for N days). Shown in exclusion previews before the import.
   */
  async projectedBillable(clientId: string): Promise<number> {
    const excluded = await this.excludedGroupIds(clientId);
    const row = await this.db
      .selectFrom('directory_users')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('client_id', '=', clientId)
      .where(projectedButForGroupsSql())
      .executeTakeFirstOrThrow();
    return row.count - (await this.countInGroups(clientId, excluded, projectedButForGroupsSql()));
  }

  /** Distinct users matching `condition` that belong (directly or nested) to any of the groups. */
  private async countInGroups(
    clientId: string,
    groupIds: readonly string[],
    condition: Expression<SqlBool>,
  ): Promise<number> {
    if (groupIds.length === 0) return 0;
    const row = await this.db
      .selectFrom('directory_users')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('directory_users.client_id', '=', clientId)
      .where('directory_users.id', 'in', (eb) =>
        eb
          .selectFrom('group_user_closure')
          .select('group_user_closure.user_id')
          .where('group_user_closure.client_id', '=', clientId)
          .where('group_user_closure.group_id', 'in', [...groupIds]),
      )
      .where(condition)
      .executeTakeFirstOrThrow();
    return row.count;
  }
}

/** Rule 9 without its "not in an excluded group" part, which {@link CollectionRepository.counts} subtracts. */
function billableButForGroupsSql(): Expression<SqlBool> {
  return sql<SqlBool>`(directory_users.collection_state = 'imported' and directory_users.entra_state = 'active'
    and directory_users.account_enabled = 1 and directory_users.expired_at is null and ${isNotGuestSql()})`;
}

/** Who the initial import would make billable, without the excluded-group part. */
function projectedButForGroupsSql(): Expression<SqlBool> {
  return sql<SqlBool>`(directory_users.entra_state = 'active' and directory_users.account_enabled = 1
    and coalesce(directory_users.disable_reason, '') <> 'manual' and ${isNotGuestSql()})`;
}
