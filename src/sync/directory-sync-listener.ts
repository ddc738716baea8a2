/**
 * Told after every successful directory run — the port through which the collection rules (auto-import of eligible
 * users, disabling members of excluded groups, marking users deleted in Entra) follow the directory. The sync itself
 * writes Entra facts only. A listener that throws is logged; the run stays successful.
 */
export interface DirectorySyncListener {
  onDirectorySynced(clientId: string, runId: number): Promise<void>;
}
