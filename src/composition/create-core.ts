import { ownSecretsOf } from '../config/load-config.js';
import {
  demoConsentApp,
  demoGraphEndpoints,
  graphEndpointsFromConfig,
  TenantGraphFactory,
} from '../graph/tenant-graph-factory.js';
import { TenantIdResolver } from '../graph/tenant-id-resolver.js';
import { TlsTrust } from '../graph/tls-trust.js';
import { REPORTS_PACE_KEY } from '../graph/tenant-gate.js';
import { AccessPolicy } from '../services/access-policy.js';
import { AuditLogService } from '../services/audit-log-service.js';
import { AuditTrail } from '../services/audit-trail.js';
import { BillingService } from '../services/billing-service.js';
import { LicenceService } from '../services/licence-service.js';
import { OffboardingService } from '../services/offboarding-service.js';
import { UserActionsService } from '../services/user-actions-service.js';
import { ClientAccess } from '../services/client-access.js';
import { ClientService } from '../services/client-service.js';
import { CollectionReconciler } from '../services/collection-reconciler.js';
import { ExportGate } from '../services/export-gate.js';
import { ExportService } from '../services/export-service.js';
import { GraphConnectionVerifier } from '../services/connection-verifier.js';
import { GroupService } from '../services/group-service.js';
import { IntegrationService } from '../services/integration-service.js';
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
import { systemClock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import { openDatabase } from '../store/database.js';
import { IntegrationRepository } from '../store/integration-repository.js';
import { SecretBox } from '../store/secret-box.js';
import { createStore } from '../store/store.js';
import { readClientHealth } from '../observability/client-health-query.js';
import { Telemetry } from '../observability/telemetry.js';
import { ClientSync } from '../sync/client-sync.js';
import { DirectorySync } from '../sync/directory-sync.js';
import { MfaRegistrationSync } from '../sync/mfa-registration-sync.js';
import { createSchedule } from './create-schedule.js';
import { ServicePrincipalSync } from '../sync/service-principal-sync.js';
import { LicenceSync } from '../sync/licence-sync.js';
import { SignInActivitySync } from '../sync/sign-in-activity-sync.js';
import { SignInIngestion } from '../sync/sign-in-ingestion.js';
import { SyncRunner } from '../sync/sync-runner.js';

export type { Core, CoreOptions, CoreServices } from './core.js';
import type { Core, CoreOptions } from './core.js';

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
  // The reports tier's spacing: each engine's own (Graph's limits), unless given — by a test, or in demo mode
  // against a simulator without throttling (DEMO_REPORTS_PACE_MS).
  const reportsPace =
    options.reportsPace ??
    (config.mode === 'demo' && config.demo.reportsPaceMs !== undefined
      ? { key: REPORTS_PACE_KEY, minIntervalMs: config.demo.reportsPaceMs }
      : undefined);
  const pace = reportsPace === undefined ? {} : { pace: reportsPace };
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
    logger,
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
  const offboarding = new OffboardingService({ clientAccess, users, userActions });
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
  // After every client sync that ran to its end, whoever started it (every directory run is part of one): the day's
  // dashboard snapshot, once the MFA registrations and sign-ins it read are in, rewritten so yesterday's row holds
  // yesterday's last state (the partner dashboard's MFA and SSO columns read it). Also as soon as the MFA
  // registrations are in: a first sync then reads 30 days of sign-ins for minutes, and the MFA column would say
  // "no data yet" all that time.
  clientSync.addListener({
    onPartSynced: async (clientId, part) => {
      if (part === 'mfa') await dashboard.recordSnapshots(clientId);
    },
    onClientSynced: async ({ clientId }) => {
      await dashboard.recordSnapshots(clientId);
    },
  });

  const scheduler = createSchedule({
    config,
    clock,
    logger,
    store,
    telemetry,
    syncRunner,
    clientSync,
    notifications,
    dashboard,
    collection,
    billing,
    ...(options.notifier === undefined ? {} : { alertDigests }),
    ...(options.schedulerTiming === undefined ? {} : { timing: options.schedulerTiming }),
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
    offboarding,
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
