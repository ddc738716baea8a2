import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Reads a request body as text (bounded). */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new RangeError('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Header values as one string each, lower-case names. */
export function flatHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers))
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** Path segments, percent-decoded; undefined when the path is not valid percent-encoding. */
export function pathSegments(pathname: string): string[] | undefined {
  try {
    return pathname
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

export function send(
  res: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: string,
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body).toString() });
  res.end(body);
}

const STREAM_CHUNK_ITEMS = 50;

/**
 * Writes a JSON body. A large collection (`{ …, value: [many] }`) is written in chunks of a few dozen items with
 * chunked transfer encoding, so serving a 1,000-sign-in page never builds one megabyte-sized string (such strings
 * land in V8's large-object space and make the collector sweep the whole tenant over and over).
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: unknown,
): void {
  if (res.headersSent || res.destroyed) return;
  const value = (body as { value?: unknown } | null)?.value;
  if (!Array.isArray(value) || value.length <= STREAM_CHUNK_ITEMS) {
    send(res, status, headers, JSON.stringify(body));
    return;
  }
  const head = JSON.stringify({ ...(body as Record<string, unknown>), value: [] });
  res.writeHead(status, headers);
  res.write(head.slice(0, -2)); // everything up to the empty value array's closing `]}`
  for (let i = 0; i < value.length; i += STREAM_CHUNK_ITEMS) {
    const chunk = JSON.stringify(value.slice(i, i + STREAM_CHUNK_ITEMS));
    res.write(i === 0 ? chunk.slice(1, -1) : `,${chunk.slice(1, -1)}`);
  }
  res.end(']}');
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** Wall-clock milliseconds with sub-millisecond precision (for Retry-After bookkeeping). */
export function preciseNowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function isLoopback(address: string | undefined): boolean {
  return (
    address !== undefined &&
    (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'))
  );
}
