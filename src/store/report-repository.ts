import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import {
  collectionCountColumns,
  isBillableSql,
  isExpiredSql,
  toCollectionCounts,
  type CollectionCounts,
  type ExpiryAsOf,
} from './collection-sql.js';
import { groupWithinSql, userInGroupsSql } from './closure-sql.js';
import { CollectionRepository } from './collection-repository.js';
import type { Database, Flag } from './schema.js';
import type { CollectionState, DisableReason, EntraState } from '../domain/vocabulary.js';
import { SignInRollupRepository, type PeriodTuples, type SignInKeys } from './sign-in-rollup-repository.js';

/** Who a report covers: everyone, or the users of a reporting group (nested members included) and/or a department. */
export interface UserScope {
  readonly groupId?: string | undefined;
  readonly department?: string | undefined;
}

/** Who a user is, as every report names and counts them. */
export interface ReportPersonRecord {
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  readonly department: string | null;
  readonly userType: string | null;
  readonly accountEnabled: boolean;
  readonly entraState: EntraState;
  /** Enabled for data collection (imported): only such users' sign-ins are collected (rule 10). */
  readonly collected: boolean;
}

/** The directory facts the users report shows per user. */
export interface ReportUserRecord extends ReportPersonRecord {
  readonly collectionState: CollectionState;
  readonly disableReason: DisableReason | null;
  readonly importedAt: string | null;
  readonly lastSignInAt: string | null;
  readonly lastSignInApp: string | null;
  readonly signInActivityAt: string | null;
  /** Rule 8 as of the query's expiry. */
  readonly expired: boolean;
  /** Rule 9 as of the query's expiry. */
  readonly billable: boolean;
}

export interface ReportServicePrincipalRecord {
  readonly id: string;
  readonly appId: string;
  readonly displayName: string | null;
  readonly preferredSingleSignOnMode: string | null;
  readonly servicePrincipalType: string | null;
  readonly accountEnabled: boolean;
  readonly appOwnerOrganizationId: string | null;
}

export interface DiscoveredAppRecord {
  readonly appId: string;
  readonly displayName: string | null;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
}

/** What the MFA report reads of a user's registration details. */
export interface ReportMfaRegistrationRecord {
  readonly userId: string;
  readonly isAdmin: boolean | null;
  readonly isMfaRegistered: boolean;
  readonly isMfaCapable: boolean;
  readonly isPasswordlessCapable: boolean;
  readonly methodsRegistered: readonly string[];
  readonly syncedAt: string;
}

/** A client's users by collection state and billing status — within a scope. */
/** The users report's counts within a scope: the same definitions as billing's. */
export type ScopedCollectionCounts = CollectionCounts;

type UsersBuilder = ExpressionBuilder<Database, 'directory_users'>;

/**
 * The read side of the reports: the directory as reports scope and count it, service principals and MFA
 * registrations; the day rollups of sign-ins are {@link SignInRollupRepository}'s (its three entry points are
 * passed through here).
 */
export class ReportRepository {
  private readonly rollups: SignInRollupRepository;

  constructor(private readonly db: Kysely<Database>) {
    this.rollups = new SignInRollupRepository(db);
  }

  /** See {@link SignInRollupRepository.rebuildDirtyRollups}. */
  async rebuildDirtyRollups(clientId: string, at: Date): Promise<string[]> {
    return this.rollups.rebuildDirtyRollups(clientId, at);
  }

  /** See {@link SignInRollupRepository.keys}. */
  async keys(clientId: string): Promise<SignInKeys> {
    return this.rollups.keys(clientId);
  }

  /** See {@link SignInRollupRepository.periodTuples}. */
  async periodTuples(clientId: string, from: string, to: string): Promise<PeriodTuples> {
    return this.rollups.periodTuples(clientId, from, to);
  }

  // ---------------------------------------------------------------------------------------- directory ---

  /** A reporting group by id or display name (case-insensitive); only groups imported for reporting (rule 7). */
  async findReportingGroups(
    clientId: string,
    ref: string,
  ): Promise<{ id: string; displayName: string | null; reportingEnabled: boolean }[]> {
    const rows = await this.db
      .selectFrom('directory_groups')
      .select(['id', 'display_name', 'reporting_enabled'])
      .where('client_id', '=', clientId)
      .where('entra_state', '=', 'active')
      .where((eb) =>
        eb.or([eb('id', '=', ref.toLowerCase()), eb(sql`lower(display_name)`, '=', ref.toLowerCase())]),
      )
      .execute();
    return rows.map((row) => ({
      id: row.id,
      displayName: row.display_name,
      reportingEnabled: row.reporting_enabled === 1,
    }));
  }

