import { z } from 'zod/v4';
import type {
  AlertListView,
  AlertSettingsView,
  AlertView,
  AlertWebhookView,
  WebhooksView,
  WebhookDeliveryStatus,
  AlertDeliveryMode,
} from '../contracts/alerts.js';
import {
  ALERT_KIND_LABELS,
  ALERT_KINDS,
  DEFAULT_ALERT_TIME_ZONE,
  DEFAULT_DIGEST_HOUR,
  isTimeZone,
} from '../domain/alert-rules.js';
import { webhookUrlProblem } from '../domain/webhook-address.js';
import type { Clock } from '../shared/clock.js';
import { NotFoundError, ValidationError } from '../shared/errors.js';
import type { SecretBox } from '../store/secret-box.js';
import type { SavedAlertSetting } from '../store/alert-repository.js';
import type { Store } from '../store/store.js';
import type { AccessPolicy } from './access-policy.js';
import type { Actor } from './actor.js';
import type { AuditTrail } from './audit-trail.js';
import type { ClientAccess } from './client-access.js';
import { parseInput } from './validation.js';
import {
  alertView,
  auditOf,
  conversationView,
  inPlainWords,
  settingLabel,
  webhookView,
  alertName,
} from './alert-views.js';
import { webhookSecretContext } from './webhook-sender.js';
import { alertDestinations, destinationVerdict, REFUSED_DESTINATION_NOTE } from './alert-destinations.js';

export interface AlertServiceOptions {
  readonly store: Store;
  readonly access: AccessPolicy;
  readonly clientAccess: ClientAccess;
  readonly audit: AuditTrail;
  readonly clock: Clock;
  readonly secretBox: SecretBox;
  /** Demo and test mode: webhooks may point at http://127.0.0.1 (a receiver on this machine). */
  readonly allowLoopbackHttp: boolean;
}

const settingInput = z.object({
  kind: z.enum(ALERT_KINDS, { error: 'is not an alert this app sends' }),
  enabled: z.boolean({ error: 'must be on or off' }),
  conversationId: z.string().min(1).max(512).nullable(),
  delivery: z.enum(['immediate', 'daily_digest'], { error: 'must be at once or in the daily digest' }),
  digestHour: z
    .number({ error: 'must be an hour from 0 to 23' })
    .int('must be a whole hour from 0 to 23')
    .min(0, 'must be an hour from 0 to 23')
    .max(23, 'must be an hour from 0 to 23'),
});

const settingsInput = z.object({
  timeZone: z.string().trim().min(1).max(64).optional(),
  settings: z.array(settingInput).max(ALERT_KINDS.length).default([]),
});

const webhookInput = z.object({
  url: z.string({ error: 'enter the address' }).trim().min(1, 'enter the address').max(2_000, 'too long'),
  secret: z
    .string({ error: 'enter the shared secret' })
    .min(16, 'must be at least 16 characters, so nobody can guess it')
    .max(256, 'must be at most 256 characters'),
  partnerWide: z.boolean().default(false),
});

const idInput = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .positive('must be positive');

/**
 * Alerts the admin shapes (issue 16), as the tab offers them: per client and alert kind on/off, where and when
 * (read by anyone who may see the client, changed by its admins); the alerts sent, acknowledged by admins; the
 * outgoing webhooks (the client's admins for the client's own, partner admins for partner-wide ones) and their
 * delivery log. Every change and acknowledgement is audited; a webhook's secret is never read back.
 */
export class AlertService {
  constructor(private readonly options: AlertServiceOptions) {}

  /** @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError} */
  async settings(actor: Actor, clientRef: string): Promise<AlertSettingsView> {
    const client = await this.options.clientAccess.resolve(actor, clientRef, 'client:read');
    const repository = this.options.store.read.alerts;
    const rows = await repository.settings(client.id);
    const canChange = await this.options.access.can(actor, 'client:configure', client.id);
    return {
      clientId: client.id,
      timeZone: (await repository.timeZone(client.id)) ?? DEFAULT_ALERT_TIME_ZONE,
      settings: await Promise.all(
        ALERT_KINDS.map(async (kind) => {
          const row = rows.find((candidate) => candidate.kind === kind);
          return {
            kind,
            ...ALERT_KIND_LABELS[kind],
            enabled: row === undefined ? true : row.enabled,
            conversationId: row?.conversationId ?? null,
            delivery: (row?.delivery ?? 'immediate') as AlertDeliveryMode,
            digestHour: row?.digestHour ?? DEFAULT_DIGEST_HOUR,
            digestAllowed: kind !== 'weekly_digest',
            updatedAt: row?.updatedAt ?? null,
            updatedBy: row?.updatedBy ?? null,
            destinationProblem: row === undefined ? null : await this.destinationProblem(client.id, row),
          };
        }),
      ),
      conversations: canChange
        ? (await alertDestinations(this.options.store.read, actor, client.id)).offered.map(conversationView)
        : [],
      canChange,
    };
  }

