import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { SimTenant } from '../../../sim/index.js';
import type { TenantGraphFactory } from '../../../src/graph/tenant-graph-factory.js';
import { FakeClock, systemClock, type Clock } from '../../../src/shared/clock.js';
import { createLogger, type Logger } from '../../../src/shared/logger.js';
import { ClientRepository } from '../../../src/store/client-repository.js';
import type { AppDatabase } from '../../../src/store/database.js';
import { IntegrationRepository } from '../../../src/store/integration-repository.js';
import type { Database } from '../../../src/store/schema.js';
import { SecretBox } from '../../../src/store/secret-box.js';
import { createStore, type Store } from '../../../src/store/store.js';
import { AuditTrail } from '../../../src/services/audit-trail.js';
import { CollectionReconciler } from '../../../src/services/collection-reconciler.js';
import { DirectorySync } from '../../../src/sync/directory-sync.js';
import { SyncRunner } from '../../../src/sync/sync-runner.js';
import { simulatorIntegration, type TestSimulator } from '../graph/simulator-harness.js';

export const silentLogger: Logger = createLogger({ level: 'silent' });

export interface SyncFixture {
  readonly clientId: string;
  readonly integrations: IntegrationRepository;
  /** The store over the same database and secret box, for the engines that write through it. */
  readonly store: Store;
  readonly runner: SyncRunner;
  readonly directorySync: DirectorySync;
  readonly graphs: TenantGraphFactory;
}

/** A client connected to the simulator's tenant, and a directory sync for it, on the given store. */
export async function connectClient(
  database: AppDatabase,
  harness: TestSimulator,
  options: { graphs?: TenantGraphFactory; clock?: Clock; clientId?: string } = {},
): Promise<SyncFixture> {
  const clientId = options.clientId ?? crypto.randomUUID();
  const clock = options.clock ?? systemClock;
  const db = database.db;
  await new ClientRepository(db).insert({
    id: clientId,
    name: `c-${clientId.slice(0, 8)}`,
    displayName: 'Test client',
    expiryDays: 30,
    createdAt: clock.now().toISOString(),
    createdBy: 'test',
  });
  const secretBox = new SecretBox(crypto.randomBytes(32));
  const integrations = new IntegrationRepository(db, secretBox);
  // One tenant belongs to one client (a unique index): the client of an earlier test lets go of the tenant.
  await db
    .deleteFrom('integrations')
    .where('tenant_id', '=', harness.tenant.tenantId.toLowerCase())
    .execute();
  await integrations.save(simulatorIntegration(harness, clientId, clock.now()));
  const graphs = options.graphs ?? harness.factory();
  const store = createStore(db, secretBox);
  const runner = new SyncRunner({ store, clock, logger: silentLogger });
  const directorySync = new DirectorySync({
    store,
    graphs,
    integrations,
    runner,
    clock,
    logger: silentLogger,
  });
  return { clientId, integrations, store, runner, directorySync, graphs };
}

export { FakeClock };

/**
 * Starts the client's initial import and applies the collection rules, as `startImport` does: every eligible user
 * (not a guest, not deleted, not excluded) is imported, and its sign-ins are collected from then on (rule 10).
 */
export async function importEveryone(
  db: Kysely<Database>,
  clientId: string,
  clock: Clock = systemClock,
): Promise<void> {
  await db
    .updateTable('integrations')
    .set({ import_started_at: clock.now().toISOString() })
    .where('client_id', '=', clientId)
    .execute();
  await new CollectionReconciler({
    store: createStore(db, new SecretBox(crypto.randomBytes(32))),
    audit: new AuditTrail({ clock }),
    clock,
    logger: silentLogger,
  }).reconcile(clientId);
}

/**
 * Asserts that the client's copy equals the simulator's truth: every user (properties and Entra state), every
 * group, every direct edge and every transitive user membership.
 */
