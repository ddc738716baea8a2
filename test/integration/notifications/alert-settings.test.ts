import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { loadConfig } from '../../../src/config/load-config.js';
import { createCore, type Core } from '../../../src/composition/create-core.js';
import type { Notification } from '../../../src/domain/notification-kinds.js';
import type { NotificationTarget, Notifier } from '../../../src/domain/notification-port.js';
import type { Actor } from '../../../src/services/actor.js';
import { FakeClock } from '../../../src/shared/clock.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../src/shared/errors.js';
import { createLogger } from '../../../src/shared/logger.js';
import { dropStore, engines, freshStoreConfig } from '../../support/databases.js';
import { seedClient } from '../services/fixtures/directory-fixture.js';
import { REFUSED_DESTINATION_NOTE } from '../../../src/services/alert-destinations.js';
import type { SyncKind } from '../../../src/domain/vocabulary.js';

const MSP_TENANT = '0f0f0f0f-1111-4222-8333-444444444444';
const ADMIN = 'aaaaaaaa-0000-4000-8000-000000000001';
const CLIENT_ADMIN = 'aaaaaaaa-0000-4000-8000-000000000002';
const VIEWER = 'aaaaaaaa-0000-4000-8000-000000000003';
const OTHER_ADMIN = 'aaaaaaaa-0000-4000-8000-000000000004';

const actor = (objectId: string, name: string): Actor => ({
  tenantId: MSP_TENANT,
  objectId,
  name,
  channel: 'tab',
});
const admin = actor(ADMIN, 'megan@msp.example');
const clientAdmin = actor(CLIENT_ADMIN, 'adele@msp.example');
const viewer = actor(VIEWER, 'vic@msp.example');
const otherAdmin = actor(OTHER_ADMIN, 'otto@msp.example');

/** The Notifier port (Teams cannot run here): records what each conversation was sent. */
class RecordingNotifier implements Notifier {
  readonly delivered: { target: NotificationTarget; notification: Notification }[] = [];
  deliver(target: NotificationTarget, notification: Notification): Promise<void> {
    this.delivered.push({ target, notification });
    return Promise.resolve();
  }
  take(): { conversationId: string; kind: string; notification: Notification }[] {
    return this.delivered.splice(0).map((entry) => ({
      conversationId: entry.target.conversationId,
      kind: entry.notification.kind,
      notification: entry.notification,
    }));
  }
}

function reference(conversationId: string): string {
  return JSON.stringify({
    reference: {
      serviceUrl: 'http://127.0.0.1:9/',
      conversation: { id: conversationId, name: 'MSP alerts' },
    },
  });
}

/**
 * Alerts the admin shapes (issue 16), on the real core and store: settings per client and kind (on/off, where, at
 * once or in a daily digest at an hour of the client's time zone), applied to what the checks announce; the alerts
 * log and its acknowledgement; authorization (partner admins any client, client admins their own, viewers read)
 * and the audit of every change; bad input refused with nothing changed.
 */