  /**
   * Changes the client's alert settings and time zone; nothing changes when any part is wrong.
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async updateSettings(actor: Actor, clientRef: string, input: unknown): Promise<AlertSettingsView> {
    const client = await this.options.clientAccess.resolve(actor, clientRef, 'client:configure');
    const request = inPlainWords(
      () => parseInput(settingsInput, input),
      'The alert settings were not saved',
      (path) => settingLabel(path, input),
    );
    const problems: { path: string; message: string }[] = [];
    if (request.timeZone !== undefined && !isTimeZone(request.timeZone))
      problems.push({
        path: 'timeZone',
        message: `“${request.timeZone}” is not a time zone (e.g. Europe/London)`,
      });
    const destinations = await alertDestinations(this.options.store.read, actor, client.id);
    const offered = new Set(destinations.offered.map((conversation) => conversation.conversationId));
    const stored = await this.options.store.read.alerts.settings(client.id);
    request.settings.forEach((setting, index) => {
      if (
        setting.conversationId !== null &&
        keptDestination(setting, stored) === undefined &&
        !offered.has(setting.conversationId)
      )
        problems.push({
          path: `settings.${String(index)}.conversationId`,
          message: destinations.otherClients.has(setting.conversationId)
            ? "is another client's chat or channel: choose one of this client's, or one of your own"
            : destinations.othersPersonal.has(setting.conversationId)
              ? "is someone else's personal chat with the bot: only they may choose it; choose your own, or a chat or channel of this client"
              : 'is not a chat or channel the bot is in (add the bot there first)',
        });
      if (setting.kind === 'weekly_digest' && setting.delivery === 'daily_digest')
        problems.push({
          path: `settings.${String(index)}.delivery`,
          message: 'the weekly summary is sent on Mondays; it cannot also wait for the daily digest',
        });
    });
    if (new Set(request.settings.map((setting) => setting.kind)).size !== request.settings.length)
      problems.push({ path: 'settings', message: 'names the same alert twice' });
    if (problems.length > 0) {
      throw new ValidationError(
        `The alert settings were not saved — ${problems.map((p) => p.message).join('; ')}.`,
        problems,
      );
    }
    const before = await this.settings(actor, client.id);
    const at = this.options.clock.now().toISOString();
    const by = actor.name ?? actor.objectId;
    await this.options.store.transaction(async (tx) => {
      const repository = tx.alerts;
      if (request.timeZone !== undefined) await repository.saveTimeZone(client.id, request.timeZone, at, by);
      for (const setting of request.settings) {
        await repository.saveSetting({
          clientId: client.id,
          kind: setting.kind,
          enabled: setting.enabled,
          conversationId: setting.conversationId,
          delivery: setting.delivery,
          digestHour: setting.digestHour,
          chooser: chooserOf(setting, stored, actor),
          at,
          by,
        });
      }
      await this.options.audit.record(tx, actor, {
        action: 'alerts.settings_changed',
        clientId: client.id,
        targetType: 'alert_settings',
        targetId: client.id,
        before: auditOf(
          before,
          request.settings.map((s) => s.kind),
        ),
        after: { timeZone: request.timeZone ?? before.timeZone, settings: request.settings },
      });
    });
    return this.settings(actor, client.id);
  }

  /** The alerts triggered for the client, newest first. */
  async alerts(actor: Actor, clientRef: string): Promise<AlertListView> {
    const client = await this.options.clientAccess.resolve(actor, clientRef, 'client:read');
    const rows = await this.options.store.read.alerts.alerts(client.id, 200);
    const alerts = rows.map(alertView);
    return {
      clientId: client.id,
      alerts,
      unacknowledged: alerts.filter((alert) => alert.acknowledgedAt === null).length,
    };
  }

  /**
   * Marks an alert as seen and handled, by whom and when (audited). Acknowledging it again changes nothing.
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async acknowledge(actor: Actor, clientRef: string, alertRef: unknown): Promise<AlertView> {
    const client = await this.options.clientAccess.resolve(actor, clientRef, 'client:operate');
    const id = parseInput(idInput, alertRef);
    const repository = this.options.store.read.alerts;
    const alert = await repository.alert(client.id, id);
    if (alert === undefined) throw new NotFoundError('Alert', String(id));
    if (alert.acknowledgedAt !== null) return alertView(alert);
    const at = this.options.clock.now().toISOString();
    const by = actor.name ?? actor.objectId;
    await this.options.store.transaction(async (tx) => {
      if (!(await tx.alerts.acknowledge(id, at, by))) return;
      await this.options.audit.record(tx, actor, {
        action: 'alert.acknowledged',
        clientId: client.id,
        targetType: 'alert',
        targetId: String(id),
        before: { acknowledged: false },
        after: { acknowledged: true, kind: alert.kind, summary: alert.summary },
      });
    });
    const after = await repository.alert(client.id, id);
    if (after === undefined) throw new NotFoundError('Alert', String(id));
    return alertView(after);
  }

  /** The client's webhooks (and, for partner admins, the partner-wide ones) and its delivery log. */
  async webhooks(actor: Actor, clientRef: string): Promise<WebhooksView> {
    const client = await this.options.clientAccess.resolve(actor, clientRef, 'client:read');
    const repository = this.options.store.read.alerts;
    const partner = await this.options.access.can(actor, 'partner:manage');
    const rows = [
      ...(partner ? await repository.webhooks(null) : []),
      ...(await repository.webhooks(client.id)),
    ];
    const deliveries = await repository.deliveryLog(client.id, 100);
    return {
      webhooks: rows.map(webhookView),
      deliveries: deliveries.map((row) => ({
        id: row.id,
        webhookId: row.webhookId,
        url: row.url,
        alertId: row.alertId,
        alertName: alertName(row.kind),
        status: row.status as WebhookDeliveryStatus,
        attempts: row.attempts,
        lastStatus: row.lastStatus,
        lastError: row.lastError,
        nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt : null,
        updatedAt: row.updatedAt,
      })),
      canChange: await this.options.access.can(actor, 'client:configure', client.id),
    };
  }

