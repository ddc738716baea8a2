import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { loadConfig } from '../../../src/config/load-config.js';
import { createCore, type Core } from '../../../src/composition/create-core.js';
import type { Notification } from '../../../src/domain/notification-kinds.js';
import {
  NotificationDeliveryError,
  type NotificationTarget,
  type Notifier,
} from '../../../src/domain/notification-port.js';
import type { Actor } from '../../../src/services/actor.js';
import { FakeClock } from '../../../src/shared/clock.js';
import { ForbiddenError, type ErrorCode } from '../../../src/shared/errors.js';
import { PermissionError } from '../../../src/graph/graph-errors.js';
import { SyncRunRepository, type SyncRunFailure } from '../../../src/store/sync-run-repository.js';
import { classifyFailure } from '../../../src/sync/sync-runner.js';
import { NotificationService } from '../../../src/services/notification-service.js';
import { createLogger } from '../../../src/shared/logger.js';
import { dropStore, engines, freshStoreConfig } from '../../support/databases.js';
import { seedClient, seedDirectory } from '../services/fixtures/directory-fixture.js';

const MSP_TENANT = '0f0f0f0f-1111-4222-8333-444444444444';
const ADMIN = 'aaaaaaaa-0000-4000-8000-000000000001';
const DAY = 24 * 60 * 60 * 1000;

const admin: Actor = { tenantId: MSP_TENANT, objectId: ADMIN, name: 'megan@msp.example', channel: 'bot' };

/** A fake of the Notifier port (Teams cannot run here): records deliveries, fails on demand. */
class RecordingNotifier implements Notifier {
  readonly delivered: { target: NotificationTarget; notification: Notification }[] = [];
  attempts = 0;
  /** Returns what to throw for this attempt, or undefined to deliver. */
  failWith: ((target: NotificationTarget) => Error | string | undefined) | undefined;

  deliver(target: NotificationTarget, notification: Notification): Promise<void> {
    this.attempts++;
    const failure = this.failWith?.(target);
    if (failure !== undefined) return Promise.reject(failure instanceof Error ? failure : new Error(failure));
    this.delivered.push({ target, notification });
    return Promise.resolve();
  }

  /** What was delivered since the last call (to one conversation, when named). */
  take(conversationId?: string): Notification[] {
    const all = this.delivered.splice(0);
    return all
      .filter((entry) => conversationId === undefined || entry.target.conversationId === conversationId)
      .map((entry) => entry.notification);
  }
}

interface Harness {
  core: Core;
  clock: FakeClock;
  notifier: RecordingNotifier;
  /** The service under test, on the real core's services, with short retry waits. */
  notifications: NotificationService;
}

function reference(conversationId: string): string {
  return JSON.stringify({
    reference: { serviceUrl: 'http://127.0.0.1:9/', conversation: { id: conversationId } },
  });
}

