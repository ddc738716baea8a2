import { z } from 'zod/v4';
import type { GroupMembersPage, GroupPage, GroupView } from '../contracts/groups.js';
import type { Actor } from './actor.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';
import { toUserView } from './user-view.js';
import { optionalBoolean, parseInput } from './validation.js';
import { GroupServiceBase, type GroupServiceOptions } from './group-base.js';
import { GroupExclusion } from './group-exclusion.js';
import { toGroupView } from './group-view.js';

export const groupListInput = z.object({
  search: z.string().trim().max(200, 'at most 200 characters').optional(),
  excluded: optionalBoolean,
  reporting: optionalBoolean,
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1, 'at least 1')
    .max(500, 'at most 500')
    .default(100),
  offset: z.coerce.number({ error: 'must be a number' }).int().min(0, 'at least 0').default(0),
});
export type GroupListInput = z.input<typeof groupListInput>;

const membersInput = z.object({
  limit: z.coerce.number().int().min(1, 'at least 1').max(500, 'at most 500').default(50),
  cursor: z.string().max(2000, 'too long').optional(),
});
export type GroupMembersInput = z.input<typeof membersInput>;

/**
 * Groups of a client (rules 6, 7): the list with member counts, the irreversible exclusion in two steps (a
 * preview bound by token to the group's membership, then its confirmation), import for reporting, and a group's
 * transitive members. Reading needs the read right; changes need the client-admin right.
 */
export class GroupService extends GroupServiceBase {
  private readonly exclusion: GroupExclusion;

  constructor(options: GroupServiceOptions) {
    super(options);
    this.exclusion = new GroupExclusion(options);
  }

  /**
   * A page of the client's groups by name, with direct and transitive member counts.
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async list(actor: Actor, clientRef: string, input: GroupListInput = {}): Promise<GroupPage> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    const query = parseInput(groupListInput, input);
    const groups = this.store.read.groups;
    const page = await groups.list(
      client.id,
      {
        ...(query.search === undefined ? {} : { search: query.search }),
        ...(query.excluded === undefined ? {} : { excluded: query.excluded }),
        ...(query.reporting === undefined ? {} : { reporting: query.reporting }),
      },
      { limit: query.limit, offset: query.offset },
    );
    const counts = await groups.counts(
      client.id,
      page.rows.map((row) => row.id),
    );
    return { items: page.rows.map((row) => toGroupView(row, counts.get(row.id))), total: page.total };
  }

  /** One group with its counts. @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError} */
  async get(actor: Actor, clientRef: string, groupRef: string): Promise<GroupView> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    const group = await this.findGroup(this.store.read, client.id, groupRef);
    return this.view(this.store.read, client.id, group);
  }

  /** Rule 6, step 1: see {@link GroupExclusion.previewExclusion}. */
  async previewExclusion(
    ...args: Parameters<GroupExclusion['previewExclusion']>
  ): ReturnType<GroupExclusion['previewExclusion']> {
    return this.exclusion.previewExclusion(...args);
  }

  /** Rule 6, step 2: see {@link GroupExclusion.confirmExclusion}. */
  async confirmExclusion(
    ...args: Parameters<GroupExclusion['confirmExclusion']>
  ): ReturnType<GroupExclusion['confirmExclusion']> {
    return this.exclusion.confirmExclusion(...args);
  }

  /**
   * Rule 7: makes the group selectable as a report filter (`enabled` true: "import for reporting") or undoes it.
   * Repeating it changes nothing.
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async setReporting(
    actor: Actor,
    clientRef: string,
    groupRef: string,
    enabled: boolean,
  ): Promise<GroupView> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:operate');
    const flag = parseInput(z.boolean({ error: 'must be true or false' }), enabled);
    const at = this.clock.now().toISOString();
    return this.store.transaction(async (tx) => {
      const group = await this.findGroup(tx, client.id, groupRef);
      const changed = await tx.groups.setReporting(client.id, group.id, flag, at);
      if (changed) {
        await this.audit.record(tx, actor, {
          action: flag ? 'group.report_import' : 'group.report_undo',
          clientId: client.id,
          targetType: 'group',
          targetId: group.id,
          before: { reportingEnabled: !flag },
          after: { reportingEnabled: flag, groupName: group.displayName },
        });
      }
      return this.view(tx, client.id, await this.findGroup(tx, client.id, group.id));
    });
  }

  /**
   * Rule 7 "View users": the group's transitive user members with their states, by name, keyset-paged.
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async members(
    actor: Actor,
    clientRef: string,
    groupRef: string,
    input: GroupMembersInput = {},
  ): Promise<GroupMembersPage> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    const query = parseInput(membersInput, input);
    const group = await this.findGroup(this.store.read, client.id, groupRef);
    const after = decodeCursor(query.cursor);
    const page = await this.store.read.groups.members(client.id, group.id, {
      limit: query.limit,
      ...(after === undefined ? {} : { after }),
    });
    const policy = await this.store.read.collection.policy(client.id);
    const now = this.clock.now();
    const excludedOf = await this.store.read.users.excludedGroupsOf(
      client.id,
      page.rows.map((row) => row.id),
    );
    return {
      group: await this.view(this.store.read, client.id, group),
      items: page.rows.map((row) => ({
        ...toUserView(row, excludedOf.get(row.id) ?? [], policy, now),
        direct: row.direct,
      })),
      nextCursor: encodeCursor(page.next),
    };
  }
}
