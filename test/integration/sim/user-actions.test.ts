import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startSimulator, type Simulator, type SimTenant, type SimUser } from '../../../sim/index.js';
import { connectGraph, isGraphError, SIM_TEST_DATA_DIR, type GraphConnection } from './sim-clients.js';

interface BatchAnswer {
  responses: { id: string; status: number; body?: { error: { code: string; message: string } } }[];
}

/**
 * The optional write capability (issue 17, item 3), simulator side: block sign-in (`PATCH accountEnabled`,
 * https://learn.microsoft.com/en-us/graph/api/user-update), revoke sessions
 * (https://learn.microsoft.com/en-us/graph/api/user-revokesigninsessions) and remove or give back licences
 * (https://learn.microsoft.com/en-us/graph/api/user-assignlicense), each refused without its permission with
 * Microsoft's error body, directly and inside `$batch`.
 */
describe('simulator user actions: accountEnabled, revokeSignInSessions, assignLicense', function () {
  this.timeout(120_000);
  let sim: Simulator;
  let tenant: SimTenant;
  let product: GraphConnection;
  let actions: GraphConnection;
  let members: SimUser[];

  before(async () => {
    sim = await startSimulator({
      dataDir: SIM_TEST_DATA_DIR,
      tenants: [{ seed: 1718, users: 80, groups: 5, signInDays: 1 }],
    });
    tenant = sim.tenants()[0]!;
    product = connectGraph(sim, tenant);
    const clientId = randomUUID();
    tenant.addApp({
      clientId,
      clientSecret: 'actions',
      permissions: [
        'User.Read.All',
        'User.EnableDisableAccount.All',
        'User.RevokeSessions.All',
        'LicenseAssignment.ReadWrite.All',
      ],
    });
    actions = connectGraph(sim, tenant, { clientId, clientSecret: 'actions' });
    members = [...tenant.users()].filter(
      (u) => u.userType === 'Member' && u.accountEnabled && tenant.licences.assignedLicenses(u.id).length > 0,
    );
    assert.ok(members.length >= 25);
  });
  after(async () => {
    await product.close();
    await actions.close();
    await sim.close();
  });

  const batch = (connection: GraphConnection, requests: unknown[]): Promise<BatchAnswer> =>
    connection.client.api('/$batch').post({ requests }) as Promise<BatchAnswer>;

  it('blocks sign-in for 20 users in one $batch with User.EnableDisableAccount.All, and allows it again', async () => {
    const chosen = members.slice(0, 20);
    const block = await batch(
      actions,
      chosen.map((user, i) => ({
        id: String(i + 1),
        method: 'PATCH',
        url: `/users/${user.id}`,
        headers: { 'Content-Type': 'application/json' },
        body: { accountEnabled: false },
      })),
    );
    assert.deepEqual(
      block.responses.map((r) => r.status),
      chosen.map(() => 204),
    );
    for (const user of chosen) assert.equal(tenant.user(user.id)?.accountEnabled, false);
    const unblock = await batch(
      actions,
      chosen.map((user, i) => ({
        id: String(i + 1),
        method: 'PATCH',
        url: `/users/${user.id}`,
        headers: { 'Content-Type': 'application/json' },
        body: { accountEnabled: true },
      })),
    );
    assert.ok(unblock.responses.every((r) => r.status === 204));
    for (const user of chosen) assert.equal(tenant.user(user.id)?.accountEnabled, true);
  });

  it('refuses blocking without the permission (403 Authorization_RequestDenied) per item, changing nothing', async () => {
    const user = members[20]!;
    const answer = await batch(product, [
      {
        id: '1',
        method: 'PATCH',
        url: `/users/${user.id}`,
        headers: { 'Content-Type': 'application/json' },
        body: { accountEnabled: false },
      },
    ]);
    const [first] = answer.responses;
    assert.ok(first);
    assert.equal(first.status, 403);
    assert.equal(first.body?.error.code, 'Authorization_RequestDenied');
    assert.equal(tenant.user(user.id)?.accountEnabled, true);
    // User.EnableDisableAccount.All covers accountEnabled only.
    await assert.rejects(
      actions.client.api(`/users/${user.id}`).patch({ accountEnabled: false, department: 'X' }),
      (e) => isGraphError(e) && e.statusCode === 403,
    );
    assert.equal(tenant.user(user.id)?.accountEnabled, true);
    await assert.rejects(
      actions.client.api(`/users/${user.id}`).patch({ accountEnabled: 'no' }),
      (e) => isGraphError(e) && e.statusCode === 400,
    );
  });

  it('revokes sign-in sessions with User.RevokeSessions.All, and refuses without it', async () => {
    const user = members[21]!;
    const answer = (await actions.client.api(`/users/${user.id}/revokeSignInSessions`).post({})) as {
      value: boolean;
    };
    assert.equal(answer.value, true);
    const read = (await product.client
      .api(`/users/${user.id}`)
      .select('id,signInSessionsValidFromDateTime')
      .get()) as { signInSessionsValidFromDateTime: string };
    assert.equal(read.signInSessionsValidFromDateTime, tenant.sessions.validFromOf(user.id));
    await assert.rejects(
      product.client.api(`/users/${user.id}/revokeSignInSessions`).post({}),
      (e) => isGraphError(e) && e.statusCode === 403 && e.code === 'Authorization_RequestDenied',
    );
  });

  it('refuses blocking, allowing and signing out a user with an admin role, as Microsoft does; licences still go', async () => {
    // https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/privileged-roles-permissions
    // ("Who can perform sensitive actions"): an app needs a higher admin role of its own, not only the permission.
    const admin = members[24]!;
    tenant.setAdminRole(admin.id, true);
    try {
      const registration = (await product.client
        .api(`/reports/authenticationMethods/userRegistrationDetails/${admin.id}`)
        .get()) as { isAdmin: boolean };
      assert.equal(registration.isAdmin, true);
      const answer = await batch(actions, [
        {
          id: '1',
          method: 'PATCH',
          url: `/users/${admin.id}`,
          headers: { 'Content-Type': 'application/json' },
          body: { accountEnabled: false },
        },
        {
          id: '2',
          method: 'POST',
          url: `/users/${admin.id}/revokeSignInSessions`,
          headers: { 'Content-Type': 'application/json' },
          body: {},
        },
      ]);
      for (const response of answer.responses) {
        assert.equal(response.status, 403);
        assert.equal(response.body?.error.code, 'Authorization_RequestDenied');
        assert.equal(response.body.error.message, 'Insufficient privileges to complete the operation.');
      }
      assert.equal(tenant.user(admin.id)?.accountEnabled, true);
      const skuIds = tenant.licences.assignedLicenses(admin.id).map((l) => l.skuId);
      await actions.client
        .api(`/users/${admin.id}/assignLicense`)
        .post({ addLicenses: [], removeLicenses: skuIds });
      assert.deepEqual(tenant.licences.assignedLicenses(admin.id), []);
      // Without the role, the same requests are allowed.
      tenant.setAdminRole(admin.id, false);
      await actions.client.api(`/users/${admin.id}`).patch({ accountEnabled: false });
      assert.equal(tenant.user(admin.id)?.accountEnabled, false);
      await actions.client.api(`/users/${admin.id}`).patch({ accountEnabled: true });
    } finally {
      tenant.setAdminRole(admin.id, false);
    }
  });

  it('refuses to block a user synchronised from on-premises Active Directory (400, as Microsoft does); signing out and licences still work', async () => {
    // Mastered on-premises: https://learn.microsoft.com/en-us/entra/identity/users/users-revoke-access (hybrid).
    const synced = members[23]!;
    tenant.updateUser(synced.id, { onPremisesSyncEnabled: true });
    const read = (await product.client
      .api(`/users/${synced.id}`)
      .select('id,onPremisesSyncEnabled')
      .get()) as { onPremisesSyncEnabled: boolean | null };
    assert.equal(read.onPremisesSyncEnabled, true);
    const answer = await batch(actions, [
      {
        id: '1',
        method: 'PATCH',
        url: `/users/${synced.id}`,
        headers: { 'Content-Type': 'application/json' },
        body: { accountEnabled: false },
      },
    ]);
    assert.equal(answer.responses[0]?.status, 400);
    assert.equal(
      answer.responses[0].body?.error.message,
      'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
    );
    assert.equal(tenant.user(synced.id)?.accountEnabled, true);
    await actions.client.api(`/users/${synced.id}/revokeSignInSessions`).post({});
    assert.ok(tenant.sessions.validFromOf(synced.id));
    // The property itself is read-only, for every caller.
    await assert.rejects(
      actions.client.api(`/users/${synced.id}`).patch({ onPremisesSyncEnabled: false }),
      (e) => isGraphError(e) && e.statusCode === 400 && e.message.includes('read-only'),
    );
    // A cloud-only user (null, as Graph reports it) is blocked as before.
    const cloud = (await product.client
      .api(`/users/${members[22]!.id}`)
      .select('id,onPremisesSyncEnabled')
      .get()) as { onPremisesSyncEnabled: boolean | null };
    assert.equal(cloud.onPremisesSyncEnabled, null);
  });

  it('removes licences and gives them back with LicenseAssignment.ReadWrite.All; seats follow', async () => {
    const user = members[22]!;
    const held = tenant.licences.assignedLicenses(user.id).map((l) => l.skuId);
    const consumed = (skuId: string): number => tenant.licences.consumedUnits(skuId);
    const before = held.map(consumed);
    await actions.client
      .api(`/users/${user.id}/assignLicense`)
      .post({ addLicenses: [], removeLicenses: held });
    assert.deepEqual(tenant.licences.assignedLicenses(user.id), []);
    assert.deepEqual(
      held.map(consumed),
      before.map((n) => n - 1),
    );
    const restored = (await actions.client.api(`/users/${user.id}/assignLicense`).post({
      addLicenses: held.map((skuId) => ({ skuId, disabledPlans: [] })),
      removeLicenses: [],
    })) as { id: string };
    assert.equal(restored.id, user.id);
    assert.deepEqual(
      tenant.licences
        .assignedLicenses(user.id)
        .map((l) => l.skuId)
        .sort(),
      [...held].sort(),
    );
    assert.deepEqual(held.map(consumed), before);
  });

  it('answers assignLicense mistakes as Microsoft does: missing list, no change, unknown SKU, no permission', async () => {
    const user = members[23]!;
    const held = tenant.licences.assignedLicenses(user.id);
    const refusal = async (
      connection: GraphConnection,
      body: unknown,
    ): Promise<{ status: number; message: string }> => {
      try {
        await connection.client.api(`/users/${user.id}/assignLicense`).post(body);
        return { status: 200, message: '' };
      } catch (error) {
        assert.ok(isGraphError(error));
        return { status: error.statusCode, message: error.message };
      }
    };
    assert.deepEqual(await refusal(actions, { removeLicenses: [held[0]!.skuId] }), {
      status: 400,
      message:
        "One or more parameters of the operation 'assignLicense' are missing from the request payload. The missing parameters are: addLicenses.",
    });
    assert.deepEqual(await refusal(actions, { addLicenses: [], removeLicenses: [] }), {
      status: 400,
      message: 'No license changes provided. At least one license to add or remove must be specified.',
    });
    const unknown = randomUUID();
    assert.deepEqual(await refusal(actions, { addLicenses: [], removeLicenses: [unknown] }), {
      status: 400,
      message: `License ${unknown} does not correspond to a valid company License.`,
    });
    assert.equal((await refusal(product, { addLicenses: [], removeLicenses: [held[0]!.skuId] })).status, 403);
    assert.deepEqual(tenant.licences.assignedLicenses(user.id), held, 'nothing changed');
  });
});
