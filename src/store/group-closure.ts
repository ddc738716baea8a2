import { SqliteAdapter, sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * The transitive closure of each client's groups. `group_user_closure` (every user in a group, however deeply
 * nested) is a view over the direct edges and `group_nesting` (migration 0023); what is stored and recomputed here
 * is only the nesting of groups in groups — a few rows per group instead of one per group and user — for the groups
 * marked dirty after a sync round, and the marking. Changes of user memberships need no recomputation at all. The
 * one piece of the directory copy to study on its own: recursive SQL, with a planner note for SQLite. Works inside
 * the caller's transaction (pass the transaction as `db`).
 */
export class GroupClosure {
  /**
   * The join keyword for recursive steps. SQLite's planner puts the edge table outside the one-row recursive queue
   * (scanning every edge of the client per step); `cross join` fixes the order there. PostgreSQL has no such
   * keyword with `on` and plans this well.
   */
  private readonly stepJoin: ReturnType<typeof sql.raw>;

  constructor(private readonly db: Kysely<Database>) {
    this.stepJoin = sql.raw(db.getExecutor().adapter instanceof SqliteAdapter ? 'cross join' : 'join');
  }

  /**
   * Recomputes the nesting (`group_nesting`) of every group whose direct edges changed and of every group above
   * it, from the direct group-in-group edges alone. `UNION` (not `UNION ALL`) makes the recursion stop at cycles.
   * When most groups are affected, recomputes the whole client at once.
   */
  async recomputeClosure(clientId: string): Promise<{ groups: number; full: boolean }> {
    const dirty = await this.db
      .selectFrom('directory_groups')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('client_id', '=', clientId)
      .where('closure_dirty', '=', 1)
      .executeTakeFirstOrThrow();
    if (dirty.count === 0) return { groups: 0, full: false };
    const total = await this.db
      .selectFrom('directory_groups')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('client_id', '=', clientId)
      .where('entra_state', '=', 'active')
      .executeTakeFirstOrThrow();
    const full = dirty.count * 4 >= total.count;

    const roots = full
      ? sql`roots(gid) as (select id from directory_groups where client_id = ${clientId} and entra_state = 'active')`
      : sql`roots(gid) as (
          select id from directory_groups where client_id = ${clientId} and closure_dirty = 1
          union
          select m.group_id from roots ${this.stepJoin} group_members m
          on m.client_id = ${clientId} and m.member_id = roots.gid and m.member_type = 'group'
        )`;
    const affected = await sql<{ count: number }>`
      with recursive ${roots} select count(*) as count from roots`.execute(this.db);
    if (full) {
      await this.db.deleteFrom('group_nesting').where('client_id', '=', clientId).execute();
    } else {
      await sql`
        delete from group_nesting where client_id = ${clientId} and group_id in (
          with recursive ${roots} select gid from roots
        )`.execute(this.db);
    }
    await sql`
      with recursive ${roots},
      down(root, gid) as (
        select roots.gid, m.member_id from roots
        ${this.stepJoin} group_members m on m.client_id = ${clientId} and m.group_id = roots.gid and m.member_type = 'group'
        union
        select down.root, m.member_id from down
        ${this.stepJoin} group_members m on m.client_id = ${clientId} and m.group_id = down.gid and m.member_type = 'group'
      )
      insert into group_nesting (client_id, group_id, member_group_id)
      select cast(${clientId} as text), root, gid from down
      where true on conflict do nothing`.execute(this.db);
    await this.db
      .updateTable('directory_groups')
      .set({ closure_dirty: 0 })
      .where('client_id', '=', clientId)
      .where('closure_dirty', '=', 1)
      .execute();
    return { groups: affected.rows[0]?.count ?? 0, full };
  }

  /** Marks these groups for recomputation (their direct edges changed). */
  async markDirty(clientId: string, groupIds: readonly string[]): Promise<void> {
    const ids = [...new Set(groupIds)];
    if (ids.length === 0) return;
    await this.db
      .updateTable('directory_groups')
      .set({ closure_dirty: 1 })
      .where('client_id', '=', clientId)
      .where('id', 'in', ids)
      .where('closure_dirty', '=', 0)
      .execute();
  }

  /** Marks for recomputation the groups that hold any of these members directly. */
  async markParentsDirty(clientId: string, memberIds: readonly string[]): Promise<void> {
    await this.db
      .updateTable('directory_groups')
      .set({ closure_dirty: 1 })
      .where('client_id', '=', clientId)
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('group_members')
          .select('group_id')
          .where('client_id', '=', clientId)
          .where('member_id', 'in', [...memberIds]),
      )
      .execute();
  }
}
