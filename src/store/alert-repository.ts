import type { Kysely } from 'kysely';
import {
  toAlert,
  toDelivery,
  toSetting,
  toWebhook,
  type AlertRecord,
  type AlertWebhookRecord,
  type SavedAlertSetting,
  type WebhookDeliveryRecord,
} from './alert-records.js';
import type { Database } from './schema.js';

export type {
  AlertRecord,
  AlertWebhookRecord,
  SavedAlertSetting,
  WebhookDeliveryRecord,
} from './alert-records.js';

/** A setting as saved (issue 16). */
export interface AlertSettingRecord {
  readonly clientId: string;
  readonly kind: string;
  readonly enabled: boolean;
  readonly conversationId: string | null;
  readonly delivery: string;
  readonly digestHour: number;
  readonly chooser: { readonly tenantId: string; readonly objectId: string } | null;
  readonly at: string;
  readonly by: string;
}

/** A triggered alert to record once per event. */
export interface NewAlert {
  readonly clientId: string;
  readonly eventKey: string;
  readonly kind: string;
  readonly summary: string;
  readonly payload: string;
  readonly triggeredAt: string;
  readonly delivery: string;
  readonly digestDueAt: string | null;
}

/**
 * Alerts the admin shapes (issue 16): settings per client and kind, the client's alert time zone, the triggered
 * alerts and their acknowledgement, outgoing webhooks and their delivery log.
 */
