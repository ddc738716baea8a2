import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../../src/config/load-config.js';
import { createCore, type Core } from '../../../src/composition/create-core.js';
import type { Notification } from '../../../src/domain/notification-kinds.js';
import type { NotificationTarget, Notifier } from '../../../src/domain/notification-port.js';
import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  verifyWebhookSignature,
} from '../../../src/domain/webhook-signature.js';
import type { Actor } from '../../../src/services/actor.js';
import { FakeClock } from '../../../src/shared/clock.js';
import { ForbiddenError, ValidationError } from '../../../src/shared/errors.js';
import { createLogger } from '../../../src/shared/logger.js';
import { dropStore, engines, freshStoreConfig } from '../../support/databases.js';
import { seedClient } from '../services/fixtures/directory-fixture.js';

const MSP_TENANT = '0f0f0f0f-1111-4222-8333-444444444444';
const ADMIN = 'aaaaaaaa-0000-4000-8000-000000000001';
const CLIENT_ADMIN = 'aaaaaaaa-0000-4000-8000-000000000002';
const VIEWER = 'aaaaaaaa-0000-4000-8000-000000000003';
const actor = (objectId: string, name: string): Actor => ({
  tenantId: MSP_TENANT,
  objectId,
  name,
  channel: 'tab',
});
const admin = actor(ADMIN, 'megan@msp.example');
const clientAdmin = actor(CLIENT_ADMIN, 'adele@msp.example');
const viewer = actor(VIEWER, 'vic@msp.example');
const SECRET = 'psa-shared-secret-0123456789';

class NullNotifier implements Notifier {
  deliver(_target: NotificationTarget, _notification: Notification): Promise<void> {
    return Promise.resolve();
  }
}

