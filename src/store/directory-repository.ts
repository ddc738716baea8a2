import type { Kysely } from 'kysely';
import { GroupClosure } from './group-closure.js';
import { groupKeys, StoredDirectoryFacts, userKeys, type StoredObject } from './stored-directory-facts.js';
import type { Database } from './schema.js';
import {
  edgeRow,
  factsDiffer,
  groupRow,
  rowsPerStatement,
  upsertEdgeRows,
  upsertGroupRows,
  upsertUserRows,
  userRow,
} from './directory-upserts.js';
import type { EntraState } from '../domain/vocabulary.js';
import type { Edge, GroupFacts, UserFacts } from '../domain/directory-facts.js';

export interface WriteOptions {
  /**
   * The client held nothing of this kind before the round (its first full round): skip the reads that tell
   * additions from updates — everything written counts as added.
   */
  readonly fresh?: boolean;
  /**
   * Mark the groups whose edges change for closure recomputation (default true). A full round skips it: its
   * sweep marks every group at the end, in one statement.
   */
  readonly markDirty?: boolean;
}

/** How one kind of directory object (users, groups) is read back and written. */
interface ObjectWrites<T extends { id: string }> {
  readonly table: 'directory_users' | 'directory_groups';
  /** The properties an item may carry; one missing keeps the stored value. */
  readonly keys: readonly (keyof T)[];
  readonly stored: (clientId: string, chunk: readonly T[]) => Promise<Map<string, StoredObject<T>>>;
  readonly row: (clientId: string, facts: T, generation: number, updatedAt: string) => unknown[];
  readonly write: (db: Kysely<Database>, rows: readonly unknown[][]) => Promise<void>;
}

export interface UpsertCounts {
  /** Not held before. */
  added: number;
  /** Held before, and changed: other Entra facts, or back from deletion (an unchanged replay is not counted). */
  updated: number;
}

/** Rows per multi-row statement: well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 250;

/**
 * The sync's writes to each client's directory copy: users, groups and direct edges (the nesting of groups behind the
 * transitive closure is {@link GroupClosure}'s; the reads are UserRepository's and GroupRepository's). The sync writes
 * Entra facts only — collection state, exclusions and reporting flags belong to the rules and are never touched
 * here. Every method works inside the caller's transaction (pass the transaction as `db`).
 */
export class DirectoryRepository {
  private readonly closure: GroupClosure;
  private readonly stored: StoredDirectoryFacts;

  private readonly userWrites: ObjectWrites<UserFacts>;
  private readonly groupWrites: ObjectWrites<GroupFacts>;

  constructor(private readonly db: Kysely<Database>) {
    this.closure = new GroupClosure(db);
    this.stored = new StoredDirectoryFacts(db);
    this.userWrites = {
      table: 'directory_users',
      keys: userKeys,
      stored: (clientId, chunk) => this.stored.existingUsers(clientId, chunk),
      row: userRow,
      write: upsertUserRows,
    };
    this.groupWrites = {
      table: 'directory_groups',
      keys: groupKeys,
      stored: (clientId, chunk) => this.stored.existingGroups(clientId, chunk),
      row: groupRow,
      write: upsertGroupRows,
    };
  }

  /**
   * Users or groups written as active, seen in `generation`, in statements of as many rows as the parameters allow;
   * counted as added (not held before) or changed (other Entra facts, or back from deletion). A first round
   * (`fresh`) reads nothing back: everything is added.
   */
  private async upsertObjects<T extends { id: string }>(
    kind: ObjectWrites<T>,
    clientId: string,
    items: readonly T[],
    generation: number,
    at: Date,
    options: WriteOptions,
  ): Promise<UpsertCounts> {
    const counts: UpsertCounts = { added: 0, updated: 0 };
    const updatedAt = at.toISOString();
    for (const chunk of chunks(dedupeById(items), rowsPerStatement(kind.table))) {
      const existing =
        options.fresh === true ? new Map<string, StoredObject<T>>() : await kind.stored(clientId, chunk);
      const rows = chunk.map((facts) => {
        const stored = existing.get(facts.id);
        const row = kind.row(clientId, mergeFacts(facts, stored?.facts, kind.keys), generation, updatedAt);
        if (stored === undefined) counts.added += 1;
        else if (
          !stored.active ||
          factsDiffer(kind.table, kind.row(clientId, stored.facts, generation, updatedAt), row)
        )
          counts.updated += 1;
        return row;
      });
      await kind.write(this.db, rows);
    }
    return counts;
  }

