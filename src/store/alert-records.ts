import type { AlertRow, AlertSettingsRow, AlertWebhookRow, WebhookDeliveryRow } from './schema.js';

/** The alerts' records as the services see them (camelCase), and their mapping from the rows (issue 16). */

/** A setting as read back: what was saved, and when and by whom. */
export interface SavedAlertSetting {
  readonly kind: string;
  readonly enabled: boolean;
  readonly conversationId: string | null;
  readonly delivery: string;
  readonly digestHour: number;
  /** Who chose the conversation (its alerts are heard with their rights); null when none was chosen. */
  readonly chooserTenantId: string | null;
  readonly chooserObjectId: string | null;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** A triggered alert, as recorded. */
export interface AlertRecord {
  readonly id: number;
  readonly clientId: string;
  readonly eventKey: string;
  readonly kind: string;
  readonly summary: string;
  /** The notification (JSON), as the cards and webhooks render it. */
  readonly payload: string;
  readonly triggeredAt: string;
  readonly delivery: string;
  readonly digestDueAt: string | null;
  readonly digestedAt: string | null;
  readonly acknowledgedAt: string | null;
  readonly acknowledgedBy: string | null;
}

/** An outgoing webhook: the client's, or partner-wide when `clientId` is null; its secret sealed. */
export interface AlertWebhookRecord {
  readonly id: number;
  readonly clientId: string | null;
  readonly url: string;
  /** The shared secret, encrypted (bound to the webhook's id); empty until it is sealed. */
  readonly secretCiphertext: string;
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly createdBy: string;
}

/** One alert to one webhook: attempts, last answer, next try. */
export interface WebhookDeliveryRecord {
  readonly id: number;
  readonly webhookId: number;
  readonly alertId: number;
  readonly clientId: string;
  readonly status: string;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function toSetting(row: AlertSettingsRow): SavedAlertSetting {
  return {
    kind: row.kind,
    enabled: row.enabled === 1,
    conversationId: row.conversation_id,
    delivery: row.delivery,
    digestHour: row.digest_hour,
    chooserTenantId: row.chooser_tenant_id,
    chooserObjectId: row.chooser_object_id,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

export function toAlert(row: AlertRow): AlertRecord {
  return {
    id: row.id,
    clientId: row.client_id,
    eventKey: row.event_key,
    kind: row.kind,
    summary: row.summary,
    payload: row.payload,
    triggeredAt: row.triggered_at,
    delivery: row.delivery,
    digestDueAt: row.digest_due_at,
    digestedAt: row.digested_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
  };
}

export function toWebhook(row: AlertWebhookRow): AlertWebhookRecord {
  return {
    id: row.id,
    clientId: row.client_id,
    url: row.url,
    secretCiphertext: row.secret_ciphertext,
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

export function toDelivery(row: WebhookDeliveryRow): WebhookDeliveryRecord {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    alertId: row.alert_id,
    clientId: row.client_id,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
