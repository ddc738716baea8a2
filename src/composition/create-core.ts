import type { AppConfig } from '../config/load-config.js';
import { AccessPolicy } from '../services/access-policy.js';
import { AuditTrail } from '../services/audit-trail.js';
import { ClientService } from '../services/client-service.js';
import { StatusService } from '../services/status-service.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { openDatabase, type AppDatabase } from '../store/database.js';
import { SecretBox } from '../store/secret-box.js';

export interface CoreOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  /** The secrets key (from configuration, or the demo key the entry point loaded). */
  readonly secretsKey: Buffer;
  readonly clock?: Clock;
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
    close: async () => {
      await database.close();
    },
  };
}
