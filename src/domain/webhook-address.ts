import net from 'node:net';

/**
 * Where a webhook may point (issue 16; against server-side request forgery): https only, no user name or password
 * in the address, and — checked again on every delivery against the address the name resolves to — never a
 * private, loopback, link-local or otherwise internal address. Demo and test mode allow plain http to 127.0.0.1
 * (a receiver on the same machine) and nothing else internal.
 */

/** @returns what is wrong with the address, in words for the admin; undefined when it is acceptable. */
export function webhookUrlProblem(text: string, allowLoopbackHttp: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Enter a full web address starting with https://.';
  }
  if (url.username !== '' || url.password !== '')
    return 'Leave the user name and password out of the address; the signature proves who is sending.';
  if (url.hash !== '') return 'Leave the part after # out of the address.';
  const loopback = url.hostname === '127.0.0.1';
  if (url.protocol === 'http:' && allowLoopbackHttp && loopback) return undefined;
  if (url.protocol !== 'https:')
    return 'Only https:// addresses are accepted, so alerts are encrypted on the way.';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host.endsWith('.internal') ||
    host.endsWith('.local')
  )
    return 'The address must be reachable on the internet, not a name inside your network.';
  if (net.isIP(host) !== 0 && !isPublicAddress(host) && !(allowLoopbackHttp && loopback))
    return 'The address must be reachable on the internet, not a private or local address.';
  return undefined;
}

/** Whether an IP address is a public, routable one (not private, loopback, link-local, shared or reserved). */
export function isPublicAddress(address: string): boolean {
  if (net.isIPv4(address)) {
    const [a = 0, b = 0] = address.split('.').map(Number);
    if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
    if (a === 169 && b === 254) return false;
    if (a === 172 && b >= 16 && b <= 31) return false;
    if (a === 192 && b === 168) return false;
    if (a === 100 && b >= 64 && b <= 127) return false;
    if (a === 192 && b === 0) return false;
    if (a === 198 && (b === 18 || b === 19)) return false;
    return true;
  }
  if (net.isIPv6(address)) {
    const lower = address.toLowerCase();
    if (lower === '::' || lower === '::1') return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (mapped?.[1] !== undefined) return isPublicAddress(mapped[1]);
    if (/^f[cd]/.test(lower) || /^fe[89ab]/.test(lower) || lower.startsWith('ff')) return false;
    return true;
  }
  return false;
}
