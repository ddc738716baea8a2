import type { AppConfig } from '../config/load-config.js';
import { AccessPolicy } from '../services/access-policy.js';
import { AuditTrail } from '../services/audit-trail.js';
import { ClientService } from '../services/client-service.js';
import { StatusService } from '../services/status-service.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import {
  graphEndpointsFromConfig,
  TenantGraphFactory,
  type GraphEndpoints,
} from '../graph/tenant-graph-factory.js';
import { DirectorySync } from '../sync/directory-sync.js';
import type { JobScheduler } from '../sync/scheduler/job-scheduler.js';
import { PgBossJobScheduler } from '../sync/scheduler/pg-boss-job-scheduler.js';
import { TimerJobScheduler } from '../sync/scheduler/timer-job-scheduler.js';
import { SignInActivitySync } from '../sync/sign-in-activity-sync.js';
import { SyncRunner } from '../sync/sync-runner.js';
import { IntegrationRepository } from '../store/integration-repository.js';
import type { Logger } from '../shared/logger.js';
import { openDatabase, type AppDatabase } from '../store/database.js';
import { SecretBox } from '../store/secret-box.js';

export interface CoreOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  /** The secrets key (from configuration, or the demo key the entry point loaded). */
  readonly secretsKey: Buffer;
  readonly clock?: Clock;
  /** Where Entra ID and Graph are, overriding the configuration (demo mode points them at its simulator). */
  readonly graphEndpoints?: GraphEndpoints;
}

/**
 * The core, assembled: the store and every service the bot, the tab and the CLI call. Built only by the entry
 * points (server/main.ts, src/cli/main.ts) and by tests — there are no module-level singletons.
 */
export interface Core {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly database: AppDatabase;
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
  /** Stops background work and closes the store. */
  close(): Promise<void>;
}

/** Builds the core. @throws {AppError} `store_unavailable` when the store cannot be opened. */
export async function createCore(options: CoreOptions): Promise<Core> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  if (options.secretsKey.length !== 32)
    throw new AppError('invalid_secrets_key', 'The secrets key must be 32 bytes.');
  const database = await openDatabase(config.store, { logger });
  const db = database.db;
  const access = new AccessPolicy({ db, partnerAdmins: config.partnerAdmins });
  const audit = new AuditTrail({ clock });
  const clients = new ClientService({ db, access, audit, clock });
  const status = new StatusService({ db, clients });
  const secretBox = new SecretBox(options.secretsKey);
  const graphs = new TenantGraphFactory({
    endpoints: options.graphEndpoints ?? graphEndpointsFromConfig(config.graph),
    consentApp: config.consentApp,
  });
  const integrationStore = new IntegrationRepository(db, secretBox);
  const syncRunner = new SyncRunner({ db, clock, logger });
  const syncParts = { db, graphs, integrations: integrationStore, runner: syncRunner, clock, logger };
  const directorySync = new DirectorySync(syncParts);
  const signInActivitySync = new SignInActivitySync(syncParts);
  const listClients = async (): Promise<string[]> =>
    (await integrationStore.list()).map((row) => row.clientId);
  const scheduler: JobScheduler =
    config.store.kind === 'postgres'
      ? new PgBossJobScheduler({
          connectionString: config.store.url,
          schema: config.store.schema,
          listClients,
          logger,
        })
      : new TimerJobScheduler({ listClients, clock, logger });
  scheduler.registerClientJob({
    name: 'directory-sync',
    everyMinutes: config.syncIntervalMinutes,
    run: async (clientId) => {
      await directorySync.run(clientId, { trigger: 'schedule' });
    },
  });
  scheduler.registerClientJob({
    name: 'sign-in-activity',
    everyMinutes: Math.max(360, config.syncIntervalMinutes),
    run: async (clientId) => {
      await signInActivitySync.run(clientId, 'schedule');
    },
  });

  return {
    config,
    logger,
    clock,
    database,
    secretBox,
    access,
    audit,
    clients,
    status,
    graphs,
    integrationStore,
    syncRunner,
    directorySync,
    signInActivitySync,
    scheduler,
    close: async () => {
      await scheduler.stop();
      await syncRunner.drain();
      await graphs.close();
      await database.close();
    },
  };
}
