import type { TenantGraphFactory } from '../graph/tenant-graph-factory.js';
import type { Clock } from '../shared/clock.js';
import type { IntegrationRepository } from '../store/integration-repository.js';
import type { SubscriptionRecord } from '../store/licence-repository.js';
import type { Store } from '../store/store.js';
import type { SyncTrigger } from '../domain/vocabulary.js';
import { runSnapshotPass } from './snapshot-pass.js';
import type { RunOutcome, SyncRunner } from './sync-runner.js';

/** `subscribedSku` as Graph serves it (https://learn.microsoft.com/en-us/graph/api/resources/subscribedsku). */
export interface GraphSubscribedSku {
  readonly id: string;
  readonly skuId?: string | null;
  readonly skuPartNumber?: string | null;
  readonly appliesTo?: string | null;
  readonly capabilityStatus?: string | null;
  readonly consumedUnits?: number | null;
  readonly prepaidUnits?: { readonly enabled?: number | null } | null;
}

/** A user with its `assignedLicenses` (https://learn.microsoft.com/en-us/graph/api/resources/assignedlicense). */
export interface GraphUserLicences {
  readonly id: string;
  readonly assignedLicenses?: readonly { readonly skuId?: string | null }[] | null;
}

export const SUBSCRIBED_SKUS_SELECT =
  'skuId,skuPartNumber,appliesTo,capabilityStatus,consumedUnits,prepaidUnits';
/**
 * `assignedLicenses` is read from the users list, where Microsoft documents it ("Returned only on $select",
 * https://learn.microsoft.com/en-us/graph/api/resources/user), not from `/users/delta`: licence changes are not a
 * documented part of users' change tracking (licenseAssignmentStates is known to have none,
 * https://github.com/microsoftgraph/microsoft-graph-docs/issues/16690), so a delta-fed copy could miss them.
 */
export const USER_LICENCES_FIRST_PAGE = '/users?$select=id,assignedLicenses&$top=999';

export interface LicenceSyncOptions {
  /** The engine's writes (each page with its checkpoint in one transaction). */
  readonly store: Store;
  readonly graphs: TenantGraphFactory;
  readonly integrations: IntegrationRepository;
  readonly runner: SyncRunner;
  readonly clock: Clock;
}

export function toSubscriptionRecord(sku: GraphSubscribedSku): SubscriptionRecord | undefined {
  if (typeof sku.skuId !== 'string' || sku.skuId === '') return undefined;
  return {
    skuId: sku.skuId.toLowerCase(),
    skuPartNumber: sku.skuPartNumber ?? sku.skuId,
    appliesTo: sku.appliesTo ?? null,
    capabilityStatus: sku.capabilityStatus ?? null,
    enabledUnits: sku.prepaidUnits?.enabled ?? 0,
    consumedUnits: sku.consumedUnits ?? 0,
  };
}

/**
 * Copies each client's licences: its subscriptions (`/subscribedSkus`: SKU, seats bought and assigned) and every
 * user's `assignedLicenses`, each read whole per round (identity tier, one request for the subscriptions and one per
 * 999 users), resumably, what the round did not see swept. Needs only permissions the product already holds:
 * Organization.Read.All for the subscriptions (https://learn.microsoft.com/en-us/graph/api/subscribedsku-list) and
 * User.Read.All for the users.
 */
export class LicenceSync {
  constructor(private readonly options: LicenceSyncOptions) {}

  async run(clientId: string, trigger: SyncTrigger = 'schedule'): Promise<RunOutcome> {
    const { store, clock, integrations, graphs, runner } = this.options;
    return runner.run(clientId, 'licences', trigger, async (context) => {
      if ((await integrations.find(clientId)) === undefined) return;
      const graph = graphs.forIntegration(await integrations.credentials(clientId));
      await runSnapshotPass<GraphSubscribedSku>(
        {
          stream: 'licence_subscriptions',
          firstLink: `/subscribedSkus?$select=${SUBSCRIBED_SKUS_SELECT}`,
          operation: 'subscribedSkus',
          requiredPermissions: ['Organization.Read.All'],
          writePage: async (tx, items, stamp) => {
            const records = items.flatMap((item) => toSubscriptionRecord(item) ?? []);
            await tx.licences.upsertSubscriptions(clientId, records, stamp);
            return records.length;
          },
          sweep: (tx, stamp) => tx.licences.sweepSubscriptions(clientId, stamp),
        },
        context,
        graph,
        { store, clock },
      );
      await runSnapshotPass<GraphUserLicences>(
        {
          stream: 'user_licences',
          firstLink: USER_LICENCES_FIRST_PAGE,
          operation: 'users.assignedLicenses',
          requiredPermissions: ['User.Read.All'],
          writePage: async (tx, items, stamp) =>
            tx.licences.replaceUserLicences(
              clientId,
              items
                .filter((item) => typeof item.id === 'string')
                .map((item) => ({
                  id: item.id,
                  skuIds: (item.assignedLicenses ?? []).flatMap((licence) =>
                    typeof licence.skuId === 'string' ? [licence.skuId.toLowerCase()] : [],
                  ),
                })),
              stamp,
            ),
          sweep: (tx, stamp) => tx.licences.sweepUserLicences(clientId, stamp),
        },
        context,
        graph,
        { store, clock },
      );
    });
  }
}
