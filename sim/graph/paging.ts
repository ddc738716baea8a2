import { createHmac } from 'node:crypto';

const MAC_CHARS = 11; // 8 bytes in base64url

/**
 * Opaque `$skiptoken` / `$deltatoken` values: base64url JSON sealed with an HMAC under a key private to this
 * simulator run, bound to a token kind and tenant. Clients cannot read or forge them, and tokens from an earlier
 * run are rejected (as Graph rejects tokens it no longer knows).
 */
export class TokenCodec {
  constructor(private readonly key: Buffer) {}

  encode(kind: string, tenantId: string, payload: unknown): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return this.mac(kind, tenantId, body) + body;
  }

  /** The payload, or undefined when the token is malformed, forged, of another kind or another tenant. */
  decode(kind: string, tenantId: string, token: string): unknown {
    if (token.length <= MAC_CHARS) return undefined;
    const mac = token.slice(0, MAC_CHARS);
    const body = token.slice(MAC_CHARS);
    if (this.mac(kind, tenantId, body) !== mac) return undefined;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }

  private mac(kind: string, tenantId: string, body: string): string {
    return createHmac('sha256', this.key)
      .update(`${kind}|${tenantId}|${body}`)
      .digest()
      .subarray(0, 8)
      .toString('base64url');
  }
}

/**
 * An absolute link like Graph's nextLink: `https://host/v1.0/users?$select=a,b&$top=5&$skiptoken=…`. Values keep
 * the characters Graph leaves readable in its links (`,`, `'`, `(`, `)`, `:`) and percent-encode the rest.
 */
export function buildLink(
  baseUrl: string,
  version: string,
  path: string,
  params: readonly (readonly [string, string])[],
): string {
  const query = params.map(([key, value]) => `${key}=${encodeValue(value)}`).join('&');
  return `${baseUrl}/${version}/${path}${query === '' ? '' : `?${query}`}`;
}

function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/%2C/gi, ',').replace(/%3A/gi, ':').replace(/%27/g, "'");
}

/** The request's query parameters without paging tokens, followed by a fresh token. */
export function withToken(
  params: readonly (readonly [string, string])[],
  name: '$skiptoken' | '$deltatoken',
  token: string,
): (readonly [string, string])[] {
  return [...params.filter(([key]) => key !== '$skiptoken' && key !== '$deltatoken'), [name, token]];
}

/**
 * One page from a table scanned in place (no copy of the table): up to `top` accepted rows from `start`, and the
 * position of the next accepted row if there is one (a nextLink is only given when more rows really follow).
 */
export function pageRows<T>(
  rows: readonly T[],
  start: number,
  top: number,
  accept: (row: T) => boolean,
): { items: T[]; next: number | undefined } {
  const items: T[] = [];
  let i = start;
  for (; i < rows.length && items.length < top; i++) {
    const row = rows[i];
    if (row !== undefined && accept(row)) items.push(row);
  }
  for (; i < rows.length; i++) {
    const row = rows[i];
    if (row !== undefined && accept(row)) return { items, next: i };
  }
  return { items, next: undefined };
}

/** Reads `{ p: position }` from a skiptoken; undefined when there is none. Throws Graph's 400 for a bad token. */
export function decodePosition(
  codec: TokenCodec,
  kind: string,
  tenantId: string,
  token: string | undefined,
  onInvalid: () => Error,
): number | undefined {
  if (token === undefined) return undefined;
  const payload = codec.decode(kind, tenantId, token) as { p?: unknown } | undefined;
  if (typeof payload?.p !== 'number' || !Number.isInteger(payload.p) || payload.p < 0) throw onInvalid();
  return payload.p;
}

/** How many rows a predicate accepts, without building an array. */
export function countRows<T>(rows: readonly T[], accept: (row: T) => boolean): number {
  let count = 0;
  for (const row of rows) if (accept(row)) count++;
  return count;
}
