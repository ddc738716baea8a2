import assert from 'node:assert/strict';
import { startDemoServer, type SecureServer } from './support/secure-server.js';

/**
 * Issue 16, item 4: `/` — the address `npm start` serves — is no longer a JSON "does not exist": it leads to the tab,
 * and in demo mode, from this machine, to the local Teams host page around it.
 */
describe('the root address leads to the tab [demo, SQLite]', function () {
  this.timeout(120_000);
  let server: SecureServer;

  before(async () => {
    server = await startDemoServer({ users: 20 });
  });
  after(async () => {
    await server.stop();
  });

  it('redirects / to the local Teams host page in demo mode, and the page is there', async () => {
    const root = await fetch(`${server.baseUrl}/`, { redirect: 'manual' });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/dev/teams-host.html');
    const host = await fetch(`${server.baseUrl}/`);
    assert.ok(host.status === 200 || host.status === 503, String(host.status));
    assert.match(host.url, /\/dev\/teams-host\.html$/);
  });
});
