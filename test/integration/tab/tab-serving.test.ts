import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  MSP_TENANT,
  startTabHarness,
  TAB_CLIENT_ID,
  TAB_DOMAIN,
  type TabHarness,
} from './support/tab-harness.js';

describe('tab serving in production mode', function () {
  let harness: TabHarness;

  before(async () => {
    harness = await startTabHarness();
  });
  after(async () => {
    await harness.close();
  });

  it('has no local Teams host page and no demo token endpoint (404)', async () => {
    for (const [method, path] of [
      ['GET', '/dev/teams-host.html'],
      ['GET', '/dev/identities'],
      ['POST', '/dev/token'],
      ['GET', '/tab/dev/teams-host.html'],
    ] as const) {
      const response = await harness.request(
        method,
        path,
        method === 'POST' ? { body: { identity: 'partnerAdmin' } } : {},
      );
      await response.body?.cancel();
      assert.equal(response.status, 404, `${method} ${path}`);
    }
  });

  it('lets every host Microsoft lists frame the tab: Teams, the Microsoft 365 app and Outlook', async () => {
    const response = await harness.request('GET', '/tab/index.html');
    await response.body?.cancel();
    const ancestors =
      /frame-ancestors ([^;]+)/
        .exec(response.headers.get('content-security-policy') ?? '')?.[1]
        ?.split(' ') ?? [];

    // https://learn.microsoft.com/microsoftteams/platform/tabs/how-to/tab-requirements
    for (const host of [
      'https://*.cloud.microsoft',
      'https://teams.microsoft.com',
      'https://*.teams.microsoft.com',
      'https://*.microsoft365.com',
      'https://*.office.com',
      'https://outlook.office.com',
      'https://outlook.office365.com',
      'https://outlook-sdf.office.com',
      'https://outlook-sdf.office365.com',
    ]) {
      assert.ok(ancestors.includes(host), `${host} may not frame the tab`);
    }
  });

  it('lets only Teams and Microsoft 365 frame the tab', async () => {
    const response = await harness.request('GET', '/tab/index.html');
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<title>tab<\/title>/);
    const policy = response.headers.get('content-security-policy') ?? '';
    assert.match(policy, /frame-ancestors 'self' https:\/\/teams\.microsoft\.com/);
    assert.doesNotMatch(policy, /frame-ancestors \*/);
    assert.equal(response.headers.get('cache-control'), 'no-cache');
  });

  it('starts the sign-in window at Entra’s authorize endpoint for the tab’s own scope, with prompt=consent', async () => {
    const state = crypto.randomUUID();
    const query = new URLSearchParams({ tenant: MSP_TENANT, state, loginHint: 'megan@msp.example' });

    const response = await fetch(`${harness.baseUrl}/auth/sso/start?${query.toString()}`, {
      redirect: 'manual',
    });
    const target = new URL(response.headers.get('location') ?? '');

    assert.equal(response.status, 302);
    assert.equal(
      target.origin + target.pathname,
      `${harness.issuer.authorityHost}/${MSP_TENANT}/oauth2/v2.0/authorize`,
    );
    assert.deepEqual(Object.fromEntries(target.searchParams), {
      client_id: TAB_CLIENT_ID,
      response_type: 'code',
      response_mode: 'query',
      redirect_uri: 'https://idm.example.test/tab/auth-end.html',
      scope: `openid profile api://${TAB_DOMAIN}/${TAB_CLIENT_ID}/access_as_user`,
      prompt: 'consent',
      state,
      login_hint: 'megan@msp.example',
    });
  });

  it('refuses to start a sign-in window for a malformed tenant or state, with 400', async () => {
    const response = await fetch(`${harness.baseUrl}/auth/sso/start?tenant=evil.example%2F..&state=x`, {
      redirect: 'manual',
    });
    const body = (await response.json()) as { error: { details: { problems: { path: string }[] } } };

    assert.equal(response.status, 400);
    assert.deepEqual(body.error.details.problems.map((problem) => problem.path).sort(), ['state', 'tenant']);
  });

  it('serves hashed assets as immutable, and nothing outside the tab folder', async () => {
    const asset = await harness.request('GET', '/tab/assets/tab-abc123.js');
    await asset.body?.cancel();
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    const escape = await harness.request('GET', '/tab/..%2f..%2fpackage.json');
    await escape.body?.cancel();
    assert.notEqual(escape.status, 200);
  });
});
