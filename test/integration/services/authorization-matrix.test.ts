import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { Core } from '../../../src/composition/create-core.js';
import { operatorActor, type Actor } from '../../../src/services/actor.js';
import { AppError, ForbiddenError, NotFoundError } from '../../../src/shared/errors.js';
import { MSP_TENANT, describeEachEngineWithCore, partnerAdmin, person } from './fixtures/core-harness.js';
import { seedClient, seedDirectory, stateSnapshot, tableCounts } from './fixtures/directory-fixture.js';

type Level = 'read' | 'operate' | 'configure' | 'partner';
type Role =
  | 'configured partner admin'
  | 'assigned partner admin'
  | 'CLI operator'
  | 'client admin'
  | 'viewer of the client'
  | 'viewer of all clients'
  | 'outsider';
type Outcome = 'allowed' | 'forbidden' | 'not found';

/** What each action needs, and how to call it on a client (`ref`) whose directory is `fixture`. */
interface Action {
  readonly name: string;
  readonly level: Level;
  /** Set-up done by a partner admin before the measured call; its result is passed to `run`. */
  prepare?(core: Core, ref: string): Promise<unknown>;
  run(core: Core, actor: Actor, ref: string, fixture: Fixture, prepared: unknown): Promise<unknown>;
}

interface Fixture {
  readonly userId: string;
  readonly groupId: string;
  readonly clientName: string;
}