  /** Groups selectable as a report filter, by name. */
  async reportingGroups(
    clientId: string,
  ): Promise<{ id: string; displayName: string | null; members: number }[]> {
    const rows = await this.db
      .selectFrom('directory_groups as g')
      .select((eb) => [
        'g.id',
        'g.display_name',
        sql<number>`(select count(distinct member_id) from group_members
          where client_id = g.client_id and member_type = 'user'
          and group_id in (${groupWithinSql(eb.ref('g.client_id'), eb.ref('g.id'))}))`.as('members'),
      ])
      .where('g.client_id', '=', clientId)
      .where('g.reporting_enabled', '=', 1)
      .where('g.entra_state', '=', 'active')
      .orderBy('g.display_name')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      displayName: row.display_name,
      members: row.members,
    }));
  }

  /** Departments of the client's users (as Entra spells them), by name. */
  async departments(clientId: string): Promise<{ department: string; users: number }[]> {
    const rows = await this.db
      .selectFrom('directory_users')
      .select((eb) => ['department', eb.fn.countAll<number>().as('users')])
      .where('client_id', '=', clientId)
      .where('entra_state', '=', 'active')
      .where('department', 'is not', null)
      .groupBy('department')
      .orderBy('department')
      .execute();
    return rows.flatMap((row) =>
      row.department === null ? [] : [{ department: row.department, users: row.users }],
    );
  }

  /**
   * The client's directory users within the scope (deleted ones included), with what every report shows of them,
   * expired and billable as of `expiry`.
   */
  async users(clientId: string, scope: UserScope, expiry: ExpiryAsOf): Promise<ReportUserRecord[]> {
    const excluded = await new CollectionRepository(this.db).excludedGroupIds(clientId);
    const rows = await this.db
      .selectFrom('directory_users')
      .select((eb) => [
        'directory_users.id',
        'directory_users.display_name',
        'directory_users.user_principal_name',
        'directory_users.department',
        'directory_users.user_type',
        'directory_users.account_enabled',
        'directory_users.entra_state',
        'directory_users.collection_state',
        'directory_users.disable_reason',
        'directory_users.imported_at',
        'directory_users.last_sign_in_at',
        'directory_users.last_sign_in_app',
        'directory_users.sign_in_activity_at',
        sql<Flag>`case when ${isExpiredSql(expiry)} then 1 else 0 end`.as('expired'),
        sql<Flag>`case when ${isBillableSql(eb, excluded, expiry)} then 1 else 0 end`.as('billable'),
      ])
      .where('directory_users.client_id', '=', clientId)
      .where((eb) => inScope(eb, clientId, scope))
      .execute();
    return rows.map((row) => ({
      id: row.id,
      displayName: row.display_name,
      userPrincipalName: row.user_principal_name,
      department: row.department,
      userType: row.user_type,
      accountEnabled: row.account_enabled === 1,
      entraState: row.entra_state,
      collected: row.collection_state === 'imported',
      collectionState: row.collection_state,
      disableReason: row.disable_reason,
      importedAt: row.imported_at,
      lastSignInAt: row.last_sign_in_at,
      lastSignInApp: row.last_sign_in_app,
      signInActivityAt: row.sign_in_activity_at,
      expired: row.expired === 1,
      billable: row.billable === 1,
    }));
  }

  /** The client's directory users within the scope (deleted ones included): who they are, nothing more. */
  async people(clientId: string, scope: UserScope): Promise<ReportPersonRecord[]> {
    const rows = await this.db
      .selectFrom('directory_users')
      .select([
        'directory_users.id',
        'directory_users.display_name',
        'directory_users.user_principal_name',
        'directory_users.department',
        'directory_users.user_type',
        'directory_users.account_enabled',
        'directory_users.entra_state',
        'directory_users.collection_state',
      ])
      .where('directory_users.client_id', '=', clientId)
      .where((eb) => inScope(eb, clientId, scope))
      .execute();
    return rows.map((row) => ({
      id: row.id,
      displayName: row.display_name,
      userPrincipalName: row.user_principal_name,
      department: row.department,
      userType: row.user_type,
      accountEnabled: row.account_enabled === 1,
      entraState: row.entra_state,
      collected: row.collection_state === 'imported',
    }));
  }

  /** Ids of the users within the scope that are present in Entra. */
  async scopeUserIds(clientId: string, scope: UserScope): Promise<string[]> {
    const rows = await this.db
      .selectFrom('directory_users')
      .select('directory_users.id')
      .where('directory_users.client_id', '=', clientId)
      .where('directory_users.entra_state', '=', 'active')
      .where((eb) => inScope(eb, clientId, scope))
      .execute();
    return rows.map((row) => row.id);
  }

  /** Ids of the users within the scope that are enabled for data collection (imported): what sign-in reports cover. */
  async collectedUserIds(clientId: string, scope: UserScope): Promise<string[]> {
    const rows = await this.db
      .selectFrom('directory_users')
      .select('directory_users.id')
      .where('directory_users.client_id', '=', clientId)
      .where('directory_users.collection_state', '=', 'imported')
      .where((eb) => inScope(eb, clientId, scope))
      .execute();
    return rows.map((row) => row.id);
  }

  /** Newest sign-in ingested for the client (ISO), null before the first. */
  async newestSignIn(clientId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('sign_in_apps')
      .select((eb) => eb.fn.max('last_seen_at').as('newest'))
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return row?.newest ?? null;
  }

  /**
   * The counts of the users report within a scope: the same definitions as the rules' own counts
   * (CollectionRepository.counts), built from the same SQL helpers.
   */
  async collectionCounts(clientId: string, scope: UserScope, expiry: ExpiryAsOf): Promise<CollectionCounts> {
    const excluded = await new CollectionRepository(this.db).excludedGroupIds(clientId);
    const row = await this.db
      .selectFrom('directory_users')
      .where('directory_users.client_id', '=', clientId)
      .where((eb) => inScope(eb, clientId, scope))
      .select((eb) => collectionCountColumns(isBillableSql(eb, excluded, expiry), expiry))
      .executeTakeFirstOrThrow();
    return toCollectionCounts(row);
  }

  // -------------------------------------------------------------------------------- apps and MFA ---

  async servicePrincipals(clientId: string): Promise<ReportServicePrincipalRecord[]> {
    const rows = await this.db
      .selectFrom('service_principals')
      .select([
        'id',
        'app_id',
        'display_name',
        'preferred_single_sign_on_mode',
        'service_principal_type',
        'account_enabled',
        'app_owner_organization_id',
      ])
      .where('client_id', '=', clientId)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      appId: row.app_id,
      displayName: row.display_name,
      preferredSingleSignOnMode: row.preferred_single_sign_on_mode,
      servicePrincipalType: row.service_principal_type,
      accountEnabled: row.account_enabled === 1,
      appOwnerOrganizationId: row.app_owner_organization_id,
    }));
  }

  async discoveredApps(clientId: string): Promise<DiscoveredAppRecord[]> {
    const rows = await this.db
      .selectFrom('sign_in_apps')
      .select(['app_id', 'display_name', 'first_seen_at', 'last_seen_at'])
      .where('client_id', '=', clientId)
      .execute();
    return rows.map((row) => ({
      appId: row.app_id,
      displayName: row.display_name,
      firstSeenAt: row.first_seen_at,
      lastSeenAt: row.last_seen_at,
    }));
  }

  async mfaRegistrations(clientId: string): Promise<ReportMfaRegistrationRecord[]> {
    const rows = await this.db
      .selectFrom('mfa_registrations')
      .select([
        'user_id',
        'is_admin',
        'is_mfa_registered',
        'is_mfa_capable',
        'is_passwordless_capable',
        'methods_registered',
        'synced_at',
      ])
      .where('client_id', '=', clientId)
      .execute();
    // Most users share one of a few method lists: parse each distinct text once.
    const parsed = new Map<string, string[]>();
    return rows.map((row) => {
      let methods = parsed.get(row.methods_registered);
      if (methods === undefined) {
        methods = parseStringArray(row.methods_registered);
        parsed.set(row.methods_registered, methods);
      }
      return {
        userId: row.user_id,
        isAdmin: row.is_admin === null ? null : row.is_admin === 1,
        isMfaRegistered: row.is_mfa_registered === 1,
        isMfaCapable: row.is_mfa_capable === 1,
        isPasswordlessCapable: row.is_passwordless_capable === 1,
        methodsRegistered: methods,
        syncedAt: row.synced_at,
      };
    });
  }
}

/** `directory_users` rows within the scope (the group's closure, the department). */
function inScope(eb: UsersBuilder, clientId: string, scope: UserScope): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [];
  if (scope.department !== undefined) {
    conditions.push(
      eb(sql`lower(trim(directory_users.department))`, '=', scope.department.trim().toLowerCase()),
    );
  }
  if (scope.groupId !== undefined) {
    conditions.push(userInGroupsSql(clientId, [scope.groupId]));
  }
  return conditions.length === 0 ? sql<SqlBool>`1 = 1` : eb.and(conditions);
}

function parseStringArray(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}