export async function assertMatchesTruth(
  db: Kysely<Database>,
  clientId: string,
  tenant: SimTenant,
): Promise<void> {
  const users = await db
    .selectFrom('directory_users')
    .selectAll()
    .where('client_id', '=', clientId)
    .execute();
  const byId = new Map(users.map((row) => [row.id, row]));
  let active = 0;
  for (const user of tenant.users()) {
    active++;
    const row = byId.get(user.id);
    assert.ok(row, `user ${user.id} is missing`);
    assert.deepEqual(
      {
        state: row.entra_state,
        displayName: row.display_name,
        upn: row.user_principal_name,
        mail: row.mail,
        userType: row.user_type,
        enabled: row.account_enabled === 1,
        department: row.department,
        jobTitle: row.job_title,
        created: row.created_date_time,
        onPremisesSynced: row.on_premises_sync === 1,
      },
      {
        state: 'active',
        displayName: user.displayName,
        upn: user.userPrincipalName,
        mail: user.mail,
        userType: user.userType,
        enabled: user.accountEnabled,
        department: user.department,
        jobTitle: user.jobTitle,
        created: user.createdDateTime,
        onPremisesSynced: user.onPremisesSyncEnabled === true,
      },
      `user ${user.id}`,
    );
    assert.equal(
      row.search_text,
      [user.displayName, user.userPrincipalName, user.mail].filter(Boolean).join(' ').toLowerCase(),
    );
  }
  const softDeleted = new Set([...tenant.deletedUsers()].map((user) => user.id));
  for (const row of users) {
    if (row.entra_state === 'active') continue;
    if (row.entra_state === 'soft_deleted')
      assert.ok(softDeleted.has(row.id), `user ${row.id} is not soft-deleted in Entra`);
    else assert.equal(tenant.user(row.id), undefined, `user ${row.id} is marked deleted but exists in Entra`);
  }
  // A user soft-deleted before this client first synced is never copied (delta lists it only as `@removed`).
  for (const id of softDeleted) {
    const state = byId.get(id)?.entra_state;
    assert.ok(state === undefined || state === 'soft_deleted', `soft-deleted user ${id} is ${String(state)}`);
  }
  assert.equal(users.filter((row) => row.entra_state === 'active').length, active, 'active users');

  const groups = await db
    .selectFrom('directory_groups')
    .selectAll()
    .where('client_id', '=', clientId)
    .execute();
  const groupById = new Map(groups.map((row) => [row.id, row]));
  const expectedEdges: string[] = [];
  const expectedClosure: string[] = [];
  let activeGroups = 0;
  for (const group of tenant.groups()) {
    activeGroups++;
    const row = groupById.get(group.id);
    assert.ok(row, `group ${group.id} is missing`);
    assert.deepEqual(
      {
        state: row.entra_state,
        displayName: row.display_name,
        description: row.description,
        mail: row.mail,
        mailEnabled: row.mail_enabled === 1,
        securityEnabled: row.security_enabled === 1,
        groupTypes: JSON.parse(row.group_types) as unknown,
        isTeam: row.is_team === 1,
      },
      {
        state: 'active',
        displayName: group.displayName,
        description: group.description,
        mail: group.mail,
        mailEnabled: group.mailEnabled,
        securityEnabled: group.securityEnabled,
        groupTypes: [...group.groupTypes],
        isTeam: group.resourceProvisioningOptions.includes('Team'),
      },
      `group ${group.id}`,
    );
    // Devices, contacts and service principals are kept as edges of type 'other' (never counted as users).
    for (const member of tenant.directMembers(group.id)) {
      const type = member.type === 'user' || member.type === 'group' ? member.type : 'other';
      expectedEdges.push(`${group.id}>${member.id}:${type}`);
    }
    for (const userId of tenant.transitiveUserMembers(group.id))
      expectedClosure.push(`${group.id}>${userId}`);
  }
  for (const row of groups) {
    if (row.entra_state !== 'active')
      assert.equal(tenant.group(row.id), undefined, `group ${row.id} exists in Entra`);
  }
  assert.equal(groups.filter((row) => row.entra_state === 'active').length, activeGroups, 'active groups');

  const edges = await db
    .selectFrom('group_members')
    .select(['group_id', 'member_id', 'member_type'])
    .where('client_id', '=', clientId)
    .execute();
  assert.deepEqual(
    edges.map((edge) => `${edge.group_id}>${edge.member_id}:${edge.member_type}`).sort(),
    expectedEdges.sort(),
    'direct memberships',
  );
  const closure = await db
    .selectFrom('group_user_closure')
    .select(['group_id', 'user_id'])
    .where('client_id', '=', clientId)
    .execute();
  assert.deepEqual(
    closure.map((row) => `${row.group_id}>${row.user_id}`).sort(),
    expectedClosure.sort(),
    'transitive memberships',
  );
}

/** A round of changes of every kind the directory sync must follow. */
export function mutate(tenant: SimTenant): { softDeleted: string; hardDeleted: string; restored: string } {
  const users = [...tenant.users()];
  const groups = [...tenant.groups()];
  const pick = (index: number) => {
    const user = users[index];
    if (user === undefined) throw new Error('tenant too small');
    return user;
  };
  const added = tenant.addUser({ displayName: 'Zoe Newcomer', department: 'Research' });
  tenant.updateUser(pick(1).id, { department: 'Legal', jobTitle: 'Counsel', accountEnabled: false });
  // Now synchronised from an on-premises Active Directory (Microsoft Entra Connect took the account over).
  tenant.updateUser(pick(5).id, { onPremisesSyncEnabled: true });
  const softDeleted = pick(2).id;
  tenant.softDeleteUser(softDeleted);
  const restored = pick(3).id;
  tenant.softDeleteUser(restored);
  tenant.restoreUser(restored);
  const hardDeleted = pick(4).id;
  tenant.hardDeleteUser(hardDeleted);
  const [first, second, third, fourth] = groups;
  if (first === undefined || second === undefined || third === undefined || fourth === undefined) {
    throw new Error('tenant has too few groups');
  }
  tenant.addMember(first.id, added.id);
  tenant.addMember(second.id, first.id);
  tenant.addMember(first.id, second.id); // a new cycle
  const firstMember = tenant.directMembers(third.id).find((member) => member.type === 'user');
  if (firstMember !== undefined) tenant.removeMember(third.id, firstMember.id);
  tenant.updateGroup(third.id, { displayName: 'Renamed group', description: 'now with a description' });
  const newGroup = tenant.addGroup({
    displayName: 'Brand new team',
    groupTypes: ['Unified'],
    resourceProvisioningOptions: ['Team'],
  });
  tenant.addMember(newGroup.id, pick(5).id);
  // A Microsoft 365 group is no group's member (sim/group-kind.ts): the group newly nested is a security group.
  const newAccessGroup = tenant.addGroup({ displayName: 'Brand new access group' });
  tenant.addMember(newAccessGroup.id, pick(6).id);
  tenant.addMember(fourth.id, newAccessGroup.id);
  tenant.deleteGroup(groups[groups.length - 1]?.id ?? fourth.id);
  return { softDeleted, hardDeleted, restored };
}