  /**
   * Inserts or updates users as active, seen in `generation`. Items missing some properties keep the stored
   * values for them.
   */
  async upsertUsers(
    clientId: string,
    users: readonly UserFacts[],
    generation: number,
    at: Date,
    options: WriteOptions = {},
  ): Promise<UpsertCounts> {
    return this.upsertObjects(this.userWrites, clientId, users, generation, at, options);
  }

  /**
   * Sets the Entra state of known users (`@removed`: soft or hard deletion), seen in `generation`. Returns how many
   * changed state.
   */
  async markUsers(
    clientId: string,
    ids: readonly string[],
    state: EntraState,
    generation: number,
    at: Date,
  ): Promise<number> {
    let changed = 0;
    for (const chunk of chunks([...new Set(ids)], CHUNK)) {
      const result = await this.db
        .updateTable('directory_users')
        .set({ entra_state: state, updated_at: at.toISOString() })
        .where('client_id', '=', clientId)
        .where('id', 'in', chunk)
        .where('entra_state', '!=', state)
        .executeTakeFirst();
      changed += Number(result.numUpdatedRows);
      await this.db
        .updateTable('directory_users')
        .set({ seen_generation: generation })
        .where('client_id', '=', clientId)
        .where('id', 'in', chunk)
        .where('seen_generation', '<', generation)
        .execute();
    }
    return changed;
  }