const actions: readonly Action[] = [
  { name: 'users.list', level: 'read', run: (core, actor, ref) => core.users.list(actor, ref) },
  {
    name: 'users.listEntraUsers',
    level: 'read',
    run: (core, actor, ref) => core.users.listEntraUsers(actor, ref),
  },
  { name: 'users.get', level: 'read', run: (core, actor, ref, f) => core.users.get(actor, ref, f.userId) },
  { name: 'users.departments', level: 'read', run: (core, actor, ref) => core.users.departments(actor, ref) },
  { name: 'groups.list', level: 'read', run: (core, actor, ref) => core.groups.list(actor, ref) },
  { name: 'groups.get', level: 'read', run: (core, actor, ref, f) => core.groups.get(actor, ref, f.groupId) },
  {
    name: 'groups.members',
    level: 'read',
    run: (core, actor, ref, f) => core.groups.members(actor, ref, f.groupId),
  },
  { name: 'billing.summary', level: 'read', run: (core, actor, ref) => core.billing.summary(actor, ref) },
  { name: 'billing.history', level: 'read', run: (core, actor, ref) => core.billing.history(actor, ref) },
  { name: 'integrations.get', level: 'read', run: (core, actor, ref) => core.integrations.get(actor, ref) },
  { name: 'licences.overview', level: 'read', run: (core, actor, ref) => core.licences.overview(actor, ref) },
  {
    name: 'licences.inactiveLicensed',
    level: 'read',
    run: (core, actor, ref) => core.licences.inactiveLicensed(actor, ref),
  },
  {
    name: 'licences.userLicences',
    level: 'read',
    run: (core, actor, ref, f) => core.licences.userLicences(actor, ref, f.userId),
  },
  { name: 'licences.prices', level: 'read', run: (core, actor, ref) => core.licences.prices(actor, ref) },
  {
    name: 'licences.actionAvailability',
    level: 'read',
    run: (core, actor, ref) => core.licences.actionAvailability(actor, ref),
  },
  {
    name: 'licences.reportCsv',
    level: 'read',
    run: (core, actor, ref) => core.licences.reportCsv(actor, ref),
  },
  {
    name: 'licences.setPrices',
    level: 'configure',
    // The client's tenant has a subscription to Microsoft 365 E3, so an allowed call really sets its price.
    prepare: async (core, ref) => {
      const skuId = '05e9a617-0261-4cee-bb44-138d3ef5d965';
      await core.database.db
        .insertInto('licence_subscriptions')
        .values({
          client_id: ref,
          sku_id: skuId,
          sku_part_number: 'SPE_E3',
          applies_to: 'User',
          capability_status: 'Enabled',
          enabled_units: 10,
          consumed_units: 8,
          round_stamp: 'test',
        })
        .onConflict((oc) => oc.columns(['client_id', 'sku_id']).doNothing())
        .execute();
      return skuId;
    },
    run: (core, actor, ref, _f, skuId) =>
      core.licences.setPrices(actor, ref, {
        currency: 'GBP',
        prices: [{ skuId: String(skuId), monthlyPrice: '33.00' }],
      }),
  },

  {
    name: 'auditLog.query (client)',
    level: 'read',
    run: (core, actor, ref) => core.auditLog.query(actor, { client: ref }),
  },
  {
    name: 'auditLog.exportCsv (client)',
    level: 'read',
    run: (core, actor, ref) => core.auditLog.exportCsv(actor, { client: ref }),
  },
  {
    name: 'users.importUser',
    level: 'operate',
    run: (core, actor, ref, f) => core.users.importUser(actor, ref, f.userId),
  },
  {
    name: 'users.disableUser',
    level: 'operate',
    run: (core, actor, ref, f) => core.users.disableUser(actor, ref, f.userId),
  },
  // Every action on users (issue 17) × preview and execute: the client-admin right, own client only, viewers never.
  ...(
    ['block_sign_in', 'unblock_sign_in', 'revoke_sessions', 'remove_licences', 'restore_licences'] as const
  ).flatMap((action) => [
    {
      name: `userActions.preview ${action}`,
      level: 'operate' as const,
      run: (core: Core, actor: Actor, ref: string, f: Fixture) =>
        core.userActions.preview(actor, ref, { action, userIds: [f.userId] }),
    },
    {
      name: `userActions.execute ${action}`,
      level: 'operate' as const,
      // The fixture's client is not connected: an allowed call is refused for that (nothing sent), after the right.
      run: (core: Core, actor: Actor, ref: string, f: Fixture) =>
        core.userActions.execute(actor, ref, { action, userIds: [f.userId], confirm: true }),
    },
  ]),
  {
    name: 'offboarding.preview',
    level: 'operate',
    run: (core, actor, ref, f) => core.offboarding.preview(actor, ref, f.userId),
  },
  {
    name: 'offboarding.execute',
    level: 'operate',
    // The fixture's client is not connected: an allowed call is refused for that at its first step, after the right.
    run: (core, actor, ref, f) => core.offboarding.execute(actor, ref, f.userId, { confirm: true }),
  },
  {
    name: 'groups.previewExclusion',
    level: 'operate',
    run: (core, actor, ref, f) => core.groups.previewExclusion(actor, ref, f.groupId),
  },
  {
    name: 'groups.confirmExclusion',
    level: 'operate',
    // A well-formed token nobody issued: the right is checked before the token is looked at.
    run: (core, actor, ref) =>
      core.groups.confirmExclusion(actor, ref, crypto.randomBytes(32).toString('base64url')),
  },
  {
    name: 'groups.setReporting',
    level: 'operate',
    run: (core, actor, ref, f) => core.groups.setReporting(actor, ref, f.groupId, true),
  },
  {
    name: 'integrations.startImport',
    level: 'operate',
    run: (core, actor, ref) => core.integrations.startImport(actor, ref),
  },
  {
    name: 'integrations.connect',
    level: 'configure',
    // Malformed on purpose: the right is checked first, then the shapes (so no network call is made here).
    run: (core, actor, ref) =>
      core.integrations.connect(actor, ref, { tenant: '?', clientId: '?', clientSecret: '' }),
  },
  {
    name: 'integrations.startConsent',
    level: 'configure',
    run: (core, actor, ref) =>
      core.integrations.startConsent(actor, ref, { tenant: 'contoso.onmicrosoft.com' }),
  },
  {
    name: 'integrations.test',
    level: 'configure',
    run: (core, actor, ref) => core.integrations.test(actor, ref),
  },
  {
    name: 'integrations.rotateSecret',
    level: 'configure',
    run: (core, actor, ref) => core.integrations.rotateSecret(actor, ref, { clientSecret: '' }),
  },
  {
    name: 'integrations.previewExpiryThreshold',
    level: 'configure',
    run: (core, actor, ref) => core.integrations.previewExpiryThreshold(actor, ref, 45),
  },
  {
    name: 'integrations.setExpiryThreshold',
    level: 'configure',
    run: (core, actor, ref) => core.integrations.setExpiryThreshold(actor, ref, 45),
  },
  {
    name: 'integrations.remove',
    level: 'configure',
    run: (core, actor, ref, f) => core.integrations.remove(actor, ref, f.clientName),
  },
  { name: 'roles.list (client)', level: 'configure', run: (core, actor, ref) => core.roles.list(actor, ref) },
  { name: 'roles.list (all)', level: 'partner', run: (core, actor) => core.roles.list(actor) },
  {
    name: 'roles.assign',
    level: 'partner',
    run: (core, actor, ref) =>
      core.roles.assign(actor, {
        principalTenantId: MSP_TENANT,
        principalObjectId: crypto.randomUUID(),
        role: 'viewer',
        client: ref,
      }),
  },
  {
    name: 'roles.revoke',
    level: 'partner',
    prepare: async (core, ref) => {
      const key = {
        principalTenantId: MSP_TENANT,
        principalObjectId: crypto.randomUUID(),
        role: 'viewer' as const,
        client: ref,
      };
      await core.roles.assign(partnerAdmin, key);
      return key;
    },
    run: (core, actor, _ref, _fixture, prepared) =>
      core.roles.revoke(actor, prepared as Parameters<Core['roles']['revoke']>[1]),
  },
  {
    name: 'clients.add',
    level: 'partner',
    run: (core, actor) => core.clients.add(actor, { name: `n-${crypto.randomBytes(4).toString('hex')}` }),
  },
];

const roles: readonly Role[] = [
  'configured partner admin',
  'assigned partner admin',
  'CLI operator',
  'client admin',
  'viewer of the client',
  'viewer of all clients',
  'outsider',
];

