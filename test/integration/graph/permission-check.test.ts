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
      consent.searchParams.set('scope', 'https://graph.microsoft.com/.default');
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

  it('connects a tenant that granted only the higher-privileged Directory.Read.All (and AuditLog.Read.All), without the optional Team.ReadBasic.All', async () => {
    // Microsoft lists Directory.Read.All as a higher-privileged alternative for users, groups and the organization
    // (https://learn.microsoft.com/en-us/graph/api/user-delta, group-delta, organization-list).
    const clientId = crypto.randomUUID();
    harness.tenant.addApp({
      clientId,
      clientSecret: 'directory~secret',
      permissions: ['Directory.Read.All', 'AuditLog.Read.All'],
    });
    const result = await checkPermissions(
      graphs.create({ ...harness.credentials, appClientId: clientId, clientSecret: 'directory~secret' }),
    );
    assert.equal(result.passed, true, JSON.stringify(result.checks));
    assert.deepEqual(result.missingPermissions, []);
    const reason = (name: string): string =>
      result.checks.find((check) => check.name === `Permission ${name}`)?.reason ?? '';
    assert.match(reason('User.Read.All'), /Covered by Directory\.Read\.All/);
    assert.match(reason('Group.Read.All'), /Covered by Directory\.Read\.All/);
    assert.match(reason('Team.ReadBasic.All'), /Covered by Directory\.Read\.All/);
  });

  it('reports Team.ReadBasic.All as optional, never as a failure', async () => {
    const clientId = crypto.randomUUID();
    // Without Directory.Read.All too (which would cover it), so only the two are absent.
    const permissions = REQUIRED_PERMISSION_NAMES.filter(
      (name) => name !== 'Team.ReadBasic.All' && name !== 'Directory.Read.All',
    );
    harness.tenant.addApp({ clientId, clientSecret: 'noteams~secret', permissions });
    const result = await checkPermissions(
      graphs.create({ ...harness.credentials, appClientId: clientId, clientSecret: 'noteams~secret' }),
    );
    assert.deepEqual(result.missingPermissions, ['Directory.Read.All']);
    const line = result.checks.find((check) => check.name === 'Permission Team.ReadBasic.All');
    assert.equal(line?.passed, true);
    assert.match(line.reason, /optional/);
  });

  it('reads the granted permissions from the directory (appRoleAssignments) when the token is not a readable JWT', async () => {
    // "Access tokens must be treated as opaque strings" (https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens).
    harness.sim.faults.opaqueAppTokens = true;
    try {
      const clientId = crypto.randomUUID();
      const permissions = REQUIRED_PERMISSION_NAMES.filter((name) => name !== 'AuditLog.Read.All');
      harness.tenant.addApp({ clientId, clientSecret: 'opaque~secret', permissions });
      const limited = await checkPermissions(
        graphs.create({ ...harness.credentials, appClientId: clientId, clientSecret: 'opaque~secret' }),
      );
      assert.ok(limited.checks.some((check) => check.name === 'Read granted permissions' && check.passed));
      assert.deepEqual(limited.missingPermissions, ['AuditLog.Read.All']);

      const full = await checkPermissions(graphs.create(harness.credentials));
      assert.equal(full.passed, true, JSON.stringify(full.checks));
    } finally {
      harness.sim.faults.opaqueAppTokens = false;
    }
  });
});
