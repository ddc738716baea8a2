import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * The transitive closure is no longer written user by user. `group_user_closure` (every user in a group, however
 * deeply nested) held one row per group and user — half a million rows for a 100k-user tenant, most of them copies
 * of direct memberships — and was rewritten by every full sync. Now only the nesting of groups in groups is stored:
 * `group_nesting` holds (group, member group at any depth ≥ 1), a few rows per group, and `group_user_closure`
 * becomes a view of the same columns: a group's direct user members, plus the direct user members of every group
 * nested in it. `UNION` (not `UNION ALL`) keeps one row per group and user, as the table's key did, so every query
 * reading the closure reads the same rows as before. A change of user memberships no longer touches the closure at
 * all; only changes between groups do.
 *
 * The nesting is computed here from the stored edges, so the closure reads the same before and after.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const table = db.schema
    .createTable('group_nesting')
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('group_id', 'text', (col) => col.notNull())
    .addColumn('member_group_id', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('group_nesting_pk', ['client_id', 'group_id', 'member_group_id']);
  await (dialect === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table).execute();
  await db.schema
    .createIndex('group_nesting_member')
    .on('group_nesting')
    .columns(['client_id', 'member_group_id', 'group_id'])
    .execute();

  // SQLite's planner would scan every edge per recursive step; `cross join` keeps the queue outside (group-closure.ts).
  const step = sql.raw(dialect === 'sqlite' ? 'cross join' : 'join');
  await sql`
    with recursive down(client_id, root, gid) as (
      select client_id, group_id, member_id from group_members where member_type = 'group'
      union
      select down.client_id, down.root, m.member_id from down
      ${step} group_members m on m.client_id = down.client_id and m.group_id = down.gid and m.member_type = 'group'
    )
    insert into group_nesting (client_id, group_id, member_group_id)
    select client_id, root, gid from down
    where true on conflict do nothing`.execute(db);

  // A user's own edges, whole: the closure's probes per user (client, member, type) need no lookup in the table.
  await db.schema.dropIndex('group_members_member').execute();
  await db.schema
    .createIndex('group_members_member')
    .on('group_members')
    .columns(['client_id', 'member_id', 'member_type'])
    .execute();

  await db.schema.dropTable('group_user_closure').execute();
  await sql`
    create view group_user_closure (client_id, group_id, user_id) as
      select client_id, group_id, member_id from group_members where member_type = 'user'
      union
      select n.client_id, n.group_id, m.member_id from group_nesting n
      join group_members m on m.client_id = n.client_id and m.group_id = n.member_group_id and m.member_type = 'user'`.execute(
    db,
  );
}
