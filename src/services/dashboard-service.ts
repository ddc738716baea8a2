import type { ClientStatus, LastSyncSummary } from '../contracts/clients.js';
import type { ClientDashboardRow, PartnerDashboard } from '../contracts/dashboard.js';
import { clientProblems } from '../domain/client-problems.js';
import {
  changeSince,
  dayBefore,
  percent,
  registrationsLost,
  TREND_SLACK_DAYS,
} from '../domain/dashboard-figures.js';
import { DAY_MS, type Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { ClientScope } from '../store/dashboard-repository.js';
import type { IntegrationRecord } from '../store/integration-repository.js';
import type { ClientRecord } from '../store/client-repository.js';
import type { SyncRunRecord } from '../store/sync-run-repository.js';
import type { Store } from '../store/store.js';
import type { Actor } from './actor.js';
import type { ClientService } from './client-service.js';

export interface DashboardServiceOptions {
  readonly store: Store;
  /** Decides which clients the actor may see. */
  readonly clients: ClientService;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often the schedule syncs each client: a client not synced for four intervals has a problem. */
  readonly syncIntervalMinutes: number;
}

/** The SSO share covers the sign-ins of the last 30 days, like the SSO report's default period. */
const SSO_PERIOD_DAYS = 30;

/**
 * The partner dashboard (issue 16): every client the actor may see with its health — the same as the status
 * service's, but read for all of them at once — and the figures an MSP admin checks every morning, each computed
 * once across all those clients (a statement per figure, not per client); and the daily snapshot of the figures no
 * other table keeps a history of.
 */
export class DashboardService {
  private readonly options: DashboardServiceOptions;

  constructor(options: DashboardServiceOptions) {
    this.options = options;
  }

  /** The dashboard of every client the actor may see (none: an empty list), by client name. */
  async dashboard(actor: Actor): Promise<PartnerDashboard> {
    const now = this.options.clock.now();
    const visible = await this.options.clients.list(actor);
    if (visible.length === 0) return { clients: [], asOf: now.toISOString() };
    const scope: ClientScope = visible.map((client) => client.id);
    const repository = this.options.store.read.dashboard;
    const since = new Date(now.getTime() - DAY_MS);
    const today = dayBefore(now, 0);
    const yesterdayDay = dayBefore(now, 1);
    const [health, present, userFigures, newApps, history, latest, todays, yesterdays] = await Promise.all([
      repository.healthRows(scope),
      repository.presentCounts(scope),
      repository.policies(scope).then((policies) => repository.userFigures(policies, now, since)),
      repository.newApps(scope, since),
      // Snapshots may skip days: a trend compares with the newest one on or before its day, at most a week older.
      repository.billableHistory(scope, dayBefore(now, 30 + TREND_SLACK_DAYS), yesterdayDay),
      // MFA and SSO coverage as of the newest snapshot (each sync rewrites today's): no month of sign-ins scanned.
      repository.snapshotsBetween(scope, yesterdayDay, today),
      repository.snapshotsOf(scope, today),
      repository.snapshotsOf(scope, yesterdayDay),
    ]);
    const clients = visible.map((client): ClientDashboardRow => {
      const users = userFigures.get(client.id);
      const status = this.statusOf(client, {
        integration: health.integrations.get(client.id),
        lastRun: health.lastDirectoryRuns.get(client.id),
        users: present.get(client.id)?.users ?? 0,
        groups: health.groups.get(client.id) ?? 0,
        billable: users?.billable ?? 0,
        now,
      });
      const snapshot = latest.get(status.id);
      const past = history.get(status.id) ?? [];
      const registeredToday = todays.get(status.id)?.mfaRegistered;
      return {
        ...status,
        billableTrend: {
          now: status.billable,
          change7Days: changeSince(status.billable, past, now, 7),
          change30Days: changeSince(status.billable, past, now, 30),
        },
        expired: users?.expired ?? 0,
        guests: users?.guests ?? 0,
        mfaRegisteredPercent:
          snapshot === undefined ? null : percent(snapshot.mfaRegistered, snapshot.mfaKnown),
        ssoSharePercent:
          snapshot === undefined ? null : percent(snapshot.ssoSignIns, snapshot.enterpriseSignIns),
        sinceYesterday: {
          newUsers: users?.newUsers ?? 0,
          newExpiries: users?.newExpiries ?? 0,
          newApps: newApps.get(status.id) ?? 0,
          mfaRegistrationsLost:
            registeredToday === undefined
              ? null
              : registrationsLost(registeredToday, yesterdays.get(status.id)?.mfaRegistered),
        },
      };
    });
    return { clients, asOf: now.toISOString() };
  }

  /** A client's status as `StatusService` words it, from facts read for every client at once. */
  private statusOf(
    client: ClientRecord,
    facts: {
      readonly integration: IntegrationRecord | undefined;
      readonly lastRun: SyncRunRecord | undefined;
      readonly users: number;
      readonly groups: number;
      readonly billable: number;
      readonly now: Date;
    },
  ): ClientStatus {
    const { integration, lastRun } = facts;
    const lastSync: LastSyncSummary | null =
      lastRun === undefined
        ? null
        : {
            kind: lastRun.kind,
            trigger: lastRun.trigger,
            status: lastRun.status,
            startedAt: lastRun.startedAt,
            finishedAt: lastRun.finishedAt,
            error: lastRun.errorMessage,
            errorCode: lastRun.errorCode,
          };
    const checks = integration?.permissionChecks ?? [];
    const problems = clientProblems(
      {
        integration:
          integration === undefined
            ? null
            : {
                failed: integration.status === 'error',
                statusMessage: integration.statusMessage,
                missingPermissions: checks.flatMap((check) =>
                  !check.passed && check.permission !== undefined ? [check.permission] : [],
                ),
                secretExpiresAt: integration.secretExpiresAt,
                importStartedAt: integration.importStartedAt,
              },
        lastSync,
      },
      facts.now,
      this.options.syncIntervalMinutes,
    );
    return {
      id: client.id,
      name: client.name,
      displayName: client.displayName,
      integration: integration === undefined ? 'not connected' : integration.status,
      tenantId: integration?.tenantId ?? null,
      organizationName: integration?.organizationName ?? null,
      users: facts.users,
      groups: facts.groups,
      lastSync,
      billable: facts.billable,
      // As the billing summary says it: `unknown` until the tenant's activity has been read.
      activityData: integration?.activityData ?? 'unknown',
      importStartedAt: integration?.importStartedAt ?? null,
      secretExpiresAt: integration?.secretExpiresAt ?? null,
      problems,
    };
  }

  /**
   * Today's dashboard snapshot (UTC day) of one client, or of every client: users, MFA registrations, apps seen and
   * the last 30 days' sign-ins to enterprise applications (with and without SSO) now, rewritten through the day so
   * each day keeps its last state. A system job: after each client sync, as soon as its MFA registrations are in and
   * at its end (create-core.ts), and daily.
   */
  async recordSnapshots(clientId?: string): Promise<number> {
    const { store, clock, logger } = this.options;
    const now = clock.now();
    const repository = store.read.dashboard;
    const scope: ClientScope = clientId === undefined ? 'all' : [clientId];
    const [present, mfa, sso] = await Promise.all([
      repository.presentCounts(scope),
      repository.mfaFigures(scope),
      repository.ssoFigures(scope, dayBefore(now, SSO_PERIOD_DAYS - 1)),
    ]);
    let taken = 0;
    for (const [id, counts] of present) {
      try {
        const registration = mfa.get(id);
        const signIns = sso.get(id);
        await repository.upsertSnapshot(
          id,
          dayBefore(now, 0),
          {
            users: counts.users,
            mfaRegistered: registration?.registered ?? 0,
            mfaKnown: registration?.known ?? 0,
            appsSeen: counts.apps,
            enterpriseSignIns: signIns?.enterpriseSignIns ?? 0,
            ssoSignIns: signIns?.ssoSignIns ?? 0,
          },
          now.toISOString(),
        );
        taken += 1;
      } catch (error) {
        logger.error({ clientId: id, err: error }, 'dashboard snapshot failed');
      }
    }
    return taken;
  }
}
