import type { GraphGroup, GraphUser } from '../graph/graph-types.js';
import type { Clock } from '../shared/clock.js';
import type { Edge, GroupFacts, UserFacts } from '../domain/directory-facts.js';
import type { EntraState } from '../domain/vocabulary.js';
import type { DirectoryRepository } from '../store/directory-repository.js';
import {
  GROUP_SELECT,
  USER_SELECT,
  memberChanges,
  toGroupItem,
  toUserItem,
  type DeltaItem,
} from './directory-mappers.js';
import type { RunContext } from './sync-runner.js';

/** The round a batch belongs to. `fresh`: the client's first full round, so nothing can have existed before. */
export interface Round {
  readonly link: string;
  readonly generation: number;
  readonly kind: 'full' | 'delta';
  readonly fresh: boolean;
}

/** One stream of the directory (users or groups) and how its pages are written. */
export interface StreamSpec<T> {
  readonly name: 'users' | 'groups';
  readonly operation: string;
  readonly initialLink: string;
  readonly requiredPermissions: readonly string[];
  /** How much a page weighs toward a batch (objects, plus member references for groups). */
  weigh(items: readonly T[]): number;
  writeItems(
    directory: DirectoryRepository,
    items: readonly T[],
    round: Round,
    context: RunContext,
  ): Promise<void>;
  sweep(directory: DirectoryRepository, generation: number, context: RunContext): Promise<void>;
}

/** The users stream: `/users/delta`, each user upserted or marked by its state, swept after a full round. */
export function usersStream(clock: Clock): StreamSpec<GraphUser> {
  return {
    name: 'users',
    operation: 'users.delta',
    initialLink: `/users/delta?$select=${USER_SELECT.join(',')}`,
    requiredPermissions: ['User.Read.All'],
    weigh: (items) => items.length,
    writeItems: async (directory, items, { generation, fresh }, context) => {
      const { clientId, counts } = context;
      const now = clock.now();
      const present: UserFacts[] = [];
      const removed = new Map<EntraState, string[]>();
      for (const sorted of lastEventPerId(items.map(toUserItem))) {
        if (sorted.kind === 'present') present.push(sorted.facts);
        else removed.set(sorted.state, [...(removed.get(sorted.state) ?? []), sorted.id]);
      }
      const upserted = await directory.upsertUsers(clientId, present, generation, now, { fresh });
      counts.usersAdded = (counts.usersAdded ?? 0) + upserted.added;
      counts.usersUpdated = (counts.usersUpdated ?? 0) + upserted.updated;
      for (const [state, ids] of removed) {
        counts.usersRemoved =
          (counts.usersRemoved ?? 0) + (await directory.markUsers(clientId, ids, state, generation, now));
      }
    },
    sweep: async (directory, generation, context) => {
      const swept = await directory.sweepUsers(context.clientId, generation, clock.now());
      context.counts.usersRemoved = (context.counts.usersRemoved ?? 0) + swept;
    },
  };
}

/**
 * The groups stream: `/groups/delta` with `members@delta`, each group upserted or removed and its direct edges
 * added or dropped, swept (groups and edges) after a full round.
 */
export function groupsStream(clock: Clock): StreamSpec<GraphGroup> {
  return {
    name: 'groups',
    operation: 'groups.delta',
    initialLink: `/groups/delta?$select=${GROUP_SELECT.join(',')}`,
    requiredPermissions: ['Group.Read.All'],
    weigh: (items) => items.reduce((sum, group) => sum + 1 + (group['members@delta']?.length ?? 0), 0),
    writeItems: async (directory, items, { generation, fresh, kind }, context) => {
      const { clientId, counts } = context;
      const now = clock.now();
      const present: GroupFacts[] = [];
      const removed = new Map<EntraState, string[]>();
      // The last word on each membership wins: a batch may hold an edge added and later removed, or the reverse.
      const edges = new LastWordOnEdges();
      for (const item of items) {
        const changes = memberChanges(item);
        for (const edge of changes.added) edges.add(edge);
        for (const edge of changes.removed) edges.remove(edge);
      }
      for (const sorted of lastEventPerId(items.map(toGroupItem))) {
        if (sorted.kind === 'present') present.push(sorted.facts);
        else removed.set(sorted.state, [...(removed.get(sorted.state) ?? []), sorted.id]);
      }
      const added = edges.added();
      const dropped = edges.removed();
      // Groups are few; their existence is always read, since a big group repeats across batches.
      const upserted = await directory.upsertGroups(clientId, present, generation, now);
      counts.groupsAdded = (counts.groupsAdded ?? 0) + upserted.added;
      counts.groupsUpdated = (counts.groupsUpdated ?? 0) + upserted.updated;
      counts.edgesRemoved = (counts.edgesRemoved ?? 0) + (await directory.removeEdges(clientId, dropped));
      counts.edgesAdded =
        (counts.edgesAdded ?? 0) +
        (await directory.addEdges(clientId, added, generation, { fresh, markDirty: kind === 'delta' }));
      for (const [state, ids] of removed) {
        counts.groupsRemoved =
          (counts.groupsRemoved ?? 0) + (await directory.removeGroups(clientId, ids, state, now));
      }
    },
    sweep: async (directory, generation, context) => {
      const swept = await directory.sweepGroups(context.clientId, generation, clock.now());
      context.counts.groupsRemoved = (context.counts.groupsRemoved ?? 0) + swept.groups;
      context.counts.edgesRemoved = (context.counts.edgesRemoved ?? 0) + swept.edges;
    },
  };
}

/** One event per object id — the last one — keeping the order of first appearance; present items merge. */
function lastEventPerId<F extends { id: string }>(items: readonly DeltaItem<F>[]): DeltaItem<F>[] {
  const byId = new Map<string, DeltaItem<F>>();
  for (const item of items) {
    const id = item.kind === 'present' ? item.facts.id : item.id;
    const previous = byId.get(id);
    byId.set(
      id,
      item.kind === 'present' && previous?.kind === 'present'
        ? { kind: 'present', facts: { ...previous.facts, ...item.facts } }
        : item,
    );
  }
  return [...byId.values()];
}

/**
 * The last change seen of each membership in a batch, added or removed, by group then member: keyed by the ids
 * Graph sent (no key strings built per edge — a 100k-user tenant has some 250k of them — and the batch's edges of a
 * group stay together, in the order they came).
 */
class LastWordOnEdges {
  private readonly byGroup = new Map<string, { added: Map<string, Edge>; removed: Map<string, Edge> }>();

  add(edge: Edge): void {
    const group = this.group(edge.groupId);
    group.removed.delete(edge.memberId);
    group.added.set(edge.memberId, edge);
  }

  remove(edge: Edge): void {
    const group = this.group(edge.groupId);
    group.added.delete(edge.memberId);
    group.removed.set(edge.memberId, edge);
  }

  added(): Edge[] {
    return [...this.byGroup.values()].flatMap((group) => [...group.added.values()]);
  }

  removed(): Edge[] {
    return [...this.byGroup.values()].flatMap((group) => [...group.removed.values()]);
  }

  private group(groupId: string): { added: Map<string, Edge>; removed: Map<string, Edge> } {
    let group = this.byGroup.get(groupId);
    if (group === undefined) {
      group = { added: new Map(), removed: new Map() };
      this.byGroup.set(groupId, group);
    }
    return group;
  }
}
