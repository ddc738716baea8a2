import type { KyselyPlugin } from 'kysely';
import { ownSecretsOf, type AppConfig } from '../config/load-config.js';
import type { Notifier } from '../domain/notification-port.js';
import {
  demoConsentApp,
  demoGraphEndpoints,
  graphEndpointsFromConfig,
  TenantGraphFactory,
  type GraphEndpoints,
} from '../graph/tenant-graph-factory.js';
import { TenantIdResolver } from '../graph/tenant-id-resolver.js';
import { TlsTrust } from '../graph/tls-trust.js';
import { AccessPolicy } from '../services/access-policy.js';
import { AuditLogService } from '../services/audit-log-service.js';
import { AuditTrail } from '../services/audit-trail.js';
import { BillingService } from '../services/billing-service.js';
import { LicenceService } from '../services/licence-service.js';
import { UserActionsService } from '../services/user-actions-service.js';
import { ClientAccess } from '../services/client-access.js';
import { ClientService } from '../services/client-service.js';
import { CollectionReconciler } from '../services/collection-reconciler.js';
import { ExportGate } from '../services/export-gate.js';
import { ExportService } from '../services/export-service.js';
import { GraphConnectionVerifier } from '../services/connection-verifier.js';
import { GroupService } from '../services/group-service.js';
import { IntegrationService } from '../services/integration-service.js';
import type { IntegrationServiceOptions } from '../services/integration-base.js';
import { NotificationService } from '../services/notification-service.js';
import { AlertDigests } from '../services/alert-digests.js';
import { AlertRouter } from '../services/alert-router.js';
import { AlertService } from '../services/alert-service.js';
import { WebhookSender } from '../services/webhook-sender.js';
import { DownloadLinkService } from '../services/download-link-service.js';
import { TabPlacementService } from '../services/tab-placement-service.js';
import { ReportService } from '../services/report-service.js';
import { RoleService } from '../services/role-service.js';
import { StatusService } from '../services/status-service.js';
import { DoctorService } from '../services/doctor-service.js';
import { DashboardService } from '../services/dashboard-service.js';
import { SearchService } from '../services/search-service.js';
import { SyncService } from '../services/sync-service.js';
import { UserService } from '../services/user-service.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { openDatabase, type AppDatabase } from '../store/database.js';
import { IntegrationRepository } from '../store/integration-repository.js';
import { PendingActionRepository } from '../store/pending-action-repository.js';
import { SecretBox } from '../store/secret-box.js';
import { createStore, type Store } from '../store/store.js';
import type { Pace } from '../graph/tenant-gate.js';
import { readClientHealth } from '../observability/client-health-query.js';
import { Telemetry } from '../observability/telemetry.js';
import { ClientSync } from '../sync/client-sync.js';
import { DirectorySync } from '../sync/directory-sync.js';
import { MfaRegistrationSync } from '../sync/mfa-registration-sync.js';
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
import { ServicePrincipalSync } from '../sync/service-principal-sync.js';
import { LicenceSync } from '../sync/licence-sync.js';
import { SignInActivitySync } from '../sync/sign-in-activity-sync.js';
import { SignInIngestion } from '../sync/sign-in-ingestion.js';
import { SyncRunner } from '../sync/sync-runner.js';

