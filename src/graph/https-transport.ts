import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { fetch, type Dispatcher } from 'undici';
import { GraphCallScope } from './graph-call-scope.js';

/** Why a request got no HTTP answer. */
/** `tls`: the server's certificate is not trusted — retrying cannot help. */
export type TransportFailureKind = 'timeout' | 'reset' | 'unreachable' | 'tls' | 'aborted';

/** A request that got no HTTP answer (or lost it halfway): retryable unless the caller aborted. */
export class TransportFailure extends Error {
  override readonly name = 'TransportFailure';
  constructor(
    readonly kind: TransportFailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface HttpsTransportOptions {
  /** undici dispatcher that trusts the configured CA and keeps connections alive. */
  readonly dispatcher: Dispatcher;
  readonly timeoutMs: number;
}

/**
 * The last link of the chain: sends the request with undici (so an extra CA can be trusted in-process) and reads
 * the whole body before returning, so that a connection reset or a timeout halfway through a page is a failure the
 * retry middleware sees — not a broken JSON parse later.
 */
export class HttpsTransport implements Middleware {
  private readonly dispatcher: Dispatcher;
  private readonly timeoutMs: number;

  constructor(options: HttpsTransportOptions) {
    this.dispatcher = options.dispatcher;
    this.timeoutMs = options.timeoutMs;
  }

  async execute(context: Context): Promise<void> {
    // The graph client always passes the URL as a string.
    const request: unknown = context.request;
    const url = typeof request === 'string' ? request : (request as { url: string }).url;
    const scope = context.middlewareControl?.getMiddlewareOptions(GraphCallScope) as
      GraphCallScope | undefined;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = scope?.signal === undefined ? timeout : AbortSignal.any([timeout, scope.signal]);
    const options = context.options ?? {};
    try {
      const response = await fetch(url, {
        method: options.method ?? 'GET',
        headers: toHeaderRecord(options.headers),
        body: typeof options.body === 'string' ? options.body : null,
        dispatcher: this.dispatcher,
        signal,
      });
      const body = await response.arrayBuffer();
      context.response = new Response(response.status === 204 ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: Object.fromEntries(response.headers.entries()),
      });
    } catch (error) {
      if (scope?.signal?.aborted === true)
        throw new TransportFailure('aborted', 'The request was cancelled.', { cause: error });
      if (timeout.aborted) {
        throw new TransportFailure('timeout', `No answer within ${this.timeoutMs} ms.`, { cause: error });
      }
      throw new TransportFailure(classify(error), describe(error), { cause: error });
    }
  }
}

function toHeaderRecord(headers: RequestInit['headers']): Record<string, string> {
  if (headers === undefined) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  const entries: [string, string][] = Array.isArray(headers)
    ? headers.map(([name, value]) => [String(name), String(value)])
    : Object.entries(headers).map(([name, value]) => [name, String(value)]);
  return Object.fromEntries(entries);
}

function classify(error: unknown): TransportFailureKind {
  const code = errorCode(error);
  if (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  )
    return 'unreachable';
  if (code !== undefined && /CERT|SELF_SIGNED|TLS|SSL/.test(code)) return 'tls';
  return 'reset';
}

function errorCode(error: unknown): string | undefined {
  for (
    let current: unknown = error, depth = 0;
    depth < 4 && typeof current === 'object' && current !== null;
    depth++
  ) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describe(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined ? message : `${message} (${code})`;
}
