import assert from 'node:assert/strict';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../../src/shared/errors.js';
import { describeEachEngineWithCore, partnerAdmin } from './fixtures/core-harness.js';
import {
  seedClient,
  seedDirectory,
  userState,
  type SeededDirectory,
  type SeedUser,
} from './fixtures/directory-fixture.js';

describeEachEngineWithCore('user service', (ctx) => {
  let client: string;
  let dir: SeededDirectory;

  before(async () => {
    const db = ctx.core.database.db;
    client = await seedClient(db, { name: `users-${ctx.engine}` });
    const users: Record<string, SeedUser> = {
      alice: {
        displayName: 'Alice Archer',
        upn: 'alice@contoso.example',
        department: 'Sales',
        state: 'imported',
      },
      bob: {
        displayName: 'Bob Baker',
        upn: 'bob@contoso.example',
        department: 'Sales',
        state: 'imported',
        accountEnabled: false,
      },
      carol: { displayName: 'Carol Cruz', upn: 'carol@contoso.example', department: 'Finance' },
      guest: { displayName: 'Gary Guest', upn: 'gary_ext#EXT#@contoso.example', userType: 'Guest' },
      deleted: {
        displayName: 'Dora Deleted',
        upn: 'dora@contoso.example',
        entraState: 'soft_deleted',
        state: 'disabled',
        reason: 'deleted_in_entra',
      },
      contractor: {
        displayName: 'Connie Contractor',
        upn: 'connie@contoso.example',
        state: 'disabled',
        reason: 'excluded_group',
      },
      nested: {
        displayName: 'Ned Nested',
        upn: 'ned@contoso.example',
        state: 'disabled',
        reason: 'excluded_group',
      },
      noname: { displayName: null, upn: 'noname@contoso.example' },
    };
    for (let i = 0; i < 30; i++)
      users[`bulk${String(i).padStart(2, '0')}`] = {
        displayName: `Bulk ${String(i).padStart(2, '0')}`,
        department: 'Ops',
      };
    dir = await seedDirectory(db, client, {
      users,
      groups: {
        contractors: {
          displayName: 'Contractors',
          members: ['contractor', 'agencies'],
          excludedAt: '2026-11-01T00:00:00.000Z',
        },
        agencies: { displayName: 'Agencies', members: ['nested'] },
        sales: { displayName: 'Sales team', members: ['alice', 'bob', 'emea'] },
        emea: { displayName: 'EMEA', members: ['carol'] },
      },
    });
  });

  it('searches display name, UPN and mail on the server, case-insensitively', async () => {
    const byName = await ctx.core.users.list(partnerAdmin, client, { search: 'aLiCe' });
    assert.deepEqual(
      byName.items.map((u) => u.userPrincipalName),
      ['alice@contoso.example'],
    );
    const byUpn = await ctx.core.users.list(partnerAdmin, client, { search: 'bob@contoso' });
    assert.deepEqual(
      byUpn.items.map((u) => u.displayName),
      ['Bob Baker'],
    );
    const literal = await ctx.core.users.list(partnerAdmin, client, { search: '%' });
    assert.equal(literal.total, 0, 'a % in the search is a literal character, not a wildcard');
  });

  it('filters by state, disable reason, guest, blocked sign-in and department', async () => {
    const imported = await ctx.core.users.list(partnerAdmin, client, { state: 'imported' });
    assert.deepEqual(
      imported.items.map((u) => u.displayName),
      ['Alice Archer', 'Bob Baker'],
    );
    const excluded = await ctx.core.users.list(partnerAdmin, client, { disableReason: 'excluded_group' });
    assert.deepEqual(
      excluded.items.map((u) => u.displayName),
      ['Connie Contractor', 'Ned Nested'],
    );
    const guests = await ctx.core.users.list(partnerAdmin, client, { guest: true });
    assert.deepEqual(
      guests.items.map((u) => u.displayName),
      ['Gary Guest'],
    );
    const blocked = await ctx.core.users.list(partnerAdmin, client, { signInBlocked: true });
    assert.deepEqual(
      blocked.items.map((u) => u.displayName),
      ['Bob Baker'],
    );
    const enabled = await ctx.core.users.list(partnerAdmin, client, {
      state: 'imported',
      signInBlocked: false,
    });
    assert.deepEqual(
      enabled.items.map((u) => u.displayName),
      ['Alice Archer'],
    );
    const finance = await ctx.core.users.list(partnerAdmin, client, { department: 'Finance' });
    assert.deepEqual(
      finance.items.map((u) => u.displayName),
      ['Carol Cruz'],
    );
  });

  it('filters by group through nested groups', async () => {
    const sales = await ctx.core.users.list(partnerAdmin, client, { group: 'Sales team' });
    assert.deepEqual(
      sales.items.map((u) => u.displayName),
      ['Alice Archer', 'Bob Baker', 'Carol Cruz'],
    );
    const byId = await ctx.core.users.list(partnerAdmin, client, { group: dir.group('contractors') });
    assert.deepEqual(
      byId.items.map((u) => u.displayName),
      ['Connie Contractor', 'Ned Nested'],
    );
  });

  it('pages with a cursor through every user exactly once, users without a name included', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let total: number | null = null;
    do {
      const page = await ctx.core.users.list(partnerAdmin, client, {
        limit: 7,
        ...(cursor === undefined ? {} : { cursor }),
      });
      total ??= page.total;
      seen.push(...page.items.map((u) => u.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    assert.equal(seen.length, 38);
    assert.equal(new Set(seen).size, 38);
    assert.equal(total, 38);
    assert.equal(seen[0], dir.user('noname'), 'no display name sorts first');
  });

  it('shows each user its eligibility and expiry explanation', async () => {
    const page = await ctx.core.users.listEntraUsers(partnerAdmin, client, { search: 'gary' });
    const gary = page.items[0];
    assert.ok(gary !== undefined && !gary.eligibility.eligible);
    assert.equal(gary.eligibility.explanation, 'guest account');
    const alice = await ctx.core.users.get(partnerAdmin, client, 'alice@contoso.example');
    assert.deepEqual(alice.eligibility, { eligible: true });
    assert.equal(alice.billable, true);
    assert.match(alice.expiry.explanation, /no sign-in seen since import on 2026-11-01/);
  });

  it('lists who may be imported and who may not (rule 3), as each user’s own eligibility says', async () => {
    const all = await ctx.core.users.list(partnerAdmin, client, { limit: 500 });
    const may = await ctx.core.users.list(partnerAdmin, client, { eligible: true, limit: 500 });
    const mayNot = await ctx.core.users.list(partnerAdmin, client, { eligible: 'no', limit: 500 });
    const ids = (page: { items: { id: string }[] }): string[] => page.items.map((user) => user.id).sort();
    assert.deepEqual(
      ids(may),
      all.items
        .filter((user) => user.eligibility.eligible)
        .map((user) => user.id)
        .sort(),
    );
    assert.deepEqual(
      ids(mayNot),
      all.items
        .filter((user) => !user.eligibility.eligible)
        .map((user) => user.id)
        .sort(),
    );
    // A guest, a user deleted in Entra, and direct and nested members of an excluded group may not.
    for (const alias of ['guest', 'deleted', 'contractor', 'nested'])
      assert.ok(ids(mayNot).includes(dir.user(alias)), alias);
    assert.ok(ids(may).includes(dir.user('carol')));
    // The Entra ID users screen's question: who, not imported yet, could be.
    const importable = await ctx.core.users.listEntraUsers(partnerAdmin, client, {
      eligible: true,
      limit: 500,
    });
    assert.ok(importable.items.every((user) => user.state === 'not_imported' && user.eligibility.eligible));
    assert.ok(ids(importable).includes(dir.user('carol')) && !ids(importable).includes(dir.user('guest')));
    assert.equal(importable.total, importable.items.length);
  });

  it('refuses to import a guest, naming the reason, and changes nothing', async () => {
    await assert.rejects(
      ctx.core.users.importUser(partnerAdmin, client, dir.user('guest')),
      (error: unknown) => {
        assert.ok(error instanceof ConflictError);
        assert.equal(error.code, 'user_not_eligible');
        assert.equal(error.message, 'Gary Guest cannot be imported: guest account.');
        return true;
      },
    );
    assert.deepEqual(await userState(ctx.core.database.db, client, dir.user('guest')), {
      state: 'not_imported',
      reason: null,
    });
  });

  it('refuses to import a nested member of an excluded group, naming the group', async () => {
    await assert.rejects(
      ctx.core.users.importUser(partnerAdmin, client, 'ned@contoso.example'),
      (error: unknown) => {
        assert.ok(error instanceof ConflictError);
        assert.equal(error.message, 'Ned Nested cannot be imported: member of excluded group Contractors.');
        assert.deepEqual(error.details?.group, { id: dir.group('contractors'), displayName: 'Contractors' });
        return true;
      },
    );
  });

  it('refuses to import a user deleted in Entra', async () => {
    await assert.rejects(
      ctx.core.users.importUser(partnerAdmin, client, dir.user('deleted')),
      (error: unknown) => error instanceof ConflictError && error.message.includes('deleted in Entra'),
    );
  });

  it('imports an eligible user and audits it', async () => {
    const carol = await ctx.core.users.importUser(partnerAdmin, client, dir.user('carol'));
    assert.equal(carol.state, 'imported');
    assert.equal(carol.importedAt, ctx.clock.now().toISOString());
    const audit = await ctx.core.auditLog.query(partnerAdmin, { client: client, action: 'user.import' });
    const [entry] = audit.items;
    assert.equal(entry?.targetId, dir.user('carol'));
    assert.deepEqual(entry.after, { collectionState: 'imported' });
  });

  it('keeps a manual disable through later syncs until an admin imports the user again', async () => {
    const db = ctx.core.database.db;
    const bob = await ctx.core.users.disableUser(partnerAdmin, client, 'BOB@contoso.example');
    assert.deepEqual([bob.state, bob.disableReason, bob.billable], ['disabled', 'manual', false]);
    await ctx.core.collection.reconcile(client);
    await ctx.core.collection.reconcile(client);
    assert.deepEqual(await userState(db, client, dir.user('bob')), { state: 'disabled', reason: 'manual' });
    const again = await ctx.core.users.importUser(partnerAdmin, client, dir.user('bob'));
    assert.equal(again.state, 'imported');
    await ctx.core.collection.reconcile(client);
    assert.deepEqual(await userState(db, client, dir.user('bob')), { state: 'imported', reason: null });
  });

  it('starts collecting a user imported again from the moment of the import (its sign-ins while disabled stay out)', async () => {
    const db = ctx.core.database.db;
    const alice = await ctx.core.users.disableUser(partnerAdmin, client, dir.user('alice'));
    assert.equal(alice.state, 'disabled');
    ctx.clock.advance(60_000);
    await ctx.core.users.importUser(partnerAdmin, client, dir.user('alice'));
    const row = await db
      .selectFrom('directory_users')
      .select(['collected_from', 'imported_at'])
      .where('client_id', '=', client)
      .where('id', '=', dir.user('alice'))
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, {
      collected_from: ctx.clock.now().toISOString(),
      imported_at: ctx.clock.now().toISOString(),
    });
  });

  it('refuses to disable a user who was never imported, saying why, and changes nothing', async () => {
    const db = ctx.core.database.db;
    const before = await userState(db, client, dir.user('guest'));
    await assert.rejects(
      ctx.core.users.disableUser(partnerAdmin, client, dir.user('guest')),
      (error: unknown) => {
        assert.ok(error instanceof ConflictError);
        assert.equal(error.code, 'user_not_collected');
        assert.match(error.message, /cannot be disabled: it was never imported, so nothing is collected/);
        return true;
      },
    );
    assert.deepEqual(await userState(db, client, dir.user('guest')), before);
  });

  it("keeps an excluded member's reason: disabling it is refused, naming its group", async () => {
    const db = ctx.core.database.db;
    await assert.rejects(
      ctx.core.users.disableUser(partnerAdmin, client, dir.user('nested')),
      (error: unknown) =>
        error instanceof ConflictError &&
        error.code === 'user_excluded' &&
        /excluded group.*\(Contractors\)/.test(error.message),
    );
    assert.deepEqual(await userState(db, client, dir.user('nested')), {
      state: 'disabled',
      reason: 'excluded_group',
    });
    await assert.rejects(
      ctx.core.users.disableUser(partnerAdmin, client, dir.user('deleted')),
      (error: unknown) => error instanceof ConflictError && error.code === 'user_deleted',
    );
  });

  it('tells guests and external members apart by Microsoft’s definitions, and lists external members on their own', async () => {
    const db = ctx.core.database.db;
    const other = await seedClient(db, { name: `ext-${ctx.engine}` });
    const seeded = await seedDirectory(db, other, {
      users: {
        home: { upn: 'hana@contoso.example' },
        partner: { upn: 'pat_partner.example#EXT#@contoso.example', userType: 'Member' },
        untyped: { upn: 'uma_fabrikam.example#EXT#@contoso.example', userType: null },
        invited: { upn: 'ivo_fabrikam.example#EXT#@contoso.example', userType: 'Guest' },
        untypedHome: { upn: 'otto@contoso.example', userType: null },
      },
    });
    await ctx.core.collection.reconcile(other);
    const view = async (alias: string) => ctx.core.users.get(partnerAdmin, other, seeded.user(alias));
    const partner = await view('partner');
    assert.deepEqual(
      [partner.guest, partner.externalMember, partner.state, partner.billable],
      [false, true, 'imported', true],
    );
    const untyped = await view('untyped');
    assert.deepEqual([untyped.guest, untyped.externalMember, untyped.state], [true, false, 'not_imported']);
    assert.equal((await view('untypedHome')).state, 'imported');
    const external = await ctx.core.users.list(partnerAdmin, other, { externalMember: true });
    assert.deepEqual(
      external.items.map((user) => user.id),
      [seeded.user('partner')],
    );
    const guests = await ctx.core.users.list(partnerAdmin, other, { guest: true });
    assert.deepEqual(
      new Set(guests.items.map((user) => user.id)),
      new Set([seeded.user('untyped'), seeded.user('invited')]),
    );
    assert.equal((await ctx.core.billing.summary(partnerAdmin, other)).counts.guests, 2);
  });

  it('answers "not found" for an unknown user and for a user of another client', async () => {
    const other = await seedClient(ctx.core.database.db, { name: `other-${ctx.engine}` });
    const otherDir = await seedDirectory(ctx.core.database.db, other, { users: { zed: {} } });
    await assert.rejects(ctx.core.users.get(partnerAdmin, client, otherDir.user('zed')), NotFoundError);
    await assert.rejects(
      ctx.core.users.disableUser(partnerAdmin, client, '00000000-0000-4000-8000-000000000000'),
      NotFoundError,
    );
  });

  it('rejects malformed ids, filters and cursors before touching anything', async () => {
    await assert.rejects(ctx.core.users.importUser(partnerAdmin, client, 'not a user'), ValidationError);
    await assert.rejects(
      ctx.core.users.list(partnerAdmin, client, { state: 'sleeping' as 'imported' }),
      ValidationError,
    );
    await assert.rejects(ctx.core.users.list(partnerAdmin, client, { limit: 5000 }), ValidationError);
    await assert.rejects(
      ctx.core.users.list(partnerAdmin, client, { eligible: 'maybe' as 'yes' }),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.message === 'Invalid input — eligible: must be true, false, yes or no.',
    );
    await assert.rejects(ctx.core.users.list(partnerAdmin, client, { cursor: 'garbage!' }), ValidationError);
    await assert.rejects(
      ctx.core.users.list(partnerAdmin, client, { group: 'No such group' }),
      (error: unknown) => error instanceof AppError && error.code === 'not_found',
    );
  });
});
