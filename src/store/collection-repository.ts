import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { DEFAULT_EXPIRY_DAYS, type ExpiryPolicy } from '../domain/expiry.js';
import {
  billableButForGroupsSql,
  collectionCountColumns,
  expiryAsOf,
  isExpiredSql,
  projectedBillableButForGroupsSql,
  reconcileTargetSql,
  toCollectionCounts,
  type CollectionCounts,
  type ExpiryAsOf,
} from './collection-sql.js';
import { userInGroupsSql } from './closure-sql.js';
import type { Database } from './schema.js';
import { SignInRepository } from './sign-in-repository.js';

/** How many users each kind of move of a reconciliation made. */
export interface ReconcileCounts {
  /** Newly imported (auto-import, restored or left an excluded group). */
  readonly imported: number;
  readonly disabledExcludedGroup: number;
  readonly disabledDeletedInEntra: number;
  /** Guests set back to not imported, and automatically disabled users waiting for the initial import. */
  readonly notImported: number;
  /** Users whose stored sign-ins were deleted because they became excluded members (rule 10). */
  readonly purgedUsers: number;
}

/** A client's users by collection state and billing status, now. */
export type { CollectionCounts } from './collection-sql.js';

/**
 * Set-based statements over a client's users: the reconciliation of collection states (rules 2, 3, 5, 6, generated
 * from the transition table in src/domain/collection-state.ts), the expiry policy (rule 8) and the counts billing
 * needs (rule 9). A reconciliation touches only rows whose state changes, so a sync that changed nothing writes
 * nothing.
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

  /** The client's expiry policy (rule 8): its threshold, whether its tenant's activity has been read, and since when. */
  async policy(clientId: string): Promise<ExpiryPolicy> {
    const row = await this.db
      .selectFrom('clients')
      .leftJoin('integrations', 'integrations.client_id', 'clients.id')
      .select(['clients.expiry_days', 'integrations.activity_data', 'integrations.expiry_policy_at'])
      .where('clients.id', '=', clientId)
      .executeTakeFirst();
    return {
      thresholdDays: row?.expiry_days ?? DEFAULT_EXPIRY_DAYS,
      activityData: row?.activity_data ?? 'unknown',
      since: row?.expiry_policy_at ?? null,
    };
  }

  /** Rule 8 for the client as of `now`. */
  async expiryAsOf(clientId: string, now: Date): Promise<ExpiryAsOf> {
    return expiryAsOf(await this.policy(clientId), now);
  }

  /**
   * Brings every user of the client — or only the members (nested included) of `onlyMembersOf` — to the state the
   * transition table gives it, in one statement; users who become excluded members lose their stored sign-ins
   * (rule 10). Run inside a transaction.
   */
  async reconcile(
    clientId: string,
    options: { autoImport: boolean; now: string; onlyMembersOf?: string },
  ): Promise<ReconcileCounts> {
    const excluded = await this.excludedGroupIds(clientId);
    const now = options.now;
    const moved = await this.db
      .updateTable('directory_users')
      .set((eb) => {
        const target = reconcileTargetSql(eb, excluded, options);
        return {
          collection_state: target.state,
          disable_reason: target.reason,
          imported_at: sql`case when ${target.imports} then ${now} else directory_users.imported_at end`,
          collected_from: sql`case when ${target.restarts} then ${now} else directory_users.collected_from end`,
          updated_at: now,
        };
      })
      .where('directory_users.client_id', '=', clientId)
      .where(
        options.onlyMembersOf === undefined
          ? sql<boolean>`1 = 1`
          : userInGroupsSql(clientId, [options.onlyMembersOf]),
      )
      .where((eb) => reconcileTargetSql(eb, excluded, options).changes)
      .returning(['directory_users.id', 'directory_users.collection_state', 'directory_users.disable_reason'])
      .execute();
    let imported = 0;
    let disabledExcludedGroup = 0;
    let disabledDeletedInEntra = 0;
    let notImported = 0;
    const newlyExcluded: string[] = [];
    for (const row of moved) {
      if (row.collection_state === 'imported') imported++;
      else if (row.collection_state === 'not_imported') notImported++;
      else if (row.disable_reason === 'excluded_group') {
        disabledExcludedGroup++;
        newlyExcluded.push(row.id);
      } else if (row.disable_reason === 'deleted_in_entra') disabledDeletedInEntra++;
    }
    const purgedUsers = await new SignInRepository(this.db).forgetUsers(clientId, newlyExcluded);
    return { imported, disabledExcludedGroup, disabledDeletedInEntra, notImported, purgedUsers };
  }

  /**
   * Every count billing and the users report show, with expiry as of `now`: one pass over the client's users, then
   * — only when groups are excluded — one pass over those groups' members to take out the billable ones (rule 9's
   * "eligible"), instead of probing the closure for every user.
   */
  async counts(clientId: string, now: Date): Promise<CollectionCounts> {
    const excluded = await this.excludedGroupIds(clientId);
    const expiry = await this.expiryAsOf(clientId, now);
    const row = await this.db
      .selectFrom('directory_users')
      .where('client_id', '=', clientId)
      .select(collectionCountColumns(billableButForGroupsSql(expiry), expiry))
      .executeTakeFirstOrThrow();
    const counts = toCollectionCounts(row);
    return {
      ...counts,
      billable:
        counts.billable - (await this.countInGroups(clientId, excluded, billableButForGroupsSql(expiry))),
    };
  }

  /**
   * How many users would be billable once the initial import runs as of `now`: the eligible users not disabled by
   * hand, with an enabled account, and not already past the threshold by their last activity. Shown in exclusion
   * previews before the import.
   */
  async projectedBillable(clientId: string, now: Date): Promise<number> {
    const excluded = await this.excludedGroupIds(clientId);
    const condition = projectedBillableButForGroupsSql(await this.expiryAsOf(clientId, now));
    const row = await this.db
      .selectFrom('directory_users')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('client_id', '=', clientId)
      .where(condition)
      .executeTakeFirstOrThrow();
    return row.count - (await this.countInGroups(clientId, excluded, condition));
  }

  /**
   * How many users a change of the expiry policy moves into and out of expiry as of `now`: call it in the
   * transaction that changes the policy, with the threshold before the change (rule 8).
   */
  async expiryChange(
    clientId: string,
    before: { readonly thresholdDays: number },
    now: Date,
  ): Promise<{ newlyExpired: number; noLongerExpired: number }> {
    const policy = await this.policy(clientId);
    const was = isExpiredSql(expiryAsOf({ ...policy, thresholdDays: before.thresholdDays }, now));
    const is = isExpiredSql(expiryAsOf(policy, now));
    const row = await this.db
      .selectFrom('directory_users')
      .select([
        sql<number>`coalesce(sum(case when ${is} and not ${was} then 1 else 0 end), 0)`.as('newly'),
        sql<number>`coalesce(sum(case when ${was} and not ${is} then 1 else 0 end), 0)`.as('no_longer'),
      ])
      .where('client_id', '=', clientId)
      .executeTakeFirstOrThrow();
    return { newlyExpired: row.newly, noLongerExpired: row.no_longer };
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
      .where(userInGroupsSql(clientId, groupIds))
      .where(condition)
      .executeTakeFirstOrThrow();
    return row.count;
  }
}
