import { settings } from '../../src/config/settings.js';

/**
 * What admin-facing text must not contain (issue 16, README "plain language"): the design's rule numbers, API
 * endpoint paths, "Graph requests", and setting names — environment variables and the raw property names of
 * Microsoft Graph resources. Permission names (`User.Read.All`) are allowed: they are what Entra's own screens show
 * an admin who grants them.
 */
export const FORBIDDEN_IN_ADMIN_TEXT: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  { what: 'a rule number', pattern: /\brules?\s+\d+|§\s*\d+/i },
  {
    what: 'an endpoint path',
    pattern:
      /(^|[\s('"`])\/(users|groups|me|organization|subscribedSkus|servicePrincipals|applications|auditLogs|reports|directoryRoles|api|auth|clients)\b|\b(users|groups|servicePrincipals)\.delta\b|graph\.microsoft\.com|\bv1\.0\//,
  },
  { what: '"Graph requests"', pattern: /\bGraph requests?\b/i },
  {
    // The app's own settings (src/config/settings.ts) — not Microsoft's product codes such as SPE_E3, which the
    // Licences screen shows next to each product's name as Microsoft's admin center does.
    what: 'a setting name',
    pattern: new RegExp(`\\b(${settings.map((setting) => setting.env).join('|')})\\b`),
  },
  {
    what: 'a Graph property or setting name',
    // camelCase words: userRegistrationDetails, signInActivity, isMfaRegistered, authenticationRequirement…
    pattern: /\b[a-z]+(?:[A-Z][a-z0-9]+)+\b/,
  },
];

/** Words in camelCase that are ordinary product names or words, not settings. */
const ALLOWED = [/\biOS\b/, /\bmacOS\b/, /\be(?:Mail|Bay)\b/];

/** The forbidden things found in `text`, each as "what: the words" (empty when the text is plain). */
export function jargonIn(text: string): string[] {
  let cleaned = text;
  for (const allowed of ALLOWED) cleaned = cleaned.replace(new RegExp(allowed.source, 'g'), '');
  // Permission names (Directory.Read.All) and addresses (a UPN, a domain) are named as the admin meets them.
  cleaned = cleaned.replace(/\b[A-Z][A-Za-z]+(?:\.[A-Z][A-Za-z]+)+\b/g, '');
  cleaned = cleaned.replace(/\S+@\S+|\b[\w-]+(?:\.[\w-]+)+\.[a-z]{2,}\b/g, '');
  const found: string[] = [];
  for (const { what, pattern } of FORBIDDEN_IN_ADMIN_TEXT) {
    const match = pattern.exec(cleaned);
    if (match !== null) found.push(`${what}: "${match[0].trim()}"`);
  }
  return found;
}
