import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';

/**
 * The transitive closure — every user in a group, however deeply nested — spelt for the query planners. The view
 * `group_user_closure` (migration 0023) says the same, but SQLite evaluates a `UNION` view in full wherever it is
 * correlated with the row at hand, so the queries of the rules and reports read the two parts it is made of: the
 * direct edges (`group_members`) and the nesting of groups in groups (`group_nesting`), each through its index.
 */

/** A client id or group id: a value, or a column of the enclosing query (`sql.ref('g.id')`). */
type Operand = string | Expression<unknown>;

/** `group` and every group nested in it at any depth: the inside of `group_id in (…)`. */
export function groupWithinSql(clientId: Operand, group: Operand): RawBuilder<unknown> {
  return sql`select cast(${group} as text) union all
    select member_group_id from group_nesting where client_id = ${clientId} and group_id = ${group}`;
}

/** The groups of `groupIds` and every group nested in them: the inside of `group_id in (…)`. Not empty. */
function groupsWithinSql(clientId: string, groupIds: readonly string[]): RawBuilder<unknown> {
  const listed = sql.join(
    groupIds.map((id) => sql`select cast(${id} as text)`),
    sql` union all `,
  );
  return sql`${listed} union all
    select member_group_id from group_nesting where client_id = ${clientId} and group_id in (${sql.join([...groupIds])})`;
}

/** Ids of the users in any of `groupIds` at any depth (repeats possible): the inside of `id in (…)`. Not empty. */
export function usersInGroupsSql(clientId: string, groupIds: readonly string[]): RawBuilder<unknown> {
  return sql`select member_id from group_members
    where client_id = ${clientId} and member_type = 'user' and group_id in (${groupsWithinSql(clientId, groupIds)})`;
}

/** `directory_users.id` is a member, at any depth, of one of `groupIds` of the client. */
export function userInGroupsSql(clientId: string, groupIds: readonly string[]): Expression<SqlBool> {
  if (groupIds.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`directory_users.id in (${usersInGroupsSql(clientId, groupIds)})`;
}

/**
 * The user (`client`, `user`: usually columns of the enclosing row) is a member of a group that `groupMatches` at
 * any depth: one of its own few edges leads to such a group directly, or to a group nested in one. Both are index
 * probes per user (`group_members_member`, `group_nesting_member`), so it suits a test of every user of a client.
 */
export function memberAtAnyDepthSql(
  client: Expression<unknown>,
  user: Expression<unknown>,
  groupMatches: (group: Expression<unknown>, client: Expression<unknown>) => Expression<SqlBool>,
): Expression<SqlBool> {
  const edgeGroup = sql.ref('closure_edge.group_id');
  const nestGroup = sql.ref('closure_nest.group_id');
  const edgeClient = sql.ref('closure_edge.client_id');
  return sql<SqlBool>`exists (select 1 from group_members closure_edge
    where closure_edge.client_id = ${client} and closure_edge.member_id = ${user}
    and closure_edge.member_type = 'user'
    and (${groupMatches(edgeGroup, edgeClient)} or exists (select 1 from group_nesting closure_nest
      where closure_nest.client_id = closure_edge.client_id and closure_nest.member_group_id = closure_edge.group_id
      and ${groupMatches(nestGroup, edgeClient)})))`;
}

/**
 * Per group of `groupIds` (of `directory_groups`), how many distinct users it holds at any depth. Not empty.
 * `cross join` keeps SQLite's join order (the few groups first, then their edges by key); PostgreSQL plans it freely.
 */
export function transitiveUserCountsSql(
  clientId: string,
  groupIds: readonly string[],
): RawBuilder<{ group_id: string; users: number }> {
  const listed = sql.join([...groupIds]);
  return sql<{ group_id: string; users: number }>`
    select nested.group_id, count(distinct m.member_id) as users
    from (
      select id as group_id, id as member_group_id from directory_groups where client_id = ${clientId} and id in (${listed})
      union all
      select group_id, member_group_id from group_nesting where client_id = ${clientId} and group_id in (${listed})
    ) nested
    cross join group_members m
    where m.client_id = ${clientId} and m.group_id = nested.member_group_id and m.member_type = 'user'
    group by nested.group_id`;
}