interface Received {
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A real HTTP receiver on 127.0.0.1 that answers each request with the next status of `answers` (then 200). */
async function startReceiver(): Promise<{
  url: string;
  received: Received[];
  answers: number[];
  redirectTo: string | undefined;
  close: () => Promise<void>;
}> {
  const state = {
    received: [] as Received[],
    answers: [] as number[],
    redirectTo: undefined as string | undefined,
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      state.received.push({
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const status = state.answers.shift() ?? 200;
      response.writeHead(status, status === 302 && state.redirectTo ? { location: state.redirectTo } : {});
      response.end(status === 200 ? '{"ok":true}' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    get received() {
      return state.received;
    },
    get answers() {
      return state.answers;
    },
    set answers(value: number[]) {
      state.answers = value;
    },
    get redirectTo() {
      return state.redirectTo;
    },
    set redirectTo(value: string | undefined) {
      state.redirectTo = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

/**
 * Outgoing webhooks for ticketing tools (issue 16) against a real local HTTP receiver: signed JSON deliveries that
 * the receiver checks with our exported verification helper (a bad signature is rejected), retries with backoff
 * after a 500 (driven by the scheduled alerts job), a delivery log, redirects never followed; the secret encrypted
 * at rest and never returned; only safe addresses; authorization and audit.
 */
for (const engine of engines) {
  describe(`webhook delivery [${engine}]`, function () {
    const store = freshStoreConfig(engine);
    let core: Core;
    let clock: FakeClock;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let clientId: string;

    before(async () => {
      receiver = await startReceiver();
      const config = loadConfig({
        APP_MODE: 'demo',
        ...(store.kind === 'sqlite'
          ? { SQLITE_PATH: store.path }
          : { DATABASE_URL: store.url, DATABASE_SCHEMA: store.schema }),
        PARTNER_ADMINS: `${MSP_TENANT}:${ADMIN}`,
        LOG_LEVEL: 'silent',
      });
      clock = new FakeClock('2026-11-20T10:00:00.000Z');
      core = await createCore({
        config,
        logger: createLogger({ level: 'silent' }),
        secretsKey: crypto.randomBytes(32),
        clock,
        notifier: new NullNotifier(),
        graphEndpoints: { authorityHost: 'https://127.0.0.1:9', graphBaseUrl: 'https://127.0.0.1:9' },
      });
      clientId = await seedClient(core.database.db, { name: `hooks-${engine}` });
      for (const [objectId, role] of [
        [CLIENT_ADMIN, 'client_admin'],
        [VIEWER, 'viewer'],
      ] as const) {
        await core.roles.assign(admin, {
          principalTenantId: MSP_TENANT,
          principalObjectId: objectId,
          role,
          client: clientId,
        });
      }
    });
    after(async () => {
      await core.close();
      await receiver.close();
      await dropStore(store);
    });

    it('accepts only safe addresses and a long enough secret, and only from the client’s admins', async () => {
      const refused = async (input: unknown, pattern: RegExp): Promise<void> => {
        await assert.rejects(core.alerts.addWebhook(admin, clientId, input), (error: unknown) => {
          assert.ok(error instanceof ValidationError, String(error));
          assert.equal(error.status, 400);
          assert.match(error.message, pattern);
          return true;
        });
      };
      await refused({ url: 'http://psa.example.com/hook', secret: SECRET }, /Only https/);
      await refused({ url: 'https://10.1.2.3/hook', secret: SECRET }, /private or local address/);
      await refused({ url: 'https://169.254.169.254/latest', secret: SECRET }, /private or local address/);
      await refused({ url: 'https://localhost/hook', secret: SECRET }, /inside your network/);
      await refused(
        { url: 'https://user:pw@psa.example.com/hook', secret: SECRET },
        /user name and password/,
      );
      await refused({ url: 'not an address', secret: SECRET }, /full web address/);
      await refused({ url: 'https://psa.example.com/hook', secret: 'short' }, /at least 16 characters/);
      await assert.rejects(
        core.alerts.addWebhook(viewer, clientId, { url: 'https://psa.example.com/hook', secret: SECRET }),
        ForbiddenError,
      );
      await assert.rejects(
        core.alerts.addWebhook(clientAdmin, clientId, {
          url: 'https://psa.example.com/hook',
          secret: SECRET,
          partnerWide: true,
        }),
        ForbiddenError,
        'only partner admins add partner-wide webhooks',
      );
      assert.equal((await core.alerts.webhooks(admin, clientId)).webhooks.length, 0);
    });

    it('delivers each alert signed; the receiver verifies it, and a bad signature is rejected', async () => {
      receiver.answers = [500];
      const added = await core.alerts.addWebhook(clientAdmin, clientId, {
        url: `${receiver.url}/psa`,
        secret: SECRET,
      });
      assert.equal(JSON.stringify(added).includes(SECRET), false, 'the secret is never returned');
      assert.equal(added.secretSet, true);
      const row = await core.database.db
        .selectFrom('alert_webhooks')
        .select('secret_ciphertext')
        .where('id', '=', added.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.secret_ciphertext.includes(SECRET), false, 'the secret is encrypted at rest');
      const audit = await core.database.db
        .selectFrom('audit_log')
        .select(['after'])
        .where('action', '=', 'alerts.webhook_added')
        .execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]?.after?.includes(SECRET), false);

      // The integration was created now: the check announces it, the webhook gets it at once (and answers 500).
      await core.database.db
        .updateTable('integrations')
        .set({ created_at: clock.now().toISOString() })
        .where('client_id', '=', clientId)
        .execute();
      await core.notifications.checkClient(clientId);
      assert.equal(receiver.received.length, 1);
      const first = receiver.received[0];
      assert.ok(first);
      assert.equal(first.path, '/psa');
      assert.equal(first.headers['content-type'], 'application/json');
      const body = JSON.parse(first.body) as { event: string; clientId: string; alert: { summary: string } };
      assert.equal(body.event, 'integration_created');
      assert.equal(body.clientId, clientId);
      const header = first.headers[SIGNATURE_HEADER] as string;
      const nowSeconds = clock.now().getTime() / 1000;
      assert.deepEqual(verifyWebhookSignature({ secret: SECRET, body: first.body, header, nowSeconds }), {
        valid: true,
        timestamp: Math.floor(nowSeconds),
      });
      assert.deepEqual(
        verifyWebhookSignature({
          secret: SECRET,
          body: first.body.replace('integration_created', 'x'),
          header,
          nowSeconds,
        }),
        { valid: false, reason: 'mismatch' },
      );
      assert.deepEqual(
        verifyWebhookSignature({ secret: 'another-secret-0123456789', body: first.body, header, nowSeconds }),
        { valid: false, reason: 'mismatch' },
      );
      assert.deepEqual(
        verifyWebhookSignature({ secret: SECRET, body: first.body, header, nowSeconds: nowSeconds + 3600 }),
        { valid: false, reason: 'too_old' },
      );
      assert.deepEqual(
        verifyWebhookSignature({ secret: SECRET, body: first.body, header: 'v1=abc', nowSeconds }),
        {
          valid: false,
          reason: 'malformed',
        },
      );

      const log = await core.alerts.webhooks(viewer, clientId);
      assert.equal(log.deliveries.length, 1);
      const [pending] = log.deliveries;
      assert.equal(pending?.status, 'pending');
      assert.equal(pending.attempts, 1);
      assert.equal(pending.lastStatus, 500);
      assert.equal(pending.nextAttemptAt, new Date(clock.now().getTime() + 60_000).toISOString());
      assert.equal(log.canChange, false);
    });

    it('retries after a 500 when the wait is over (the scheduled alerts job), then logs it delivered', async () => {
      // The weekly summary is due this week too: turned off, it reaches no webhook either.
      await core.alerts.updateSettings(admin, clientId, {
        settings: [
          {
            kind: 'weekly_digest',
            enabled: false,
            conversationId: null,
            delivery: 'immediate',
            digestHour: 8,
          },
        ],
      });
      await core.alertDigests.run(clientId);
      assert.equal(receiver.received.length, 1, 'not before the wait is over');
      clock.advance(61_000);
      await core.alertDigests.run(clientId);
      assert.equal(receiver.received.length, 2);
      const [first, second] = receiver.received;
      assert.equal(second?.headers[DELIVERY_HEADER], first?.headers[DELIVERY_HEADER], 'the same delivery id');
      assert.equal(
        verifyWebhookSignature({
          secret: SECRET,
          body: second?.body ?? '',
          header: second?.headers[SIGNATURE_HEADER] as string,
          nowSeconds: clock.now().getTime() / 1000,
        }).valid,
        true,
      );
      const [delivery] = (await core.alerts.webhooks(admin, clientId)).deliveries;
      assert.equal(delivery?.status, 'delivered');
      assert.equal(delivery.attempts, 2);
      assert.equal(delivery.lastStatus, 200);
      clock.advance(3_600_000);
      await core.alertDigests.run(clientId);
      assert.equal(receiver.received.length, 2, 'a delivered alert is not sent again');
    });

    it('gives up on a redirect without following it', async () => {
      const elsewhere = await startReceiver();
      try {
        receiver.answers = [302];
        receiver.redirectTo = `${elsewhere.url}/stolen`;
        const otherId = await seedClient(core.database.db, { name: `hooks2-${engine}` });
        await core.alerts.addWebhook(admin, otherId, { url: `${receiver.url}/other`, secret: SECRET });
        await core.database.db
          .updateTable('integrations')
          .set({ created_at: clock.now().toISOString() })
          .where('client_id', '=', otherId)
          .execute();
        await core.notifications.checkClient(otherId);
        const [delivery] = (await core.alerts.webhooks(admin, otherId)).deliveries;
        assert.equal(delivery?.status, 'failed');
        assert.match(delivery.lastError ?? '', /redirect, not followed/);
        assert.equal(elsewhere.received.length, 0, 'the redirect was not followed');
      } finally {
        await elsewhere.close();
      }
    });

    it('removes a webhook (audited); a viewer may not', async () => {
      const [hook] = (await core.alerts.webhooks(admin, clientId)).webhooks;
      assert.ok(hook);
      await assert.rejects(core.alerts.removeWebhook(viewer, clientId, hook.id), ForbiddenError);
      await core.alerts.removeWebhook(clientAdmin, clientId, hook.id);
      assert.equal((await core.alerts.webhooks(admin, clientId)).webhooks.length, 0);
      const audit = await core.database.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'alerts.webhook_removed')
        .execute();
      assert.equal(audit.length, 1);
    });
  });
}
