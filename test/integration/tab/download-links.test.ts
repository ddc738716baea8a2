import assert from 'node:assert/strict';
import type { Actor } from '../../../src/services/actor.js';
import { FakeClock } from '../../../src/shared/clock.js';
import { engines } from '../../support/databases.js';
import { PARTNER_ADMIN, startTabHarness, type TabHarness } from './support/tab-harness.js';

const VIEWER = { tenantId: PARTNER_ADMIN.tenantId, objectId: 'bbbbbbbb-0000-4000-8000-000000000031' };

interface ErrorBody {
  error: { code: string; message: string };
}

/**
 * Exports through short-lived, single-use signed links (the tab opens them through the host, outside the tab's
 * frame, with no SSO token): the link is the only credential of the GET, so it must hold for one export, one person,
 * one minute and one use — on both engines (several instances share the database).
 */
for (const engine of engines) {
  describe(`tab exports through signed download links [${engine}]`, function () {
    this.timeout(30_000);
    const clock = new FakeClock('2026-11-26T09:00:00.000Z');
    let harness: TabHarness;
    let partner: string;
    let viewer: string;

    before(async () => {
      harness = await startTabHarness(engine, { clock });
      const actor: Actor = { ...PARTNER_ADMIN, name: 'partner@example.test', channel: 'cli' };
      await harness.core.clients.add(actor, { name: 'alpha', displayName: 'Alpha' });
      await harness.core.clients.add(actor, { name: 'bravo', displayName: 'Bravo' });
      await harness.core.roles.assign(actor, {
        principalTenantId: VIEWER.tenantId,
        principalObjectId: VIEWER.objectId,
        role: 'viewer',
        client: 'alpha',
      });
      partner = await harness.partnerToken();
      viewer = await harness.issuer.token(VIEWER);
    });
    after(async () => {
      await harness.close();
    });

    /** A link issued through the tab API, for `path` (an export with its query). */
    async function linkFor(token: string, path: string): Promise<string> {
      const response = await harness.request('POST', '/api/tab/downloads', { token, body: { path } });
      assert.equal(response.status, 200, await response.clone().text());
      const { url, expiresAt } = (await response.json()) as { url: string; expiresAt: string };
      assert.equal(Date.parse(expiresAt) - clock.now().getTime(), 60_000);
      // The public address; this test reaches the same server on its local one.
      return url.replace('https://idm.example.test', harness.baseUrl);
    }

    it('downloads the export once, with no token, as the person it was issued to', async () => {
      const url = await linkFor(partner, '/clients/alpha/users.csv?state=imported&guest=false');

      const first = await fetch(url);
      const text = await first.text();

      assert.equal(first.status, 200);
      assert.match(first.headers.get('content-disposition') ?? '', /attachment; filename="alpha-users\.csv"/);
      assert.match(first.headers.get('cache-control') ?? '', /no-store/);
      assert.match(text, /^\uFEFF?displayName,userPrincipalName,/);
    });

    it('refuses a second use with 410, saying to start the download again', async () => {
      const url = await linkFor(partner, '/audit.csv');
      assert.equal((await fetch(url)).status, 200);

      const again = await fetch(url);
      const body = (await again.json()) as ErrorBody;

      assert.equal(again.status, 410);
      assert.equal(body.error.code, 'download_link_used');
      assert.match(body.error.message, /Start the download again in the tab/);
    });

    it('refuses a link after its minute with 410, and it stays unusable', async () => {
      const url = await linkFor(partner, '/clients/alpha/reports/usage/csv');
      clock.advance(60_001);

      const late = await fetch(url);
      const body = (await late.json()) as ErrorBody;

      assert.equal(late.status, 410);
      assert.equal(body.error.code, 'download_link_expired');
    });

    it('refuses a link changed in any way, or moved to another export, with 403', async () => {
      const url = await linkFor(partner, '/clients/alpha/users.csv?state=imported');
      const link = new URL(url).searchParams.get('link') ?? '';
      const [nonce = '', signature = ''] = link.split('.');
      const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;

      const attempts = [
        url.replace('state=imported', 'state=disabled'),
        url.replace('/clients/alpha/', '/clients/bravo/'),
        url.replace(link, `${nonce}.${flipped}`),
        url.replace(link, 'not-a-link'),
      ];
      for (const attempt of attempts) {
        const response = await fetch(attempt);
        const body = (await response.json()) as ErrorBody;
        assert.equal(response.status, 403, attempt);
        assert.equal(body.error.code, 'download_link_invalid', attempt);
      }
      assert.equal((await fetch(url)).status, 200, 'the genuine link was not used up by the forgeries');
    });

    it("gives a link no more than its person's rights: a viewer's link to another client is refused", async () => {
      const own = await linkFor(viewer, '/clients/alpha/users.csv');
      const foreign = await linkFor(viewer, '/clients/bravo/users.csv');

      assert.equal((await fetch(own)).status, 200);
      assert.equal((await fetch(foreign)).status, 403);
    });

    it('issues links only for exports, to a signed-in person', async () => {
      const notAnExport = await harness.request('POST', '/api/tab/downloads', {
        token: partner,
        body: { path: '/clients/alpha/users' },
      });
      const anonymous = await harness.request('POST', '/api/tab/downloads', {
        body: { path: '/audit.csv' },
      });
      const withoutLink = await fetch(`${harness.baseUrl}/api/tab/audit.csv`);

      assert.equal(notAnExport.status, 400);
      assert.equal(anonymous.status, 401);
      assert.equal(withoutLink.status, 401);
    });
  });
}
