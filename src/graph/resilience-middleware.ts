import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthError, GraphRequestError } from './graph-errors.js';
import { GraphCallScope } from './graph-call-scope.js';
import { TransportFailure } from './https-transport.js';
import { backoffDelay, parseRetryAfter } from './retry-after.js';
import type { TenantGate } from './tenant-gate.js';

/** How hard a request is retried. Durations in ms. */
export interface RetryPolicy {
  /** Retries after 429 (each honouring its Retry-After). */
  readonly maxThrottleRetries: number;
  /** Retries after 5xx, timeouts and connection resets (exponential backoff with jitter). */
  readonly maxFailureRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Per attempt, headers and body. */
  readonly timeoutMs: number;
  /** Added to every Retry-After: clocks and timers are not exact, and "never earlier" is the rule. */
  readonly safetyMarginMs: number;
  /** Backoff when a 429 carries no Retry-After. */
  readonly throttleFallbackMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxThrottleRetries: 12,
  maxFailureRetries: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  timeoutMs: 60_000,
  safetyMarginMs: 25,
  throttleFallbackMs: 5_000,
};

export interface ResilienceMiddlewareOptions {
  readonly gate: TenantGate;
  readonly policy: RetryPolicy;
  /** For errors: which tenant and app a failed sign-in was for. */
  readonly tenant: string;
  readonly appClientId: string;
  readonly now?: () => number;
  readonly random?: () => number;
}

/**
 * The first link of the chain, wrapping authentication and transport: every attempt passes the tenant's gate
 * (concurrency, Retry-After, pacing, urgency); 429 and 503 with Retry-After hold the whole tenant until it has passed;
 * 5xx, timeouts and resets back off exponentially with jitter; token failures become {@link AuthError} at once.
 * Leaves the last HTTP response in the context for the caller to judge; records a typed failure in the scope.
 */
export class ResilienceMiddleware implements Middleware {
  private next: Middleware | undefined;
  private readonly options: ResilienceMiddlewareOptions;
  private readonly now: () => number;

  constructor(options: ResilienceMiddlewareOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const next = this.next;
    if (next === undefined) throw new Error('ResilienceMiddleware needs a next middleware.');
    const scope =
      (context.middlewareControl?.getMiddlewareOptions(GraphCallScope) as GraphCallScope | undefined) ??
      new GraphCallScope('graph', [], undefined, undefined);
    const { gate, policy } = this.options;
    let throttleRetries = 0;
    let failureRetries = 0;

    for (let attempt = 1; ; attempt++) {
      // Every attempt, retries included, waits with the call's urgency: a person still waits for the retry.
      const ticket = await gate.acquire(scope.pace, scope.signal, scope.urgent).catch((error: unknown) => {
        // Cancelled while waiting for the tenant (the process is stopping): nothing was sent.
        scope.failure = new GraphRequestError(
          {
            status: 0,
            graphCode: 'aborted',
            graphMessage: 'The request was cancelled.',
            requestId: undefined,
            operation: scope.operation,
          },
          { cause: error },
        );
        throw scope.failure;
      });
      scope.charge({ requests: 1, retries: attempt > 1 ? 1 : 0, throttledMs: ticket.throttledMs });
      if (attempt > 1) {
        setHeader(context, 'Retry-Attempt', String(attempt - 1));
        // The auth handler appends to an existing header ("Bearer a, Bearer a"): let it set a fresh one.
        removeHeader(context, 'Authorization');
      }
      try {
        await next.execute(context);
      } catch (error) {
        ticket.release();
        if (!(error instanceof TransportFailure)) {
          scope.failure = AuthError.fromCredentialError(error, {
            tenant: this.options.tenant,
            appClientId: this.options.appClientId,
          });
          throw scope.failure;
        }
        if (error.kind !== 'aborted' && error.kind !== 'tls' && failureRetries < policy.maxFailureRetries) {
          failureRetries++;
          await sleep(backoffDelay(failureRetries, policy, this.options.random), undefined, {
            signal: scope.signal,
          });
          continue;
        }
        scope.failure = new GraphRequestError(
          {
            status: 0,
            graphCode: error.kind,
            graphMessage: error.message,
            requestId: undefined,
            operation: scope.operation,
          },
          { cause: error },
        );
        throw scope.failure;
      }
      ticket.release();

      const response = context.response;
      if (response === undefined) return;
      const status = response.status;
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.now());
      if (status === 429) scope.charge({ throttled: 1 });
      if (retryAfterMs !== undefined && (status === 429 || status >= 500)) {
        // Hold every caller of this tenant, not only this request: Graph throttles the app+tenant pair.
        gate.holdUntil(this.now() + retryAfterMs + policy.safetyMarginMs);
      }
      if (status === 429 && throttleRetries < policy.maxThrottleRetries) {
        throttleRetries++;
        if (retryAfterMs === undefined) {
          gate.holdUntil(
            this.now() + backoffDelay(throttleRetries, { ...policy, baseDelayMs: policy.throttleFallbackMs }),
          );
        }
        continue;
      }
      if (status >= 500 && status !== 501 && failureRetries < policy.maxFailureRetries) {
        failureRetries++;
        if (retryAfterMs === undefined) {
          await sleep(backoffDelay(failureRetries, policy, this.options.random), undefined, {
            signal: scope.signal,
          });
        }
        continue;
      }
      return;
    }
  }
}

function removeHeader(context: Context, name: string): void {
  const headers = context.options?.headers;
  if (headers === undefined) return;
  if (headers instanceof Headers) headers.delete(name);
  else if (Array.isArray(headers)) {
    const kept = headers.filter((entry) => entry[0]?.toLowerCase() !== name.toLowerCase());
    headers.splice(0, headers.length, ...kept);
  } else {
    const record = headers as Record<string, string>;
    for (const key of Object.keys(record))
      if (key.toLowerCase() === name.toLowerCase()) Reflect.deleteProperty(record, key);
  }
}

function setHeader(context: Context, name: string, value: string): void {
  context.options ??= {};
  const headers = context.options.headers;
  if (headers instanceof Headers) headers.set(name, value);
  else if (Array.isArray(headers)) headers.push([name, value]);
  else context.options.headers = { ...(headers ?? {}), [name]: value };
}