export interface CoreOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  /** The secrets key (from configuration, or the demo key the entry point loaded). */
  readonly secretsKey: Buffer;
  readonly clock?: Clock;
  /** Where Entra ID and Graph are, overriding the configuration (demo mode points them at its simulator). */
  readonly graphEndpoints?: GraphEndpoints;
  /** Our multi-tenant app for admin-consent integrations, overriding the configuration (demo mode's simulated one). */
  readonly consentApp?: { readonly clientId: string; readonly clientSecret: string };
  /** Proactive delivery (the bot's); without it notifications are not checked (the CLI). */
  readonly notifier?: Notifier;
  /**
   * Spacing of the reports-tier requests (sign-ins, signInActivity, MFA registration), overriding Graph's pace —
   * for tests against a simulator that does not throttle.
   */
  readonly reportsPace?: Pace;
  /**
   * The PostgreSQL scheduler's clock (how often it ticks, polls and shows life, and when a silent instance is dead),
   * overriding its defaults — for tests that kill an instance and must not wait half a minute for the takeover.
   */
  readonly schedulerTiming?: Pick<
    PgBossJobSchedulerOptions,
    'tickMs' | 'pollMs' | 'heartbeatMs' | 'deadAfterMs'
  >;
  /**
   * How long a granted admin consent is waited for until Microsoft applies it (retried within the callback, then
   * by the waiting page), overriding the defaults of 8 s, every 2 s, for 15 minutes — for tests against a simulator
   * whose consent propagation they set, so that they need not wait the real callback's 8 seconds.
   */
  readonly consentWait?: IntegrationServiceOptions['consentWait'];
  /** Metrics and traces (the server's, served on /metrics); default: a registry of its own, without process metrics. */
  readonly telemetry?: Telemetry;
  /**
   * Kysely plugins that see every statement the core sends to the store (not the migrations, nor `core.database`):
   * for a test that counts a use case's statements, or a benchmark that times them.
   */
  readonly storePlugins?: readonly KyselyPlugin[];
}

/**
 * The core, assembled: the store and every service the bot, the tab and the CLI call. Built only by the entry
 * points (server/main.ts, src/cli/main.ts) and by tests — there are no module-level singletons.
 */
