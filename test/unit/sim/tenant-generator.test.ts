import assert from 'node:assert/strict';
import { TenantState } from '../../../sim/tenant-state.js';
import type { SimTenant, SimUser, TenantSpec } from '../../../sim/types.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const DAY_MS = 86_400_000;

/** A guest as Microsoft defines one: userType Guest, or none on an account with a #EXT# UPN. */
const isGuest = (user: SimUser): boolean =>
  user.userType === 'Guest' || (user.userType === null && user.userPrincipalName.includes('#EXT#'));

function build(spec: TenantSpec): SimTenant {
  return new TenantState(spec, () => NOW);
}

/** Users reachable from a group, computed naively and independently of the simulator's own closure. */
function naiveTransitiveUsers(tenant: SimTenant, groupId: string, path = new Set<string>()): Set<string> {
  const users = new Set<string>();
  if (path.has(groupId)) return users;
  const next = new Set([...path, groupId]);
  for (const member of tenant.directMembers(groupId)) {
    if (member.type === 'user') users.add(member.id);
    else if (member.type === 'group')
      for (const id of naiveTransitiveUsers(tenant, member.id, next)) users.add(id);
  }
  return users;
}

describe('tenant generator', function () {
  this.timeout(30_000);
  const spec: TenantSpec = {
    seed: 99,
    users: 2000,
    guestRatio: 0.1,
    disabledRatio: 0.05,
    groups: 60,
    nestingDepth: 5,
    cycles: 3,
    servicePrincipals: { saml: 3, oidc: 2, password: 1, none: 4 },
    signInDays: 7,
    signInsPerUserPerDay: 2,
  };
  let tenant: SimTenant;

  before(() => {
    tenant = build(spec);
  });

  it('produces the same tenant, ids included, from the same spec', () => {
    const again = build(spec);
    assert.equal(again.tenantId, tenant.tenantId);
    assert.deepEqual(
      [...again.users()].map((u) => u.id),
      [...tenant.users()].map((u) => u.id),
    );
    assert.deepEqual(
      [...again.groups()].map((g) => g.id),
      [...tenant.groups()].map((g) => g.id),
    );
    assert.deepEqual([...again.signIns()].slice(0, 50), [...tenant.signIns()].slice(0, 50));
    assert.notEqual(build({ ...spec, seed: 100 }).tenantId, tenant.tenantId);
  });

  it('keeps user ids when only the group count changes', () => {
    const other = build({ ...spec, groups: 90 });
    assert.deepEqual(
      [...other.users()].map((u) => u.id),
      [...tenant.users()].map((u) => u.id),
    );
  });

  it('generates the requested sizes and shares of guests and disabled accounts', () => {
    const users = [...tenant.users()];
    assert.equal(users.length, 2000);
    assert.equal(tenant.groupCount, 60);
    const guests = users.filter(isGuest).length / users.length;
    const disabled = users.filter((u) => !u.accountEnabled).length / users.length;
    assert.ok(Math.abs(guests - 0.1) < 0.03, `guests ${guests.toString()}`);
    assert.ok(Math.abs(disabled - 0.05) < 0.02, `disabled ${disabled.toString()}`);
    assert.equal(
      new Set(users.map((u) => u.userPrincipalName.toLowerCase())).size,
      users.length,
      'unique UPNs',
    );
    assert.ok(users.filter(isGuest).every((u) => u.userPrincipalName.includes('#EXT#')));
  });

  it('is as untidy as real tenants by default: external members, no userType, devices, contacts and apps in groups, old last sign-ins, mostly non-interactive sign-ins', () => {
    const users = [...tenant.users()];
    const externalMembers = users.filter(
      (u) => u.userPrincipalName.includes('#EXT#') && u.userType === 'Member',
    );
    assert.ok(externalMembers.length >= 20, `external members ${String(externalMembers.length)}`);
    assert.ok(externalMembers.every((u) => u.creationType === 'Invitation'));
    assert.ok(users.filter((u) => u.userType === null).length >= 20, 'accounts without a userType');
    assert.ok(users.some((u) => u.userType === null && u.userPrincipalName.includes('#EXT#')));
    assert.ok(users.some((u) => u.userType === null && !u.userPrincipalName.includes('#EXT#')));

    const memberTypes = new Set(
      [...tenant.groups()].flatMap((g) => tenant.directMembers(g.id).map((m) => m.type)),
    );
    assert.deepEqual([...memberTypes].sort(), ['device', 'group', 'orgContact', 'servicePrincipal', 'user']);
    const appIds = new Set(tenant.servicePrincipals().map((sp) => sp.id));
    for (const group of tenant.groups())
      for (const member of tenant.directMembers(group.id))
        if (member.type === 'servicePrincipal') assert.ok(appIds.has(member.id), 'a real service principal');

    const activities = users.map((u) => tenant.signInActivity(u.id));
    const beforeRecording = activities.filter(
      (a) => a?.lastSuccessfulSignInDateTime === null && a.lastSignInDateTime !== null,
    );
    assert.ok(beforeRecording.length >= 5, 'last sign-ins before December 2023 have no lastSuccessful…');
    assert.ok(beforeRecording.every((a) => (a?.lastSignInDateTime ?? '') < '2023-12-01'));

    const log = [...tenant.signIns()];
    const nonInteractive = log.filter((s) => !s.isInteractive).length / log.length;
    assert.ok(nonInteractive > 0.8, `non-interactive share ${nonInteractive.toFixed(2)}`);
  });

  it('is tidy when asked (untidy: false): members and guests only, users and groups in groups', () => {
    const tidy = build({ ...spec, untidy: false });
    const users = [...tidy.users()];
    assert.ok(users.every((u) => (u.userType === 'Guest') === u.userPrincipalName.includes('#EXT#')));
    assert.ok(
      [...tidy.groups()].every((g) =>
        tidy.directMembers(g.id).every((m) => m.type === 'user' || m.type === 'group'),
      ),
    );
  });

  it('nests groups as deep as asked and computes transitive members that match a naive walk, cycles included', () => {
    const groups = [...tenant.groups()];
    const depth = (groupId: string, seen: Set<string>): number => {
      const nested = tenant.directMembers(groupId).filter((m) => m.type === 'group' && !seen.has(m.id));
      return nested.length === 0
        ? 0
        : 1 + Math.max(...nested.map((m) => depth(m.id, new Set([...seen, m.id]))));
    };
    assert.ok(Math.max(...groups.map((g) => depth(g.id, new Set([g.id])))) >= 5);
    assert.ok(
      groups.filter((g) => tenant.transitiveGroupMembers(g.id).has(g.id)).length >= 2,
      'cycles exist',
    );
    for (const group of groups)
      assert.deepEqual(
        tenant.transitiveUserMembers(group.id),
        naiveTransitiveUsers(tenant, group.id),
        group.displayName,
      );
  });

  it('generates service principals with the requested SSO mode mix besides Microsoft apps', () => {
    const ownApps = new Set(tenant.registeredApps().map((app) => app.clientId));
    const enterprise = tenant.servicePrincipals().filter((sp) => !sp.firstParty && !ownApps.has(sp.appId));
    const count = (mode: string | null): number =>
      enterprise.filter((sp) => sp.preferredSingleSignOnMode === mode).length;
    assert.equal(count('saml'), 3);
    assert.equal(count('oidc'), 2);
    assert.equal(count('password'), 1);
    assert.equal(count(null), 4);
    assert.ok(tenant.servicePrincipals().some((sp) => sp.firstParty && sp.displayName === 'Microsoft Teams'));
  });

  it('keeps the sign-in log newest first, with unique ids found again by id', () => {
    const signIns = [...tenant.signIns()];
    assert.ok(signIns.length > 0.6 * 2000 * 7 * 2);
    for (let i = 1; i < signIns.length; i++)
      assert.ok(signIns[i - 1]!.createdDateTime >= signIns[i]!.createdDateTime);
    assert.equal(new Set(signIns.map((s) => s.id)).size, signIns.length);
    for (const signIn of signIns.filter((_, i) => i % 997 === 0))
      assert.deepEqual(tenant.signIn(signIn.id), signIn);
    assert.ok(signIns[0]!.createdDateTime <= NOW.toISOString());
    assert.ok(
      signIns.at(-1)!.createdDateTime >= new Date(NOW.getTime() - 7 * DAY_MS).toISOString().slice(0, 19),
    );
  });

  it('lets disabled accounts only fail, and nobody sign in before the account existed', () => {
    const users = new Map([...tenant.users()].map((u) => [u.id, u]));
    for (const signIn of tenant.signIns()) {
      const user = users.get(signIn.userId)!;
      if (!user.accountEnabled) assert.equal(signIn.status.errorCode, 50057);
      assert.ok(signIn.createdDateTime >= user.createdDateTime, signIn.id);
    }
  });

  it('derives signInActivity from the log (and from history before it)', () => {
    const lastSuccess = new Map<string, string>();
    for (const signIn of tenant.signIns()) {
      if (signIn.status.errorCode === 0 && !lastSuccess.has(signIn.userId))
        lastSuccess.set(signIn.userId, signIn.createdDateTime);
    }
    let withoutAny = 0;
    for (const user of tenant.users()) {
      const activity = tenant.signInActivity(user.id);
      const fromLog = lastSuccess.get(user.id);
      if (fromLog) assert.equal(activity?.lastSuccessfulSignInDateTime, fromLog, user.id);
      if (!activity) withoutAny++;
    }
    assert.ok(withoutAny > 0, 'some users never signed in');
    assert.ok(
      [...tenant.users()].some((u) => {
        const at = tenant.signInActivity(u.id)?.lastSuccessfulSignInDateTime;
        return at !== null && at !== undefined && at < new Date(NOW.getTime() - 7 * DAY_MS).toISOString();
      }),
      'some users were last seen before the log window (inactive users)',
    );
  });

  it('registers MFA for most members and few guests', () => {
    const share = (type: string): number => {
      const users = [...tenant.users()].filter((u) => u.userType === type);
      return users.filter((u) => tenant.registrationDetails(u.id)?.isMfaRegistered).length / users.length;
    };
    assert.ok(share('Member') > 0.6);
    assert.ok(share('Guest') < 0.35);
  });

  it('generates a 100k-user tenant with 5k groups', () => {
    const big = build({ seed: 3, users: 100_000, groups: 5000, signInDays: 1, signInsPerUserPerDay: 1 });
    assert.equal(big.userCount, 100_000);
    assert.equal(big.groupCount, 5000);
  });
});
