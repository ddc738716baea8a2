import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { AppError, ConflictError, ForbiddenError, NotFoundError } from '../../../src/shared/errors.js';
import {
  MSP_TENANT,
  PARTNER_ADMIN_ID,
  describeEachEngineWithCore,
  partnerAdmin,
  person,
} from './fixtures/core-harness.js';
import { seedClient, seedDirectory } from './fixtures/directory-fixture.js';

describeEachEngineWithCore('roles and the audit log', (ctx) => {
  const alice = person('cccccccc-0000-4000-8000-000000000001', 'alice@msp.example');
  const bob = person('cccccccc-0000-4000-8000-000000000002', 'bob@msp.example');

  it('assigns a client admin who then may act on that client only, and revokes it', async () => {
    const db = ctx.core.database.db;
    const mine = await seedClient(db, { name: `mine-${ctx.engine}` });
    const theirs = await seedClient(db, { name: `theirs-${ctx.engine}` });
    const dir = await seedDirectory(db, mine, { users: { u: { state: 'imported' } } });
    const key = {
      principalTenantId: alice.tenantId,
      principalObjectId: alice.objectId.toUpperCase(),
      principalName: 'alice@msp.example',
      role: 'client_admin' as const,
      client: `mine-${ctx.engine}`,
    };
    const view = await ctx.core.roles.assign(partnerAdmin, key);
    assert.deepEqual(
      [view.role, view.clientScope, view.clientName, view.source],
      ['client_admin', mine, `mine-${ctx.engine}`, 'assignment'],
    );
    assert.deepEqual(await ctx.core.roles.myGrants(alice), [{ role: 'client_admin', clientScope: mine }]);
    await ctx.core.users.disableUser(alice, mine, dir.user('u'));
    await assert.rejects(ctx.core.users.list(alice, theirs), NotFoundError);
    await assert.rejects(
      ctx.core.roles.assign(alice, { ...key, principalObjectId: bob.objectId }),
      ForbiddenError,
    );

    const again = await ctx.core.roles.assign(partnerAdmin, key);
    assert.equal(again.createdAt, view.createdAt, 'assigning twice changes nothing');
    const listed = await ctx.core.roles.list(alice, mine);
    assert.ok(listed.some((row) => row.principalObjectId === alice.objectId && row.role === 'client_admin'));
    assert.ok(
      listed.some((row) => row.source === 'configuration' && row.principalObjectId === PARTNER_ADMIN_ID),
    );

    await ctx.core.roles.revoke(partnerAdmin, key);
    await assert.rejects(ctx.core.users.list(alice, mine), NotFoundError);
    await assert.rejects(ctx.core.roles.revoke(partnerAdmin, key), NotFoundError);
    const audit = await ctx.core.auditLog.query(partnerAdmin, { action: 'role.' });
    assert.deepEqual(
      audit.items.slice(0, 2).map((entry) => entry.action),
      ['role.revoke', 'role.assign'],
    );
    assert.equal(audit.items[0]?.targetId, `${MSP_TENANT}/${alice.objectId}`);
  });

  it('never revokes a partner admin who comes from configuration', async () => {
    await assert.rejects(
      ctx.core.roles.revoke(partnerAdmin, {
        principalTenantId: MSP_TENANT,
        principalObjectId: PARTNER_ADMIN_ID,
        role: 'partner_admin',
      }),
      (error: unknown) => error instanceof ConflictError && error.code === 'role_from_configuration',
    );
  });

  it('filters the audit log by client, actor, action and period, and shows people only what they may read', async () => {
    const db = ctx.core.database.db;
    const one = await seedClient(db, { name: `one-${ctx.engine}` });
    const two = await seedClient(db, { name: `two-${ctx.engine}` });
    const dirOne = await seedDirectory(db, one, { users: { u: { state: 'imported' } } });
    const dirTwo = await seedDirectory(db, two, { users: { v: { state: 'imported' } } });
    await ctx.core.roles.assign(partnerAdmin, {
      principalTenantId: bob.tenantId,
      principalObjectId: bob.objectId,
      role: 'viewer',
      client: one,
    });
    ctx.clock.advance(1000);
    const start = ctx.clock.now().toISOString();
    await ctx.core.users.disableUser(partnerAdmin, one, dirOne.user('u'));
    await ctx.core.users.disableUser(partnerAdmin, two, dirTwo.user('v'));
    ctx.clock.advance(1000);
    const end = ctx.clock.now().toISOString();

    const byClient = await ctx.core.auditLog.query(partnerAdmin, { client: one, action: 'user.disable' });
    assert.deepEqual(
      byClient.items.map((e) => [e.clientName, e.targetId]),
      [[`one-${ctx.engine}`, dirOne.user('u')]],
    );
    const byPeriod = await ctx.core.auditLog.query(partnerAdmin, {
      from: start,
      to: end,
      action: 'user.disable',
    });
    assert.equal(byPeriod.items.length, 2);
    const byActor = await ctx.core.auditLog.query(partnerAdmin, {
      actor: partnerAdmin.objectId,
      from: start,
    });
    assert.equal(byActor.items.length, 2);
    const none = await ctx.core.auditLog.query(partnerAdmin, { actor: bob.objectId, from: start });
    assert.equal(none.items.length, 0);

    const seenByBob = await ctx.core.auditLog.query(bob, { from: start });
    assert.deepEqual(
      seenByBob.items.map((e) => e.clientId),
      [one],
      'a viewer of one client sees only its entries',
    );
    await assert.rejects(ctx.core.auditLog.query(bob, { client: two }), NotFoundError);
    const paged = await ctx.core.auditLog.query(partnerAdmin, {
      limit: 1,
      action: 'user.disable',
      from: start,
    });
    assert.ok(paged.nextBefore !== null);
    const next = await ctx.core.auditLog.query(partnerAdmin, {
      limit: 1,
      action: 'user.disable',
      from: start,
      before: paged.nextBefore,
    });
    assert.notEqual(next.items[0]?.id, paged.items[0]?.id);
  });

  it('tells each entry as a sentence with the names of who did it and of the user it was done to', async () => {
    const db = ctx.core.database.db;
    const client = await seedClient(db, { name: `said-${ctx.engine}` });
    const dir = await seedDirectory(db, client, { users: { w: { state: 'imported' } } });
    await ctx.core.users.disableUser(partnerAdmin, client, dir.user('w'));
    const user = await db
      .selectFrom('directory_users')
      .select('display_name')
      .where('id', '=', dir.user('w'))
      .executeTakeFirstOrThrow();
    assert.ok(user.display_name !== null && partnerAdmin.name !== undefined);
    const page = await ctx.core.auditLog.query(partnerAdmin, { client, action: 'user.disable' });
    const [entry] = page.items;
    assert.ok(entry);
    assert.equal(entry.targetName, user.display_name);
    assert.equal(entry.summary, `${partnerAdmin.name} disabled ${user.display_name}.`);
  });

  it('exports the audit log as CSV with formula-like cells neutralised', async () => {
    const db = ctx.core.database.db;
    const client = await seedClient(db, { name: `csv-${ctx.engine}` });
    const dir = await seedDirectory(db, client, { users: { u: { state: 'imported' } } });
    const sneaky = person(
      'cccccccc-0000-4000-8000-000000000009',
      '=HYPERLINK("http://evil.example","click")',
    );
    await ctx.core.roles.assign(partnerAdmin, {
      principalTenantId: sneaky.tenantId,
      principalObjectId: sneaky.objectId,
      role: 'client_admin',
      client,
    });
    await ctx.core.users.disableUser(sneaky, client, dir.user('u'));
    const csv = await ctx.core.auditLog.exportCsv(partnerAdmin, { client });
    const rows = parse<Record<string, string>>(csv, { columns: true });
    const entry = rows.find((row) => row.action === 'user.disable');
    assert.ok(entry !== undefined);
    assert.equal(entry.actor_name, `'=HYPERLINK("http://evil.example","click")`);
    assert.equal(entry.client, `csv-${ctx.engine}`);
    assert.deepEqual(JSON.parse(entry.after ?? ''), { collectionState: 'disabled', disableReason: 'manual' });
    assert.ok(rows.every((row) => Object.values(row).every((cell) => !/^[=+\-@\t\r]/.test(cell))));
  });

  it('rejects a malformed action filter', async () => {
    await assert.rejects(
      ctx.core.auditLog.query(partnerAdmin, { action: "x'; --" }),
      (error: unknown) => error instanceof AppError && error.code === 'validation_failed',
    );
  });
});