export interface Core {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Metrics (sync runs, Graph requests, queues, client health) and the tracer. */
  readonly telemetry: Telemetry;
  readonly database: AppDatabase;
  /** The services' way to the data: `read` and `transaction(fn)` over the repositories (no SQL builder). */
  readonly store: Store;
  readonly secretBox: SecretBox;
  readonly access: AccessPolicy;
  readonly audit: AuditTrail;
  readonly clients: ClientService;
  readonly status: StatusService;
  /** Microsoft Graph per tenant: `forIntegration(credentials)` (cached), `create(credentials)` for checks. */
  readonly graphs: TenantGraphFactory;
  /** Integration rows, client secret encrypted (decrypted only by `credentials(clientId)`). */
  readonly integrationStore: IntegrationRepository;
  readonly syncRunner: SyncRunner;
  /** `directorySync.run(clientId)` syncs now or joins the run in progress; `addListener` for the rules. */
  readonly directorySync: DirectorySync;
  readonly signInActivitySync: SignInActivitySync;
  /** Per-client and daily jobs (directory sync registered); started by the server, not by the CLI. */
  readonly scheduler: JobScheduler;
  /**
   * A client's integration: `get`, `connect` (client credentials), `startConsent` / `completeConsent` (admin
   * consent), `test`, `rotateSecret`, `remove`, `startImport` (rule 2), `setExpiryThreshold` (rule 8).
   */
  readonly integrations: IntegrationService;
  /** Users: `list`, `listEntraUsers`, `get`, `importUser`, `disableUser`, `departments`. */
  readonly users: UserService;
  /** Groups: `list`, `get`, `previewExclusion`, `confirmExclusion`, `setReporting`, `members`. */
  readonly groups: GroupService;
  /** The partner dashboard (issue 16): `dashboard`; `recordSnapshots` (system job: the day's figures). */
  readonly dashboard: DashboardService;
  /** Cross-client search of users and groups (issue 16): `find`. */
  readonly search: SearchService;
  /** Billing: `summary`, `history`; `takeSnapshot` / `takeAllSnapshots` (system jobs). */
  readonly billing: BillingService;
  /**
   * Licences and their cost (issue 17): `overview` (the Licences report), `inactiveLicensed`, `userLicences`,
   * `prices`, `setPrices` (admin, audited), `reportCsv`.
   */
  readonly licences: LicenceService;
  /** Acting on users in Entra (issue 17): `preview`, `execute` (block sign-in and its Undo), audited per user. */
  readonly userActions: UserActionsService;
  /** Roles: `myGrants`, `list`, `assign`, `revoke`. */
  readonly roles: RoleService;
  /** The audit log: `query`, `exportCsv`, `exportCsvPages`. */
  readonly auditLog: AuditLogService;
  /** Every CSV download, streamed behind one concurrency gate: `usersCsv`, `auditCsv`, `reportCsv`, `billingCsv`. */
  readonly exports: ExportService;
  /**
   * A client's sync, for the bot, the tab and the CLI: `start` (everything a sync means, joining runs under way),
   * `requestSync` (start without waiting), `status` (live progress, cheap to poll).
   */
  readonly sync: SyncService;
  /** The operator's check of a client's tenant against every request the product sends: `check`. */
  readonly doctor: DoctorService;
  /** Sign-in ingestion per client (`run(clientId)`), part of every sync. */
  readonly signInIngestion: SignInIngestion;
  /**
   * Everything a sync of a client means (`run(clientId, { parts })`): directory, activity, MFA, sign-ins — what the
   * scheduler runs every interval, and the CLI's `sync`.
   */
  readonly clientSync: ClientSync;
  /** MFA registration details per client (`run(clientId)`), scheduled every 6 hours. */
  readonly mfaRegistrationSync: MfaRegistrationSync;
  /** Enterprise applications and their SSO modes per client (`run(clientId)`), scheduled every 6 hours. */
  readonly servicePrincipalSync: ServicePrincipalSync;
  /**
   * Reports (rule 10): `applicationUsage`, `ssoCoverage`, `mfaCoverage`, `usersAndBilling`, `report(kind)`,
   * `csv(kind, request, table?)`, `filters(client)`.
   */
  readonly reports: ReportService;
  /** Where each client's channel and group-chat tabs are (cards posted there open them). */
  readonly tabPlacements: TabPlacementService;
  /** Short-lived single-use signed links to the tab's exports (downloads opened outside the tab). */
  readonly downloadLinks: DownloadLinkService;
  /**
   * The collection rules, applied in every directory sync's transaction (registered as its rules), by exclusions
   * and daily: `reconcile(clientId)`, `reconcileAll()`. Expiry needs no pass: it is evaluated whenever it is read.
   */
  readonly collection: CollectionReconciler;
  /**
   * Proactive notifications (rule 11): the bot's conversations (`rememberConversation`, `forgetConversation`,
   * `conversation`, `setNotifications`) and the checks run after each directory sync and daily (`checkClient`,
   * `checkAll`), delivered through the {@link Notifier} port.
   */
  readonly notifications: NotificationService;
  /**
   * Alerts the admin shapes (issue 16): settings per client and kind, the alerts sent and their acknowledgement,
   * outgoing webhooks and their delivery log.
   */
  readonly alerts: AlertService;
  /** The scheduled side of alerts: due daily digests, the weekly summary, webhook deliveries (`run(clientId)`). */
  readonly alertDigests: AlertDigests;
  /**
   * The process is stopping: tells every long pass under way to stop (abort signal through each Graph call) and
   * starts no new one. Cheap and synchronous: call it first on SIGTERM, before draining HTTP requests.
   */
  beginShutdown(): void;
  /** Stops background work (within seconds, after {@link beginShutdown}) and closes the store. */
  close(): Promise<void>;
}

/**
 * What the edges — the bot, the tab API and the CLI's commands — receive: the services (use cases) and the read-only
 * configuration, never the store, the sync engines, the Graph client or the access policy behind them (the entry
 * points that assemble the core keep {@link Core}).
 */
