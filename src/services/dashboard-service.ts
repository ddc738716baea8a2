import type { Kysely } from 'kysely';
import type { ClientDashboardRow, PartnerDashboard } from '../contracts/dashboard.js';
import {
  changeSince,
  dayBefore,
  percent,
  registrationsLost,
  TREND_SLACK_DAYS,
} from '../domain/dashboard-figures.js';
import { DAY_MS, type Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { DashboardRepository, type ClientScope } from '../store/dashboard-repository.js';
import type { Database } from '../store/schema.js';
import type { Actor } from './actor.js';
import type { StatusService } from './status-service.js';

export interface DashboardServiceOptions {
  readonly db: Kysely<Database>;
  readonly status: StatusService;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** The SSO share covers the sign-ins of the last 30 days, like the SSO report's default period. */
const SSO_PERIOD_DAYS = 30;

/**
 * The partner dashboard (issue 16): every client the actor may see with its health (the status service's, which
 * decides visibility) and the figures an MSP admin checks every morning, each computed once across all those
 * clients; and the daily snapshot of the figures no other table keeps a history of.
 */
export class DashboardService {
  private readonly options: DashboardServiceOptions;

  constructor(options: DashboardServiceOptions) {
    this.options = options;
  }

  /** The dashboard of every client the actor may see (none: an empty list), by client name. */
  async dashboard(actor: Actor): Promise<PartnerDashboard> {
    const now = this.options.clock.now();
    const statuses = await this.options.status.list(actor);
    if (statuses.length === 0) return { clients: [], asOf: now.toISOString() };
    const scope: ClientScope = statuses.map((status) => status.id);
    const repository = new DashboardRepository(this.options.db);
    const since = new Date(now.getTime() - DAY_MS);
    const today = dayBefore(now, 0);
    const yesterdayDay = dayBefore(now, 1);
    const [userFigures, newApps, history, latest, todays, yesterdays] = await Promise.all([
      repository.policies(scope).then((policies) => repository.userFigures(policies, now, since)),
      repository.newApps(scope, since),
      // Snapshots may skip days: a trend compares with the newest one on or before its day, at most a week older.
      repository.billableHistory(scope, dayBefore(now, 30 + TREND_SLACK_DAYS), yesterdayDay),
      // MFA and SSO coverage as of the newest snapshot (each sync rewrites today's): no month of sign-ins scanned.
      repository.snapshotsBetween(scope, yesterdayDay, today),
      repository.snapshotsOf(scope, today),
      repository.snapshotsOf(scope, yesterdayDay),
    ]);
    const clients = statuses.map((status): ClientDashboardRow => {
      const users = userFigures.get(status.id);
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

  /**
   * Today's dashboard snapshot (UTC day) of one client, or of every client: users, MFA registrations, apps seen and
   * the last 30 days' sign-ins to enterprise applications (with and without SSO) now, rewritten through the day so
   * each day keeps its last state. A system job (after a directory sync and each scheduled sync, daily).
   */
  async recordSnapshots(clientId?: string): Promise<number> {
    const { db, clock, logger } = this.options;
    const now = clock.now();
    const repository = new DashboardRepository(db);
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
