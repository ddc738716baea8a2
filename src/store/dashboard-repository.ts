import { sql, type Kysely, type SqlBool, type Expression } from 'kysely';
import { MICROSOFT_OWNER_TENANT_IDS } from '../domain/report-sso.js';
import type { ExpiryPolicy } from '../domain/expiry.js';
import {
  billableButForGroupsSql,
  expiredSinceSql,
  expiryAsOf,
  isExpiredSql,
  isGuestSql,
  isNotGuestSql,
} from './collection-sql.js';
import { toIntegrationRecord, type IntegrationRecord } from './integration-repository.js';
import type { Database } from './schema.js';
import { toSyncRunRecord, type SyncRunRecord } from './sync-run-repository.js';

/** What the health of a client is decided from, read for many clients at once. */
export interface ClientHealthRows {
  readonly integrations: Map<string, IntegrationRecord>;
  /** The newest directory sync run per client. */
  readonly lastDirectoryRuns: Map<string, SyncRunRecord>;
  readonly groups: Map<string, number>;
}

/** Per client, the user counts of the dashboard that depend on its expiry policy. */
export interface ClientUserFigures {
  /** Rule 9, as billing counts it. */
  readonly billable: number;
  readonly expired: number;
  readonly guests: number;
  /** Present in Entra and created there since `since`. */
  readonly newUsers: number;
  /** Expired now and not billed since `since` or later. */
  readonly newExpiries: number;
}

export interface ClientMfaFigures {
  readonly registered: number;
  readonly known: number;
}

export interface ClientSsoFigures {
  readonly ssoSignIns: number;
  readonly enterpriseSignIns: number;
}

export interface DailySnapshotFigures {
  readonly users: number;
  readonly mfaRegistered: number;
  readonly mfaKnown: number;
  readonly appsSeen: number;
  readonly enterpriseSignIns: number;
  readonly ssoSignIns: number;
}

/** Which clients a statement covers: every one, or these ids (never empty: callers answer that without SQL). */
export type ClientScope = 'all' | readonly string[];

/**
 * The partner dashboard's figures across clients: each figure is one statement grouped by client (the expiry-based
 * counts: one per distinct expiry policy, usually one or two), never one per client.
 */