for (const engine of engines) {
  describe(`notification service [${engine}]`, function () {
    const store = freshStoreConfig(engine);
    const h = {} as Harness;
    let clientId: string;
    let seq = 0;

    before(async () => {
      const config = loadConfig({
        APP_MODE: 'demo',
        ...(store.kind === 'sqlite'
          ? { SQLITE_PATH: store.path }
          : { DATABASE_URL: store.url, DATABASE_SCHEMA: store.schema }),
        PARTNER_ADMINS: `${MSP_TENANT}:${ADMIN}`,
        LOG_LEVEL: 'silent',
      });
      h.clock = new FakeClock('2026-11-20T10:00:00.000Z');
      h.notifier = new RecordingNotifier();
      h.core = await createCore({
        config,
        logger: createLogger({ level: 'silent' }),
        secretsKey: crypto.randomBytes(32),
        clock: h.clock,
        graphEndpoints: { authorityHost: 'https://127.0.0.1:9', graphBaseUrl: 'https://127.0.0.1:9' },
      });
      const { core } = h;
      h.notifications = new NotificationService({
        store: core.store,
        clock: h.clock,
        notifier: h.notifier,
        sources: core,
        settings: { retryDelaysInMs: [5, 5] },
      });
    });
    after(async () => {
      await h.core.close();
      await dropStore(store);
    });

    /** A client with an integration created now, and a personal chat of the partner admin opened just before. */
    async function freshClient(): Promise<{ id: string; conversationId: string }> {
      const conversationId = `a:personal-${String(++seq)}`;
      await h.notifications.rememberConversation({
        conversationId,
        conversationType: 'personal',
        tenantId: MSP_TENANT,
        userObjectId: ADMIN,
        reference: reference(conversationId),
      });
      h.clock.advance(60_000);
      const id = await seedClient(h.core.database.db, { name: `n${String(seq)}-${engine}` });
      await h.core.database.db
        .updateTable('integrations')
        .set({ created_at: h.clock.now().toISOString() })
        .where('client_id', '=', id)
        .execute();
      // Each test's chat hears about its own client only, so tests do not hear each other.
      await h.notifications.setNotifications(admin, conversationId, { enabled: true, client: id });
      h.clock.advance(60_000);
      return { id, conversationId };
    }

    async function recordRun(
      id: string,
      status: 'succeeded' | 'failed',
      trigger: 'initial' | 'schedule',
      error?: string,
      code: ErrorCode = 'graph_request_failed',
    ): Promise<void> {
      const at = h.clock.now().toISOString();
      await h.core.database.db
        .insertInto('sync_runs')
        .values({
          client_id: id,
          kind: 'directory',
          trigger,
          status,
          started_at: at,
          finished_at: at,
          users_added: 0,
          users_updated: 0,
          users_removed: 0,
          groups_added: 0,
          groups_updated: 0,
          groups_removed: 0,
          edges_added: 0,
          edges_removed: 0,
          items_written: 0,
          pages: 0,
          graph_requests: 0,
          retries: 0,
          throttled_ms: 0,
          error_code: status === 'failed' ? code : null,
          error_message: error ?? null,
          error_request_id: null,
          progress: '{}',
        })
        .execute();
      h.clock.advance(60_000);
    }

    /** A failed directory run, recorded as the sync runner records one. */
    async function recordFailure(id: string, failure: SyncRunFailure): Promise<void> {
      const runs = new SyncRunRepository(h.core.database.db);
      const run = await runs.start({
        clientId: id,
        kind: 'directory',
        trigger: 'schedule',
        owner: 'test',
        at: h.clock.now(),
      });
      await runs.fail(run.id, failure, {}, h.clock.now());
      h.clock.advance(60_000);
    }

    beforeEach(() => {
      h.notifier.take();
      h.notifier.failWith = undefined;
    });

    it('a new integration and its first sync are announced once to the conversations that were there', async () => {
      const client = await freshClient();
      clientId = client.id;
      await recordRun(client.id, 'succeeded', 'initial');
      await h.notifications.checkClient(client.id);
      const kinds = h.notifier.take().map((notification) => notification.kind);
      assert.deepEqual(kinds.sort(), ['first_sync_finished', 'integration_created']);

      await h.notifications.checkClient(client.id);
      assert.deepEqual(h.notifier.take(), [], 'announced twice');

      // A conversation that starts afterwards is not told about past one-shot events.
      await h.notifications.rememberConversation({
        conversationId: 'a:late',
        conversationType: 'personal',
        tenantId: MSP_TENANT,
        userObjectId: ADMIN,
        reference: reference('a:late'),
      });
      await h.notifications.checkClient(client.id);
      assert.deepEqual(h.notifier.take(), []);
      await h.notifications.forgetConversation('a:late');
    });

    it('a failing sync is announced once per incident, however often it fails, and once when it recovers', async () => {
      const { id } = await freshClient();
      await recordRun(id, 'succeeded', 'initial');
      await h.notifications.checkClient(id);
      h.notifier.take();

      for (let i = 0; i < 4; i++) {
        await recordRun(id, 'failed', 'schedule', `Graph answered 503 (attempt ${String(i)}).`);
        await h.notifications.checkClient(id);
      }
      const failures = h.notifier.take();
      assert.deepEqual(
        failures.map((n) => n.kind),
        ['sync_failed'],
      );
      assert.match(failures[0]?.kind === 'sync_failed' ? failures[0].message : '', /503 \(attempt 0\)/);
      const incident = await h.core.database.db
        .selectFrom('incidents')
        .selectAll()
        .where('client_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(incident.occurrences, 4);
      assert.equal(incident.notified_open, 1);

      await recordRun(id, 'succeeded', 'schedule');
      await h.notifications.checkClient(id);
      await h.notifications.checkClient(id);
      assert.deepEqual(
        h.notifier.take().map((n) => n.kind),
        ['sync_recovered'],
      );

      await recordRun(id, 'failed', 'schedule', 'Throttled.');
      await h.notifications.checkClient(id);
      assert.deepEqual(
        h.notifier.take().map((n) => n.kind),
        ['sync_failed'],
        'a new incident is announced again',
      );
    });

    it('users expired today and expiring within 7 days are announced once a day per conversation, each with its action', async () => {
      const now = h.clock.now();
      const ago = (days: number): string => new Date(now.getTime() - days * DAY).toISOString();
      await seedDirectory(h.core.database.db, clientId, {
        users: {
          gone: { displayName: 'Gone Today', state: 'imported', importedAt: ago(90), lastSignInAt: ago(31) },
          soon: { displayName: 'Soon Gone', state: 'imported', importedAt: ago(90), lastSignInAt: ago(26) },
          fine: { displayName: 'Still Fine', state: 'imported', importedAt: ago(90), lastSignInAt: ago(1) },
          old: {
            displayName: 'Expired Long Ago',
            state: 'imported',
            importedAt: ago(200),
            lastSignInAt: ago(120),
          },
        },
      });
      await h.notifications.checkClient(clientId);
      const [digest, ...rest] = h.notifier.take();
      assert.equal(rest.length, 0);
      assert.ok(digest?.kind === 'users_expiring');
      assert.deepEqual(
        digest.expiredToday.users.map((u) => u.displayName),
        ['Gone Today'],
      );
      assert.deepEqual(
        digest.expiringSoon.users.map((u) => u.displayName),
        ['Soon Gone'],
      );
      assert.match(digest.expiredToday.users[0]?.explanation ?? '', /31 days ago; threshold 30/);

      await h.notifications.checkClient(clientId);
      assert.deepEqual(h.notifier.take(), [], 'the same day twice');

      h.clock.advance(DAY);
      await h.notifications.checkClient(clientId);
      const next = h.notifier.take();
      assert.equal(next.length, 1, 'the next day has its own digest');
    });

    it('a missing permission is named once, and its return announced once', async () => {
      const { id } = await freshClient();
      await recordRun(id, 'succeeded', 'initial');
      const checks = (auditLog: boolean): string =>
        JSON.stringify([
          { name: 'Sign in', passed: true, reason: 'ok' },
          { name: 'Permission User.Read.All', permission: 'User.Read.All', passed: true, reason: 'granted' },
          {
            name: 'Permission AuditLog.Read.All',
            permission: 'AuditLog.Read.All',
            passed: auditLog,
            reason: auditLog ? 'granted' : 'missing',
          },
        ]);
      await h.core.database.db
        .updateTable('integrations')
        .set({ permission_checks: checks(false) })
        .where('client_id', '=', id)
        .execute();
      await h.notifications.checkClient(id);
      await h.notifications.checkClient(id);
      const missing = h.notifier.take().filter((n) => n.kind === 'permission_missing');
      assert.equal(missing.length, 1);
      assert.deepEqual(missing[0]?.kind === 'permission_missing' ? missing[0].missing : [], [
        'AuditLog.Read.All',
      ]);

      await h.core.database.db
        .updateTable('integrations')
        .set({ permission_checks: checks(true) })
        .where('client_id', '=', id)
        .execute();
      await h.notifications.checkClient(id);
      await h.notifications.checkClient(id);
      assert.deepEqual(
        h.notifier.take().map((n) => n.kind),
        ['permission_restored'],
      );
    });

    it('a sync refused for a revoked permission is announced as the permission missing, not as a second failure', async () => {
      const { id, conversationId } = await freshClient();
      await recordRun(id, 'succeeded', 'initial');
      await h.notifications.checkClient(id);
      h.notifier.take();
      const denied = classifyFailure(new PermissionError(['Group.Read.All']));
      await recordFailure(id, denied);
      await h.notifications.checkClient(id);
      await recordFailure(id, denied);
      await h.notifications.checkClient(id);
      const told = h.notifier.take(conversationId);
      assert.deepEqual(
        told.map((n) => n.kind),
        ['permission_missing'],
      );
      assert.deepEqual(told[0]?.kind === 'permission_missing' ? told[0].missing : [], ['Group.Read.All']);

      await recordRun(id, 'succeeded', 'schedule');
      await h.notifications.checkClient(id);
      assert.deepEqual(
        h.notifier.take(conversationId).map((n) => n.kind),
        ['permission_restored'],
      );
    });

    it("the missing permission is read from the sync error's facts: rewording its message changes nothing", async () => {
      const { id, conversationId } = await freshClient();
      await recordRun(id, 'succeeded', 'initial');
      await h.notifications.checkClient(id);
      h.notifier.take();
      const denied = classifyFailure(new PermissionError(['AuditLog.Read.All', 'Group.Read.All']));
      await recordFailure(id, { ...denied, message: 'Microsoft Graph said no (reworded, names nothing).' });
      await h.notifications.checkClient(id);
      const told = h.notifier.take(conversationId);
      assert.deepEqual(
        told.map((n) => n.kind),
        ['permission_missing'],
      );
      assert.deepEqual(told[0]?.kind === 'permission_missing' ? told[0].missing : [], [
        'AuditLog.Read.All',
        'Group.Read.All',
      ]);
    });

    it('a client secret is announced 30 days, 7 days and 1 day before it expires, and once expired', async () => {
      const { id } = await freshClient();
      await recordRun(id, 'succeeded', 'initial');
      await h.notifications.checkClient(id);
      h.notifier.take();
      const expiresAt = new Date(h.clock.now().getTime() + 40 * DAY);
      await h.core.database.db
        .updateTable('integrations')
        .set({ secret_expires_at: expiresAt.toISOString(), secret_ciphertext: 'x' })
        .where('client_id', '=', id)
        .execute();
      const seen: number[] = [];
      for (let day = 0; day < 45; day++) {
        await h.notifications.checkClient(id);
        for (const notification of h.notifier.take()) {
          if (notification.kind === 'secret_expiring') seen.push(notification.daysLeft);
        }
        h.clock.advance(DAY);
      }
      assert.equal(seen.length, 4, JSON.stringify(seen));
      assert.ok(seen[0] !== undefined && seen[0] <= 30 && seen[0] > 7);
      assert.ok(seen[1] !== undefined && seen[1] <= 7 && seen[1] > 0);
      assert.ok(seen[2] !== undefined && seen[2] <= 1 && seen[2] >= 0);
      assert.ok(seen[3] !== undefined && seen[3] < 0);
    });

    it("the app's own secrets are announced 30, 7 and 1 days before they expire and once expired, to partner admins only", async () => {
      const { id, conversationId: boundToClient } = await freshClient();
      const clientAdmin = 'cccccccc-0000-4000-8000-000000000007';
      await h.core.roles.assign(admin, {
        principalTenantId: MSP_TENANT,
        principalObjectId: clientAdmin,
        role: 'client_admin',
        client: id,
      });
      for (const [conversationId, userObjectId] of [
        ['a:own-secrets-partner', ADMIN],
        ['a:own-secrets-client-admin', clientAdmin],
      ] as const) {
        await h.notifications.rememberConversation({
          conversationId,
          conversationType: 'personal',
          tenantId: MSP_TENANT,
          userObjectId,
          reference: reference(conversationId),
        });
      }
      const botPasswordExpiresAt = new Date(h.clock.now().getTime() + 40 * DAY).toISOString();
      const watching = new NotificationService({
        store: h.core.store,
        clock: h.clock,
        notifier: h.notifier,
        sources: h.core,
        settings: {
          retryDelaysInMs: [5, 5],
          ownSecrets: [
            { secret: 'bot_password', expiresAt: botPasswordExpiresAt },
            { secret: 'consent_app_secret', expiresAt: undefined },
          ],
        },
      });
      h.notifier.take();
      const seen: { conversationId: string; daysLeft: number }[] = [];

      for (let day = 0; day < 45; day++) {
        await watching.checkOwnSecrets();
        for (const { target, notification } of h.notifier.delivered.splice(0)) {
          if (notification.kind === 'app_secret_expiring' && notification.secret === 'bot_password')
            seen.push({ conversationId: target.conversationId, daysLeft: notification.daysLeft });
        }
        h.clock.advance(DAY);
      }

      const toPartner = seen.filter((entry) => entry.conversationId === 'a:own-secrets-partner');
      assert.deepEqual(
        toPartner.map((entry) =>
          entry.daysLeft < 0 ? 'expired' : entry.daysLeft <= 1 ? '1d' : entry.daysLeft <= 7 ? '7d' : '30d',
        ),
        ['30d', '7d', '1d', 'expired'],
      );
      assert.ok(toPartner[0] !== undefined && toPartner[0].daysLeft <= 30);
      assert.deepEqual(
        seen.filter((entry) => entry.conversationId !== 'a:own-secrets-partner'),
        [],
        `told someone other than a partner admin in a conversation for every client (not ${boundToClient})`,
      );
      for (const conversationId of ['a:own-secrets-partner', 'a:own-secrets-client-admin'])
        await h.notifications.forgetConversation(conversationId);
    });

    it('a conversation is told only about clients its subscriber may read, and nothing once turned off', async () => {
      const { id, conversationId } = await freshClient();
      const outsider: Actor = {
        tenantId: MSP_TENANT,
        objectId: 'bbbbbbbb-0000-4000-8000-000000000009',
        name: 'olga',
        channel: 'bot',
      };
      await h.notifications.rememberConversation({
        conversationId: 'a:outsider',
        conversationType: 'personal',
        tenantId: MSP_TENANT,
        userObjectId: outsider.objectId,
        reference: reference('a:outsider'),
      });
      await h.notifications.rememberConversation({
        conversationId: '19:channel@thread.tacv2',
        conversationType: 'channel',
        tenantId: MSP_TENANT,
        reference: reference('19:channel@thread.tacv2'),
      });
      await recordRun(id, 'failed', 'initial', 'Graph answered 503.');
      await h.notifications.checkClient(id);
      const targets = h.notifier.delivered.map((entry) => entry.target.conversationId);
      assert.ok(targets.includes(conversationId));
      assert.ok(!targets.includes('a:outsider'), 'someone without a role was told');
      assert.ok(!targets.includes('19:channel@thread.tacv2'), 'a channel nobody subscribed was told');
      h.notifier.take();

      await assert.rejects(
        h.notifications.setNotifications(outsider, 'a:outsider', { enabled: true }),
        ForbiddenError,
      );
      const settings = await h.notifications.setNotifications(admin, '19:channel@thread.tacv2', {
        enabled: true,
        client: id,
      });
      assert.equal(settings.notificationsEnabled, true);
      assert.equal(settings.client?.id, id);
      await h.notifications.setNotifications(admin, conversationId, { enabled: false });
      await h.notifications.checkClient(id);
      assert.deepEqual(
        h.notifier.delivered.map((entry) => entry.target.conversationId),
        ['19:channel@thread.tacv2'],
        'the open incident reaches the new subscriber only',
      );
      const audit = await h.core.database.db
        .selectFrom('audit_log')
        .select(['action', 'target_id'])
        .where('action', 'like', 'notifications.%')
        .orderBy('id')
        .execute();
      assert.deepEqual(audit.slice(-2), [
        { action: 'notifications.on', target_id: '19:channel@thread.tacv2' },
        { action: 'notifications.off', target_id: conversationId },
      ]);
    });

    it('a failed delivery is retried, released and delivered at the next check; a gone conversation is forgotten', async () => {
      const { id, conversationId } = await freshClient();
      await recordRun(id, 'succeeded', 'initial');
      let failures = 0;
      h.notifier.failWith = () => (failures++ < 2 ? new Error('connector reset') : undefined);
      await h.notifications.checkClient(id);
      assert.equal(h.notifier.take().length, 2, 'two transient failures are retried within the check');

      const { id: second } = await freshClient();
      await recordRun(second, 'succeeded', 'initial');
      h.notifier.failWith = () => new Error('connector down');
      const summary = await h.notifications.checkClient(second);
      assert.ok(summary.failed > 0);
      assert.equal(h.notifier.take().length, 0);
      h.notifier.failWith = undefined;
      await h.notifications.checkClient(second);
      assert.deepEqual(
        h.notifier
          .take()
          .map((n) => n.kind)
          .sort(),
        ['first_sync_finished', 'integration_created'],
      );

      h.notifier.failWith = (target) =>
        target.conversationId === conversationId
          ? new NotificationDeliveryError('gone', { gone: true, status: 404 })
          : undefined;
      await recordRun(id, 'failed', 'schedule', 'boom');
      await h.notifications.checkClient(id);
      assert.equal(
        await h.notifications.conversation(admin, conversationId),
        undefined,
        'the gone conversation is forgotten',
      );
    });

    it('checks never throw into the scheduler, whatever the notifier throws', async () => {
      const { id } = await freshClient();
      await recordRun(id, 'failed', 'initial', 'x');
      h.notifier.failWith = () => 'not even an Error';
      const summary = await h.notifications.checkClient(id);
      assert.ok(summary.failed > 0);
      await assert.doesNotReject(h.notifications.checkClient('no-such-client'));
      await assert.doesNotReject(h.notifications.checkAll());
    });

    it('remembering a conversation again refreshes its reference and keeps its subscription', async () => {
      await h.notifications.rememberConversation({
        conversationId: '19:keep@thread.tacv2',
        conversationType: 'channel',
        tenantId: MSP_TENANT,
        reference: reference('19:keep@thread.tacv2'),
      });
      await h.notifications.setNotifications(admin, '19:keep@thread.tacv2', { enabled: true });
      await h.notifications.rememberConversation({
        conversationId: '19:keep@thread.tacv2',
        conversationType: 'channel',
        tenantId: MSP_TENANT,
        reference: JSON.stringify({
          reference: { serviceUrl: 'http://127.0.0.1:10/', conversation: { id: '19:keep@thread.tacv2' } },
        }),
      });
      const row = await h.core.database.db
        .selectFrom('conversation_references')
        .selectAll()
        .where('conversation_id', '=', '19:keep@thread.tacv2')
        .executeTakeFirstOrThrow();
      assert.equal(row.notifications_enabled, 1);
      assert.equal(row.user_object_id, ADMIN);
      assert.match(row.reference, /127\.0\.0\.1:10/);
      await h.notifications.forgetConversation('19:keep@thread.tacv2');
      assert.equal(await h.notifications.conversation(admin, '19:keep@thread.tacv2'), undefined);
    });
  });
}
