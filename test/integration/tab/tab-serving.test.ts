import assert from 'node:assert/strict';
import { startTabHarness, type TabHarness } from './support/tab-harness.js';

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

  it('lets only Teams and Microsoft 365 frame the tab', async () => {
    const response = await harness.request('GET', '/tab/index.html');
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<title>tab<\/title>/);
    const policy = response.headers.get('content-security-policy') ?? '';
    assert.match(policy, /frame-ancestors 'self' https:\/\/teams\.microsoft\.com/);
    assert.doesNotMatch(policy, /frame-ancestors \*/);
    assert.equal(response.headers.get('cache-control'), 'no-cache');
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