  /**
   * Adds a webhook for the client's alerts (or, `partnerWide`, every client's: partner admins only).
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async addWebhook(actor: Actor, clientRef: string, input: unknown): Promise<AlertWebhookView> {
    const client = await this.options.clientAccess.resolve(actor, clientRef, 'client:configure');
    const request = inPlainWords(
      () => parseInput(webhookInput, input),
      'The webhook was not added',
      (path) =>
        path.startsWith('url') ? 'Address' : path.startsWith('secret') ? 'Shared secret' : 'For every client',
    );
    if (request.partnerWide) await this.options.access.assert(actor, 'partner:manage');
    const problem = webhookUrlProblem(request.url, this.options.allowLoopbackHttp);
    if (problem !== undefined) throw new ValidationError(problem, [{ path: 'url', message: problem }]);
    const at = this.options.clock.now().toISOString();
    const row = await this.options.store.transaction(async (tx) => {
      const added = await tx.alerts.addWebhook(
        {
          clientId: request.partnerWide ? null : client.id,
          url: request.url,
          at,
          by: actor.name ?? actor.objectId,
        },
        (id) => this.options.secretBox.encrypt(request.secret, webhookSecretContext(id)),
      );
      await this.options.audit.record(tx, actor, {
        action: 'alerts.webhook_added',
        clientId: request.partnerWide ? null : client.id,
        targetType: 'alert_webhook',
        targetId: String(added.id),
        after: { url: request.url, partnerWide: request.partnerWide },
      });
      return added;
    });
    return webhookView(row);
  }

  /** @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError} */
  async removeWebhook(actor: Actor, clientRef: string, webhookRef: unknown): Promise<void> {
    const client = await this.options.clientAccess.resolve(actor, clientRef, 'client:configure');
    const id = parseInput(idInput, webhookRef);
    const repository = this.options.store.read.alerts;
    const webhook = await repository.webhook(id);
    const partner = await this.options.access.can(actor, 'partner:manage');
    if (webhook === undefined || (webhook.clientId !== client.id && !(webhook.clientId === null && partner)))
      throw new NotFoundError('Webhook', String(id));
    await this.options.store.transaction(async (tx) => {
      await tx.alerts.removeWebhook(id);
      await this.options.audit.record(tx, actor, {
        action: 'alerts.webhook_removed',
        clientId: webhook.clientId,
        targetType: 'alert_webhook',
        targetId: String(id),
        before: { url: webhook.url, partnerWide: webhook.clientId === null },
      });
    });
  }

  /** A saved destination the alerts no longer go to (the rule of {@link alertDestinations}), said for the screen. */
  private async destinationProblem(clientId: string, row: SavedAlertSetting): Promise<string | null> {
    if (row.conversationId === null || row.chooserObjectId === null) return null;
    const chooser = { tenantId: row.chooserTenantId ?? '', objectId: row.chooserObjectId };
    const verdict = await destinationVerdict(this.options.store.read, chooser, clientId, row.conversationId);
    return verdict === 'refused' ? REFUSED_DESTINATION_NOTE : null;
  }
}

/**
 * The stored setting when this one leaves its destination as it was. Who may choose which destination is a rule for
 * a choice made now: a destination left as it is (say, the personal chat of the admin who chose it) is accepted,
 * and each alert is judged again as it goes out ({@link destinationVerdict}).
 */
function keptDestination(
  setting: { readonly kind: string; readonly conversationId: string | null },
  stored: readonly SavedAlertSetting[],
): SavedAlertSetting | undefined {
  if (setting.conversationId === null) return undefined;
  return stored.find((row) => row.kind === setting.kind && row.conversationId === setting.conversationId);
}

/** Whose rights a destination is heard with: whoever chose it, so a destination left as it was keeps its chooser. */
function chooserOf(
  setting: { readonly kind: string; readonly conversationId: string | null },
  stored: readonly SavedAlertSetting[],
  actor: Actor,
): { readonly tenantId: string; readonly objectId: string } | null {
  if (setting.conversationId === null) return null;
  const kept = keptDestination(setting, stored);
  if (kept === undefined)
    return { tenantId: actor.tenantId.toLowerCase(), objectId: actor.objectId.toLowerCase() };
  return kept.chooserObjectId === null
    ? null
    : { tenantId: kept.chooserTenantId ?? '', objectId: kept.chooserObjectId };
}
