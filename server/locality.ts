import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether a request comes from this machine (DESIGN §9: demo-only surfaces — the local Teams host, its token
 * endpoint, the anonymous bot — decide "local" from the socket, never from anything the caller sends). Three
 * conditions, all from what the caller cannot choose or what betrays a relay:
 * - the socket's remote address is a loopback address;
 * - no proxy header: a local reverse proxy or tunnel (devtunnel, ngrok) makes every request loopback, and says so
 *   with `X-Forwarded-For` / `Forwarded`;
 * - the `Host` names this machine: a page served from another name that resolves here (DNS rebinding) sends its
 *   own name.
 */
export function isLocalRequest(request: {
  readonly socket: { readonly remoteAddress?: string | undefined };
  readonly headers: IncomingHttpHeaders;
}): boolean {
  if (!isLoopbackAddress(request.socket.remoteAddress)) return false;
  if (PROXY_HEADERS.some((name) => request.headers[name] !== undefined)) return false;
  return isLoopbackHost(hostnameOf(request.headers.host));
}

const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip', 'x-original-host'];

export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

export function isLoopbackHost(hostname: string | undefined): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '::1' ||
    (hostname !== undefined && /^127\.\d+\.\d+\.\d+$/.test(hostname))
  );
}

/** The host name of a `Host` header, lower case, without port or IPv6 brackets; undefined when malformed. */
export function hostnameOf(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  const match = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9.-]+))(?::\d{1,5})?$/i.exec(host.trim());
  const name = match?.[1] ?? match?.[2];
  return name?.toLowerCase().replace(/\.$/, '');
}
