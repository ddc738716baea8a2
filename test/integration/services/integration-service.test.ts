import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Agent, fetch } from 'undici';
import { PRODUCT_PERMISSIONS, type SimTenant } from '../../../sim/index.js';
import { REQUIRED_PERMISSION_NAMES } from '../../../src/graph/required-permissions.js';
import { ConnectionCheckError } from '../../../src/services/integration-base.js';
import { AppError, ConflictError, ValidationError } from '../../../src/shared/errors.js';
import { startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
import {
  CONSENT_APP_ID,
  CONSENT_APP_SECRET,
  PUBLIC_BASE_URL,
  describeEachEngineWithCore,
  partnerAdmin,
} from './fixtures/core-harness.js';
import {
  seedClient,
  seedDirectory,
  stateSnapshot,
  tableCounts,
  userState,
} from './fixtures/directory-fixture.js';

/**
 * The callback's own retries while Microsoft has not applied a consent yet: 1 s every 250 ms instead of the
 * product's 8 s every 2 s, so that each "waiting" answer costs the suite a second (the 15 minutes are kept).
 */
const CONSENT_WAIT = { inRequestMs: 1_000, intervalMs: 250 } as const;

describe('integration service against the simulator', function () {
  let harness: TestSimulator;
  let dispatcher: Agent;

  before(async () => {
    harness = await startTestSimulator({ users: 20 });
    harness.sim.registerMultiTenantApp({
      clientId: CONSENT_APP_ID,
      clientSecret: CONSENT_APP_SECRET,
      permissions: PRODUCT_PERMISSIONS,
      redirectUris: [`${PUBLIC_BASE_URL}/auth/consent/callback`],
      displayName: 'IDM for MSPs',
    });
    dispatcher = new Agent({ connect: { ca: harness.sim.caCertPem } });
  });
  after(async () => {
    await dispatcher.close();
    await harness.close();
  });

  /** A new tenant in the simulator (one tenant belongs to one client) and its app. */
  function newTenant(name: string): { tenant: SimTenant; clientId: string; secret: string } {
    const seed = crypto.randomInt(1, 1_000_000_000);
    const tenant = harness.sim.addTenant({
      seed,
      users: 12,
      displayName: name,
      domain: `${name}-${seed}.onmicrosoft.com`,
    });
    const app = tenant.registeredApps()[0];
    if (app === undefined) throw new Error('tenant without app');
    return { tenant, clientId: app.clientId, secret: app.clientSecret };
  }

  /** Opens the consent URL like the admin's browser would and returns the redirect's query. */
  async function answerConsent(
    url: string,
    extra: Record<string, string> = {},
  ): Promise<Record<string, string>> {
    const target = new URL(url);
    for (const [key, value] of Object.entries(extra)) target.searchParams.set(key, value);
    const response = await fetch(target, { redirect: 'manual', dispatcher });
    const location = response.headers.get('location');
    assert.ok(location !== null, `expected a redirect, got ${response.status}`);
    const back = new URL(location);
    assert.equal(`${back.origin}${back.pathname}`, `${PUBLIC_BASE_URL}/auth/consent/callback`);
    return Object.fromEntries(back.searchParams.entries());
  }

  describeEachEngineWithCore(
    'integration service',
    (ctx) => {
      const db = (): typeof ctx.core.database.db => ctx.core.database.db;

      it('connects with client credentials by verified domain, reports every check and never returns the secret', async () => {
        const { tenant, clientId, secret } = newTenant('fabrikam');
        const client = await seedClient(db(), { integration: false });
        const outcome = await ctx.core.integrations.connect(partnerAdmin, client, {
          tenant: tenant.domain.toUpperCase(),
          clientId,
          clientSecret: secret,
          secretExpiresAt: '2027-06-30',
        });
        assert.deepEqual(
          outcome.checks.map((check) => [check.name, check.passed]),
          [
            ['Sign in', true],
            ...REQUIRED_PERMISSION_NAMES.map((name) => [`Permission ${name}`, true]),
            ['Read organization', true],
          ],
        );
        assert.equal(outcome.integration.tenantId, tenant.tenantId);
        assert.equal(outcome.integration.tenantInput, tenant.domain);
        assert.equal(outcome.integration.organizationName, 'fabrikam');
        assert.deepEqual(outcome.integration.secret, {
          set: true,
          expiresAt: '2027-06-30T00:00:00.000Z',
          text: 'set, expires on 2027-06-30',
        });
        assert.ok(!JSON.stringify(outcome).includes(secret), 'the secret is never returned');
        const row = await db()
          .selectFrom('integrations')
          .select('secret_ciphertext')
          .where('client_id', '=', client)
          .executeTakeFirstOrThrow();
        assert.ok(
          row.secret_ciphertext !== null && !row.secret_ciphertext.includes(secret),
          'encrypted at rest',
        );
        const audit = await ctx.core.auditLog.query(partnerAdmin, { client, action: 'integration.connect' });
        assert.equal(audit.items.length, 1);
        assert.ok(!JSON.stringify(audit.items).includes(secret), 'the audit log holds no secret');
      });

      it('checks every shape before any network call and reports all problems at once', async () => {
        const client = await seedClient(db(), { integration: false });
        const requests = harness.sim.stats.totalRequests;
        const counts = await tableCounts(db());
        await assert.rejects(
          ctx.core.integrations.connect(partnerAdmin, client, {
            tenant: 'not a tenant',
            clientId: '1234',
            clientSecret: '   ',
            secretExpiresAt: '30/06/2027',
          }),
          (error: unknown) => {
            assert.ok(error instanceof ValidationError);
            assert.deepEqual(error.problems.map((p) => p.path).sort(), [
              'clientId',
              'clientSecret',
              'secretExpiresAt',
              'tenant',
            ]);
            return true;
          },
        );
        await assert.rejects(
          ctx.core.integrations.connect(partnerAdmin, client, {
            tenant: crypto.randomUUID(),
            clientId: crypto.randomUUID(),
            clientSecret: 's',
            secretExpiresAt: '2020-01-01',
          }),
          (error: unknown) => error instanceof ValidationError && error.message.includes('in the past'),
        );
        assert.equal(harness.sim.stats.totalRequests, requests, 'no request reached Entra or Graph');
        assert.deepEqual(await tableCounts(db()), counts);
      });

      it('names a wrong secret, an unknown tenant and a missing permission, saving nothing', async () => {
        const { tenant, clientId, secret } = newTenant('contoso');
        const client = await seedClient(db(), { integration: false });
        const counts = await tableCounts(db());
        await assert.rejects(
          ctx.core.integrations.connect(partnerAdmin, client, {
            tenant: tenant.tenantId,
            clientId,
            clientSecret: 'wrong',
          }),
          (error: unknown) =>
            error instanceof ConnectionCheckError &&
            error.code === 'invalid_client_secret' &&
            error.message.includes('not its Secret ID') &&
            error.checks[0]?.passed === false,
        );
        await assert.rejects(
          ctx.core.integrations.connect(partnerAdmin, client, {
            tenant: 'nowhere.onmicrosoft.com',
            clientId,
            clientSecret: secret,
          }),
          (error: unknown) => error instanceof ConnectionCheckError && error.code === 'unknown_tenant',
        );
        tenant.revokeAppPermissions(clientId, ['AuditLog.Read.All']);
        await assert.rejects(
          ctx.core.integrations.connect(partnerAdmin, client, {
            tenant: tenant.tenantId,
            clientId,
            clientSecret: secret,
          }),
          (error: unknown) => {
            assert.ok(error instanceof ConnectionCheckError);
            assert.equal(error.code, 'permission_missing');
            assert.match(error.message, /AuditLog\.Read\.All/);
            assert.match(error.message, /Grant admin consent/);
            assert.deepEqual(error.details?.missingPermissions, ['AuditLog.Read.All']);
            return true;
          },
        );
        assert.deepEqual(await tableCounts(db()), counts, 'no row written, no audit entry');
      });

      it('refuses a second integration for a client and a tenant already connected to another client', async () => {
        const { tenant, clientId, secret } = newTenant('northwind');
        const client = await seedClient(db(), { integration: false });
        await ctx.core.integrations.connect(partnerAdmin, client, {
          tenant: tenant.tenantId,
          clientId,
          clientSecret: secret,
        });
        await assert.rejects(
          ctx.core.integrations.connect(partnerAdmin, client, {
            tenant: tenant.tenantId,
            clientId,
            clientSecret: secret,
          }),
          (error: unknown) => error instanceof ConflictError && error.code === 'integration_exists',
        );
        const other = await seedClient(db(), { integration: false });
        await assert.rejects(
          ctx.core.integrations.connect(partnerAdmin, other, {
            tenant: tenant.tenantId,
            clientId,
            clientSecret: secret,
          }),
          (error: unknown) => error instanceof ConflictError && error.code === 'tenant_already_connected',
        );
      });

      it('tests the connection and records a lost permission as an error', async () => {
        const { tenant, clientId, secret } = newTenant('tailspin');
        const client = await seedClient(db(), { integration: false });
        await ctx.core.integrations.connect(partnerAdmin, client, {
          tenant: tenant.tenantId,
          clientId,
          clientSecret: secret,
        });
        assert.equal((await ctx.core.integrations.test(partnerAdmin, client)).passed, true);
        // (Group.Read.All alone would be covered by Directory.Read.All; AuditLog.Read.All has no alternative.)
        tenant.revokeAppPermissions(clientId, ['AuditLog.Read.All']);
        const result = await ctx.core.integrations.test(partnerAdmin, client);
        assert.equal(result.passed, false);
        assert.equal(result.integration.status, 'error');
        assert.match(result.integration.statusMessage ?? '', /AuditLog\.Read\.All/);
        const audit = await ctx.core.auditLog.query(partnerAdmin, { client, action: 'integration.test' });
        assert.deepEqual(audit.items[0]?.after, {
          status: 'error',
          failed: ['Permission AuditLog.Read.All'],
        });
      });

      it('rotates the secret only once the new one works', async () => {
        const { tenant, clientId, secret } = newTenant('adventure');
        const client = await seedClient(db(), { integration: false });
        await ctx.core.integrations.connect(partnerAdmin, client, {
          tenant: tenant.tenantId,
          clientId,
          clientSecret: secret,
        });
        const before = await stateSnapshot(db());
        await assert.rejects(
          ctx.core.integrations.rotateSecret(partnerAdmin, client, { clientSecret: 'not-it' }),
          (error: unknown) => error instanceof ConnectionCheckError && error.code === 'invalid_client_secret',
        );
        assert.equal(await stateSnapshot(db()), before, 'a failed rotation changes nothing');
        tenant.addApp({ clientId, clientSecret: 'the~new~secret', permissions: PRODUCT_PERMISSIONS });
        const rotated = await ctx.core.integrations.rotateSecret(partnerAdmin, client, {
          clientSecret: 'the~new~secret',
          secretExpiresAt: '2028-01-31T00:00:00Z',
        });
        assert.equal(rotated.integration.secret.text, 'set, expires on 2028-01-31');
        assert.equal(
          (await ctx.core.integrations.test(partnerAdmin, client)).passed,
          true,
          'the new secret is used',
        );
        const audit = await ctx.core.auditLog.query(partnerAdmin, {
          client,
          action: 'integration.rotate_secret',
        });
        assert.deepEqual(audit.items[0]?.after, { expiresAt: '2028-01-31T00:00:00.000Z' });
      });

      it('removes the integration and its tenant data only after the client name is repeated', async () => {
        const { tenant, clientId, secret } = newTenant('wingtip');
        const client = await seedClient(db(), { integration: false, name: `wingtip-${ctx.engine}` });
        await ctx.core.integrations.connect(partnerAdmin, client, {
          tenant: tenant.tenantId,
          clientId,
          clientSecret: secret,
        });
        await seedDirectory(db(), client, {
          users: { a: {}, b: {} },
          groups: { g: { members: ['a', 'b'] } },
        });
        const counts = await tableCounts(db());
        await assert.rejects(ctx.core.integrations.remove(partnerAdmin, client, 'wingtip'), ValidationError);
        assert.deepEqual(await tableCounts(db()), counts);
        const removed = await ctx.core.integrations.remove(partnerAdmin, client, `Wingtip-${ctx.engine}`);
        assert.equal(removed.deleted.directory_users, 2);
        assert.equal(removed.deleted.group_members, 2);
        assert.equal(await ctx.core.integrations.get(partnerAdmin, client), null);
        const left = await db()
          .selectFrom('directory_users')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('client_id', '=', client)
          .executeTakeFirstOrThrow();
        assert.equal(left.n, 0);
        assert.equal(
          (await ctx.core.clients.get(partnerAdmin, client)).id,
          client,
          'the client itself stays',
        );
        const audit = await ctx.core.auditLog.query(partnerAdmin, { client, action: 'integration.remove' });
        assert.equal(audit.items.length, 1);
      });

      it('connects through admin consent with a signed, single-use state bound to the admin and the client', async () => {
        const { tenant } = newTenant('litware');
        const client = await seedClient(db(), { integration: false });
        const started = await ctx.core.integrations.startConsent(partnerAdmin, client, {
          tenant: tenant.tenantId,
        });
        const url = new URL(started.url);
        assert.equal(url.origin, harness.sim.authorityHost);
        assert.equal(url.pathname, `/${tenant.tenantId}/v2.0/adminconsent`);
        assert.equal(url.searchParams.get('client_id'), CONSENT_APP_ID);
        assert.equal(url.searchParams.get('redirect_uri'), `${PUBLIC_BASE_URL}/auth/consent/callback`);
        const state = url.searchParams.get('state') ?? '';
        const stored = await db()
          .selectFrom('pending_actions')
          .select('id')
          .where('client_id', '=', client)
          .execute();
        assert.equal(stored.length, 1);
        assert.ok(
          !JSON.stringify(stored).includes(state.split('.')[0] ?? '-'),
          'only a hash of the state is stored',
        );

        const answer = await answerConsent(started.url);
        assert.equal(answer.admin_consent, 'True');
        const outcome = await ctx.core.integrations.completeConsent(answer);
        assert.ok(outcome.outcome === 'connected');
        assert.equal(outcome.integration.kind, 'admin_consent');
        assert.equal(outcome.integration.tenantId, tenant.tenantId);
        assert.equal(outcome.integration.secret.set, false);
        const audit = await ctx.core.auditLog.query(partnerAdmin, { client, action: 'integration.connect' });
        assert.equal(
          audit.items[0]?.actor.objectId,
          partnerAdmin.objectId,
          'audited as the admin who started it',
        );

        await assert.rejects(
          ctx.core.integrations.completeConsent(answer),
          (error: unknown) => error instanceof AppError && error.code === 'consent_state_used',
        );
      });

      it('waits for Microsoft to apply a fresh consent: "waiting" while new tokens lack the roles, the state stays valid, then connects', async () => {
        // Tokens lack the granted roles for a while after consent
        // (https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/4160): longer than the callback
        // itself retries (CONSENT_WAIT's 1 s here, the product's 8 s), by the same 3 s margin as 11 s over 8 s.
        harness.sim.faults.consentPropagationMs = CONSENT_WAIT.inRequestMs + 3_000;
        try {
          const { tenant } = newTenant('wingtip');
          const client = await seedClient(db(), { integration: false });
          const started = await ctx.core.integrations.startConsent(partnerAdmin, client, {
            tenant: tenant.tenantId,
          });
          const answer = await answerConsent(started.url);
          const first = await ctx.core.integrations.completeConsent(answer);
          assert.ok(first.outcome === 'waiting', JSON.stringify(first));
          assert.match(first.message, /Waiting for Microsoft to apply the consent/);
          assert.equal(await ctx.core.integrations.get(partnerAdmin, client), null);
          // The same answer again, as the waiting page asks by itself until Microsoft has applied the consent: the
          // state was not used up by waiting. Each ask retries for CONSENT_WAIT.inRequestMs before it answers.
          let second = await ctx.core.integrations.completeConsent(answer);
          for (let asked = 1; second.outcome === 'waiting' && asked < 30; asked += 1) {
            second = await ctx.core.integrations.completeConsent(answer);
          }
          assert.ok(second.outcome === 'connected', JSON.stringify(second));
          assert.equal(second.integration.tenantId, tenant.tenantId);
          await assert.rejects(
            ctx.core.integrations.completeConsent(answer),
            (error: unknown) => error instanceof AppError && error.code === 'consent_state_used',
          );
        } finally {
          harness.sim.faults.consentPropagationMs = 0;
        }
      });

      it('gives up waiting 15 minutes after the consent came back, and lets the admin cancel before', async () => {
        harness.sim.faults.consentPropagationMs = 3_600_000;
        try {
          const { tenant } = newTenant('margie');
          const client = await seedClient(db(), { integration: false });
          const started = await ctx.core.integrations.startConsent(partnerAdmin, client, {
            tenant: tenant.tenantId,
          });
          const answer = await answerConsent(started.url);
          assert.equal((await ctx.core.integrations.completeConsent(answer)).outcome, 'waiting');
          ctx.clock.advance(16 * 60 * 1000);
          try {
            await assert.rejects(
              ctx.core.integrations.completeConsent(answer),
              (error: unknown) =>
                error instanceof AppError &&
                error.code === 'consent_state_expired' &&
                error.message.includes('did not apply the consent within 15 minutes'),
            );
          } finally {
            ctx.clock.advance(-16 * 60 * 1000);
          }

          const again = await ctx.core.integrations.startConsent(partnerAdmin, client, {
            tenant: tenant.tenantId,
          });
          const second = await answerConsent(again.url);
          assert.equal((await ctx.core.integrations.completeConsent(second)).outcome, 'waiting');
          const cancelled = await ctx.core.integrations.completeConsent({ state: second.state, cancel: '1' });
          assert.ok(cancelled.outcome === 'declined');
          assert.match(cancelled.message, /cancelled/);
          const audit = await ctx.core.auditLog.query(partnerAdmin, {
            client,
            action: 'integration.consent_cancelled',
          });
          assert.equal(audit.items.length, 1);
        } finally {
          harness.sim.faults.consentPropagationMs = 0;
        }
      });

      it('binds a consent to the tenant the admin named (by verified domain) and refuses, audits, a callback for another tenant', async () => {
        const { tenant } = newTenant('adatum');
        const { tenant: other } = newTenant('offboarded');
        const client = await seedClient(db(), { integration: false });
        // The other tenant has consented to our app before (an offboarded client): Entra would issue it tokens.
        const earlier = await seedClient(db(), { integration: false });
        const previous = await ctx.core.integrations.startConsent(partnerAdmin, earlier, {
          tenant: other.domain,
        });
        await answerConsent(previous.url);

        const started = await ctx.core.integrations.startConsent(partnerAdmin, client, {
          tenant: tenant.domain,
        });
        assert.equal(started.tenantId, tenant.tenantId, 'the verified domain resolves to its tenant id');
        assert.equal(new URL(started.url).pathname, `/${tenant.tenantId}/v2.0/adminconsent`);
        const state = new URL(started.url).searchParams.get('state') ?? '';
        const countsBefore = await tableCounts(db());

        await assert.rejects(
          ctx.core.integrations.completeConsent({ state, tenant: other.tenantId, admin_consent: 'True' }),
          (error: unknown) => error instanceof AppError && error.code === 'consent_tenant_mismatch',
        );
        assert.equal(await ctx.core.integrations.get(partnerAdmin, client), null, 'nothing connected');
        const refused = await ctx.core.auditLog.query(partnerAdmin, {
          client,
          action: 'integration.consent_refused',
        });
        assert.equal(refused.items.length, 1);
        assert.deepEqual(refused.items[0]?.after, {
          reason: 'tenant_mismatch',
          source: 'callback',
          expectedTenantId: tenant.tenantId,
          answeredTenant: other.tenantId,
        });
        assert.equal((await tableCounts(db())).integrations, countsBefore.integrations);
        // The state is spent: the right tenant cannot use it afterwards either.
        await assert.rejects(
          ctx.core.integrations.completeConsent({ state, tenant: tenant.tenantId, admin_consent: 'True' }),
          (error: unknown) => error instanceof AppError && error.code === 'consent_state_used',
        );
      });

      it('refuses to start a consent for a tenant Entra does not know, or without naming the tenant', async () => {
        const client = await seedClient(db(), { integration: false });
        await assert.rejects(
          ctx.core.integrations.startConsent(partnerAdmin, client, {
            tenant: 'nowhere-at-all.onmicrosoft.com',
          }),
          (error: unknown) => error instanceof AppError && error.code === 'unknown_tenant',
        );
        await assert.rejects(
          ctx.core.integrations.startConsent(partnerAdmin, client, {} as { tenant: string }),
          (error: unknown) =>
            error instanceof ValidationError && error.message.includes("name the client's tenant"),
        );
      });

      it('connects one tenant to exactly one client when two clients connect it at the same time', async () => {
        const { tenant, clientId, secret } = newTenant('racing');
        const clients = [
          await seedClient(db(), { integration: false }),
          await seedClient(db(), { integration: false }),
          await seedClient(db(), { integration: false }),
        ];
        const outcomes = await Promise.allSettled(
          clients.map((client) =>
            ctx.core.integrations.connect(partnerAdmin, client, {
              tenant: tenant.tenantId,
              clientId,
              clientSecret: secret,
            }),
          ),
        );
        assert.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') {
            assert.ok(outcome.reason instanceof ConflictError, String(outcome.reason));
            assert.equal(outcome.reason.code, 'tenant_already_connected');
          }
        }
        const rows = await db()
          .selectFrom('integrations')
          .select('client_id')
          .where('tenant_id', '=', tenant.tenantId)
          .execute();
        assert.equal(rows.length, 1);
      });

      it('refuses a forged, tampered or expired consent state and records a declined consent', async () => {
        const { tenant } = newTenant('proseware');
        const client = await seedClient(db(), { integration: false });
        const started = await ctx.core.integrations.startConsent(partnerAdmin, client, {
          tenant: tenant.tenantId,
        });
        const state = new URL(started.url).searchParams.get('state') ?? '';
        const tampered = `${state.slice(0, -2)}${state.endsWith('AA') ? 'BB' : 'AA'}`;
        for (const bad of [tampered, `${'A'.repeat(22)}.${'B'.repeat(43)}`, 'nonsense']) {
          await assert.rejects(
            ctx.core.integrations.completeConsent({
              state: bad,
              tenant: tenant.tenantId,
              admin_consent: 'True',
            }),
            (error: unknown) => error instanceof AppError && error.code === 'consent_state_invalid',
          );
        }
        ctx.clock.advance(10 * 60 * 1000);
        try {
          await assert.rejects(
            ctx.core.integrations.completeConsent({ state, tenant: tenant.tenantId, admin_consent: 'True' }),
            (error: unknown) => error instanceof AppError && error.code === 'consent_state_expired',
          );
        } finally {
          ctx.clock.advance(-10 * 60 * 1000);
        }
        const declinedStart = await ctx.core.integrations.startConsent(partnerAdmin, client, {
          tenant: tenant.tenantId,
        });
        // Declined as Microsoft documents it: error and description, no state — so no client can be named.
        const answer = await answerConsent(declinedStart.url, { sim_consent: 'declined' });
        assert.equal(answer.error, 'permission_denied');
        assert.equal(answer.state, undefined);
        const outcome = await ctx.core.integrations.completeConsent(answer);
        assert.ok(outcome.outcome === 'declined');
        assert.equal(outcome.clientId, undefined);
        assert.match(
          outcome.message,
          /did not grant consent \(permission_denied: The admin canceled the request\)/,
        );
        assert.match(outcome.message, /start the connection again/);
        assert.equal(await ctx.core.integrations.get(partnerAdmin, client), null);
        // A decline that still carries our state is tied to its client and audited.
        const withState = await ctx.core.integrations.completeConsent({
          state: new URL(declinedStart.url).searchParams.get('state') ?? '',
          error: 'access_denied',
          error_description: 'AADSTS65004: User declined to consent to access the app.',
        });
        assert.ok(withState.outcome === 'declined');
        assert.equal(withState.clientId, client);
        const audit = await ctx.core.auditLog.query(partnerAdmin, {
          client,
          action: 'integration.consent_declined',
        });
        assert.equal(audit.items.length, 1);
      });

      it('starts the initial import: every eligible user now, later ones on each sync', async () => {
        const client = await seedClient(db(), { integration: { importStarted: false } });
        const dir = await seedDirectory(db(), client, {
          users: { a: {}, b: {}, guest: { userType: 'Guest' }, c: {} },
          groups: { excluded: { members: ['c'], excludedAt: '2026-11-01T00:00:00.000Z' } },
        });
        await ctx.core.collection.reconcile(client);
        assert.deepEqual(await userState(db(), client, dir.user('a')), {
          state: 'not_imported',
          reason: null,
        });
        const started = await ctx.core.integrations.startImport(partnerAdmin, client);
        assert.equal(started.alreadyStarted, false);
        assert.equal(started.reconciled.imported, 2);
        assert.deepEqual(await userState(db(), client, dir.user('a')), { state: 'imported', reason: null });
        assert.deepEqual(await userState(db(), client, dir.user('guest')), {
          state: 'not_imported',
          reason: null,
        });
        assert.deepEqual(await userState(db(), client, dir.user('c')), {
          state: 'disabled',
          reason: 'excluded_group',
        });
        const again = await ctx.core.integrations.startImport(partnerAdmin, client);
        assert.equal(again.alreadyStarted, true);
        assert.equal(again.startedAt, started.startedAt);
        const audit = await ctx.core.auditLog.query(partnerAdmin, {
          client,
          action: 'integration.start_import',
        });
        assert.equal(audit.items.length, 1);
      });

      it('sets the expiry threshold within 7–365 days and re-evaluates expiry at once', async () => {
        const client = await seedClient(db());
        const dir = await seedDirectory(db(), client, {
          users: { old: { state: 'imported', lastSignInAt: '2026-10-01T00:00:00.000Z' } },
        });
        await ctx.core.collection.reconcile(client);
        const expired = await ctx.core.users.get(partnerAdmin, client, dir.user('old'));
        assert.equal(expired.expired, true);
        for (const bad of [6, 366, 30.5, 'soon']) {
          await assert.rejects(
            ctx.core.integrations.setExpiryThreshold(partnerAdmin, client, bad),
            ValidationError,
          );
        }
        const result = await ctx.core.integrations.setExpiryThreshold(partnerAdmin, client, 60);
        assert.deepEqual(result, { thresholdDays: 60, newlyExpired: 0, noLongerExpired: 1 });
        const user = await ctx.core.users.get(partnerAdmin, client, dir.user('old'));
        assert.equal(user.expired, false);
        assert.match(user.expiry.explanation, /threshold 60$/);
      });
    },
    () => ({ graphEndpoints: harness.endpoints, consentWait: CONSENT_WAIT }),
  );
});
