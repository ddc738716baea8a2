import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/**
 * Told after every successful directory run (notifications, last sign-ins). The sync itself writes Entra facts
 * only. A listener that throws is logged; the run stays successful.
 */
export interface DirectorySyncListener {
  onDirectorySynced(clientId: string, runId: number): Promise<void>;
}

/**
 * The port through which the collection rules (auto-import of eligible users, disabling members of excluded groups,
 * marking users deleted in Entra) follow the directory: applied inside the transaction that commits a run's
 * memberships, so no reader ever sees the new directory with the old collection states.
 */
export interface DirectoryRulesHook {
  applyInTransaction(trx: Kysely<Database>, clientId: string): Promise<void>;
}