export type CoreServices = Pick<
  Core,
  | 'config'
  | 'logger'
  | 'clock'
  | 'clients'
  | 'status'
  | 'dashboard'
  | 'search'
  | 'integrations'
  | 'users'
  | 'groups'
  | 'billing'
  | 'licences'
  | 'userActions'
  | 'roles'
  | 'auditLog'
  | 'exports'
  | 'sync'
  | 'doctor'
  | 'reports'
  | 'tabPlacements'
  | 'downloadLinks'
  | 'notifications'
  | 'alerts'
>;

/**
 * Builds the core: the store, then the Graph seam and the sync engines, then the services; then wires what runs
 * after each directory sync and what runs on a schedule (both listed in one place below).
 * @throws {AppError} `store_unavailable` when the store cannot be opened.
 */
export async function createCore(options: CoreOptions): Promise<Core> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  if (options.secretsKey.length !== 32) {
    throw new AppError('invalid_secrets_key', 'The secrets key must be 32 bytes.');
  }

  // The store.
  const database = await openDatabase(config.store, { logger });
  const db = (options.storePlugins ?? []).reduce(
    (plugged, plugin) => plugged.withPlugin(plugin),
    database.db,
  );
  const secretBox = new SecretBox(options.secretsKey);
  const store = createStore(db, secretBox);

  // Microsoft Graph and the sync engines.
  const endpoints =
    options.graphEndpoints ??
    (config.mode === 'demo' ? demoGraphEndpoints(config) : graphEndpointsFromConfig(config.graph));
  // Demo mode outside the server (the admin CLI) signs in with the same demo app as the server that registered it,
  // unless a consent app is configured (CONSENT_APP_CLIENT_ID), which always wins.
  const consentApp =
    options.consentApp ??
    (config.mode === 'demo' && config.consentApp.clientId === undefined
      ? demoConsentApp(options.secretsKey)
      : config.consentApp);
  // One TLS trust (the public roots, plus the extra CA if one is set) for every call to Entra ID and Graph.
  const trust = new TlsTrust(endpoints.trustedCaPem);
  const graphs = new TenantGraphFactory({ endpoints, consentApp, trust });
  const tenantIds = new TenantIdResolver({ authorityHost: endpoints.authorityHost, trust });
  const integrationStore = new IntegrationRepository(db, secretBox);
  const telemetry = options.telemetry ?? new Telemetry({ processMetrics: false });
  telemetry.sources.clientHealth = () => readClientHealth(db);
  const syncRunner = new SyncRunner({ store, clock, logger, telemetry });
  const syncParts = { db, store, graphs, integrations: integrationStore, runner: syncRunner, clock, logger };
  const pace = options.reportsPace === undefined ? {} : { pace: options.reportsPace };
  const directorySync = new DirectorySync(syncParts);
  // Once a client's activity has been read, the day's billing snapshot and the expiry digest can be told the truth.
  const signInActivitySync = new SignInActivitySync({
    ...syncParts,
    ...pace,
    listener: {
      onActivityRead: async (clientId) => {
        await billing.takeSnapshot(clientId);
        await notifications.checkClient(clientId);
      },
    },
  });
  const mfaRegistrationSync = new MfaRegistrationSync({ ...syncParts, store, ...pace });
  const servicePrincipalSync = new ServicePrincipalSync({ ...syncParts, store });
  const licenceSync = new LicenceSync({ ...syncParts, store });

  // The services: authorization, rules and audit.
  const access = new AccessPolicy({ store, partnerAdmins: config.partnerAdmins });
  const audit = new AuditTrail({ clock });
  const clients = new ClientService({ store, access, audit, clock });
  const clientAccess = new ClientAccess(clients, access);
  const collection = new CollectionReconciler({ store, audit, clock, logger });
  directorySync.setRules(collection);
  const signInIngestion = new SignInIngestion({
    ...syncParts,
    ...pace,
    retentionDays: config.signInRetentionDays,
  });
  const clientSync = new ClientSync({
    store,
    clock,
    runner: syncRunner,
    directory: directorySync,
    activity: signInActivitySync,
    signIns: signInIngestion,
    mfa: mfaRegistrationSync,
    servicePrincipals: servicePrincipalSync,
    licences: licenceSync,
  });
  const integrations = new IntegrationService({
    store,
    access,
    clientAccess,
    audit,
    clock,
    logger,
    secretsKey: options.secretsKey,
    verifier: new GraphConnectionVerifier(graphs, tenantIds),
    reconciler: collection,
    publicBaseUrl: config.publicBaseUrl,
    authorityHost: endpoints.authorityHost,
    consentApp,
    ...(options.consentWait === undefined ? {} : { consentWait: options.consentWait }),
  });
  const users = new UserService({ store, clientAccess, audit, clock });
  const groups = new GroupService({ store, clientAccess, audit, clock, reconciler: collection });
  const billing = new BillingService({ store, clientAccess, clock, logger });
  const licences = new LicenceService({ store, clients, graphs, clientAccess, audit, clock });
  const userActions = new UserActionsService({ store, clientAccess, graphs, audit, clock });
  const status = new StatusService({
    store,
    clients,
    integrations,
    billing,
    clock,
    syncIntervalMinutes: config.syncIntervalMinutes,
  });
  const dashboard = new DashboardService({
    store,
    clients,
    clock,
    logger,
    syncIntervalMinutes: config.syncIntervalMinutes,
  });
  const search = new SearchService({ store, access, clock });
  const roles = new RoleService({
    store,
    access,
    clientAccess,
    clients,
    audit,
    clock,
    configuredPartnerAdmins: config.partnerAdmins,
  });
  const auditLog = new AuditLogService({ store, access, clientAccess, clients });
  const sync = new SyncService({
    store,
    clientAccess,
    clientSync,
    runner: syncRunner,
    logger,
    assertConfigured: async (clientId) => {
      graphs.assertConfiguredFor(await integrationStore.credentials(clientId));
    },
  });
  const doctor = new DoctorService({ clientAccess, graphs, integrations: integrationStore, clock });
  const reports = new ReportService({ store, clientAccess, clock });
  const exports = new ExportService({
    users,
    auditLog,
    reports,
    licences,
    billing,
    gate: new ExportGate({
      concurrency: config.limits.exportConcurrency,
      perActor: config.limits.exportsPerUser,
    }),
  });
  const tabPlacements = new TabPlacementService({ store, clientAccess, audit, clock });
  const downloadLinks = new DownloadLinkService({ store, clock, secretsKey: options.secretsKey });
  // Alerts the admin shapes (issue 16): webhooks may point at this machine only in demo mode (and its tests).
  const allowLoopbackHttp = config.mode === 'demo';
  const webhookSender = new WebhookSender({ store, secretBox, clock, logger, allowLoopbackHttp });
  const alerts = new AlertService({
    store,
    access,
    clientAccess,
    audit,
    clock,
    secretBox,
    allowLoopbackHttp,
  });
  const notifications = new NotificationService({
    store,
    clock,
    notifier: options.notifier,
    sources: {
      access,
      logger,
      clients,
      status,
      integrations,
      users,
      tabPlacements,
      alertRouter: new AlertRouter({ store, clock, logger, audit, webhooks: webhookSender }),
    },
    settings: { ownSecrets: ownSecretsOf(config) },
  });

  const alertDigests = new AlertDigests({
    store,
    clock,
    logger,
    clients,
    integrations,
    users,
    billing,
    reports,
    notifications,
    webhooks: webhookSender,
  });

  // After every successful directory sync, whoever started it (schedule, bot, tab, CLI) — its collection rules were
  // applied in its own transaction — in this order: 1. users back in collection get their last sign-in, then
  // 2. notifications (first sync, recovery, expiries) read the current state.
  directorySync.addListener({
    onDirectorySynced: async (clientId) => {
      await signInIngestion.applyLastSignIns(clientId);
    },
  });
  directorySync.addListener({
    onDirectorySynced: async (clientId) => {
      await notifications.checkClient(clientId);
    },
  });
  // 3. the day's dashboard snapshot, rewritten so yesterday's row holds yesterday's last state.
  directorySync.addListener({
    onDirectorySynced: async (clientId) => {
      await dashboard.recordSnapshots(clientId);
    },
  });

  // The schedule: per-client jobs every interval, and daily jobs (UTC). Timers on SQLite; pg-boss on PostgreSQL,
  // so that with several instances each job runs once.
  // A client never synced yet (just connected) goes before routine runs.
  const listClients = async (): Promise<ScheduledClient[]> => {
    const rows = await db
      .selectFrom('integrations as i')
      .select((eb) => [
        'i.client_id',
        eb
          .exists(
            eb
              .selectFrom('sync_runs as r')
              .select('r.id')
              .whereRef('r.client_id', '=', 'i.client_id')
              .where('r.kind', '=', 'directory')
              .where('r.status', '=', 'succeeded'),
          )
          .as('synced'),
      ])
      .execute();
    return rows.map((row) => ({
      clientId: row.client_id,
      priority: Number(row.synced) === 1 ? PRIORITY_ROUTINE : PRIORITY_NEW_CLIENT,
    }));
  };
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
          ...options.schedulerTiming,
        })
      : new TimerJobScheduler({ listClients, clock, logger, concurrency: config.syncConcurrency });
  telemetry.sources.queues = () => scheduler.queueStats();
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
      // A failed directory run opens (or continues) an incident; successes are checked by the listener above; a run
      // cut short by a shutdown, or stopped because another instance took the client over, is no news.
      const stopped = syncRunner.aborted || signal?.aborted === true;
      const directory = outcome.runs.find((entry) => entry.kind === 'directory');
      if (directory !== undefined && directory.run.status !== 'succeeded' && !stopped) {
        await notifications.checkClient(clientId);
      }
      // The day's dashboard snapshot again, now that MFA registrations and sign-ins of this round are in too.
      if (!stopped) {
        await dashboard.recordSnapshots(clientId).catch((error: unknown) => {
          logger.error({ err: error, clientId }, 'dashboard snapshot failed');
        });
      }
    },
  });
  // Alerts held for a digest whose hour has come, the weekly summary, and webhook deliveries (and their retries).
  if (options.notifier !== undefined) {
    scheduler.registerClientJob({
      name: 'client-alerts',
      everyMinutes: 1,
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
      await collection.reconcileAll();
      await billing.takeAllSnapshots();
      await dashboard.recordSnapshots();
      await new PendingActionRepository(db).deleteExpired(clock.now().toISOString());
    },
  });
  scheduler.registerDailyJob({
    name: 'notifications-daily',
    atHourUtc: 3,
    run: async () => {
      await notifications.checkAll();
    },
  });

  return {
    config,
    logger,
    clock,
    telemetry,
    database,
    store,
    secretBox,
    access,
    audit,
    clients,
    status,
    dashboard,
    search,
    sync,
    doctor,
    graphs,
    integrationStore,
    syncRunner,
    directorySync,
    signInActivitySync,
    scheduler,
    integrations,
    users,
    groups,
    billing,
    licences,
    userActions,
    roles,
    auditLog,
    exports,
    collection,
    signInIngestion,
    clientSync,
    mfaRegistrationSync,
    servicePrincipalSync,
    reports,
    tabPlacements,
    downloadLinks,
    notifications,
    alerts,
    alertDigests,
    beginShutdown: () => {
      syncRunner.abort();
    },
    close: async () => {
      syncRunner.abort();
      await scheduler.stop();
      await syncRunner.drain();
      await graphs.close();
      await tenantIds.close();
      await database.close();
    },
  };
}