  /**
   * End of a full round: users it did not list at all — neither present nor as `@removed` — are gone from Entra.
   */
  async sweepUsers(clientId: string, generation: number, at: Date): Promise<number> {
    const result = await this.db
      .updateTable('directory_users')
      .set({ entra_state: 'deleted', updated_at: at.toISOString() })
      .where('client_id', '=', clientId)
      .where('seen_generation', '<', generation)
      .where('entra_state', '!=', 'deleted')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Inserts or updates groups as active, seen in `generation`; partial items keep stored values. */
  async upsertGroups(
    clientId: string,
    groups: readonly GroupFacts[],
    generation: number,
    at: Date,
    options: WriteOptions = {},
  ): Promise<UpsertCounts> {
    return this.upsertObjects(this.groupWrites, clientId, groups, generation, at, options);
  }

  /**
   * Groups removed in Entra: state set, their edges (as group and as member) and nesting rows dropped, and the
   * groups that contained them marked for closure recomputation. Returns how many changed state.
   */
  async removeGroups(clientId: string, ids: readonly string[], state: EntraState, at: Date): Promise<number> {
    let changed = 0;
    for (const chunk of chunks([...new Set(ids)], CHUNK)) {
      await this.markParentsDirty(clientId, chunk);
      await this.db
        .deleteFrom('group_members')
        .where('client_id', '=', clientId)
        .where((eb) => eb.or([eb('group_id', 'in', chunk), eb('member_id', 'in', chunk)]))
        .execute();
      await this.db
        .deleteFrom('group_nesting')
        .where('client_id', '=', clientId)
        .where((eb) => eb.or([eb('group_id', 'in', chunk), eb('member_group_id', 'in', chunk)]))
        .execute();
      const result = await this.db
        .updateTable('directory_groups')
        .set({ entra_state: state, closure_dirty: 0, updated_at: at.toISOString() })
        .where('client_id', '=', clientId)
        .where('id', 'in', chunk)
        .where('entra_state', '!=', state)
        .executeTakeFirst();
      changed += Number(result.numUpdatedRows);
    }
    return changed;
  }

  /**
   * Adds direct edges (seen in `generation`); returns how many did not exist before. Marks the groups that gain a
   * member group dirty (a user member changes the closure view by itself).
   */
  async addEdges(
    clientId: string,
    edges: readonly Edge[],
    generation: number,
    options: WriteOptions = {},
  ): Promise<number> {
    let added = 0;
    for (const chunk of chunks(dedupeEdges(edges), rowsPerStatement('group_members'))) {
      const existing =
        options.fresh === true
          ? { count: 0 }
          : await this.db
              .selectFrom('group_members')
              .select((eb) => eb.fn.countAll<number>().as('count'))
              .where('client_id', '=', clientId)
              .where((eb) =>
                eb(
                  eb.refTuple('group_id', 'member_id'),
                  'in',
                  chunk.map((edge) => eb.tuple(edge.groupId, edge.memberId)),
                ),
              )
              .executeTakeFirstOrThrow();
      added += chunk.length - existing.count;
      await upsertEdgeRows(
        this.db,
        chunk.map((edge) => edgeRow(clientId, edge, generation)),
      );
      if (options.markDirty !== false)
        await this.markDirty(
          clientId,
          chunk.filter((edge) => edge.memberType === 'group').map((edge) => edge.groupId),
        );
    }
    return added;
  }

  /** Removes direct edges; returns how many existed. Marks the groups that lose a member group dirty. */
  async removeEdges(clientId: string, edges: readonly Omit<Edge, 'memberType'>[]): Promise<number> {
    let removed = 0;
    for (const chunk of chunks(edges, CHUNK)) {
      const rows = await this.db
        .deleteFrom('group_members')
        .where('client_id', '=', clientId)
        .where((eb) =>
          eb(
            eb.refTuple('group_id', 'member_id'),
            'in',
            chunk.map((edge) => eb.tuple(edge.groupId, edge.memberId)),
          ),
        )
        .returning(['group_id', 'member_type'])
        .execute();
      removed += rows.length;
      await this.markDirty(
        clientId,
        rows.filter((row) => row.member_type === 'group').map((row) => row.group_id),
      );
    }
    return removed;
  }

  /**
   * End of a full groups round: active groups not seen are gone (with their edges), and edges not seen in it are
   * removed (their groups marked dirty).
   */
  async sweepGroups(
    clientId: string,
    generation: number,
    at: Date,
  ): Promise<{ groups: number; edges: number }> {
    const vanished = await this.db
      .selectFrom('directory_groups')
      .select('id')
      .where('client_id', '=', clientId)
      .where('seen_generation', '<', generation)
      .where('entra_state', '!=', 'deleted')
      .execute();
    const groups = await this.removeGroups(
      clientId,
      vanished.map((row) => row.id),
      'deleted',
      at,
    );
    // A full round may have changed any group's edges: recompute all the nesting once, rather than mark per page.
    await this.db
      .updateTable('directory_groups')
      .set({ closure_dirty: 1 })
      .where('client_id', '=', clientId)
      .where('entra_state', '=', 'active')
      .execute();
    const edges = await this.db
      .deleteFrom('group_members')
      .where('client_id', '=', clientId)
      .where('seen_generation', '<', generation)
      .executeTakeFirst();
    return { groups, edges: Number(edges.numDeletedRows) };
  }

  /** Writes `signInActivity.lastSuccessfulSignInDateTime` for users we hold; returns how many rows changed. */
  async updateSignInActivity(
    clientId: string,
    entries: readonly { id: string; lastSuccessfulSignIn: string | null }[],
  ): Promise<number> {
    let changed = 0;
    for (const entry of entries) {
      const result = await this.db
        .updateTable('directory_users')
        .set({ sign_in_activity_at: entry.lastSuccessfulSignIn })
        .where('client_id', '=', clientId)
        .where('id', '=', entry.id)
        .where((eb) =>
          entry.lastSuccessfulSignIn === null
            ? eb('sign_in_activity_at', 'is not', null)
            : eb.or([
                eb('sign_in_activity_at', 'is', null),
                eb('sign_in_activity_at', '!=', entry.lastSuccessfulSignIn),
              ]),
        )
        .executeTakeFirst();
      changed += Number(result.numUpdatedRows);
    }
    return changed;
  }

  private async markDirty(clientId: string, groupIds: readonly string[]): Promise<void> {
    await this.closure.markDirty(clientId, groupIds);
  }

  private async markParentsDirty(clientId: string, memberIds: readonly string[]): Promise<void> {
    await this.closure.markParentsDirty(clientId, memberIds);
  }
}

function mergeFacts<T extends { id: string }>(
  facts: T,
  stored: T | undefined,
  keys: readonly (keyof T)[],
): T {
  if (stored === undefined) return facts;
  const merged = { ...facts };
  for (const key of keys) if (!(key in facts)) merged[key] = stored[key];
  return merged;
}

/**
 * One item per id — a later occurrence's properties win (Graph may replay an object within a page) — in key order:
 * B-tree pages are then visited once, in order, instead of at random.
 */
function dedupeById<T extends { id: string }>(items: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const item of items) {
    const previous = byId.get(item.id);
    byId.set(item.id, previous === undefined ? item : { ...previous, ...item });
  }
  return [...byId.values()].sort((a, b) => compare(a.id, b.id));
}

/**
 * One edge per group and member (a multi-row upsert may not touch a row twice), a group's edges together in the
 * order they came: Graph lists a group's members together, so they land in the same few pages of the key without
 * sorting them. Keyed by the ids themselves: no key string is built per edge.
 */
function dedupeEdges(edges: readonly Edge[]): Edge[] {
  const byGroup = new Map<string, Map<string, Edge>>();
  for (const edge of edges) {
    let members = byGroup.get(edge.groupId);
    if (members === undefined) {
      members = new Map();
      byGroup.set(edge.groupId, members);
    }
    members.set(edge.memberId, edge);
  }
  return [...byGroup.values()].flatMap((members) => [...members.values()]);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}
