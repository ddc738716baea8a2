/** Alerts the admin shapes (issue 16): settings, the alerts sent, webhooks and their delivery log. */

/** How an alert goes out: at once, or held for the daily digest. */
export type AlertDeliveryMode = 'immediate' | 'daily_digest';

/** A conversation the bot knows, which an alert can be sent to. */
export interface AlertConversationView {
  readonly id: string;
  /** Plain words: "Channel General", "Group chat", "Your personal chat". */
  readonly label: string;
  readonly type: 'personal' | 'groupChat' | 'channel' | 'other';
}

/** One alert kind's setting for a client. */
export interface AlertSettingView {
  readonly kind: string;
  readonly name: string;
  readonly about: string;
  readonly enabled: boolean;
  /** The one conversation it goes to; null: every chat and channel that turned notifications on for the client. */
  readonly conversationId: string | null;
  /** The weekly summary is always sent when due (it is a digest itself). */
  readonly delivery: AlertDeliveryMode;
  /** Hour (0–23) of the client's alert time zone at which the daily digest (or the Monday summary) goes out. */
  readonly digestHour: number;
  readonly digestAllowed: boolean;
  readonly updatedAt: string | null;
  readonly updatedBy: string | null;
  /**
   * Set when the chosen conversation may no longer hear the client's alerts (another client's chat, e.g. chosen
   * before that was refused): what is wrong and what happens instead. Null otherwise.
   */
  readonly destinationProblem: string | null;
}

export interface AlertSettingsView {
  readonly clientId: string;
  /** IANA time zone in which digest hours are read (the client's; UTC until an admin sets one). */
  readonly timeZone: string;
  readonly settings: readonly AlertSettingView[];
  readonly conversations: readonly AlertConversationView[];
  /** Whether the reader may change them. */
  readonly canChange: boolean;
}

/** An alert that was triggered for a client. */
export interface AlertView {
  readonly id: number;
  readonly kind: string;
  readonly name: string;
  readonly summary: string;
  readonly triggeredAt: string;
  readonly delivery: AlertDeliveryMode;
  /** For a digest alert: when it goes (or went) out. */
  readonly digestDueAt: string | null;
  readonly digestedAt: string | null;
  readonly acknowledgedAt: string | null;
  readonly acknowledgedBy: string | null;
}

export interface AlertListView {
  readonly clientId: string;
  readonly alerts: readonly AlertView[];
  readonly unacknowledged: number;
}

/** An outgoing webhook; its secret is never shown again once saved. */
export interface AlertWebhookView {
  readonly id: number;
  /** Null: partner-wide (every client's alerts). */
  readonly clientId: string | null;
  readonly url: string;
  readonly secretSet: boolean;
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly createdBy: string;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveryView {
  readonly id: number;
  readonly webhookId: number;
  readonly url: string;
  readonly alertId: number;
  readonly alertName: string;
  readonly status: WebhookDeliveryStatus;
  readonly attempts: number;
  /** The receiver's last HTTP status, null when it did not answer. */
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly nextAttemptAt: string | null;
  readonly updatedAt: string;
}

export interface WebhooksView {
  readonly webhooks: readonly AlertWebhookView[];
  readonly deliveries: readonly WebhookDeliveryView[];
  readonly canChange: boolean;
}