for (const engine of engines) {
  describe(`alert settings and digests [${engine}]`, function () {
    const store = freshStoreConfig(engine);
    let core: Core;
    let clock: FakeClock;
    const notifier = new RecordingNotifier();
    let clientId: string;
    let otherClientId: string;
    const personal = `a:personal-${engine}`;
    const groupChat = `19:group-${engine}@thread.v2`;

    before(async () => {
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
        notifier,
        graphEndpoints: { authorityHost: 'https://127.0.0.1:9', graphBaseUrl: 'https://127.0.0.1:9' },
      });
      const db = core.database.db;
      await core.notifications.rememberConversation({
        conversationId: personal,
        conversationType: 'personal',
        tenantId: MSP_TENANT,
        userObjectId: ADMIN,
        reference: reference(personal),
      });
      await core.notifications.rememberConversation({
        conversationId: groupChat,
        conversationType: 'groupChat',
        tenantId: MSP_TENANT,
        reference: reference(groupChat),
      });
      clock.advance(60_000);
      clientId = await seedClient(db, { name: `alerts-${engine}` });
      otherClientId = await seedClient(db, { name: `other-${engine}` });
      await db
        .updateTable('integrations')
        .set({ created_at: clock.now().toISOString() })
        .where('client_id', '=', clientId)
        .execute();
      for (const [objectId, role, client] of [
        [CLIENT_ADMIN, 'client_admin', clientId],
        [VIEWER, 'viewer', clientId],
        [OTHER_ADMIN, 'client_admin', otherClientId],
      ] as const) {
        await core.roles.assign(admin, {
          principalTenantId: MSP_TENANT,
          principalObjectId: objectId,
          role,
          client,
        });
      }
      clock.advance(60_000);
    });
    after(async () => {
      await core.close();
      await dropStore(store);
    });

    async function auditCount(action: string): Promise<number> {
      const rows = await core.database.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', action)
        .where('client_id', '=', clientId)
        .execute();
      return rows.length;
    }

    /** A finished run of one sync kind, as the sync runner records it. */
    async function recordRun(
      kind: SyncKind,
      trigger: 'initial' | 'schedule',
      status: 'succeeded' | 'failed' = 'succeeded',
    ): Promise<void> {
      await core.database.db
        .insertInto('sync_runs')
        .values({
          client_id: clientId,
          kind,
          trigger,
          status,
          started_at: clock.now().toISOString(),
          finished_at: clock.now().toISOString(),
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
          error_code: status === 'failed' ? 'graph_request_failed' : null,
          error_message: status === 'failed' ? 'Microsoft Graph answered 503.' : null,
          error_request_id: null,
          progress: '{}',
        })
        .execute();
    }

    it('shows every alert on, to every subscribed chat, at once, in UTC, until an admin changes it', async () => {
      const view = await core.alerts.settings(viewer, clientId);
      assert.equal(view.timeZone, 'UTC');
      assert.equal(view.canChange, false);
      assert.deepEqual(view.conversations, [], 'a viewer is offered no chats to choose from');
      assert.ok(view.settings.length >= 6);
      for (const setting of view.settings) {
        assert.equal(setting.enabled, true);
        assert.equal(setting.conversationId, null);
        assert.equal(setting.delivery, 'immediate');
      }
      const mine = await core.alerts.settings(admin, clientId);
      assert.equal(mine.canChange, true);
      assert.deepEqual(mine.conversations.map((conversation) => conversation.label).sort(), [
        'Group chat MSP alerts',
        'Your personal chat with the bot',
      ]);
      const others = await core.alerts.settings(clientAdmin, clientId);
      assert.deepEqual(
        others.conversations.map((conversation) => conversation.id),
        [groupChat],
        "nobody is offered another person's personal chat",
      );
    });

    it('refuses a viewer and another client’s admin, and bad input with a clear message, changing nothing', async () => {
      const change = {
        settings: [
          { kind: 'sync_failed', enabled: false, conversationId: null, delivery: 'immediate', digestHour: 8 },
        ],
      };
      await assert.rejects(core.alerts.updateSettings(viewer, clientId, change), ForbiddenError);
      await assert.rejects(core.alerts.updateSettings(otherAdmin, clientId, change), NotFoundError);
      const bad = async (input: unknown, pattern: RegExp): Promise<void> => {
        await assert.rejects(core.alerts.updateSettings(admin, clientId, input), (error: unknown) => {
          assert.ok(error instanceof ValidationError, String(error));
          assert.equal(error.status, 400);
          assert.match(error.message, pattern);
          return true;
        });
      };
      await bad(
        { settings: [{ ...change.settings[0], digestHour: 25 }] },
        /^The alert settings were not saved — Sync failing, hour: must be an hour from 0 to 23\.$/,
      );
      await bad({ timeZone: 'Mars/Olympus' }, /is not a time zone/);
      await bad(
        { settings: [{ ...change.settings[0], conversationId: '19:unknown@thread.v2' }] },
        /not a chat or channel the bot is in/,
      );
      await bad(
        {
          settings: [
            {
              kind: 'weekly_digest',
              enabled: true,
              conversationId: null,
              delivery: 'daily_digest',
              digestHour: 8,
            },
          ],
        },
        /weekly summary/,
      );
      await bad({ settings: [{ ...change.settings[0], kind: 'everything' }] }, /not an alert this app sends/);
      assert.equal(await auditCount('alerts.settings_changed'), 0);
      const view = await core.alerts.settings(admin, clientId);
      assert.ok(view.settings.every((setting) => setting.enabled));
    });

    it('lets the client’s admin change them (audited), and applies them to what the checks announce', async () => {
      await core.alerts.updateSettings(clientAdmin, clientId, {
        timeZone: 'Europe/Paris',
        settings: [
          { kind: 'sync_failed', enabled: false, conversationId: null, delivery: 'immediate', digestHour: 8 },
          {
            kind: 'integration_created',
            enabled: true,
            conversationId: null,
            delivery: 'daily_digest',
            digestHour: 9,
          },
          {
            kind: 'first_sync_finished',
            enabled: true,
            conversationId: groupChat,
            delivery: 'immediate',
            digestHour: 8,
          },
        ],
      });
      assert.equal(await auditCount('alerts.settings_changed'), 1);
      const view = await core.alerts.settings(viewer, clientId);
      assert.equal(view.timeZone, 'Europe/Paris');
      assert.equal(view.settings.find((s) => s.kind === 'sync_failed')?.enabled, false);

      // The partner admin's personal chat hears every client; the group chat nothing unless chosen.
      await core.notifications.setNotifications(admin, personal, { enabled: true });
      await recordRun('directory', 'initial');
      clock.advance(60_000);
      await core.notifications.checkClient(clientId);
      const sent = notifier.take();
      assert.deepEqual(
        sent.map((entry) => [entry.kind, entry.conversationId]),
        [['first_sync_finished', groupChat]],
        'the first sync goes to the chosen group chat only; the connection waits for the digest',
      );
      const list = await core.alerts.alerts(viewer, clientId);
      assert.deepEqual(list.alerts.map((alert) => alert.kind).sort(), [
        'first_sync_finished',
        'integration_created',
      ]);
      const held = list.alerts.find((alert) => alert.kind === 'integration_created');
      // Recorded at 10:03 UTC (11:03 in Paris): the next 09:00 in Paris is 08:00 UTC the next day.
      assert.equal(held?.delivery, 'daily_digest');
      assert.equal(held.digestDueAt, '2026-11-21T08:00:00.000Z');
      assert.equal(list.unacknowledged, 2);

      await core.notifications.checkClient(clientId);
      assert.deepEqual(notifier.take(), [], 'nothing is announced twice');
    });

    it('sends the held alerts in one digest at the chosen hour, once', async () => {
      clock.set('2026-11-21T07:59:00.000Z');
      assert.deepEqual(await core.alertDigests.sendDueDigests(clientId), { delivered: 0, failed: 0 });
      assert.deepEqual(notifier.take(), []);
      clock.set('2026-11-21T08:00:30.000Z');
      const result = await core.alertDigests.sendDueDigests(clientId);
      assert.equal(result.delivered, 1);
      const [digest] = notifier.take();
      assert.equal(digest?.conversationId, personal);
      assert.ok(digest.notification.kind === 'alert_digest');
      assert.equal(digest.notification.alerts.length, 1);
      assert.match(digest.notification.alerts[0]?.summary ?? '', /was connected/);
      assert.deepEqual(await core.alertDigests.sendDueDigests(clientId), { delivered: 0, failed: 0 });
      const list = await core.alerts.alerts(viewer, clientId);
      assert.ok(list.alerts.find((alert) => alert.kind === 'integration_created')?.digestedAt);
    });

    it('lets an admin acknowledge an alert once (who and when, audited); a viewer may not', async () => {
      const [alert] = (await core.alerts.alerts(viewer, clientId)).alerts;
      assert.ok(alert);
      await assert.rejects(core.alerts.acknowledge(viewer, clientId, alert.id), ForbiddenError);
      await assert.rejects(core.alerts.acknowledge(otherAdmin, clientId, alert.id), NotFoundError);
      await assert.rejects(core.alerts.acknowledge(admin, clientId, 'first'), ValidationError);
      await assert.rejects(core.alerts.acknowledge(admin, otherClientId, alert.id), NotFoundError);
      const done = await core.alerts.acknowledge(clientAdmin, clientId, alert.id);
      assert.equal(done.acknowledgedBy, 'adele@msp.example');
      assert.equal(done.acknowledgedAt, clock.now().toISOString());
      const again = await core.alerts.acknowledge(admin, clientId, alert.id);
      assert.equal(again.acknowledgedBy, 'adele@msp.example', 'acknowledging again changes nothing');
      assert.equal(await auditCount('alert.acknowledged'), 1);
      assert.equal((await core.alerts.alerts(viewer, clientId)).unacknowledged, 1);
    });

    it('sends the weekly summary on Mondays from the chosen hour of the client’s time zone, once a week', async () => {
      await core.alerts.updateSettings(admin, clientId, {
        settings: [
          {
            kind: 'weekly_digest',
            enabled: true,
            conversationId: null,
            delivery: 'immediate',
            digestHour: 7,
          },
        ],
      });
      // Not before the sign-in log, MFA registrations and applications have been read once.
      clock.set('2026-11-23T06:00:00.000Z');
      assert.equal((await core.alertDigests.checkWeeklyDigest(clientId)).delivered, 0);
      for (const kind of ['sign_ins', 'mfa_registration', 'service_principals'] as const)
        await recordRun(kind, 'initial');
      // The client was connected on Friday 20 November: no summary of that partial week.
      clock.set('2026-11-21T12:00:00.000Z');
      assert.equal((await core.alertDigests.checkWeeklyDigest(clientId)).delivered, 0);
      // Monday 23 November, 05:59 UTC = 06:59 in Paris: not yet.
      clock.set('2026-11-23T05:59:00.000Z');
      assert.equal((await core.alertDigests.checkWeeklyDigest(clientId)).delivered, 0);
      clock.set('2026-11-23T06:00:00.000Z');
      assert.equal((await core.alertDigests.checkWeeklyDigest(clientId)).delivered, 1);
      const [weekly] = notifier.take();
      assert.ok(weekly?.notification.kind === 'weekly_digest');
      assert.equal(weekly.notification.week, '2026-11-23');
      clock.set('2026-11-25T12:00:00.000Z');
      assert.equal((await core.alertDigests.checkWeeklyDigest(clientId)).delivered, 0, 'once a week');
      assert.ok((await core.alerts.alerts(viewer, clientId)).alerts.some((a) => a.kind === 'weekly_digest'));
    });
    it('offers and accepts only this client’s chats and channels or the partner’s own; another client’s is refused with a 400 saying so', async () => {
      const ours = `19:ours-${engine}@thread.tacv2`;
      const theirsByTab = `19:theirs-tab-${engine}@thread.tacv2`;
      const theirsBySubscription = `19:theirs-sub-${engine}@thread.v2`;
      const theirsByTenant = `19:theirs-tenant-${engine}@thread.v2`;
      const otherTenant = (
        await core.database.db
          .selectFrom('integrations')
          .select('tenant_id')
          .where('client_id', '=', otherClientId)
          .executeTakeFirstOrThrow()
      ).tenant_id;
      for (const [id, type, tenantId] of [
        [`${ours};messageid=1700000000000`, 'channel', MSP_TENANT],
        [theirsByTab, 'channel', MSP_TENANT],
        [theirsBySubscription, 'groupChat', MSP_TENANT],
        [theirsByTenant, 'groupChat', otherTenant],
      ] as const) {
        await core.notifications.rememberConversation({
          conversationId: id,
          conversationType: type,
          tenantId,
          reference: reference(id),
        });
      }
      await core.tabPlacements.add(admin, clientId, { kind: 'channel', id: ours });
      await core.tabPlacements.add(admin, otherClientId, { kind: 'channel', id: theirsByTab });
      await core.notifications.setNotifications(admin, theirsBySubscription, {
        enabled: true,
        client: otherClientId,
      });

      const offered = async (who: Actor, client: string): Promise<string[]> =>
        (await core.alerts.settings(who, client)).conversations.map((c) => c.id).sort();
      assert.deepEqual(
        await offered(admin, clientId),
        [personal, groupChat, `${ours};messageid=1700000000000`].sort(),
        'the partner’s own chats and this client’s channel; no other client’s',
      );
      assert.deepEqual(
        await offered(otherAdmin, otherClientId),
        [groupChat, theirsByTab, theirsBySubscription, theirsByTenant].sort(),
      );

      const audits = await auditCount('alerts.settings_changed');
      for (const theirs of [theirsByTab, theirsBySubscription, theirsByTenant]) {
        await assert.rejects(
          core.alerts.updateSettings(admin, clientId, {
            settings: [
              {
                kind: 'sync_failed',
                enabled: true,
                conversationId: theirs,
                delivery: 'immediate',
                digestHour: 8,
              },
            ],
          }),
          (error: unknown) => {
            assert.ok(error instanceof ValidationError, String(error));
            assert.equal(error.status, 400);
            assert.match(error.message, /is another client's chat or channel: choose one of this client's/);
            return true;
          },
          theirs,
        );
      }
      assert.equal(await auditCount('alerts.settings_changed'), audits, 'nothing saved');
      const view = await core.alerts.settings(admin, clientId);
      assert.equal(view.settings.find((setting) => setting.kind === 'sync_failed')?.conversationId, null);

      await core.alerts.updateSettings(admin, clientId, {
        settings: [
          {
            kind: 'sync_failed',
            enabled: true,
            conversationId: `${ours};messageid=1700000000000`,
            delivery: 'immediate',
            digestHour: 8,
          },
        ],
      });
      assert.equal(
        (await core.alerts.settings(admin, clientId)).settings.find((s) => s.kind === 'sync_failed')
          ?.conversationId,
        `${ours};messageid=1700000000000`,
      );
    });

    it('a destination saved before the rule (another client’s channel) is marked on the screen and never hears the client’s alerts: they go to the subscribed chats, the refusal audited once', async () => {
      // As saved before another client's chats were refused: the channel that holds the other client's tab.
      const theirs = `19:theirs-tab-${engine}@thread.tacv2`;
      await core.database.db
        .updateTable('alert_settings')
        .set({ conversation_id: theirs })
        .where('client_id', '=', clientId)
        .where('kind', '=', 'sync_failed')
        .execute();
      const view = await core.alerts.settings(viewer, clientId);
      assert.deepEqual(
        view.settings.filter((s) => s.destinationProblem !== null).map((s) => [s.kind, s.destinationProblem]),
        [['sync_failed', REFUSED_DESTINATION_NOTE]],
      );
      assert.equal(await auditCount('alerts.destination_refused'), 0);
      notifier.take();
      clock.advance(60_000);
      await recordRun('directory', 'schedule', 'failed');
      clock.advance(60_000);
      await core.notifications.checkClient(clientId);
      const sent = notifier.take();
      assert.deepEqual(
        sent.filter((entry) => entry.kind === 'sync_failed').map((entry) => entry.conversationId),
        [personal],
        'to the subscribed chat (the partner admin’s), as when no conversation is chosen',
      );
      assert.ok(
        !sent.some((entry) => entry.conversationId === theirs),
        'nothing to the other client’s channel',
      );
      assert.equal(await auditCount('alerts.destination_refused'), 1);
      await core.notifications.checkClient(clientId);
      assert.deepEqual(notifier.take(), [], 'nothing announced twice');
      assert.equal(await auditCount('alerts.destination_refused'), 1, 'audited once per alert');
    });

    it('saving the form with another admin’s personal chat left as they chose it is accepted and keeps it theirs; choosing it anew is refused', async () => {
      // The partner admin chooses their own personal chat for the secret expiry warning.
      await core.alerts.updateSettings(admin, clientId, {
        settings: [
          {
            kind: 'secret_expiring',
            enabled: true,
            conversationId: personal,
            delivery: 'immediate',
            digestHour: 8,
          },
        ],
      });
      // The client's admin saves the whole form, as the screen sends it, changing only the hour of another alert.
      const form = (await core.alerts.settings(clientAdmin, clientId)).settings.map(
        ({ kind, enabled, conversationId, delivery, digestHour }) => ({
          kind,
          enabled,
          conversationId,
          delivery,
          digestHour: kind === 'users_expiring' ? 17 : digestHour,
        }),
      );
      const audits = await auditCount('alerts.settings_changed');
      const saved = await core.alerts.updateSettings(clientAdmin, clientId, { settings: form });
      assert.equal(await auditCount('alerts.settings_changed'), audits + 1);
      assert.equal(saved.settings.find((s) => s.kind === 'users_expiring')?.digestHour, 17);
      const secret = saved.settings.find((s) => s.kind === 'secret_expiring');
      assert.equal(secret?.conversationId, personal);
      // Judged as each alert goes out, with the rights of the admin who chose it: still theirs, so still heard.
      assert.equal(secret.destinationProblem, null);

      // A new choice of someone else's personal chat is refused, for the alert it was chosen for, and nothing saved.
      const index = form.findIndex((setting) => setting.kind === 'permission_missing');
      const chosen = form.map((setting, i) =>
        i === index ? { ...setting, conversationId: personal } : setting,
      );
      await assert.rejects(
        core.alerts.updateSettings(clientAdmin, clientId, { settings: chosen }),
        (error: unknown) => {
          assert.ok(error instanceof ValidationError, String(error));
          assert.equal(error.status, 400);
          assert.deepEqual(
            error.problems.map((problem) => problem.path),
            [`settings.${String(index)}.conversationId`],
          );
          // Said as it is: the bot is in that chat, but it is someone else's.
          assert.match(
            error.message,
            /is someone else's personal chat with the bot: only they may choose it/,
          );
          return true;
        },
      );
      assert.equal(await auditCount('alerts.settings_changed'), audits + 1, 'nothing saved');
    });
  });
}
