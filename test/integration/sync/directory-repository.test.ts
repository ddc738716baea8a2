import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Edge } from '../../../src/domain/directory-facts.js';
import { DirectoryRepository } from '../../../src/store/directory-repository.js';
import { GroupClosure } from '../../../src/store/group-closure.js';
import type { Database } from '../../../src/store/schema.js';
import { describeEachEngine } from '../../support/databases.js';

const at = new Date('2026-11-26T10:00:00Z');

async function closureOf(db: Kysely<Database>, clientId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('group_user_closure')
    .select(['group_id', 'user_id'])
    .where('client_id', '=', clientId)
    .execute();
  return rows.map((row) => `${row.group_id}>${row.user_id}`).sort();
}

describeEachEngine('directory repository', (ctx) => {
  it('computes nested membership through any depth and stops at cycles', async () => {
    const clientId = crypto.randomUUID();
    const repository = new DirectoryRepository(ctx.database.db);
    await repository.upsertUsers(
      clientId,
      ['u1', 'u2', 'u3', 'u4'].map((id) => ({ id, displayName: id })),
      1,
      at,
    );
    await repository.upsertGroups(
      clientId,
      ['A', 'B', 'C', 'D'].map((id) => ({ id, displayName: id })),
      1,
      at,
    );
    // A ⊃ B ⊃ C ⊃ A (a cycle), C ⊃ u3, B ⊃ u2, A ⊃ u1; D ⊃ u4 stands alone.
    const edges: Edge[] = [
      { groupId: 'A', memberId: 'B', memberType: 'group' },
      { groupId: 'B', memberId: 'C', memberType: 'group' },
      { groupId: 'C', memberId: 'A', memberType: 'group' },
      { groupId: 'A', memberId: 'u1', memberType: 'user' },
      { groupId: 'B', memberId: 'u2', memberType: 'user' },
      { groupId: 'C', memberId: 'u3', memberType: 'user' },
      { groupId: 'D', memberId: 'u4', memberType: 'user' },
    ];
    assert.equal(await repository.addEdges(clientId, edges, 1), 7);
    const first = await new GroupClosure(ctx.database.db).recomputeClosure(clientId);
    assert.equal(first.full, true);
    const all = ['u1', 'u2', 'u3'];
    assert.deepEqual(
      await closureOf(ctx.database.db, clientId),
      [...['A', 'B', 'C'].flatMap((g) => all.map((u) => `${g}>${u}`)), 'D>u4'].sort(),
    );

    // Breaking the cycle at C ⊃ A: C keeps u3 only, B gets u2+u3, A gets everything.
    assert.equal(await repository.removeEdges(clientId, [{ groupId: 'C', memberId: 'A' }]), 1);
    const second = await new GroupClosure(ctx.database.db).recomputeClosure(clientId);
    assert.ok(second.groups >= 3);
    assert.deepEqual(
      await closureOf(ctx.database.db, clientId),
      ['A>u1', 'A>u2', 'A>u3', 'B>u2', 'B>u3', 'C>u3', 'D>u4'].sort(),
    );
  });

  it('recomputes only the changed group and the groups above it', async () => {
    const clientId = crypto.randomUUID();
    const repository = new DirectoryRepository(ctx.database.db);
    const groups = Array.from({ length: 12 }, (_, i) => `g${i}`);
    await repository.upsertGroups(
      clientId,
      groups.map((id) => ({ id })),
      1,
      at,
    );
    await repository.upsertUsers(clientId, [{ id: 'u1' }, { id: 'u2' }], 1, at);
    await repository.addEdges(
      clientId,
      [
        { groupId: 'g0', memberId: 'g1', memberType: 'group' },
        { groupId: 'g1', memberId: 'u1', memberType: 'user' },
        ...groups.slice(2).map((g) => ({ groupId: g, memberId: 'u2', memberType: 'user' as const })),
      ],
      1,
    );
    await new GroupClosure(ctx.database.db).recomputeClosure(clientId);
    // g1 gains the group g5 (holding u2): g1 and g0 above it are recomputed, nothing else.
    await repository.addEdges(clientId, [{ groupId: 'g1', memberId: 'g5', memberType: 'group' }], 1);
    const partial = await new GroupClosure(ctx.database.db).recomputeClosure(clientId);
    assert.deepEqual(partial, { groups: 2, full: false });
    const rows = await closureOf(ctx.database.db, clientId);
    assert.ok(rows.includes('g0>u2') && rows.includes('g1>u2') && rows.includes('g0>u1'));
    assert.equal(rows.length, 4 + 10);
  });

  it('shows a change of user members through every group above at once, with nothing to recompute', async () => {
    const clientId = crypto.randomUUID();
    const repository = new DirectoryRepository(ctx.database.db);
    await repository.upsertGroups(clientId, [{ id: 'top' }, { id: 'mid' }, { id: 'leaf' }], 1, at);
    await repository.upsertUsers(clientId, [{ id: 'u1' }, { id: 'u2' }], 1, at);
    await repository.addEdges(
      clientId,
      [
        { groupId: 'top', memberId: 'mid', memberType: 'group' },
        { groupId: 'mid', memberId: 'leaf', memberType: 'group' },
        { groupId: 'leaf', memberId: 'u1', memberType: 'user' },
        // Directly and through the nesting at once: still one row per group and user.
        { groupId: 'top', memberId: 'u1', memberType: 'user' },
      ],
      1,
    );
    await new GroupClosure(ctx.database.db).recomputeClosure(clientId);
    assert.deepEqual(await closureOf(ctx.database.db, clientId), ['leaf>u1', 'mid>u1', 'top>u1']);

    await repository.addEdges(clientId, [{ groupId: 'leaf', memberId: 'u2', memberType: 'user' }], 1);
    assert.equal(await repository.removeEdges(clientId, [{ groupId: 'leaf', memberId: 'u1' }]), 1);
    assert.deepEqual(await new GroupClosure(ctx.database.db).recomputeClosure(clientId), {
      groups: 0,
      full: false,
    });
    assert.deepEqual(await closureOf(ctx.database.db, clientId), ['leaf>u2', 'mid>u2', 'top>u1', 'top>u2']);

    // Removing a group empties it from every group above.
    await repository.removeGroups(clientId, ['mid'], 'deleted', at);
    await new GroupClosure(ctx.database.db).recomputeClosure(clientId);
    assert.deepEqual(await closureOf(ctx.database.db, clientId), ['leaf>u2', 'top>u1']);
  });

  it('keeps stored properties an item does not carry and counts additions apart from updates', async () => {
    const clientId = crypto.randomUUID();
    const repository = new DirectoryRepository(ctx.database.db);
    const first = await repository.upsertUsers(
      clientId,
      [{ id: 'u1', displayName: 'Ana Silva', mail: 'ana@x.test', department: 'Sales', accountEnabled: true }],
      1,
      at,
    );
    assert.deepEqual(first, { added: 1, updated: 0 });
    const second = await repository.upsertUsers(
      clientId,
      [{ id: 'u1', department: 'Legal' }, { id: 'u2' }],
      1,
      at,
    );
    assert.deepEqual(second, { added: 1, updated: 1 });
    const row = await ctx.database.db
      .selectFrom('directory_users')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('id', '=', 'u1')
      .executeTakeFirstOrThrow();
    assert.equal(row.display_name, 'Ana Silva');
    assert.equal(row.department, 'Legal');
    assert.equal(row.search_text, 'ana silva ana@x.test');
  });
});