export class DashboardRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Every client's expiry policy (rule 8), by client id. */
  async policies(scope: ClientScope): Promise<Map<string, ExpiryPolicy>> {
    let query = this.db
      .selectFrom('clients')
      .leftJoin('integrations', 'integrations.client_id', 'clients.id')
      .select([
        'clients.id',
        'clients.expiry_days',
        'integrations.activity_data',
        'integrations.expiry_policy_at',
      ]);
    if (scope !== 'all') query = query.where('clients.id', 'in', [...scope]);
    const rows = await query.execute();
    return new Map(
      rows.map((row) => [
        row.id,
        {
          thresholdDays: row.expiry_days,
          activityData: row.activity_data ?? 'unknown',
          since: row.expiry_policy_at ?? null,
        },
      ]),
    );
  }

  /**
   * Expired, guests, new users and new expiries since `since`, per client: one statement per group of clients that
   * share the same expiry verdict inputs (threshold, activity read, policy changed since `since` or not).
   */
  async userFigures(
    policies: ReadonlyMap<string, ExpiryPolicy>,
    now: Date,
    since: Date,
  ): Promise<Map<string, ClientUserFigures>> {
    const groups = new Map<string, { policy: ExpiryPolicy; ids: string[] }>();
    for (const [clientId, policy] of policies) {
      const recent =
        policy.since !== undefined && policy.since !== null && policy.since >= since.toISOString();
      const key = `${policy.thresholdDays}|${policy.activityData}|${recent}`;
      const group = groups.get(key) ?? { policy, ids: [] };
      group.ids.push(clientId);
      groups.set(key, group);
    }
    const figures = new Map<string, ClientUserFigures>();
    for (const { policy, ids } of groups.values()) {
      const expiry = expiryAsOf(policy, now);
      const count = (condition: Expression<SqlBool>) =>
        sql<number>`coalesce(sum(case when ${condition} then 1 else 0 end), 0)`;
      const rows = await this.db
        .selectFrom('directory_users')
        .select([
          'directory_users.client_id',
          count(billableButForGroupsSql(expiry)).as('billable'),
          count(isExpiredSql(expiry)).as('expired'),
          count(sql<SqlBool>`directory_users.entra_state = 'active' and ${isGuestSql()}`).as('guests'),
          count(
            sql<SqlBool>`directory_users.entra_state = 'active' and directory_users.created_date_time >= ${since.toISOString()}`,
          ).as('new_users'),
          count(expiredSinceSql(expiry, since)).as('new_expiries'),
        ])
        .where('directory_users.client_id', 'in', ids)
        .groupBy('directory_users.client_id')
        .execute();
      // Rule 9's "not in an excluded group", counted from the excluded groups' side (few) and taken off, as billing
      // does (CollectionRepository.counts): a per-user probe of every user costs far more on PostgreSQL.
      const excludedRows = await this.db
        .selectFrom('directory_users')
        .innerJoin('group_user_closure', (join) =>
          join
            .onRef('group_user_closure.client_id', '=', 'directory_users.client_id')
            .onRef('group_user_closure.user_id', '=', 'directory_users.id'),
        )
        .innerJoin('directory_groups', (join) =>
          join
            .onRef('directory_groups.client_id', '=', 'group_user_closure.client_id')
            .onRef('directory_groups.id', '=', 'group_user_closure.group_id'),
        )
        .select(['directory_users.client_id', sql<number>`count(distinct directory_users.id)`.as('count')])
        .where('directory_groups.excluded_at', 'is not', null)
        .where('directory_users.client_id', 'in', ids)
        .where(billableButForGroupsSql(expiry))
        .groupBy('directory_users.client_id')
        .execute();
      const excludedBillable = new Map(excludedRows.map((row) => [row.client_id, row.count]));
      for (const row of rows) {
        figures.set(row.client_id, {
          billable: row.billable - (excludedBillable.get(row.client_id) ?? 0),
          expired: row.expired,
          guests: row.guests,
          newUsers: row.new_users,
          newExpiries: row.new_expiries,
        });
      }
    }
    return figures;
  }

  /** Integrations, the newest directory sync and the group count of the clients, in three statements. */
  async healthRows(scope: ClientScope): Promise<ClientHealthRows> {
    let integrations = this.db.selectFrom('integrations').selectAll();
    let latest = this.db
      .selectFrom('sync_runs')
      .select((eb) => eb.fn.max('id').as('id'))
      .where('kind', '=', 'directory')
      .groupBy('client_id');
    let groups = this.db
      .selectFrom('directory_groups')
      .select(['client_id', sql<number>`count(*)`.as('count')])
      .where('entra_state', '!=', 'deleted')
      .groupBy('client_id');
    if (scope !== 'all') {
      integrations = integrations.where('client_id', 'in', [...scope]);
      latest = latest.where('client_id', 'in', [...scope]);
      groups = groups.where('client_id', 'in', [...scope]);
    }
    const [integrationRows, runRows, groupRows] = await Promise.all([
      integrations.execute(),
      this.db.selectFrom('sync_runs').selectAll().where('id', 'in', latest).execute(),
      groups.execute(),
    ]);
    return {
      integrations: new Map(integrationRows.map((row) => [row.client_id, toIntegrationRecord(row)])),
      lastDirectoryRuns: new Map(runRows.map((row) => [row.client_id, toSyncRunRecord(row)])),
      groups: new Map(groupRows.map((row) => [row.client_id, row.count])),
    };
  }

  /**
   * Users in MFA coverage with an MFA registration record, and how many of them are registered, per client: active
   * members who may sign in — the MFA report's population (`isMfaPopulation`), so both show the same share.
   */
  async mfaFigures(scope: ClientScope): Promise<Map<string, ClientMfaFigures>> {
    let query = this.db
      .selectFrom('mfa_registrations')
      .innerJoin('directory_users', (join) =>
        join
          .onRef('directory_users.client_id', '=', 'mfa_registrations.client_id')
          .onRef('directory_users.id', '=', 'mfa_registrations.user_id'),
      )
      .select([
        'mfa_registrations.client_id',
        sql<number>`count(*)`.as('known'),
        sql<number>`coalesce(sum(mfa_registrations.is_mfa_registered), 0)`.as('registered'),
      ])
      .where('directory_users.entra_state', '=', 'active')
      .where('directory_users.account_enabled', '=', 1)
      .where(isNotGuestSql())
      .groupBy('mfa_registrations.client_id');
    if (scope !== 'all') query = query.where('mfa_registrations.client_id', 'in', [...scope]);
    const rows = await query.execute();
    return new Map(rows.map((row) => [row.client_id, { known: row.known, registered: row.registered }]));
  }

  /**
   * Successful sign-ins since `fromDay` to enterprise applications (type Application, not owned by Microsoft), and
   * those through SAML or OpenID Connect SSO — the SSO report's definition (src/domain/report-sso.ts), per client.
   */
  async ssoFigures(scope: ClientScope, fromDay: string): Promise<Map<string, ClientSsoFigures>> {
    const microsoft = [...MICROSOFT_OWNER_TENANT_IDS].map((id) => sql.lit(id));
    let query = this.db
      .selectFrom('sign_in_daily')
      .innerJoin('service_principals', (join) =>
        join
          .onRef('service_principals.client_id', '=', 'sign_in_daily.client_id')
          .onRef('service_principals.app_id', '=', 'sign_in_daily.app_id'),
      )
      .select([
        'sign_in_daily.client_id',
        sql<number>`coalesce(sum(sign_in_daily.successes), 0)`.as('enterprise'),
        sql<number>`coalesce(sum(case when lower(coalesce(service_principals.preferred_single_sign_on_mode, '')) in ('saml', 'oidc') then sign_in_daily.successes else 0 end), 0)`.as(
          'sso',
        ),
      ])
      .where('sign_in_daily.day', '>=', fromDay)
      .where(
        sql<SqlBool>`lower(coalesce(service_principals.service_principal_type, 'Application')) = 'application'`,
      )
      .where(
        sql<SqlBool>`lower(coalesce(service_principals.app_owner_organization_id, '')) not in (${sql.join(microsoft)})`,
      )
      .groupBy('sign_in_daily.client_id');
    if (scope !== 'all') query = query.where('sign_in_daily.client_id', 'in', [...scope]);
    const rows = await query.execute();
    return new Map(
      rows.map((row) => [row.client_id, { ssoSignIns: row.sso, enterpriseSignIns: row.enterprise }]),
    );
  }

  /** Applications first seen in sign-ins since `since`, per client. */
  async newApps(scope: ClientScope, since: Date): Promise<Map<string, number>> {
    let query = this.db
      .selectFrom('sign_in_apps')
      .select(['client_id', sql<number>`count(*)`.as('apps')])
      .where('first_seen_at', '>=', since.toISOString())
      .groupBy('client_id');
    if (scope !== 'all') query = query.where('client_id', 'in', [...scope]);
    const rows = await query.execute();
    return new Map(rows.map((row) => [row.client_id, row.apps]));
  }

  /** Billing snapshots' billable counts from `fromDay` to `toDay` inclusive, per client, oldest first. */
  async billableHistory(
    scope: ClientScope,
    fromDay: string,
    toDay: string,
  ): Promise<Map<string, { day: string; billable: number }[]>> {
    let query = this.db
      .selectFrom('billing_snapshots')
      .select(['client_id', 'day', 'billable'])
      .where('day', '>=', fromDay)
      .where('day', '<=', toDay)
      .orderBy('client_id')
      .orderBy('day');
    if (scope !== 'all') query = query.where('client_id', 'in', [...scope]);
    const history = new Map<string, { day: string; billable: number }[]>();
    for (const row of await query.execute()) {
      const list = history.get(row.client_id) ?? [];
      list.push({ day: row.day, billable: row.billable });
      history.set(row.client_id, list);
    }
    return history;
  }

  /** The dashboard snapshots of one day, per client. */
  async snapshotsOf(scope: ClientScope, day: string): Promise<Map<string, DailySnapshotFigures>> {
    return this.snapshotsBetween(scope, day, day);
  }

  /** Each client's newest dashboard snapshot from `fromDay` to `toDay` inclusive. */
  async snapshotsBetween(
    scope: ClientScope,
    fromDay: string,
    toDay: string,
  ): Promise<Map<string, DailySnapshotFigures>> {
    let query = this.db
      .selectFrom('client_daily_snapshots')
      .selectAll()
      .where('day', '>=', fromDay)
      .where('day', '<=', toDay)
      .orderBy('day');
    if (scope !== 'all') query = query.where('client_id', 'in', [...scope]);
    const rows = await query.execute();
    return new Map(
      rows.map((row) => [
        row.client_id,
        {
          users: row.users,
          mfaRegistered: row.mfa_registered,
          mfaKnown: row.mfa_known,
          appsSeen: row.apps_seen,
          enterpriseSignIns: row.enterprise_sign_ins,
          ssoSignIns: row.sso_sign_ins,
        },
      ]),
    );
  }

  /** Users present in Entra and applications seen so far, per client. */
  async presentCounts(scope: ClientScope): Promise<Map<string, { users: number; apps: number }>> {
    let users = this.db
      .selectFrom('directory_users')
      .select(['client_id', sql<number>`count(*)`.as('count')])
      .where('entra_state', '!=', 'deleted')
      .groupBy('client_id');
    let apps = this.db
      .selectFrom('sign_in_apps')
      .select(['client_id', sql<number>`count(*)`.as('count')])
      .groupBy('client_id');
    if (scope !== 'all') {
      users = users.where('client_id', 'in', [...scope]);
      apps = apps.where('client_id', 'in', [...scope]);
    }
    const counts = new Map<string, { users: number; apps: number }>();
    for (const row of await users.execute()) counts.set(row.client_id, { users: row.count, apps: 0 });
    for (const row of await apps.execute()) {
      counts.set(row.client_id, { users: counts.get(row.client_id)?.users ?? 0, apps: row.count });
    }
    return counts;
  }

  /** Writes (or rewrites) the client's dashboard snapshot of `day`: the last one taken that day wins. */
  async upsertSnapshot(
    clientId: string,
    day: string,
    figures: DailySnapshotFigures,
    at: string,
  ): Promise<void> {
    const values = {
      users: figures.users,
      mfa_registered: figures.mfaRegistered,
      mfa_known: figures.mfaKnown,
      apps_seen: figures.appsSeen,
      enterprise_sign_ins: figures.enterpriseSignIns,
      sso_sign_ins: figures.ssoSignIns,
      taken_at: at,
    };
    await this.db
      .insertInto('client_daily_snapshots')
      .values({ client_id: clientId, day, ...values })
      .onConflict((conflict) => conflict.columns(['client_id', 'day']).doUpdateSet(values))
      .execute();
  }
}
