import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/processes.js';
import {
  buildTab,
  lanAddress,
  rawRequest,
  startDemoServer,
  startProductionServer,
  type ProductionServer,
  type SecureServer,
} from './support/secure-server.js';

/**
 * Issue 12, item 3 (review findings 2, 3 and 9): `/%64ev/token` passed the `/dev/` guard and gave any remote peer a
 * partner-admin token; the anonymous demo bot decided "local" from the caller's `serviceUrl` (remote peers and
 * cross-site form posts acted as any identity); production served the demo Teams host page under `/tab//dev/…`.
 */
const identity = JSON.stringify({ identity: 'partnerAdmin' });
const json = { 'content-type': 'application/json' };

function activity(serviceUrl = 'http://127.0.0.1:1/'): string {
  return JSON.stringify({
    type: 'message',
    id: 'a1',
    channelId: 'msteams',
    serviceUrl,
    deliveryMode: 'expectReplies',
    from: { id: '29:x', name: 'Megan', aadObjectId: '0c8a6f2e-1d3b-4a5c-9e7f-100000000001' },
    recipient: { id: '28:bot' },
    conversation: {
      id: 'a:attacker',
      conversationType: 'personal',
      tenantId: '9f3c2a10-5b7e-4d21-9a6c-1e2f3a4b5c6d',
    },
    text: 'users --client demo',
  });
}

describe('security: demo-only surfaces answer this machine only [demo]', function () {
  this.timeout(180_000);
  let server: SecureServer;
  const lan = lanAddress();

  before(async () => {
    // Listening on every interface, as an operator might set it: locality must still come from the socket.
    server = await startDemoServer({ users: 40, env: { HOST: '0.0.0.0' } });
  });
  after(async () => {
    await server.stop();
  });

  it('mints a token for a local request (the guard is not simply closed)', async () => {
    const local = await rawRequest(server.baseUrl, {
      method: 'POST',
      path: '/dev/token',
      headers: json,
      body: identity,
    });
    assert.equal(local.status, 200);
  });

  for (const spelling of [
    '/dev/token',
    '/%64ev/token',
    '/%64%65%76/token',
    '//dev/token',
    '/x/../dev/token',
  ]) {
    it(`refuses ${spelling} from a remote peer, whatever the Host it names`, async function () {
      if (lan === undefined) this.skip();
      for (const host of [`localhost:${String(server.port)}`, `${lan}:${String(server.port)}`]) {
        const remote = await rawRequest(server.baseUrl, {
          method: 'POST',
          path: spelling,
          host: lan,
          headers: { ...json, host },
          body: identity,
        });
        assert.ok([404, 421].includes(remote.status), `${spelling} Host ${host}: ${String(remote.status)}`);
        assert.doesNotMatch(remote.body, /token/);
      }
    });
  }

  it('refuses /dev/identities and /dev/teams-host.html to a remote peer under any spelling', async function () {
    if (lan === undefined) this.skip();
    for (const spelling of [
      '/dev/identities',
      '/%64ev/identities',
      '/%64ev/teams-host.html',
      '/dev/./teams-host.html',
    ]) {
      const remote = await rawRequest(server.baseUrl, {
        path: spelling,
        host: lan,
        headers: { host: `localhost:${String(server.port)}` },
      });
      assert.equal(remote.status, 404, spelling);
    }
  });

  it('refuses a local request relayed by a proxy or tunnel (X-Forwarded-For, Forwarded)', async () => {
    for (const header of [{ 'x-forwarded-for': '203.0.113.9' }, { forwarded: 'for=203.0.113.9' }]) {
      const relayed = await rawRequest(server.baseUrl, {
        method: 'POST',
        path: '/dev/token',
        headers: { ...json, ...header },
        body: identity,
      });
      assert.equal(relayed.status, 404);
    }
  });

  it('refuses a request naming another host (DNS rebinding), on every route', async () => {
    for (const [method, route] of [
      ['POST', '/dev/token'],
      ['GET', '/api/tab/me'],
      ['POST', '/api/messages'],
    ] as const) {
      const rebound = await rawRequest(server.baseUrl, {
        method,
        path: route,
        headers: { ...json, host: `rebind.attacker.example:${String(server.port)}` },
        ...(method === 'POST' ? { body: identity } : {}),
      });
      assert.equal(rebound.status, 421, route);
    }
  });

  it('the anonymous bot refuses a remote peer even with a loopback serviceUrl', async function () {
    if (lan === undefined) this.skip();
    const remote = await rawRequest(server.baseUrl, {
      method: 'POST',
      path: '/api/messages',
      host: lan,
      headers: { ...json, host: `localhost:${String(server.port)}` },
      body: activity(),
    });
    assert.equal(remote.status, 403);
    assert.doesNotMatch(remote.body, /Users/);
  });

  it('the anonymous bot refuses a cross-site form post (not JSON) from this machine', async () => {
    const form = await rawRequest(server.baseUrl, {
      method: 'POST',
      path: '/api/messages',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: 'type=invoke&name=adaptiveCard/action&serviceUrl=http://127.0.0.1:1/&from[aadObjectId]=0c8a6f2e-1d3b-4a5c-9e7f-100000000001',
    });
    assert.equal(form.status, 415);
  });
});

describe('security: demo-only surfaces do not exist in production under any spelling [production, SQLite]', function () {
  this.timeout(300_000);
  let server: ProductionServer;

  before(async () => {
    if (!fs.existsSync(path.join(repoRoot, 'tab/web/dist/dev/teams-host.html'))) await buildTab();
    server = await startProductionServer({ engine: 'sqlite' });
  });
  after(async () => {
    await server.stop();
  });

  for (const spelling of [
    '/dev/teams-host.html',
    '/%64ev/teams-host.html',
    '/tab/dev/teams-host.html',
    '/tab//dev/teams-host.html',
    '/tab/./dev/teams-host.html',
    '/tab/assets/../dev/teams-host.html',
    '/tab/%64ev/teams-host.html',
    '/dev/identities',
  ]) {
    it(`answers 404 for ${spelling}`, async () => {
      const answer = await rawRequest(server.baseUrl, { path: spelling });
      assert.equal(answer.status, 404, spelling);
      assert.doesNotMatch(answer.body, /<html/i);
    });
  }

  for (const spelling of ['/dev/token', '/%64ev/token']) {
    it(`mints no token at ${spelling}`, async () => {
      const answer = await rawRequest(server.baseUrl, {
        method: 'POST',
        path: spelling,
        headers: json,
        body: identity,
      });
      assert.equal(answer.status, 404);
    });
  }

  it('serves the tab itself (the 404s above are not a broken static server)', async () => {
    assert.equal((await rawRequest(server.baseUrl, { path: '/tab/index.html' })).status, 200);
  });

  it('the bot endpoint refuses an unsigned request before reading it', async () => {
    const answer = await rawRequest(server.baseUrl, {
      method: 'POST',
      path: '/api/messages',
      headers: json,
      body: activity(),
    });
    assert.equal(answer.status, 401);
  });
});
