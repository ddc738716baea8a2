import assert from 'node:assert/strict';
import { SimulatorError } from '../../../sim/errors.js';
import { TenantState } from '../../../sim/tenant-state.js';

const NOW = new Date('2026-06-01T00:00:00Z');

describe('tenant mutators', function () {
  let tenant: TenantState;

  beforeEach(() => {
    tenant = new TenantState({ seed: 5, users: 200, groups: 20, signInDays: 2 }, () => NOW);
  });

  const groupsOf = (userId: string): string[] =>
    [...tenant.groups()]
      .filter((g) => tenant.directMembers(g.id).some((m) => m.id === userId))
      .map((g) => g.id);

  it('suspends memberships on soft delete and brings them back on restore', () => {
    const user = [...tenant.users()].find((u) => groupsOf(u.id).length > 0)!;
    const before = groupsOf(user.id);
    tenant.softDeleteUser(user.id);
    assert.equal(tenant.user(user.id)?.state, 'softDeleted');
    assert.deepEqual(groupsOf(user.id), []);
    assert.equal(tenant.userCount, 199);
    assert.ok([...tenant.deletedUsers()].some((u) => u.id === user.id));
    assert.ok(![...tenant.users()].some((u) => u.id === user.id));
    tenant.restoreUser(user.id);
    assert.deepEqual(groupsOf(user.id).sort(), before.sort());
    assert.equal(tenant.userCount, 200);
  });

  it('forgets a hard-deleted user everywhere', () => {
    const user = [...tenant.users()].find((u) => groupsOf(u.id).length > 0)!;
    tenant.hardDeleteUser(user.id);
    assert.equal(tenant.user(user.id), undefined);
    assert.deepEqual(groupsOf(user.id), []);
    assert.throws(
      () => {
        tenant.restoreUser(user.id);
      },
      (e) => e instanceof SimulatorError && e.code === 'not_found',
    );
  });

  it('updates transitive members when nesting changes', () => {
    const outer = tenant.addGroup({ displayName: 'Outer' });
    const inner = tenant.addGroup({ displayName: 'Inner' });
    const [first, second] = tenant.users();
    tenant.addMember(inner.id, first!.id);
    tenant.addMember(inner.id, second!.id);
    tenant.addMember(outer.id, inner.id);
    assert.deepEqual(tenant.transitiveUserMembers(outer.id), new Set([first!.id, second!.id]));
    tenant.addMember(inner.id, outer.id);
    assert.ok(tenant.transitiveGroupMembers(outer.id).has(outer.id), 'a cycle is tolerated');
    tenant.removeMember(outer.id, inner.id);
    assert.deepEqual(tenant.transitiveUserMembers(outer.id), new Set());
  });

  it('refuses a group inside itself, duplicate UPNs and unknown members', () => {
    const [group] = tenant.groups();
    const [first, second] = tenant.users();
    assert.throws(() => {
      tenant.addMember(group!.id, group!.id);
    }, SimulatorError);
    assert.throws(
      () => {
        tenant.updateUser(second!.id, { userPrincipalName: first!.userPrincipalName });
      },
      (e) => e instanceof SimulatorError && e.code === 'conflict',
    );
    assert.throws(
      () => {
        tenant.addMember(group!.id, '00000000-0000-4000-8000-000000000000');
      },
      (e) => e instanceof SimulatorError && e.code === 'not_found',
    );
  });

  it('keeps the log ordered when sign-ins are added out of order, and updates signInActivity', () => {
    const [user] = tenant.users();
    const added = tenant.addSignIns([
      { userId: user!.id, createdDateTime: new Date(NOW.getTime() - 3_600_000), isInteractive: true },
      { userId: user!.id, createdDateTime: new Date(NOW.getTime() - 7_200_000), errorCode: 50126 },
      { userId: user!.id, createdDateTime: new Date(NOW.getTime() - 60_000), isInteractive: false },
    ]);
    const log = [...tenant.signIns()];
    for (let i = 1; i < log.length; i++) assert.ok(log[i - 1]!.createdDateTime >= log[i]!.createdDateTime);
    for (const signIn of added) assert.deepEqual(tenant.signIn(signIn.id), signIn);
    assert.equal(added[1]!.status.errorCode, 50126);
    const activity = tenant.signInActivity(user!.id)!;
    assert.equal(activity.lastNonInteractiveSignInDateTime, added[2]!.createdDateTime);
    assert.equal(activity.lastNonInteractiveSignInRequestId, added[2]!.id);
    assert.ok(activity.lastSuccessfulSignInDateTime! >= added[0]!.createdDateTime);
  });

  it('overrides MFA registration, and grants and revokes app permissions', () => {
    const [user] = tenant.users();
    tenant.setMfaRegistration(user!.id, ['email']);
    assert.equal(tenant.registrationDetails(user!.id)?.isMfaRegistered, false);
    tenant.setMfaRegistration(user!.id, ['fido2']);
    assert.equal(tenant.registrationDetails(user!.id)?.isPasswordlessCapable, true);
    assert.throws(() => {
      tenant.setMfaRegistration(user!.id, ['carrierPigeon']);
    }, SimulatorError);
    const [app] = tenant.registeredApps();
    tenant.revokeAppPermissions(app!.clientId, ['User.Read.All']);
    assert.ok(!tenant.appPermissions(app!.clientId).has('User.Read.All'));
    tenant.grantAppPermissions(app!.clientId, ['User.Read.All']);
    assert.ok(tenant.appPermissions(app!.clientId).has('User.Read.All'));
  });
});
