import type { TenantGraphFactory } from '../graph/tenant-graph-factory.js';
import type { Clock } from '../shared/clock.js';
import type { IntegrationRepository } from '../store/integration-repository.js';
import type { Store } from '../store/store.js';
import type { SyncTrigger } from '../domain/vocabulary.js';
import {
  SERVICE_PRINCIPAL_SELECT,
  toServicePrincipalRecord,
  type GraphServicePrincipal,
} from './activity-mappers.js';
import { runSnapshotPass } from './snapshot-pass.js';
import type { RunOutcome, SyncRunner } from './sync-runner.js';

export interface ServicePrincipalSyncOptions {
  /** The engine's writes (each page with its checkpoint in one transaction). */
  readonly store: Store;
  readonly graphs: TenantGraphFactory;
  readonly integrations: IntegrationRepository;
  readonly runner: SyncRunner;
  readonly clock: Clock;
}

/**
 * Copies each client's enterprise applications (`/servicePrincipals`, with their single sign-on mode and owner)
 * into `service_principals`: the list is read whole each round (identity tier, no delta needed at this size),
 * resumably, and applications deleted since the last round are swept. The reports join sign-ins to it by app id.
 */
export class ServicePrincipalSync {
  constructor(private readonly options: ServicePrincipalSyncOptions) {}

  async run(clientId: string, trigger: SyncTrigger = 'schedule'): Promise<RunOutcome> {
    const { store, clock, integrations, graphs, runner } = this.options;
    return runner.run(clientId, 'service_principals', trigger, async (context) => {
      if ((await integrations.find(clientId)) === undefined) return;
      const graph = graphs.forIntegration(await integrations.credentials(clientId));
      await runSnapshotPass<GraphServicePrincipal>(
        {
          stream: 'service_principals',
          firstLink: `/servicePrincipals?$select=${SERVICE_PRINCIPAL_SELECT}&$top=999`,
          operation: 'servicePrincipals',
          requiredPermissions: ['Directory.Read.All'],
          writePage: async (tx, items, stamp) => {
            const records = items.filter((item) => typeof item.id === 'string').map(toServicePrincipalRecord);
            await tx.servicePrincipals.upsertPage(clientId, records, stamp);
            return records.length;
          },
          sweep: (tx, stamp) => tx.servicePrincipals.sweep(clientId, stamp),
        },
        context,
        graph,
        { store, clock },
      );
    });
  }
}
