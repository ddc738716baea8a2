/**
 * How long a `Retry-After` header asks us to wait, in milliseconds from `nowMs`: delay-seconds (Graph sends
 * fractions such as `2.128`) or an HTTP date. `undefined` when there is no usable header; never negative.
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  // An HTTP date names its day and month ("Thu, 26 Nov 2026 10:00:03 GMT"); bare numbers were handled above.
  const at = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Exponential backoff with full jitter: a random delay in [base·2^(attempt−1) / 2, base·2^(attempt−1)], capped.
 * `attempt` counts from 1. `random` is injectable so tests can pin it.
 */
export function backoffDelay(
  attempt: number,
  policy: { readonly baseDelayMs: number; readonly maxDelayMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
