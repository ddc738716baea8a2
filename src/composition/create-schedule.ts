import type { AppConfig } from '../config/load-config.js';
import type { Telemetry } from '../observability/telemetry.js';
import type { AlertDigests } from '../services/alert-digests.js';
import type { BillingService } from '../services/billing-service.js';
import type { CollectionReconciler } from '../services/collection-reconciler.js';
import type { DashboardService } from '../services/dashboard-service.js';
import type { NotificationService } from '../services/notification-service.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/store.js';
import type { ClientSync } from '../sync/client-sync.js';
import {
  PRIORITY_NEW_CLIENT,
  PRIORITY_ROUTINE,
  type JobScheduler,
  type ScheduledClient,
} from '../sync/scheduler/job-scheduler.js';
import {
  PgBossJobScheduler,
  type PgBossJobSchedulerOptions,
} from '../sync/scheduler/pg-boss-job-scheduler.js';
import { TimerJobScheduler } from '../sync/scheduler/timer-job-scheduler.js';
import type { SyncRunner } from '../sync/sync-runner.js';

/** What the schedule's jobs call. */
export interface ScheduleParts {
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly store: Store;
  readonly telemetry: Telemetry;
  readonly syncRunner: SyncRunner;
  readonly clientSync: ClientSync;
  readonly notifications: NotificationService;
  readonly dashboard: DashboardService;
  readonly collection: CollectionReconciler;
  readonly billing: BillingService;
  /** Alert digests, the weekly summary and webhook deliveries; without them (no bot to deliver), not scheduled. */
  readonly alertDigests?: AlertDigests;
  /** The PostgreSQL scheduler's timing, overriding its defaults (tests that kill an instance). */
  readonly timing?: Pick<PgBossJobSchedulerOptions, 'tickMs' | 'pollMs' | 'heartbeatMs' | 'deadAfterMs'>;
}

/**
 * The schedule: per-client jobs every interval, and daily jobs (UTC). Timers on SQLite; pg-boss on PostgreSQL, so
 * that with several instances each job runs once. Not started here: the server starts it.
 */
export function createSchedule(parts: ScheduleParts): JobScheduler {
  const { config, clock, logger, store, syncRunner, clientSync, notifications, dashboard } = parts;
  // A client never synced yet (just connected) goes before routine runs.
  const listClients = async (): Promise<ScheduledClient[]> =>
    (await store.read.integrations.scheduled()).map((client) => ({
      clientId: client.clientId,
      priority: client.synced ? PRIORITY_ROUTINE : PRIORITY_NEW_CLIENT,
    }));
  // The schedulers look for due work every 30 s (timers) or 10 s (pg-boss): more often when the alerts are checked
  // more often than that (ALERTS_CHECK_SECONDS).
  const alertsEveryMs = config.alertsCheckSeconds * 1000;
  const scheduler: JobScheduler =
    config.store.kind === 'postgres'
      ? new PgBossJobScheduler({
          connectionString: config.store.url,
          schema: config.store.schema,
          instanceId: syncRunner.owner,
          clock,
          listClients,
          logger,
          concurrency: config.syncConcurrency,
          tickMs: Math.min(10_000, alertsEveryMs),
          ...parts.timing,
        })
      : new TimerJobScheduler({
          listClients,
          clock,
          logger,
          concurrency: config.syncConcurrency,
          tickMs: Math.min(30_000, alertsEveryMs),
        });
  parts.telemetry.sources.queues = () => scheduler.queueStats();
  // One job per client: everything a sync means, in order (ClientSync); the slow, paced kinds every 6 hours.
  scheduler.registerClientJob({
    name: 'client-sync',
    everyMinutes: config.syncIntervalMinutes,
    run: async (clientId, takeover, signal) => {
      const outcome = await clientSync.run(clientId, {
        trigger: 'schedule',
        slowKindsEveryMinutes: Math.max(360, config.syncIntervalMinutes),
        ...(takeover === undefined ? {} : { resumingSince: takeover.since }),
        ...(signal === undefined ? {} : { signal }),
      });
      // A failed directory run opens (or continues) an incident; successes are checked by the directory sync's
      // listeners (createCore); a run cut short by a shutdown, or stopped because another instance took the client
      // over, is no news.
      const stopped = syncRunner.aborted || signal?.aborted === true;
      const directory = outcome.runs.find((entry) => entry.kind === 'directory');
      if (directory !== undefined && directory.run.status !== 'succeeded' && !stopped) {
        await notifications.checkClient(clientId);
      }
    },
  });
  // Alerts held for a digest whose hour has come, the weekly summary, and webhook deliveries (and their retries).
  const alertDigests = parts.alertDigests;
  if (alertDigests !== undefined) {
    scheduler.registerClientJob({
      name: 'client-alerts',
      everyMinutes: config.alertsCheckSeconds / 60,
      run: async (clientId) => {
        await alertDigests.run(clientId);
      },
    });
  }
  // The rules are applied before the day's billing snapshot is taken (expiry is evaluated as it is read), and both
  // before the daily digest.
  scheduler.registerDailyJob({
    name: 'collection-rules-daily',
    atHourUtc: 2,
    run: async () => {
      await parts.collection.reconcileAll();
      await parts.billing.takeAllSnapshots();
      await dashboard.recordSnapshots();
      await store.read.pendingActions.deleteExpired(clock.now().toISOString());
    },
  });
  scheduler.registerDailyJob({
    name: 'notifications-daily',
    atHourUtc: 3,
    run: async () => {
      await notifications.checkAll();
    },
  });
  return scheduler;
}
