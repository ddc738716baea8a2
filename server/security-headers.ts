/**
 * The hosts that may frame the tab: Teams (classic and new, web and desktop), and Outlook and the Microsoft 365 app,
 * where Teams tabs also run. One list, in one place: `frame-ancestors` of the tab's CSP is built from it.
 * https://learn.microsoft.com/microsoftteams/platform/tabs/how-to/tab-requirements ("frame-ancestors")
 */
export const TAB_HOST_ORIGINS: readonly string[] = [
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://*.teams.cloud.microsoft',
  'https://*.office.com',
  'https://*.microsoft365.com',
  'https://*.cloud.microsoft',
  // Outlook, as the list names it (outlook.office.com is also under *.office.com).
  'https://outlook.office.com',
  'https://outlook.office365.com',
  'https://outlook-sdf.office.com',
  'https://outlook-sdf.office365.com',
];

/**
 * Where teams-js fetches the current list of valid Teams host origins (it falls back to a bundled list when it
 * cannot): `validOriginsCdnEndpoint` in @microsoft/teams-js (src/internal/constants.ts).
 */
const TEAMS_JS_ORIGINS_CDN = 'https://res.cdn.office.net';

/**
 * The tab's Content Security Policy: everything from its own origin (the build bundles React, Fluent UI and
 * teams-js; the API is same-origin; teams-js reads its list of valid hosts from Microsoft's CDN), inline styles because Fluent UI's Griffel inserts its rules at run time, no
 * plugins, no `<base>` or form posts elsewhere, and framing only by the Teams hosts (and this origin: the local host
 * page in demo mode). `extraFrameSources` lets the local host page frame the tab.
 */
export function tabContentSecurityPolicy(
  options: { readonly frameSources?: readonly string[] } = {},
): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${TEAMS_JS_ORIGINS_CDN}`,
    `frame-src ${options.frameSources === undefined ? "'none'" : options.frameSources.join(' ')}`,
    "worker-src 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${["'self'", ...TAB_HOST_ORIGINS].join(' ')}`,
  ].join('; ');
}

/** Pages that are only text (consent answer, privacy, terms): nothing runs, nothing frames them. */
export const STATIC_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

/**
 * Headers every response carries: no MIME sniffing, no referrer beyond the origin, and — in production, where the
 * public address is https — HSTS, so a browser never talks to the app over plain http again.
 */
export function commonSecurityHeaders(mode: 'demo' | 'production'): Readonly<Record<string, string>> {
  return {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    ...(mode === 'production' ? { 'strict-transport-security': 'max-age=31536000' } : {}),
  };
}
