import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { Actor } from '../../../src/services/actor.js';
import { MSP_TENANT, PARTNER_ADMIN, startTabHarness, type TabHarness } from './support/tab-harness.js';

interface ErrorBody {
  error: { code: string; message: string; details: { problems?: { path: string; message: string }[] } };
}

const CLIENT_ADMIN_OF_A = { tenantId: MSP_TENANT, objectId: 'aaaaaaaa-0000-4000-8000-0000000000a1' };
const VIEWER_OF_A = { tenantId: MSP_TENANT, objectId: 'aaaaaaaa-0000-4000-8000-0000000000a2' };

describe('tab API: the core decides who may read and change what, and bad input is named', function () {
  let harness: TabHarness;
  let adminOfA: string;
  let viewerOfA: string;
  let partner: string;

  before(async () => {
    harness = await startTabHarness();
    const partnerActor: Actor = { ...PARTNER_ADMIN, name: 'partner@example.test', channel: 'cli' };
    await harness.core.clients.add(partnerActor, { name: 'alpha', displayName: 'Alpha' });
    await harness.core.clients.add(partnerActor, { name: 'bravo', displayName: 'Bravo' });
    await harness.core.roles.assign(partnerActor, {
      principalTenantId: CLIENT_ADMIN_OF_A.tenantId,
      principalObjectId: CLIENT_ADMIN_OF_A.objectId,
      role: 'client_admin',
      client: 'alpha',
    });
    await harness.core.roles.assign(partnerActor, {
      principalTenantId: VIEWER_OF_A.tenantId,
      principalObjectId: VIEWER_OF_A.objectId,
      role: 'viewer',
      client: 'alpha',
    });
    adminOfA = await harness.issuer.token(CLIENT_ADMIN_OF_A);
    viewerOfA = await harness.issuer.token(VIEWER_OF_A);
    partner = await harness.partnerToken();
  });
  after(async () => {
    await harness.close();
  });

  async function status(method: string, path: string, token: string, body?: unknown): Promise<number> {
    const response = await harness.request(method, path, { token, body });
    await response.body?.cancel();
    return response.status;
  }

  it("lets a client admin of A read A's users, groups, billing and reports", async () => {
    for (const path of [
      '/api/tab/clients/alpha',
      '/api/tab/clients/alpha/users',
      '/api/tab/clients/alpha/groups',
      '/api/tab/clients/alpha/billing',
      '/api/tab/clients/alpha/reports/billing',
      '/api/tab/clients/alpha/integration',
      '/api/tab/clients/alpha/licences',
      '/api/tab/clients/alpha/licences/inactive',
      '/api/tab/clients/alpha/licences/prices',
    ]) {
      assert.equal(await status('GET', path, adminOfA), 200, path);
    }
  });

  it('refuses a client admin of A reading anything of B with 403', async () => {
    for (const path of [
      '/api/tab/clients/bravo',
      '/api/tab/clients/bravo/users',
      '/api/tab/clients/bravo/entra-users',
      '/api/tab/clients/bravo/groups',
      '/api/tab/clients/bravo/departments',
      '/api/tab/clients/bravo/billing',
      '/api/tab/clients/bravo/billing/history',
      '/api/tab/clients/bravo/reports/usage',
      '/api/tab/clients/bravo/reports/mfa/csv',
      '/api/tab/clients/bravo/integration',
      '/api/tab/clients/bravo/sync',
      '/api/tab/clients/bravo/users.csv',
      '/api/tab/clients/bravo/licences',
      '/api/tab/clients/bravo/licences.csv',
      '/api/tab/clients/bravo/licences/inactive',
      '/api/tab/clients/bravo/licences/prices',
      '/api/tab/clients/bravo/licences/actions',
      `/api/tab/clients/bravo/licences/users/${crypto.randomUUID()}`,
      '/api/tab/audit?client=bravo',
    ]) {
      const response = await harness.request('GET', path, { token: adminOfA });
      assert.equal(response.status, 403, path);
      const body = (await response.json()) as ErrorBody;
      assert.equal(body.error.code, 'forbidden', path);
    }
  });

  it('refuses a client admin of A changing B with 403, and changes nothing', async () => {
    const userId = crypto.randomUUID();
    const groupId = crypto.randomUUID();
    const attempts: [string, string, unknown][] = [
      ['POST', `/api/tab/clients/bravo/users/${userId}/disable`, {}],
      ['POST', `/api/tab/clients/bravo/users/${userId}/import`, {}],
      ['POST', `/api/tab/clients/bravo/groups/${groupId}/exclusion-preview`, {}],
      ['POST', '/api/tab/clients/bravo/exclusions', { token: 'a'.repeat(43), confirm: true }],
      ['PUT', `/api/tab/clients/bravo/groups/${groupId}/reporting`, { enabled: true }],
      [
        'POST',
        '/api/tab/clients/bravo/integration',
        { tenant: 'bravo.onmicrosoft.com', clientId: crypto.randomUUID(), clientSecret: 'x' },
      ],
      ['POST', '/api/tab/clients/bravo/integration/consent', {}],
      ['POST', '/api/tab/clients/bravo/sync', {}],
      ['POST', '/api/tab/clients/bravo/import', {}],
      ['PUT', '/api/tab/clients/bravo/settings/expiry', { days: 60 }],
      ['DELETE', '/api/tab/clients/bravo', { confirm: 'bravo' }],
      ['POST', '/api/tab/clients/bravo/tabs', { kind: 'channel', id: '19:ops@thread.tacv2' }],
      ['DELETE', '/api/tab/clients/bravo/tabs', { id: '19:ops@thread.tacv2' }],
      ['PUT', '/api/tab/clients/bravo/licences/prices', { currency: 'GBP', prices: [] }],
      [
        'POST',
        '/api/tab/clients/bravo/user-actions/preview',
        { action: 'block_sign_in', userIds: [crypto.randomUUID()], confirm: true },
      ],
      [
        'POST',
        '/api/tab/clients/bravo/user-actions',
        { action: 'block_sign_in', userIds: [crypto.randomUUID()], confirm: true },
      ],
      ...(['revoke_sessions', 'remove_licences', 'restore_licences'] as const).map(
        (action): [string, string, unknown] => [
          'POST',
          '/api/tab/clients/bravo/user-actions',
          { action, userIds: [crypto.randomUUID()], confirm: true },
        ],
      ),
      ['GET', '/api/tab/clients/bravo/settings/expiry/preview?days=14', undefined],
      ['GET', `/api/tab/clients/bravo/users/${userId}/offboarding`, undefined],
      ['POST', `/api/tab/clients/bravo/users/${userId}/offboarding`, { confirm: true }],
    ];
    const auditBefore = await harness.core.auditLog.query({
      ...PARTNER_ADMIN,
      name: undefined,
      channel: 'tab',
    });
    for (const [method, path, body] of attempts) {
      assert.equal(await status(method, path, adminOfA, body), 403, `${method} ${path}`);
    }
    const auditAfter = await harness.core.auditLog.query({
      ...PARTNER_ADMIN,
      name: undefined,
      channel: 'tab',
    });
    assert.equal(auditAfter.items.length, auditBefore.items.length, 'no change was recorded');
    assert.ok(
      (await harness.core.clients.list({ ...PARTNER_ADMIN, name: undefined, channel: 'tab' })).some(
        (c) => c.name === 'bravo',
      ),
    );
  });

  it("records where A's channel tab was added for anyone who sees A, once, audited; and forgets it when removed", async () => {
    const place = { kind: 'channel', id: '19:alpha-ops@thread.tacv2' };

    const added = await harness.request('POST', '/api/tab/clients/alpha/tabs', {
      token: viewerOfA,
      body: place,
    });
    const again = await status('POST', '/api/tab/clients/alpha/tabs', viewerOfA, place);
    const alpha = await harness.core.clients.get(
      { ...PARTNER_ADMIN, name: undefined, channel: 'tab' },
      'alpha',
    );
    const found = await harness.core.tabPlacements.find(alpha.id, place.id);
    const removed = await status('DELETE', '/api/tab/clients/alpha/tabs', viewerOfA, { id: place.id });
    const gone = await harness.core.tabPlacements.find(alpha.id, place.id);
    const audit = await harness.core.auditLog.query(
      { ...PARTNER_ADMIN, name: undefined, channel: 'tab' },
      { client: 'alpha' },
    );

    assert.equal(added.status, 201);
    assert.deepEqual(await added.json(), { clientId: alpha.id, kind: 'channel', id: place.id });
    assert.equal(again, 201);
    assert.deepEqual(found, { clientId: alpha.id, kind: 'channel', id: place.id });
    assert.equal(removed, 204);
    assert.equal(gone, undefined);
    assert.deepEqual(
      audit.items.filter((item) => item.action.startsWith('tab.')).map((item) => item.action),
      ['tab.remove', 'tab.add'],
    );
  });

  it("offers A's admin only A's chats and the partner's own for alerts; a chat holding B's tab is refused with 400 saying so", async () => {
    const partnerActor: Actor = { ...PARTNER_ADMIN, name: 'partner@example.test', channel: 'tab' };
    const ours = '19:alerts-alpha@thread.tacv2';
    const theirs = '19:alerts-bravo@thread.tacv2';
    const shared = '19:alerts-msp@thread.v2';
    for (const [id, type] of [
      [ours, 'channel'],
      [theirs, 'channel'],
      [shared, 'groupChat'],
    ] as const) {
      await harness.core.notifications.rememberConversation({
        conversationId: id,
        conversationType: type,
        tenantId: MSP_TENANT,
        reference: JSON.stringify({ reference: { conversation: { id } } }),
      });
    }
    await harness.core.tabPlacements.add(partnerActor, 'alpha', { kind: 'channel', id: ours });
    await harness.core.tabPlacements.add(partnerActor, 'bravo', { kind: 'channel', id: theirs });

    const settings = await harness.request('GET', '/api/tab/clients/alpha/alert-settings', {
      token: adminOfA,
    });
    const offered = ((await settings.json()) as { conversations: { id: string }[] }).conversations.map(
      (c) => c.id,
    );
    const refused = await harness.request('PUT', '/api/tab/clients/alpha/alert-settings', {
      token: adminOfA,
      body: {
        settings: [
          {
            kind: 'sync_failed',
            enabled: true,
            conversationId: theirs,
            delivery: 'immediate',
            digestHour: 8,
          },
        ],
      },
    });
    const body = (await refused.json()) as ErrorBody;
    const accepted = await status('PUT', '/api/tab/clients/alpha/alert-settings', adminOfA, {
      settings: [
        { kind: 'sync_failed', enabled: true, conversationId: ours, delivery: 'immediate', digestHour: 8 },
      ],
    });

    assert.equal(settings.status, 200);
    assert.deepEqual(offered.sort(), [ours, shared].sort());
    assert.equal(refused.status, 400);
    assert.deepEqual(
      body.error.details.problems?.map((problem) => problem.path),
      ['settings.0.conversationId'],
    );
    assert.match(body.error.message, /another client's chat or channel/);
    assert.equal(accepted, 200);
  });

  it('refuses a tab placement that is not a Teams channel or chat id with 400, naming the fields', async () => {
    const response = await harness.request('POST', '/api/tab/clients/alpha/tabs', {
      token: adminOfA,
      body: { kind: 'meeting', id: 'https://evil.example/' },
    });
    const body = (await response.json()) as ErrorBody & {
      error: { details: { problems: { path: string }[] } };
    };

    assert.equal(response.status, 400);
    assert.deepEqual(body.error.details.problems.map((problem) => problem.path).sort(), ['id', 'kind']);
  });

  it('refuses a viewer of A changing A, while letting them read it', async () => {
    assert.equal(await status('GET', '/api/tab/clients/alpha/users', viewerOfA), 200);
    assert.equal(await status('POST', '/api/tab/clients/alpha/sync', viewerOfA, {}), 403);
    assert.equal(await status('PUT', '/api/tab/clients/alpha/settings/expiry', viewerOfA, { days: 45 }), 403);
    assert.equal(await status('GET', '/api/tab/clients/alpha/licences', viewerOfA), 200);
    assert.equal(
      await status('PUT', '/api/tab/clients/alpha/licences/prices', viewerOfA, {
        currency: 'GBP',
        prices: [],
      }),
      403,
    );
    const someone = crypto.randomUUID();
    assert.equal(await status('GET', `/api/tab/clients/alpha/users/${someone}/offboarding`, viewerOfA), 403);
    assert.equal(
      await status('POST', `/api/tab/clients/alpha/users/${someone}/offboarding`, viewerOfA, {
        confirm: true,
      }),
      403,
    );
    for (const path of ['/api/tab/clients/alpha/user-actions/preview', '/api/tab/clients/alpha/user-actions'])
      assert.equal(
        await status('POST', path, viewerOfA, {
          action: 'block_sign_in',
          userIds: [crypto.randomUUID()],
          confirm: true,
        }),
        403,
        path,
      );
  });

  it('answers 403 for an unknown client exactly as for a foreign one, so ids cannot be probed', async () => {
    const foreign = (await (
      await harness.request('GET', '/api/tab/clients/bravo/users', { token: adminOfA })
    ).json()) as ErrorBody;
    const unknown = (await (
      await harness.request('GET', '/api/tab/clients/zulu/users', { token: adminOfA })
    ).json()) as ErrorBody;
    assert.equal(foreign.error.code, unknown.error.code);
    assert.equal(foreign.error.message.replace('bravo', 'X'), unknown.error.message.replace('zulu', 'X'));
  });

  describe('malformed input answers 400 naming every bad field', () => {
    async function problems(method: string, path: string, body?: unknown): Promise<string[]> {
      const response = await harness.request(method, path, { token: partner, body });
      assert.equal(response.status, 400, `${method} ${path}`);
      const answer = (await response.json()) as ErrorBody;
      assert.equal(answer.error.code, 'validation_failed');
      return (answer.error.details.problems ?? []).map((problem) => problem.path).sort();
    }

    it('a client with a number for a name', async () => {
      assert.deepEqual(await problems('POST', '/api/tab/clients', { name: 5 }), ['name']);
    });

    it('a client-credentials connection with every field wrong, before any network call', async () => {
      assert.deepEqual(
        await problems('POST', '/api/tab/clients/alpha/integration', {
          tenant: 'not a tenant',
          clientId: 'not-a-guid',
          secretExpiresAt: 'next tuesday',
        }),
        ['clientId', 'clientSecret', 'secretExpiresAt', 'tenant'],
      );
    });

    it('an exclusion confirmed without the explicit confirmation', async () => {
      assert.deepEqual(await problems('POST', '/api/tab/clients/alpha/exclusions', { token: 7 }), [
        'confirm',
        'token',
      ]);
    });

    it('a reporting switch that is not a boolean', async () => {
      assert.deepEqual(
        await problems('PUT', `/api/tab/clients/alpha/groups/${crypto.randomUUID()}/reporting`, {
          enabled: 'yes',
        }),
        ['enabled'],
      );
    });

    it('an offboarding whose confirmation is not a boolean, before any user is looked at', async () => {
      assert.deepEqual(
        await problems('POST', `/api/tab/clients/alpha/users/${crypto.randomUUID()}/offboarding`, {
          confirm: 'yes',
        }),
        ['confirm'],
      );
    });

    it('an expiry threshold out of range', async () => {
      assert.deepEqual(await problems('PUT', '/api/tab/clients/alpha/settings/expiry', { days: 3 }), [
        'days',
      ]);
    });

    it('a users page with a non-numeric limit and an unknown state', async () => {
      assert.deepEqual(await problems('GET', '/api/tab/clients/alpha/users?limit=lots&state=sleeping'), [
        'limit',
        'state',
      ]);
    });

    it('licence prices with a currency that is not ISO 4217 and a price that is not an amount', async () => {
      assert.deepEqual(
        await problems('PUT', '/api/tab/clients/alpha/licences/prices', {
          currency: 'pounds',
          prices: [{ skuId: crypto.randomUUID(), monthlyPrice: 'twelve' }],
        }),
        ['currency', 'prices.0.monthlyPrice'],
      );
    });

    it('an unknown report', async () => {
      assert.deepEqual(await problems('GET', '/api/tab/clients/alpha/reports/weather'), ['kind']);
    });

    it('a body that is not JSON at all', async () => {
      const response = await harness.request('POST', '/api/tab/clients', {
        token: partner,
        body: '{"name": ',
      });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as ErrorBody).error.code, 'invalid_body');
    });
  });

  it('answers an unknown route with a JSON 404', async () => {
    const response = await harness.request('GET', '/api/tab/nothing-here', { token: partner });
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as ErrorBody).error.code, 'not_found');
  });
});
