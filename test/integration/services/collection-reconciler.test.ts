import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { pino } from 'pino';
import { decideCollectionState, type CollectionStatus } from '../../../src/domain/collection-state.js';
import { AuditTrail } from '../../../src/services/audit-trail.js';
import { CollectionReconciler } from '../../../src/services/collection-reconciler.js';
import { FakeClock } from '../../../src/shared/clock.js';
import { SecretBox } from '../../../src/store/secret-box.js';
import { createStore } from '../../../src/store/store.js';
import type { EntraState } from '../../../src/domain/vocabulary.js';
import { describeEachEngine } from '../../support/databases.js';
import {
  seedClient,
  seedDirectory,
  userState,
  type SeedGroup,
  type SeedUser,
} from './fixtures/directory-fixture.js';

const currentStates: readonly CollectionStatus[] = [
  { state: 'not_imported', reason: null },
  { state: 'imported', reason: null },
  { state: 'disabled', reason: 'manual' },
  { state: 'disabled', reason: 'excluded_group' },
  { state: 'disabled', reason: 'deleted_in_entra' },
];
const entraStates: readonly EntraState[] = ['active', 'soft_deleted', 'deleted'];
const userTypes = ['Member', 'Guest', null] as const;
/** How the user relates to the excluded group "Contractors": not at all, directly, nested two deep, through a cycle. */
const memberships = ['none', 'direct', 'nested', 'cycle'] as const;
/** A home account, or one from another organisation (B2B: `#EXT#` in the UPN). */
const upnKinds = ['home', 'external'] as const;

describeEachEngine('collection reconciler', (ctx) => {
  const clock = new FakeClock('2026-11-20T10:00:00.000Z');
  const reconciler = (): CollectionReconciler =>
    new CollectionReconciler({
      store: createStore(ctx.database.db, new SecretBox(crypto.randomBytes(32))),
      audit: new AuditTrail({ clock }),
      clock,
      logger: pino({ level: 'silent' }),
    });

  for (const autoImport of [true, false]) {
    it(`gives every combination of state, Entra state, user type, UPN and nesting the state the transition table decides (initial import ${autoImport ? 'started' : 'not started'})`, async () => {
      const db = ctx.database.db;
      const clientId = await seedClient(db, { integration: { importStarted: autoImport } });
      const users: Record<string, SeedUser> = {};
      const cases: {
        alias: string;
        current: CollectionStatus;
        entraState: EntraState;
        userType: string | null;
        upn: string;
        inExcluded: boolean;
      }[] = [];
      const direct: string[] = [];
      const nested: string[] = [];
      const cyclic: string[] = [];
      let n = 0;
      for (const current of currentStates)
        for (const entraState of entraStates)
          for (const userType of userTypes)
            for (const upnKind of upnKinds)
              for (const membership of memberships) {
                const alias = `u${n++}`;
                const upn =
                  upnKind === 'home'
                    ? `${alias}@fixture.example`
                    : `${alias}_partner.com#EXT#@fixture.example`;
                users[alias] = { state: current.state, reason: current.reason, entraState, userType, upn };
                if (membership === 'direct') direct.push(alias);
                if (membership === 'nested') nested.push(alias);
                if (membership === 'cycle') cyclic.push(alias);
                cases.push({ alias, current, entraState, userType, upn, inExcluded: membership !== 'none' });
              }
      const groups: Record<string, SeedGroup> = {
        contractors: {
          displayName: 'Contractors',
          members: [...direct, 'level1'],
          excludedAt: '2026-11-01T00:00:00.000Z',
        },
        level1: { displayName: 'Level 1', members: ['level2'] },
        level2: { displayName: 'Level 2', members: [...nested, 'cycleA'] },
        cycleA: { displayName: 'Cycle A', members: ['cycleB'] },
        cycleB: { displayName: 'Cycle B', members: [...cyclic, 'cycleA'] },
        harmless: { displayName: 'Harmless', members: ['u0', 'u1', 'u2'] },
      };
      const seeded = await seedDirectory(db, clientId, { users, groups });

      await reconciler().reconcile(clientId);

      for (const c of cases) {
        const expected = decideCollectionState(
          c.current,
          {
            userType: c.userType,
            userPrincipalName: c.upn,
            entraState: c.entraState,
            inExcludedGroup: c.inExcluded,
          },
          { autoImport },
        );
        const actual = await userState(db, clientId, seeded.user(c.alias));
        assert.deepEqual(
          actual,
          { state: expected.state, reason: expected.reason },
          `case ${JSON.stringify(c)}`,
        );
      }
    });
  }

  it('is idempotent: a second run changes nothing and audits nothing', async () => {
    const db = ctx.database.db;
    const clientId = await seedClient(db);
    await seedDirectory(db, clientId, {
      users: { a: {}, b: { userType: 'Guest' }, c: { entraState: 'soft_deleted' } },
    });
    const first = await reconciler().reconcile(clientId);
    assert.equal(first.imported, 1);
    assert.equal(first.disabledDeletedInEntra, 1);
    const audits = async (): Promise<number> =>
      (
        await db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('client_id', '=', clientId)
          .executeTakeFirstOrThrow()
      ).n;
    const before = await audits();
    const second = await reconciler().reconcile(clientId);
    assert.deepEqual(
      [second.imported, second.disabledExcludedGroup, second.disabledDeletedInEntra, second.notImported],
      [0, 0, 0, 0],
    );
    assert.equal(await audits(), before);
  });

  it('brings a soft-deleted user back to imported when Entra restores it, and keeps a manual disable through it all', async () => {
    const db = ctx.database.db;
    const clientId = await seedClient(db);
    const seeded = await seedDirectory(db, clientId, {
      users: { restored: { state: 'imported' }, manual: { state: 'disabled', reason: 'manual' } },
    });
    const setEntra = async (alias: string, state: EntraState): Promise<void> => {
      await db
        .updateTable('directory_users')
        .set({ entra_state: state })
        .where('client_id', '=', clientId)
        .where('id', '=', seeded.user(alias))
        .execute();
    };
    await setEntra('restored', 'soft_deleted');
    await setEntra('manual', 'soft_deleted');
    await reconciler().reconcile(clientId);
    assert.deepEqual(await userState(db, clientId, seeded.user('restored')), {
      state: 'disabled',
      reason: 'deleted_in_entra',
    });
    assert.deepEqual(await userState(db, clientId, seeded.user('manual')), {
      state: 'disabled',
      reason: 'manual',
    });

    await setEntra('restored', 'active');
    await setEntra('manual', 'active');
    await reconciler().reconcile(clientId);
    assert.deepEqual(await userState(db, clientId, seeded.user('restored')), {
      state: 'imported',
      reason: null,
    });
    assert.deepEqual(await userState(db, clientId, seeded.user('manual')), {
      state: 'disabled',
      reason: 'manual',
    });
  });
});