export class AlertRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async settings(clientId: string): Promise<SavedAlertSetting[]> {
    const rows = await this.db
      .selectFrom('alert_settings')
      .selectAll()
      .where('client_id', '=', clientId)
      .execute();
    return rows.map(toSetting);
  }

  async setting(clientId: string, kind: string): Promise<SavedAlertSetting | undefined> {
    const row = await this.db
      .selectFrom('alert_settings')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('kind', '=', kind)
      .executeTakeFirst();
    return row === undefined ? undefined : toSetting(row);
  }

  async saveSetting(record: AlertSettingRecord): Promise<void> {
    const values = {
      enabled: record.enabled ? (1 as const) : (0 as const),
      conversation_id: record.conversationId,
      delivery: record.delivery,
      digest_hour: record.digestHour,
      chooser_tenant_id: record.chooser?.tenantId ?? null,
      chooser_object_id: record.chooser?.objectId ?? null,
      updated_at: record.at,
      updated_by: record.by,
    };
    await this.db
      .insertInto('alert_settings')
      .values({ client_id: record.clientId, kind: record.kind, ...values })
      .onConflict((conflict) => conflict.columns(['client_id', 'kind']).doUpdateSet(values))
      .execute();
  }

  async timeZone(clientId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('alert_time_zones')
      .select('time_zone')
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return row?.time_zone;
  }

  async saveTimeZone(clientId: string, timeZone: string, at: string, by: string): Promise<void> {
    await this.db
      .insertInto('alert_time_zones')
      .values({ client_id: clientId, time_zone: timeZone, updated_at: at, updated_by: by })
      .onConflict((conflict) =>
        conflict.column('client_id').doUpdateSet({ time_zone: timeZone, updated_at: at, updated_by: by }),
      )
      .execute();
  }

  async alertByEvent(clientId: string, eventKey: string): Promise<AlertRecord | undefined> {
    const row = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('event_key', '=', eventKey)
      .executeTakeFirst();
    return row === undefined ? undefined : toAlert(row);
  }

  /** Records the alert once: the new row, or undefined when another checker recorded the same event first. */
  async insertAlert(alert: NewAlert): Promise<AlertRecord | undefined> {
    const result = await this.db
      .insertInto('alerts')
      .values({
        client_id: alert.clientId,
        event_key: alert.eventKey,
        kind: alert.kind,
        summary: alert.summary,
        payload: alert.payload,
        triggered_at: alert.triggeredAt,
        delivery: alert.delivery,
        digest_due_at: alert.digestDueAt,
        digested_at: null,
        acknowledged_at: null,
        acknowledged_by: null,
      })
      .onConflict((conflict) => conflict.columns(['client_id', 'event_key']).doNothing())
      .returningAll()
      .executeTakeFirst();
    return result === undefined ? undefined : toAlert(result);
  }

  async alert(clientId: string, id: number): Promise<AlertRecord | undefined> {
    const row = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : toAlert(row);
  }

  /** The client's alerts, newest first. */
  async alerts(clientId: string, limit: number): Promise<AlertRecord[]> {
    const rows = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where('client_id', '=', clientId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toAlert);
  }

  /** @returns whether it was acknowledged now (false: it already was). */
  async acknowledge(id: number, at: string, by: string): Promise<boolean> {
    const result = await this.db
      .updateTable('alerts')
      .set({ acknowledged_at: at, acknowledged_by: by })
      .where('id', '=', id)
      .where('acknowledged_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** The client's alerts held for a digest whose time has come, oldest first. */
  async dueForDigest(clientId: string, now: string): Promise<AlertRecord[]> {
    const rows = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('digested_at', 'is', null)
      .where('digest_due_at', 'is not', null)
      .where('digest_due_at', '<=', now)
      .orderBy('id')
      .execute();
    return rows.map(toAlert);
  }

  async markDigested(ids: readonly number[], at: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('alerts')
      .set({ digested_at: at })
      .where('id', 'in', [...ids])
      .execute();
  }

  // ------------------------------------------------------------------------------------------------ webhooks ---

  /** The client's own webhooks, or (null) the partner-wide ones. */
  async webhooks(clientId: string | null): Promise<AlertWebhookRecord[]> {
    const query = this.db.selectFrom('alert_webhooks').selectAll().orderBy('id');
    const rows = await (
      clientId === null ? query.where('client_id', 'is', null) : query.where('client_id', '=', clientId)
    ).execute();
    return rows.map(toWebhook);
  }

  /** The enabled webhooks an alert of the client goes to: its own and the partner-wide ones. */
  async webhooksFor(clientId: string): Promise<AlertWebhookRecord[]> {
    const rows = await this.db
      .selectFrom('alert_webhooks')
      .selectAll()
      .where('enabled', '=', 1)
      .where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', clientId)]))
      .orderBy('id')
      .execute();
    return rows.map(toWebhook);
  }

  async webhook(id: number): Promise<AlertWebhookRecord | undefined> {
    const row = await this.db
      .selectFrom('alert_webhooks')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : toWebhook(row);
  }

  /** Adds a webhook; its secret is sealed by `seal(id)` once the id is known (the ciphertext is bound to it). */
  async addWebhook(
    webhook: { clientId: string | null; url: string; at: string; by: string },
    seal: (id: number) => string,
  ): Promise<AlertWebhookRecord> {
    const row = await this.db
      .insertInto('alert_webhooks')
      .values({
        client_id: webhook.clientId,
        url: webhook.url,
        secret_ciphertext: '',
        enabled: 1,
        created_at: webhook.at,
        created_by: webhook.by,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const secret = seal(row.id);
    await this.db
      .updateTable('alert_webhooks')
      .set({ secret_ciphertext: secret })
      .where('id', '=', row.id)
      .execute();
    return toWebhook({ ...row, secret_ciphertext: secret });
  }

  async removeWebhook(id: number): Promise<void> {
    await this.db.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
    await this.db.deleteFrom('alert_webhooks').where('id', '=', id).execute();
  }

  /** Queues the alert for each webhook (once per webhook and alert). */
  async enqueueDeliveries(
    alert: { id: number; clientId: string },
    webhookIds: readonly number[],
    at: string,
  ): Promise<void> {
    for (const webhookId of webhookIds) {
      await this.db
        .insertInto('webhook_deliveries')
        .values({
          webhook_id: webhookId,
          alert_id: alert.id,
          client_id: alert.clientId,
          status: 'pending',
          attempts: 0,
          next_attempt_at: at,
          last_status: null,
          last_error: null,
          created_at: at,
          updated_at: at,
        })
        .onConflict((conflict) => conflict.columns(['webhook_id', 'alert_id']).doNothing())
        .execute();
    }
  }

  /** Deliveries of the client due now, oldest first. */
  async dueDeliveries(clientId: string, now: string, limit: number): Promise<WebhookDeliveryRecord[]> {
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toDelivery);
  }

  /**
   * Takes a due delivery for one attempt: pushes its next try out to `leaseUntil` so no other instance takes it
   * meanwhile. @returns false when another instance took it first.
   */
  async lease(id: number, expectedNextAttempt: string | null, leaseUntil: string): Promise<boolean> {
    const result = await this.db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: leaseUntil })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '=', expectedNextAttempt)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async recordAttempt(
    id: number,
    outcome: {
      status: 'pending' | 'delivered' | 'failed';
      attempts: number;
      nextAttemptAt: string | null;
      lastStatus: number | null;
      lastError: string | null;
      at: string;
    },
  ): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set({
        status: outcome.status,
        attempts: outcome.attempts,
        next_attempt_at: outcome.nextAttemptAt,
        last_status: outcome.lastStatus,
        last_error: outcome.lastError,
        updated_at: outcome.at,
      })
      .where('id', '=', id)
      .execute();
  }

  /** The delivery log of the client's alerts, newest first, with the webhook's address and the alert's kind. */
  async deliveryLog(
    clientId: string,
    limit: number,
  ): Promise<(WebhookDeliveryRecord & { url: string; kind: string; summary: string })[]> {
    const rows = await this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('alert_webhooks as w', 'w.id', 'd.webhook_id')
      .innerJoin('alerts as a', 'a.id', 'd.alert_id')
      .selectAll('d')
      .select(['w.url', 'a.kind', 'a.summary'])
      .where('d.client_id', '=', clientId)
      .orderBy('d.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(({ url, kind, summary, ...delivery }) => ({
      ...toDelivery(delivery),
      url,
      kind,
      summary,
    }));
  }
}
