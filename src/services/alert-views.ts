import type {
  AlertConversationView,
  AlertDeliveryMode,
  AlertSettingsView,
  AlertView,
  AlertWebhookView,
} from '../contracts/alerts.js';
import { ALERT_KIND_LABELS, ALERT_KINDS, alertKindOf, type AlertKind } from '../domain/alert-rules.js';
import type { NotificationKind } from '../domain/notification-kinds.js';
import { ValidationError } from '../shared/errors.js';
import type { ConversationRecord } from '../store/conversation-repository.js';
import type { AlertRecord, AlertWebhookRecord } from '../store/alert-repository.js';

/** The views of the alerts the admin shapes (issue 16), and their input problems in the screen's words. */

export function conversationView(row: ConversationRecord): AlertConversationView {
  let name: string | undefined;
  try {
    const parsed = JSON.parse(row.reference) as { reference?: { conversation?: { name?: unknown } } };
    const candidate = parsed.reference?.conversation?.name;
    if (typeof candidate === 'string' && candidate.trim() !== '') name = candidate.trim();
  } catch {
    name = undefined;
  }
  const tail = row.conversationId.slice(-6);
  switch (row.conversationType) {
    case 'personal':
      return { id: row.conversationId, label: 'Your personal chat with the bot', type: 'personal' };
    case 'channel':
      return { id: row.conversationId, label: `Channel ${name ?? `…${tail}`}`, type: 'channel' };
    case 'groupChat':
      return { id: row.conversationId, label: `Group chat ${name ?? `…${tail}`}`, type: 'groupChat' };
    default:
      return { id: row.conversationId, label: `Chat …${tail}`, type: 'other' };
  }
}

export function alertName(kind: string): string {
  const alertKind = alertKindOf(kind as NotificationKind);
  if (alertKind === undefined) return kind;
  if (kind === 'sync_recovered') return 'Sync works again';
  if (kind === 'permission_restored') return 'Permission back';
  return ALERT_KIND_LABELS[alertKind].name;
}

export function alertView(alert: AlertRecord): AlertView {
  return {
    id: alert.id,
    kind: alert.kind,
    name: alertName(alert.kind),
    summary: alert.summary,
    triggeredAt: alert.triggeredAt,
    delivery: alert.delivery as AlertDeliveryMode,
    digestDueAt: alert.digestDueAt,
    digestedAt: alert.digestedAt,
    acknowledgedAt: alert.acknowledgedAt,
    acknowledgedBy: alert.acknowledgedBy,
  };
}

export function webhookView(webhook: AlertWebhookRecord): AlertWebhookView {
  return {
    id: webhook.id,
    clientId: webhook.clientId,
    url: webhook.url,
    secretSet: webhook.secretCiphertext !== '',
    enabled: webhook.enabled,
    createdAt: webhook.createdAt,
    createdBy: webhook.createdBy,
  };
}

export function auditOf(view: AlertSettingsView, kinds: readonly AlertKind[]): unknown {
  return {
    timeZone: view.timeZone,
    settings: view.settings
      .filter((setting) => kinds.includes(setting.kind as AlertKind))
      .map(({ kind, enabled, conversationId, delivery, digestHour }) => ({
        kind,
        enabled,
        conversationId,
        delivery,
        digestHour,
      })),
  };
}

/** A validation failure reworded for the admin: which alert or field, in the screen's words, and what is wrong. */
export function inPlainWords<T>(parse: () => T, what: string, label: (path: string) => string): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const lines = error.problems.map((problem) => `${label(problem.path)}: ${problem.message}`);
    throw new ValidationError(`${what} — ${lines.join('; ')}.`, error.problems, error);
  }
}

const FIELD_LABELS: Readonly<Record<string, string>> = {
  kind: 'alert',
  enabled: 'on or off',
  conversationId: 'where',
  delivery: 'when',
  digestHour: 'hour',
};

export function settingLabel(path: string, input: unknown): string {
  if (path.startsWith('timeZone')) return 'Time zone';
  const [, index, field] = path.split('.');
  const settings = (input as { settings?: unknown } | null)?.settings;
  const kind = Array.isArray(settings)
    ? (settings[Number(index)] as { kind?: unknown } | undefined)?.kind
    : undefined;
  const name =
    typeof kind === 'string' && (ALERT_KINDS as readonly string[]).includes(kind)
      ? ALERT_KIND_LABELS[kind as AlertKind].name
      : 'An alert';
  return field === undefined ? name : `${name}, ${FIELD_LABELS[field] ?? field}`;
}
