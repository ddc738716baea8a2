/**
 * The one spelling of a request path that every guard and the router see (DESIGN §9: demo-only surfaces "do not
 * exist in production under any path spelling"). Percent-encoding is decoded once, `.` and `..` segments are
 * resolved and empty segments (double slashes) dropped, then each segment is encoded again — so `/%64ev/token`,
 * `/tab//dev/x` and `/tab/assets/../dev/x` become `/dev/token`, `/tab/dev/x`, `/tab/dev/x`. Spellings no legitimate
 * client sends are refused rather than guessed at: an encoded slash or backslash, a backslash, control characters
 * (NUL included), malformed percent-encoding, and anything but an origin-form path.
 */
export type CanonicalUrl =
  | { readonly ok: true; readonly path: string; readonly url: string }
  | { readonly ok: false; readonly reason: string };

export function canonicalUrl(raw: string): CanonicalUrl {
  if (!raw.startsWith('/')) return { ok: false, reason: 'the request target must be a path' };
  const queryAt = raw.indexOf('?');
  const rawPath = queryAt < 0 ? raw : raw.slice(0, queryAt);
  const query = queryAt < 0 ? '' : raw.slice(queryAt);
  if (/%2f|%5c|\\/i.test(rawPath)) {
    return { ok: false, reason: 'the path may not contain an encoded slash or a backslash' };
  }
  const segments: string[] = [];
  for (const encoded of rawPath.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(encoded);
    } catch {
      return { ok: false, reason: 'the path has malformed percent-encoding' };
    }
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
    if (/[\u0000-\u001f\u007f]/.test(segment)) {
      return { ok: false, reason: 'the path may not contain control characters' };
    }
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  const trailing = rawPath.length > 1 && rawPath.endsWith('/') && segments.length > 0 ? '/' : '';
  const path = `/${segments.map(encodeSegment).join('/')}${trailing}`;
  return { ok: true, path, url: `${path}${query}` };
}

/** encodeURIComponent, keeping the characters RFC 3986 allows unencoded in a path segment. */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%(?:40|3A|24|2C|3B|3D|2B|21|27|28|29|2A)/gi, (match) =>
    decodeURIComponent(match),
  );
}
