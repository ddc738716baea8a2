import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPublicAddress } from '../domain/webhook-address.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signWebhook } from '../domain/webhook-signature.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { AlertRepository, WebhookDeliveryRecord } from '../store/alert-repository.js';
import type { SecretBox } from '../store/secret-box.js';
import type { Store } from '../store/store.js';

export interface WebhookSenderOptions {
  readonly store: Store;
  readonly secretBox: SecretBox;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Demo and test mode: plain http to 127.0.0.1 is allowed (a receiver on this machine). */
  readonly allowLoopbackHttp: boolean;
  /** Waits before each retry; its length + 1 is the number of attempts. Default 1 min, 5 min, 15 min, 1 h, 6 h. */
  readonly retryDelaysInMs?: readonly number[];
  /** How long one attempt may take, connection to last byte. Default 10 s. */
  readonly timeoutMs?: number;
}

/** The webhook's secret is sealed to its id, so a ciphertext copied onto another webhook does not open. */
export function webhookSecretContext(webhookId: number): string {
  return `alert-webhook:${String(webhookId)}`;
}

const MAX_BODY = 64 * 1024;

/**
 * Delivers queued alerts to webhooks (issue 16): a signed JSON POST (see src/domain/webhook-signature.ts), one
 * attempt per due delivery, then — after a 5xx, 408, 429, a timeout or a connection failure — another after the next
 * wait, until the attempts run out. Any other answer ends it (2xx delivered; 3xx — redirects are never followed —
 * and other 4xx failed). Every attempt is recorded for the delivery log. Against request forgery the address is
 * checked again as it is connected: the name must resolve to a public address.
 */
export class WebhookSender {
  private readonly store: Store;
  private readonly secretBox: SecretBox;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly allowLoopbackHttp: boolean;
  private readonly retryDelaysInMs: readonly number[];
  private readonly timeoutMs: number;

  constructor(options: WebhookSenderOptions) {
    this.store = options.store;
    this.secretBox = options.secretBox;
    this.clock = options.clock;
    this.logger = options.logger;
    this.allowLoopbackHttp = options.allowLoopbackHttp;
    this.retryDelaysInMs = options.retryDelaysInMs ?? [60_000, 300_000, 900_000, 3_600_000, 21_600_000];
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Attempts every delivery of the client that is due now. Never throws. @returns attempts made. */
  async drain(clientId: string): Promise<number> {
    const repository = this.store.read.alerts;
    let attempts = 0;
    try {
      const now = this.clock.now();
      for (const delivery of await repository.dueDeliveries(clientId, now.toISOString(), 50)) {
        const leaseUntil = new Date(now.getTime() + this.timeoutMs * 3).toISOString();
        if (!(await repository.lease(delivery.id, delivery.nextAttemptAt, leaseUntil))) continue;
        await this.attempt(repository, delivery);
        attempts++;
      }
    } catch (error) {
      this.logger.error({ err: error, clientId }, 'webhook deliveries failed');
    }
    return attempts;
  }

  private async attempt(repository: AlertRepository, delivery: WebhookDeliveryRecord): Promise<void> {
    const webhook = await repository.webhook(delivery.webhookId);
    const alert = await repository.alert(delivery.clientId, delivery.alertId);
    const at = (): string => this.clock.now().toISOString();
    const attempts = delivery.attempts + 1;
    if (webhook === undefined || alert === undefined) {
      await repository.recordAttempt(delivery.id, {
        status: 'failed',
        attempts,
        nextAttemptAt: null,
        lastStatus: null,
        lastError: 'The webhook or the alert was removed.',
        at: at(),
      });
      return;
    }
    const body = JSON.stringify({
      delivery: delivery.id,
      event: alert.kind,
      alert: { id: alert.id, summary: alert.summary, triggeredAt: alert.triggeredAt },
      clientId: alert.clientId,
      data: JSON.parse(alert.payload) as unknown,
    });
    let outcome: { status: number | null; error: string | null };
    try {
      const secret = this.secretBox.decrypt(webhook.secretCiphertext, webhookSecretContext(webhook.id));
      const signature = signWebhook(secret, body, this.clock.now().getTime() / 1000);
      const status = await this.post(webhook.url, body, {
        [SIGNATURE_HEADER]: signature,
        [DELIVERY_HEADER]: String(delivery.id),
        [EVENT_HEADER]: alert.kind,
      });
      outcome = { status, error: null };
    } catch (error) {
      outcome = { status: null, error: error instanceof Error ? error.message : String(error) };
    }
    const status = outcome.status;
    const delivered = status !== null && status >= 200 && status < 300;
    const retryable = status === null || status >= 500 || status === 408 || status === 429;
    const wait = this.retryDelaysInMs[delivery.attempts];
    const next =
      !delivered && retryable && wait !== undefined
        ? new Date(this.clock.now().getTime() + wait).toISOString()
        : null;
    await repository.recordAttempt(delivery.id, {
      status: delivered ? 'delivered' : next === null ? 'failed' : 'pending',
      attempts,
      nextAttemptAt: next,
      lastStatus: status,
      lastError: delivered ? null : (outcome.error ?? describeStatus(status)),
      at: at(),
    });
    this.logger.info(
      { deliveryId: delivery.id, webhookId: webhook.id, status, attempts, delivered, retryAt: next },
      'webhook delivery attempted',
    );
  }

  /** One POST, no redirect followed, bounded in time; resolves with the status. */
  private post(address: string, body: string, headers: Record<string, string>): Promise<number> {
    const url = new URL(address);
    const loopbackAllowed = this.allowLoopbackHttp;
    const lookup: LookupFunction = (hostname, options, callback) => {
      dns.lookup(hostname, { ...options, all: false }, (error, resolved, family) => {
        if (error !== null) {
          callback(error, '', 0);
          return;
        }
        const local = loopbackAllowed && resolved === '127.0.0.1';
        if (!local && !isPublicAddress(resolved)) {
          callback(new Error(`${hostname} resolves to an address inside a private network.`), '', 0);
          return;
        }
        callback(null, resolved, family);
      });
    };
    const transport = url.protocol === 'https:' ? https : http;
    if (url.protocol === 'http:' && !(loopbackAllowed && url.hostname === '127.0.0.1')) {
      return Promise.reject(new Error('Only https addresses are allowed.'));
    }
    return new Promise((resolve, reject) => {
      const request = transport.request(
        url,
        {
          method: 'POST',
          lookup,
          timeout: this.timeoutMs,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'EntraIdManager-Webhooks/1',
            ...headers,
          },
        },
        (response) => {
          let read = 0;
          response.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_BODY) response.destroy();
          });
          response.on('end', () => {
            resolve(response.statusCode ?? 0);
          });
          response.on('close', () => {
            resolve(response.statusCode ?? 0);
          });
          response.on('error', () => {
            resolve(response.statusCode ?? 0);
          });
        },
      );
      request.on('timeout', () => {
        request.destroy(new Error(`No answer within ${String(this.timeoutMs / 1000)} s.`));
      });
      request.on('error', reject);
      request.end(body);
    });
  }
}

function describeStatus(status: number | null): string {
  if (status === null) return 'No answer.';
  if (status >= 300 && status < 400)
    return `The receiver answered ${String(status)} (a redirect, not followed).`;
  return `The receiver answered ${String(status)}.`;
}
