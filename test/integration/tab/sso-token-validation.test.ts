import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  MSP_TENANT,
  PARTNER_ADMIN,
  TAB_CLIENT_ID,
  TAB_DOMAIN,
  startTabHarness,
  type TabHarness,
} from './support/tab-harness.js';

interface ErrorBody {
  error: { code: string; message: string; details: { reason?: string } };
}

describe('tab API: every request is authenticated with a validated Teams SSO token', function () {
  let harness: TabHarness;

  before(async () => {
    harness = await startTabHarness();
  });
  after(async () => {
    await harness.close();
  });

  async function expectRefused(token: string | undefined, reason: string): Promise<void> {
    const response = await harness.request('GET', '/api/tab/me', { token });
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer');
    const body = (await response.json()) as ErrorBody;
    assert.equal(body.error.code, 'unauthenticated');
    assert.equal(body.error.details.reason, reason);
    assert.ok(body.error.message.length > 10, 'the message says what is wrong');
  }

  it('accepts a v2 token of the partner admin and answers as that admin', async () => {
    const response = await harness.request('GET', '/api/tab/me', { token: await harness.partnerToken() });
    assert.equal(response.status, 200);
    const me = (await response.json()) as { objectId: string; tenantId: string; isPartnerAdmin: boolean };
    assert.equal(me.objectId, PARTNER_ADMIN.objectId);
    assert.equal(me.tenantId, MSP_TENANT);
    assert.equal(me.isPartnerAdmin, true);
  });

  it('accepts the api://<domain>/<client id> audience of v1 tokens and the v1 issuer', async () => {
    const token = await harness.issuer.token({
      ...PARTNER_ADMIN,
      audience: `api://${TAB_DOMAIN}/${TAB_CLIENT_ID}`,
      issuer: `https://sts.windows.net/${MSP_TENANT}/`,
    });
    const response = await harness.request('GET', '/api/tab/me', { token });
    assert.equal(response.status, 200);
  });

  it('refuses a request without a token', async () => {
    await expectRefused(undefined, 'missing_token');
  });

  it('refuses a token that is not a JWT', async () => {
    await expectRefused('not-a-jwt', 'malformed_token');
  });

  it('refuses a token signed by a key the tenant never published', async () => {
    await expectRefused(await harness.issuer.tokenWithForeignKey(PARTNER_ADMIN), 'bad_signature');
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const [header, , signature] = (await harness.partnerToken()).split('.');
    const forged = Buffer.from(
      JSON.stringify({
        tid: MSP_TENANT,
        oid: crypto.randomUUID(),
        scp: 'access_as_user',
        aud: TAB_CLIENT_ID,
        iss: `${harness.issuer.authorityHost}/${MSP_TENANT}/v2.0`,
        exp: Math.floor(Date.now() / 1000) + 3600,
      }),
    ).toString('base64url');
    await expectRefused(`${header}.${forged}.${signature}`, 'bad_signature');
  });

  it('refuses a token issued for another application', async () => {
    const token = await harness.issuer.token({ ...PARTNER_ADMIN, audience: crypto.randomUUID() });
    await expectRefused(token, 'wrong_audience');
  });

  it('refuses a token whose issuer is not the tenant it names', async () => {
    const otherTenant = crypto.randomUUID();
    const token = await harness.issuer.token({
      ...PARTNER_ADMIN,
      issuer: `${harness.issuer.authorityHost}/${otherTenant}/v2.0`,
    });
    await expectRefused(token, 'wrong_issuer');
  });

  it('refuses a token of a tenant that is neither the MSP nor a connected client, without fetching its keys', async () => {
    const stranger = crypto.randomUUID();
    const before = harness.issuer.jwksRequests.length;
    const token = await harness.issuer.token({ tenantId: stranger, objectId: crypto.randomUUID() });
    await expectRefused(token, 'tenant_not_allowed');
    assert.ok(!harness.issuer.jwksRequests.slice(before).some((url) => url.includes(stranger)));
  });

  it('refuses an expired token', async () => {
    await expectRefused(await harness.issuer.token({ ...PARTNER_ADMIN, expiresInSeconds: -600 }), 'expired');
  });

  it('refuses a token that is not valid yet', async () => {
    const token = await harness.issuer.token({ ...PARTNER_ADMIN, notBeforeInSeconds: 900 });
    await expectRefused(token, 'not_yet_valid');
  });

  it("refuses an unsigned token (alg 'none')", async () => {
    await expectRefused(harness.issuer.unsignedToken(PARTNER_ADMIN), 'unsupported_algorithm');
  });

  it('refuses an HMAC-signed token (algorithm confusion)', async () => {
    await expectRefused(await harness.issuer.hmacToken(PARTNER_ADMIN), 'unsupported_algorithm');
  });

  it("refuses a token without the 'access_as_user' scope", async () => {
    await expectRefused(await harness.issuer.token({ ...PARTNER_ADMIN, scp: 'User.Read' }), 'missing_scope');
  });
});
