import crypto from 'node:crypto';

/**
 * How our outgoing webhooks are signed, and the check a receiver runs (issue 16).
 *
 * Every delivery is a POST with a JSON body and the header
 *
 *     X-Entra-Manager-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>
 *
 * where the HMAC is computed with the webhook's secret over the bytes `<t>.<body>` (the timestamp, a full stop,
 * then the raw body exactly as received). A receiver recomputes it with {@link verifyWebhookSignature}, compares in
 * constant time, and refuses a timestamp more than five minutes away from its clock (a replayed delivery).
 * `X-Entra-Manager-Delivery` names the delivery (the same on every retry of it, so a receiver can ignore a
 * duplicate) and `X-Entra-Manager-Event` the alert kind.
 */
export const SIGNATURE_HEADER = 'x-entra-manager-signature';
export const DELIVERY_HEADER = 'x-entra-manager-delivery';
export const EVENT_HEADER = 'x-entra-manager-event';
/** How far a signature's timestamp may be from the receiver's clock. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** The signature header's value for `body` sent at `timestampSeconds`. */
export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  const t = String(Math.floor(timestampSeconds));
  const v1 = crypto.createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex');
  return `t=${t},v1=${v1}`;
}

export type SignatureCheck =
  | { readonly valid: true; readonly timestamp: number }
  | { readonly valid: false; readonly reason: 'malformed' | 'mismatch' | 'too_old' };

/**
 * The receiver's check: `body` exactly as received (not re-serialised), the header's value, the shared secret.
 * Accepts any `v1=` among several (a receiver may hold the old and the new secret while rotating).
 */
export function verifyWebhookSignature(input: {
  readonly secret: string;
  readonly body: string | Buffer;
  readonly header: string | undefined;
  readonly nowSeconds?: number;
  readonly toleranceSeconds?: number;
}): SignatureCheck {
  const fields = (input.header ?? '').split(',').map((field) => field.trim().split('='));
  const t = fields.find(([name]) => name === 't')?.[1];
  const signatures = fields.filter(([name, value]) => name === 'v1' && value !== undefined).map(([, v]) => v);
  if (t === undefined || !/^\d{1,12}$/.test(t) || signatures.length === 0)
    return { valid: false, reason: 'malformed' };
  const timestamp = Number(t);
  const now = input.nowSeconds ?? Date.now() / 1000;
  if (Math.abs(now - timestamp) > (input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS))
    return { valid: false, reason: 'too_old' };
  const body = typeof input.body === 'string' ? input.body : input.body.toString('utf8');
  const expected = crypto.createHmac('sha256', input.secret).update(`${t}.${body}`, 'utf8').digest();
  const matches = signatures.some((signature) => {
    const given = Buffer.from(signature ?? '', 'hex');
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
  return matches ? { valid: true, timestamp } : { valid: false, reason: 'mismatch' };
}
