/** What a core is: the options `createCore` takes and the services it gives the server, the bot, the CLI and tests. */
import type { KyselyPlugin } from 'kysely';
import type { AppConfig } from '../config/load-config.js';
import type { Notifier } from '../domain/notification-port.js';
import type { TenantGraphFactory, GraphEndpoints } from '../graph/tenant-graph-factory.js';
import type { AccessPolicy } from '../services/access-policy.js';
import type { AuditLogService } from '../services/audit-log-service.js';
import type { AuditTrail } from '../services/audit-trail.js';
import type { BillingService } from '../services/billing-service.js';
import type { LicenceService } from '../services/licence-service.js';
import type { OffboardingService } from '../services/offboarding-service.js';
import type { UserActionsService } from '../services/user-actions-service.js';
import type { ClientService } from '../services/client-service.js';
import type { CollectionReconciler } from '../services/collection-reconciler.js';
import type { ExportService } from '../services/export-service.js';
import type { GroupService } from '../services/group-service.js';
import type { IntegrationService } from '../services/integration-service.js';
import type { IntegrationServiceOptions } from '../services/integration-base.js';
import type { NotificationService } from '../services/notification-service.js';
import type { AlertDigests } from '../services/alert-digests.js';
import type { AlertService } from '../services/alert-service.js';
import type { DownloadLinkService } from '../services/download-link-service.js';
import type { TabPlacementService } from '../services/tab-placement-service.js';
import type { ReportService } from '../services/report-service.js';
import type { RoleService } from '../services/role-service.js';
import type { StatusService } from '../services/status-service.js';
import type { DoctorService } from '../services/doctor-service.js';
import type { DashboardService } from '../services/dashboard-service.js';
import type { SearchService } from '../services/search-service.js';
import type { SyncService } from '../services/sync-service.js';
import type { UserService } from '../services/user-service.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { AppDatabase } from '../store/database.js';
import type { IntegrationRepository } from '../store/integration-repository.js';
import type { SecretBox } from '../store/secret-box.js';
import type { Store } from '../store/store.js';
import type { Pace } from '../graph/tenant-gate.js';
import type { Telemetry } from '../observability/telemetry.js';
import type { ClientSync } from '../sync/client-sync.js';
import type { DirectorySync } from '../sync/directory-sync.js';
import type { MfaRegistrationSync } from '../sync/mfa-registration-sync.js';
import type { JobScheduler } from '../sync/scheduler/job-scheduler.js';
import type { PgBossJobSchedulerOptions } from '../sync/scheduler/pg-boss-job-scheduler.js';
import type { ServicePrincipalSync } from '../sync/service-principal-sync.js';
import type { SignInActivitySync } from '../sync/sign-in-activity-sync.js';
import type { SignInIngestion } from '../sync/sign-in-ingestion.js';
import type { SyncRunner } from '../sync/sync-runner.js';

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
  /** Offboarding a leaver: `preview`, `execute` (block sign-in, sign out everywhere, remove licences, Disable user). */
  readonly offboarding: OffboardingService;
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
  | 'offboarding'
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
