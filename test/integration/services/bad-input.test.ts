import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { Core } from '../../../src/composition/create-core.js';
import { AppError } from '../../../src/shared/errors.js';
import { startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
import { describeEachEngineWithCore, partnerAdmin } from './fixtures/core-harness.js';
import {
  addMember,
  seedClient,
  seedDirectory,
  stateSnapshot,
  tableCounts,
} from './fixtures/directory-fixture.js';

/** The objects the bad inputs aim at: one client with a directory, another client with its own. */
interface Scene {
  readonly client: string;
  readonly clientName: string;
  readonly user: string;
  readonly group: string;
  readonly otherUser: string;
  readonly otherGroup: string;
  readonly usedToken: string;
  readonly staleToken: string;
  readonly otherAdminsToken: string;
  readonly sim: TestSimulator;
}

interface BadCase {
  readonly title: string;
  readonly code: string;
  readonly status: number;
  readonly call: (core: Core, scene: Scene) => Promise<unknown>;
}

const cases: readonly BadCase[] = [
  {
    title: 'a malformed user id',
    code: 'validation_failed',
    status: 400,
    call: (core, s) => core.users.disableUser(partnerAdmin, s.client, "1'; drop table directory_users; --"),
  },
  {
    title: 'an unknown user',
    code: 'not_found',
    status: 404,
    call: (core, s) => core.users.importUser(partnerAdmin, s.client, crypto.randomUUID()),
  },
  {
    title: 'a user of another client',
    code: 'not_found',
    status: 404,
    call: (core, s) => core.users.disableUser(partnerAdmin, s.client, s.otherUser),
  },
  {
    title: 'an unknown group',
    code: 'not_found',
    status: 404,
    call: (core, s) => core.groups.previewExclusion(partnerAdmin, s.client, crypto.randomUUID()),
  },
  {
    title: 'a group of another client',
    code: 'not_found',
    status: 404,
    call: (core, s) => core.groups.setReporting(partnerAdmin, s.client, s.otherGroup, true),
  },
  {
    title: 'an empty group reference',
    code: 'validation_failed',
    status: 400,
    call: (core, s) => core.groups.previewExclusion(partnerAdmin, s.client, '  '),
  },
  {
    title: 'an unknown client',
    code: 'not_found',
    status: 404,
    call: (core, s) => core.users.disableUser(partnerAdmin, 'no-such-client', s.user),
  },
  {
    title: 'a malformed preview token',
    code: 'validation_failed',
    status: 400,
    call: (core, s) => core.groups.confirmExclusion(partnerAdmin, s.client, '../../etc/passwd'),
  },
  {
    title: 'a preview token nobody issued',
    code: 'preview_not_found',
    status: 404,
    call: (core, s) =>
      core.groups.confirmExclusion(partnerAdmin, s.client, crypto.randomBytes(32).toString('base64url')),
  },
  {
    title: 'a reused preview token',
    code: 'preview_used',
    status: 409,
    call: (core, s) => core.groups.confirmExclusion(partnerAdmin, s.client, s.usedToken),
  },
  {
    title: 'a stale preview token',
    code: 'preview_stale',
    status: 409,
    call: (core, s) => core.groups.confirmExclusion(partnerAdmin, s.client, s.staleToken),
  },
  {
    title: "another admin's preview token",
    code: 'preview_not_yours',
    status: 409,
    call: (core, s) => core.groups.confirmExclusion(partnerAdmin, s.client, s.otherAdminsToken),
  },
  {
    title: 'a negative page size',
    code: 'validation_failed',
    status: 400,
    call: (core, s) => core.users.list(partnerAdmin, s.client, { limit: -1 }),
  },
  {
    title: 'an unknown filter value',
    code: 'validation_failed',
    status: 400,
    call: (core, s) => core.users.list(partnerAdmin, s.client, { disableReason: 'bored' as 'manual' }),
  },
  {
    title: 'an expiry threshold out of range',
    code: 'validation_failed',
    status: 400,
    call: (core, s) => core.integrations.setExpiryThreshold(partnerAdmin, s.client, 400),
  },
  {
    title: 'a malformed tenant id',
    code: 'validation_failed',
    status: 400,
    call: (core, s) =>
      core.integrations.connect(partnerAdmin, s.client, {
        tenant: '{guid}',
        clientId: crypto.randomUUID(),
        clientSecret: 'x',
      }),
  },
  {
    title: 'a wrong client secret',
    code: 'invalid_client_secret',
    status: 400,
    call: async (core, s) => {
      const fresh = await core.clients.add(partnerAdmin, {
        name: `wrong-${crypto.randomBytes(4).toString('hex')}`,
      });
      return core.integrations.connect(partnerAdmin, fresh.id, {
        tenant: s.sim.tenant.tenantId,
        clientId: s.sim.app.clientId,
        clientSecret: 'definitely-not-the-secret',
      });
    },
  },
  {
    title: 'a wrong confirmation of removal',
    code: 'validation_failed',
    status: 400,
    call: (core, s) => core.integrations.remove(partnerAdmin, s.client, `${s.clientName}x`),
  },
  {
    title: 'a role assignment without its client',
    code: 'validation_failed',
    status: 400,
    call: (core) =>
      core.roles.assign(partnerAdmin, {
        principalTenantId: crypto.randomUUID(),
        principalObjectId: crypto.randomUUID(),
        role: 'client_admin',
      }),
  },
  {
    title: 'an audit query with a malformed date',
    code: 'validation_failed',
    status: 400,
    call: (core, s) => core.auditLog.query(partnerAdmin, { client: s.client, from: 'yesterday' }),
  },
];

describe('bad input is refused clearly and changes nothing', function () {
  let sim: TestSimulator;
  before(async () => {
    sim = await startTestSimulator({ users: 10 });
  });
  after(async () => {
    await sim.close();
  });

  describeEachEngineWithCore(
    'bad input',
    (ctx) => {
      let scene: Scene;

      before(async () => {
        const db = ctx.core.database.db;
        const clientName = `bad-${ctx.engine}`;
        const client = await seedClient(db, { name: clientName });
        const dir = await seedDirectory(db, client, {
          users: { a: { state: 'imported' }, b: {}, c: {} },
          groups: { g: { members: ['a'] }, h: { members: ['b'] }, k: { members: ['c'] } },
        });
        const other = await seedClient(db, { name: `other-${ctx.engine}` });
        const otherDir = await seedDirectory(db, other, {
          users: { z: {} },
          groups: { y: { members: ['z'] } },
        });
        const used = await ctx.core.groups.previewExclusion(partnerAdmin, client, dir.group('g'));
        await ctx.core.groups.confirmExclusion(partnerAdmin, client, used.token);
        const stale = await ctx.core.groups.previewExclusion(partnerAdmin, client, dir.group('h'));
        await addMember(db, client, dir.group('h'), dir.user('c'), 'user');
        const secondAdmin = {
          ...partnerAdmin,
          objectId: 'aaaaaaaa-0000-4000-8000-0000000000ff',
          name: 'second',
        };
        await ctx.core.roles.assign(partnerAdmin, {
          principalTenantId: secondAdmin.tenantId,
          principalObjectId: secondAdmin.objectId,
          role: 'partner_admin',
        });
        const theirs = await ctx.core.groups.previewExclusion(secondAdmin, client, dir.group('k'));
        scene = {
          client,
          clientName,
          user: dir.user('b'),
          group: dir.group('k'),
          otherUser: otherDir.user('z'),
          otherGroup: otherDir.group('y'),
          usedToken: used.token,
          staleToken: stale.token,
          otherAdminsToken: theirs.token,
          sim,
        };
      });

      for (const badCase of cases) {
        it(`refuses ${badCase.title} with ${badCase.code}`, async () => {
          const db = ctx.core.database.db;
          const counts = await tableCounts(db);
          const state = await stateSnapshot(db);
          let caught: unknown;
          try {
            await badCase.call(ctx.core, scene);
          } catch (error) {
            caught = error;
          }
          assert.ok(caught instanceof AppError, `expected an AppError, got ${String(caught)}`);
          assert.equal(caught.code, badCase.code, caught.message);
          assert.equal(caught.status, badCase.status);
          assert.ok(
            caught.message.length > 20 && !caught.message.includes('    at '),
            'a sentence, not a stack',
          );
          const after = await tableCounts(db);
          // The wrong-secret case creates its own fresh client first (that is not the refused call).
          if (badCase.code === 'invalid_client_secret') {
            assert.equal(after.clients, (counts.clients ?? 0) + 1);
            assert.equal(after.audit_log, (counts.audit_log ?? 0) + 1, 'only the client.add entry');
            assert.equal(after.integrations, counts.integrations);
          } else {
            assert.deepEqual(after, counts, 'no row added or removed, no audit entry');
            assert.equal(await stateSnapshot(db), state, 'no state changed');
          }
        });
      }
    },
    () => ({ graphEndpoints: sim.endpoints }),
  );
});
