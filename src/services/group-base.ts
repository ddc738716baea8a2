import { z } from 'zod/v4';
import type { GroupView } from '../contracts/groups.js';
import type { Clock } from '../shared/clock.js';
import { NotFoundError, ValidationError } from '../shared/errors.js';
import type { Repositories, Store } from '../store/store.js';
import type { ExpiryAsOf } from '../store/collection-sql.js';
import type { GroupRecord } from '../store/group-repository.js';
import type { BillableBasis } from '../domain/vocabulary.js';
import type { AuditTrail } from './audit-trail.js';
import type { ClientAccess } from './client-access.js';
import type { CollectionReconciler } from './collection-reconciler.js';
import { parseInput } from './validation.js';
import { toGroupView } from './group-view.js';

export interface GroupServiceOptions {
  readonly store: Store;
  readonly clientAccess: ClientAccess;
  readonly audit: AuditTrail;
  readonly clock: Clock;
  /** The collection rules, applied in the exclusion's own transaction. */
  readonly reconciler: CollectionReconciler;
}

/** A group named by object id, or by its exact display name when that is unique. */
export const groupRefSchema = z
  .string({ error: 'name a group by id or display name' })
  .trim()
  .min(1, 'name a group by id or display name')
  .max(256, 'at most 256 characters');

/** What the group use cases share: the options and the helpers that find a group, count billable users and view it. */
export abstract class GroupServiceBase {
  protected readonly store: Store;
  protected readonly clientAccess: ClientAccess;
  protected readonly audit: AuditTrail;
  protected readonly clock: Clock;
  protected readonly reconciler: CollectionReconciler;

  constructor(options: GroupServiceOptions) {
    this.store = options.store;
    this.clientAccess = options.clientAccess;
    this.audit = options.audit;
    this.clock = options.clock;
    this.reconciler = options.reconciler;
  }

  /** The billable figure of the preview's basis now, and the expiry it was counted with. */
  protected async billableNow(
    repos: Repositories,
    clientId: string,
    now: Date,
  ): Promise<{ before: number; basis: BillableBasis; expiry: ExpiryAsOf }> {
    const integration = await repos.integrationAdmin.collectionFacts(clientId);
    const collection = repos.collection;
    const expiry = await collection.expiryAsOf(clientId, now);
    if ((integration?.importStartedAt ?? null) === null) {
      return { before: await collection.projectedBillable(clientId, now), basis: 'projected', expiry };
    }
    return { before: (await collection.counts(clientId, now)).billable, basis: 'current', expiry };
  }

  protected async findGroup(repos: Repositories, clientId: string, groupRef: string): Promise<GroupRecord> {
    const ref = parseInput(groupRefSchema, groupRef);
    const group = await repos.groups.find(clientId, ref);
    if (group === 'ambiguous') {
      throw new ValidationError(
        `Invalid input — group: several groups are named '${ref}'; use the group's id.`,
        [{ path: 'group', message: 'ambiguous name; use the id' }],
      );
    }
    if (group === undefined) throw new NotFoundError('Group', ref);
    return group;
  }

  protected async view(repos: Repositories, clientId: string, group: GroupRecord): Promise<GroupView> {
    const counts = await repos.groups.counts(clientId, [group.id]);
    return toGroupView(group, counts.get(group.id));
  }
}
