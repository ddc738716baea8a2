import type { Repositories } from '../store/store.js';

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
  /** `tx`: the repositories of the transaction that commits the run's memberships. */
  applyInTransaction(tx: Repositories, clientId: string): Promise<void>;
}