function expected(role: Role, level: Level, own: boolean): Outcome {
  const partner =
    role === 'configured partner admin' || role === 'assigned partner admin' || role === 'CLI operator';
  if (level === 'partner') return partner ? 'allowed' : 'forbidden';
  const visible =
    partner ||
    role === 'viewer of all clients' ||
    (own && (role === 'client admin' || role === 'viewer of the client'));
  if (!visible) return 'not found';
  if (partner || level === 'read') return 'allowed';
  return role === 'client admin' ? 'allowed' : 'forbidden';
}

function classify(error: unknown): Outcome {
  if (error instanceof ForbiddenError) return 'forbidden';
  if (error instanceof NotFoundError && error.details?.what === 'Client') return 'not found';
  // Any other answer of the core (a refusal by a rule, a validation error) means the right was granted. Anything
  // else is a crash, not an answer: it fails the test rather than pass as "allowed".
  if (!(error instanceof AppError)) throw error;
  return 'allowed';
}

describeEachEngineWithCore(
  'authorization matrix: every role × every action × own client / another client',
  (ctx) => {
    const actors = new Map<Role, Actor>();

    /** A client with a small directory, the client admin and viewer of this action scoped to it. */
    async function clientFor(own: boolean, action: string): Promise<{ id: string; fixture: Fixture }> {
      const db = ctx.core.database.db;
      const name = `${own ? 'own' : 'other'}-${crypto.randomBytes(5).toString('hex')}`;
      const id = await seedClient(db, { name });
      const dir = await seedDirectory(db, id, {
        users: { u: { displayName: `User of ${action}` } },
        groups: { g: { displayName: 'Group', members: ['u'] } },
      });
      return { id, fixture: { userId: dir.user('u'), groupId: dir.group('g'), clientName: name } };
    }

    before(async () => {
      const make = (n: number, name: string): Actor =>
        person(`bbbbbbbb-0000-4000-8000-${String(n).padStart(12, '0')}`, name);
      actors.set('configured partner admin', partnerAdmin);
      actors.set('assigned partner admin', make(1, 'assigned-partner@msp.example'));
      actors.set('CLI operator', operatorActor('ops'));
      actors.set('client admin', make(2, 'client-admin@msp.example'));
      actors.set('viewer of the client', make(3, 'viewer@msp.example'));
      actors.set('viewer of all clients', make(4, 'viewer-all@msp.example'));
      actors.set('outsider', make(5, 'outsider@elsewhere.example'));
      const assigned = actors.get('assigned partner admin');
      const viewerAll = actors.get('viewer of all clients');
      if (assigned === undefined || viewerAll === undefined) throw new Error('actors missing');
      await ctx.core.roles.assign(partnerAdmin, {
        principalTenantId: assigned.tenantId,
        principalObjectId: assigned.objectId,
        role: 'partner_admin',
      });
      await ctx.core.roles.assign(partnerAdmin, {
        principalTenantId: viewerAll.tenantId,
        principalObjectId: viewerAll.objectId,
        role: 'viewer',
      });
    });

    for (const action of actions) {
      it(`${action.name} (${action.level})`, async () => {
        const mismatches: string[] = [];
        for (const role of roles) {
          for (const own of [true, false]) {
            const ownClient = await clientFor(true, action.name);
            const target = own ? ownClient : await clientFor(false, action.name);
            const actor = actors.get(role);
            if (actor === undefined) throw new Error(role);
            if (role === 'client admin' || role === 'viewer of the client') {
              await ctx.core.roles.assign(partnerAdmin, {
                principalTenantId: actor.tenantId,
                principalObjectId: actor.objectId,
                role: role === 'client admin' ? 'client_admin' : 'viewer',
                client: ownClient.id,
              });
            }
            const db = ctx.core.database.db;
            const prepared = await action.prepare?.(ctx.core, target.id);
            const countsBefore = await tableCounts(db);
            const stateBefore = await stateSnapshot(db);
            let outcome: Outcome;
            try {
              await action.run(ctx.core, actor, target.id, target.fixture, prepared);
              outcome = 'allowed';
            } catch (error) {
              outcome = classify(error);
            }
            const want = expected(role, action.level, own);
            if (outcome !== want)
              mismatches.push(`${role} on ${own ? 'own' : 'another'} client: got ${outcome}, want ${want}`);
            if (outcome !== 'allowed') {
              assert.deepEqual(await tableCounts(db), countsBefore, `${role}: a refused call wrote rows`);
              assert.equal(await stateSnapshot(db), stateBefore, `${role}: a refused call changed state`);
            }
            if (role === 'client admin' || role === 'viewer of the client') {
              await ctx.core.roles.revoke(partnerAdmin, {
                principalTenantId: actor.tenantId,
                principalObjectId: actor.objectId,
                role: role === 'client admin' ? 'client_admin' : 'viewer',
                client: ownClient.id,
              });
            }
          }
        }
        assert.deepEqual(mismatches, []);
      });
    }
  },
);
