import assert from 'node:assert/strict';
import { startSimulator, type Simulator, type SimTenant } from '../../../sim/index.js';
import {
  connectGraph,
  isGraphError,
  readAll,
  SIM_TEST_DATA_DIR,
  type GraphConnection,
  type Page,
} from './sim-clients.js';

interface SignIn {
  id: string;
  createdDateTime: string;
  userId: string;
  appId: string;
  isInteractive: boolean;
  status: { errorCode: number };
  authenticationRequirement?: string;
  authenticationDetails?: { authenticationMethod: string; succeeded: boolean }[];
}

const NOW = new Date('2026-10-15T12:00:00Z');
const DAY_MS = 86_400_000;

describe('simulator sign-in logs and registration details (through the Graph client)', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let tenant: SimTenant;
  let graph: GraphConnection;

  before(async () => {
    sim = await startSimulator({
      dataDir: SIM_TEST_DATA_DIR,
      now: () => NOW,
      tenants: [{ seed: 41, users: 400, signInDays: 10, signInsPerUserPerDay: 2 }],
    });
    tenant = sim.tenants()[0]!;
    graph = connectGraph(sim, tenant);
  });
  after(async () => {
    await graph.close();
    await sim.close();
  });

  it('pages sign-ins since a watermark newest first, equal to the interactive truth', async () => {
    const from = new Date(NOW.getTime() - 2 * DAY_MS);
    const { items, pages } = await readAll<SignIn>(graph.client, '/auditLogs/signIns', (r) =>
      r.filter(`createdDateTime ge ${from.toISOString()}`).top(100),
    );
    const truth = [...tenant.signIns({ from, interactiveOnly: true })];
    assert.ok(pages > 1);
    assert.deepEqual(
      items.map((s) => s.id),
      truth.map((s) => s.id),
    );
    for (let i = 1; i < items.length; i++)
      assert.ok(items[i - 1]!.createdDateTime >= items[i]!.createdDateTime);
    assert.ok(items.every((s) => s.isInteractive && s.createdDateTime >= from.toISOString().slice(0, 19)));
  });

  it('mixes successes, failures, MFA and single-factor sign-ins', () => {
    const all = [...tenant.signIns()];
    assert.ok(all.length > 5000);
    assert.ok(all.some((s) => s.status.errorCode !== 0));
    assert.ok(all.some((s) => s.authenticationRequirement === 'multiFactorAuthentication'));
    assert.ok(all.some((s) => s.authenticationRequirement === 'singleFactorAuthentication'));
    assert.ok(all.some((s) => !s.isInteractive));
    assert.ok(new Set(all.map((s) => s.appId)).size > 5);
  });

  it('keeps beta-only properties off v1.0 and serves them on /beta', async () => {
    const v1 = (await graph.client.api('/auditLogs/signIns').top(5).get()) as Page<SignIn>;
    for (const signIn of v1.value) {
      assert.equal(signIn.authenticationRequirement, undefined);
      assert.equal(signIn.authenticationDetails, undefined);
    }
    const beta = (await graph.client.api('/auditLogs/signIns').version('beta').top(5).get()) as Page<SignIn>;
    for (const signIn of beta.value) {
      const truth = tenant.signIn(signIn.id)!;
      assert.equal(signIn.authenticationRequirement, truth.authenticationRequirement);
      assert.deepEqual(signIn.authenticationDetails, truth.authenticationDetails);
    }
  });

  it('returns non-interactive sign-ins on /beta only when asked through signInEventTypes', async () => {
    const from = new Date(NOW.getTime() - DAY_MS / 2);
    const { items } = await readAll<SignIn>(graph.client, '/auditLogs/signIns', (r) =>
      r
        .version('beta')
        .filter(
          `createdDateTime ge ${from.toISOString()} and signInEventTypes/any(t: t eq 'nonInteractiveUser')`,
        )
        .top(1000),
    );
    assert.ok(items.length > 0);
    assert.deepEqual(
      items.map((s) => s.id),
      [...tenant.signIns({ from })].filter((s) => !s.isInteractive).map((s) => s.id),
    );
  });

  it('shows sign-ins added later in their place in the log, and in signInActivity', async () => {
    const [user] = tenant.users();
    assert.ok(user);
    const at = new Date(NOW.getTime() - 60_000);
    const [added] = tenant.addSignIns([
      {
        userId: user.id,
        createdDateTime: at,
        errorCode: 0,
        authenticationRequirement: 'multiFactorAuthentication',
      },
    ]);
    const page = (await graph.client
      .api('/auditLogs/signIns')
      .filter(`createdDateTime ge ${new Date(at.getTime() - 1000).toISOString()}`)
      .get()) as Page<SignIn>;
    assert.ok(page.value.some((s) => s.id === added!.id));
    assert.equal(tenant.signInActivity(user.id)?.lastSuccessfulSignInDateTime, added!.createdDateTime);
    const single = (await graph.client
      .api(`/auditLogs/signIns/${added!.id}`)
      .version('beta')
      .get()) as SignIn;
    assert.equal(single.authenticationRequirement, 'multiFactorAuthentication');
  });

  it('rejects $top above 1000 and filters on unsupported properties', async () => {
    await assert.rejects(
      graph.client.api('/auditLogs/signIns').top(1001).get(),
      (e) => isGraphError(e) && e.statusCode === 400,
    );
    await assert.rejects(
      graph.client.api('/auditLogs/signIns').filter("userAgent eq 'x'").get(),
      (e) => isGraphError(e) && e.statusCode === 400,
    );
  });

  it('serves userRegistrationDetails equal to the truth', async () => {
    const { items } = await readAll<{ id: string }>(
      graph.client,
      '/reports/authenticationMethods/userRegistrationDetails',
      (r) => r,
    );
    assert.equal(items.length, tenant.userCount);
    for (const item of items) assert.deepEqual(item, tenant.registrationDetails(item.id));
    const registered = await readAll<{ id: string }>(
      graph.client,
      '/reports/authenticationMethods/userRegistrationDetails',
      (r) => r.filter('isMfaRegistered eq true'),
    );
    assert.equal(
      registered.items.length,
      [...tenant.users()].filter((u) => tenant.registrationDetails(u.id)?.isMfaRegistered).length,
    );
  });

  it('answers sign-ins, signInActivity and registration details with 403 on a tenant without Entra ID P1', async () => {
    tenant.setPremium(false);
    try {
      for (const request of [
        graph.client.api('/auditLogs/signIns'),
        graph.client.api('/users').select('id,signInActivity'),
        graph.client.api('/reports/authenticationMethods/userRegistrationDetails'),
      ]) {
        await assert.rejects(request.get(), (error) => {
          assert.ok(isGraphError(error));
          assert.equal(error.statusCode, 403);
          assert.equal(error.code, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant');
          return true;
        });
      }
      const users = (await graph.client.api('/users').select('id').top(1).get()) as Page;
      assert.equal(users.value.length, 1, 'directory data still served');
    } finally {
      tenant.setPremium(true);
    }
  });
});
