import type { Generated } from 'kysely';
import type { Flag, Json, Timestamp } from './columns.js';

/*
 * Notifications and alerts: bot conversations, incidents, what was sent, alert settings, alerts, webhooks and their
 * deliveries. (Part of the `Database` in ../schema.ts.)
 */

export interface ConversationReferencesTable {
  conversation_id: string;
  /** The whole Bot Framework conversation reference, JSON. */
  reference: Json;
  conversation_type: string;
  tenant_id: string | null;
  /** Entra object id of the user in a personal chat (who installed it). */
  user_object_id: string | null;
  notifications_enabled: Flag;
  /** Subscribed client; null = every client the subscriber may see. */
  client_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Problems that notify once when they open and once when they close (rule 11: never a storm). */
export interface IncidentsTable {
  id: Generated<number>;
  client_id: string;
  kind: string;
  opened_at: Timestamp;
  resolved_at: Timestamp | null;
  last_seen_at: Timestamp;
  message: string;
  occurrences: number;
  notified_open: Flag;
  notified_resolved: Flag;
}

/** Notifications already sent, keyed so that each is sent once (`expired:2026-11-26`, `secret-expiry:30d`). */
export interface NotificationsSentTable {
  client_id: string;
  key: string;
  sent_at: Timestamp;
}

/** Per client and alert kind: on/off, where, and immediately or in a daily digest (issue 16). */
export interface AlertSettingsTable {
  client_id: string;
  kind: string;
  enabled: Flag;
  conversation_id: string | null;
  delivery: string;
  digest_hour: number;
  chooser_tenant_id: string | null;
  chooser_object_id: string | null;
  updated_at: Timestamp;
  updated_by: string;
}

/** The client's alert time zone (IANA), in which digest hours are read. */
export interface AlertTimeZonesTable {
  client_id: string;
  time_zone: string;
  updated_at: Timestamp;
  updated_by: string;
}

/** An alert triggered for a client: one row per event. */
export interface AlertsTable {
  id: Generated<number>;
  client_id: string;
  event_key: string;
  kind: string;
  summary: string;
  /** The notification (JSON), as the cards and webhooks render it. */
  payload: string;
  triggered_at: Timestamp;
  delivery: string;
  digest_due_at: Timestamp | null;
  digested_at: Timestamp | null;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
}

/** An outgoing webhook (client's, or partner-wide when `client_id` is null); the secret encrypted. */
export interface AlertWebhooksTable {
  id: Generated<number>;
  client_id: string | null;
  url: string;
  secret_ciphertext: string;
  enabled: Flag;
  created_at: Timestamp;
  created_by: string;
}

/** One alert to one webhook: attempts, last answer, next try. */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  webhook_id: number;
  alert_id: number;
  client_id: string;
  status: string;
  attempts: number;
  next_attempt_at: Timestamp | null;
  last_status: number | null;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
