import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { AuthError, PermissionError } from '../../../src/graph/graph-errors.js';
import { checkPermissions, requirePermissions } from '../../../src/graph/permission-check.js';
import { REQUIRED_PERMISSION_NAMES } from '../../../src/graph/required-permissions.js';
import { TenantGraphFactory } from '../../../src/graph/tenant-graph-factory.js';
import { Agent, fetch } from 'undici';
import { quickRetries, startTestSimulator, type TestSimulator } from './simulator-harness.js';

describe('permission check against the simulator', function () {
  let harness: TestSimulator;
  let graphs: TenantGraphFactory;

  before(async () => {
    harness = await startTestSimulator({
      users: 20,
      displayName: 'Fabrikam',
      domain: 'fabrikam.onmicrosoft.com',
    });
    graphs = harness.factory();
  });
  after(async () => {
    await harness.close();
  });

  it('passes every check and reads the organization when the six permissions are granted', async () => {
    const result = await checkPermissions(graphs.create(harness.credentials));
    assert.equal(result.passed, true, JSON.stringify(result.checks));
    assert.equal(result.error, undefined);
    assert.deepEqual(
      result.checks.map((check) => check.name),
      ['Sign in', ...REQUIRED_PERMISSION_NAMES.map((name) => `Permission ${name}`), 'Read organization'],
    );
    assert.equal(result.organization?.tenantId, harness.tenant.tenantId);
    assert.equal(result.organization.displayName, 'Fabrikam');
    assert.ok(
      result.organization.verifiedDomains.some((d) => d.name === 'fabrikam.onmicrosoft.com' && d.isDefault),
    );
  });

  it('resolves a verified domain typed by the admin to the tenant id', async () => {
    const result = await requirePermissions(
      graphs.create({ ...harness.credentials, tenantId: 'fabrikam.onmicrosoft.com' }),
    );
    assert.equal(result.organization.tenantId, harness.tenant.tenantId);
  });

  it('names a missing permission and the admin-consent step', async () => {
    const clientId = crypto.randomUUID();
    const permissions = REQUIRED_PERMISSION_NAMES.filter((name) => name !== 'AuditLog.Read.All');
    harness.tenant.addApp({ clientId, clientSecret: 'limited~secret', permissions });
    const result = await checkPermissions(
      graphs.create({ ...harness.credentials, appClientId: clientId, clientSecret: 'limited~secret' }),
    );
    assert.equal(result.passed, false);
    assert.deepEqual(result.missingPermissions, ['AuditLog.Read.All']);
    assert.ok(result.error instanceof PermissionError);
    assert.match(result.error.message, /AuditLog\.Read\.All/);
    assert.match(result.error.message, /Grant admin consent/);
    const line = result.checks.find((check) => check.name === 'Permission AuditLog.Read.All');
    assert.equal(line?.passed, false);
    assert.ok(result.organization !== undefined, 'the organization is still read');
  });

  it('says a permission is missing when Graph refuses /organization for want of it', async () => {
    const clientId = crypto.randomUUID();
    harness.tenant.addApp({ clientId, clientSecret: 'no-org~secret', permissions: ['User.Read.All'] });
    await assert.rejects(
      requirePermissions(
        graphs.create({ ...harness.credentials, appClientId: clientId, clientSecret: 'no-org~secret' }),
      ),
      (error: unknown) => error instanceof PermissionError && error.missing.includes('Organization.Read.All'),
    );
  });

  it('reports a wrong secret with the cause and the fix', async () => {
    await assert.rejects(
      requirePermissions(graphs.create({ ...harness.credentials, clientSecret: 'not-the-secret' })),
      (error: unknown) =>
        error instanceof AuthError &&
        error.code === 'invalid_client_secret' &&
        error.message.includes('wrong') &&
        error.message.includes('Certificates & secrets'),
    );
  });

  it('reports an unknown tenant with the cause and the fix', async () => {
    await assert.rejects(
      requirePermissions(graphs.create({ ...harness.credentials, tenantId: crypto.randomUUID() })),
      (error: unknown) =>
        error instanceof AuthError && error.code === 'unknown_tenant' && error.message.includes('Tenant ID'),
    );
  });

  it('reports an unknown application with the cause and the fix', async () => {
    const result = await checkPermissions(
      graphs.create({ ...harness.credentials, appClientId: crypto.randomUUID() }),
    );
    assert.equal(result.passed, false);
    assert.ok(result.error instanceof AuthError);
    assert.equal(result.error.code, 'unknown_application');
    assert.equal(result.checks[0]?.passed, false);
    assert.match(result.checks[0].reason, /App registrations/);
  });

  it('reports an expired secret with the cause and the fix', async () => {
    const clientId = crypto.randomUUID();
    harness.tenant.addApp({
      clientId,
      clientSecret: 'old~secret',
      permissions: REQUIRED_PERMISSION_NAMES,
      secretExpiresAt: new Date(Date.now() - 86_400_000),
    });
    await assert.rejects(
      requirePermissions(
        graphs.create({ ...harness.credentials, appClientId: clientId, clientSecret: 'old~secret' }),
      ),
      (error: unknown) =>
        error instanceof AuthError &&
        error.code === 'expired_client_secret' &&
        error.message.includes('Create a new secret'),
    );
  });

  it('signs in with our own multi-tenant app once the tenant admin consented, and not before', async () => {
    const consentApp = { clientId: crypto.randomUUID(), clientSecret: 'consent~secret' };
    harness.sim.registerMultiTenantApp({ ...consentApp, permissions: REQUIRED_PERMISSION_NAMES });
    const consented = new TenantGraphFactory({
      endpoints: harness.endpoints,
      retryPolicy: quickRetries,
      consentApp,
    });
    try {
      const credentials = {
        kind: 'admin_consent' as const,
        tenantId: harness.tenant.tenantId,
        appClientId: consentApp.clientId,
        clientSecret: undefined,
      };
      await assert.rejects(
        requirePermissions(consented.create(credentials)),
        (error: unknown) => error instanceof AuthError && error.code === 'unknown_application',
      );

      const dispatcher = new Agent({ connect: { ca: harness.sim.caCertPem } });
      const consent = new URL(`${harness.sim.authorityHost}/${harness.tenant.tenantId}/v2.0/adminconsent`);
      consent.searchParams.set('client_id', consentApp.clientId);
      consent.searchParams.set('redirect_uri', 'https://localhost/consent/callback');
      consent.searchParams.set('state', 'x');
      const answer = await fetch(consent, { redirect: 'manual', dispatcher });
      await dispatcher.close();
      assert.match(answer.headers.get('location') ?? '', /admin_consent=True/);

      const result = await requirePermissions(consented.create(credentials));
      assert.equal(result.organization.tenantId, harness.tenant.tenantId);
    } finally {
      await consented.close();
    }
  });
});
