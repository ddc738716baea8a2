import { AppError } from '../shared/errors.js';
import type { Notification } from './notification-kinds.js';

/** A conversation to deliver into, as the notifier captured it. */
export interface NotificationTarget {
  readonly conversationId: string;
  /** `personal`, `groupChat` or `channel`. */
  readonly conversationType: string;
  /** Opaque to the core: what the notifier stored when it captured the conversation (JSON text). */
  readonly reference: string;
  /**
   * The notified client's tab in this channel or group chat, when one was added there: the card's "open in the tab"
   * buttons open it rather than the personal tab.
   */
  readonly tabPlacement?: {
    readonly clientId: string;
    readonly kind: 'channel' | 'chat';
    readonly id: string;
  };
}

/**
 * The port through which the core sends proactive notifications (DESIGN §4: the core never calls the bot except
 * through its own interfaces). The bot implements it with Bot Framework proactive messages.
 */
export interface Notifier {
  /**
   * Delivers one notification into one conversation.
   * @throws {NotificationDeliveryError} — `gone` when the conversation no longer accepts the bot (uninstalled,
   * deleted); any other thrown value counts as a transient failure and is retried.
   */
  deliver(target: NotificationTarget, notification: Notification): Promise<void>;
}

/** A delivery that failed; `gone` means retrying is pointless and the conversation should be forgotten. */
export class NotificationDeliveryError extends AppError {
  override readonly name = 'NotificationDeliveryError';
  readonly gone: boolean;

  constructor(message: string, options: { gone: boolean; status?: number; cause?: unknown }) {
    super(options.gone ? 'conversation_gone' : 'delivery_failed', message, {
      status: options.status ?? 502,
      retryable: !options.gone,
      cause: options.cause,
    });
    this.gone = options.gone;
  }
}
