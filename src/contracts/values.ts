/**
 * The few values (not types) both sides need: the patterns input is checked with — the core decides (its zod
 * schemas), the tab's forms check early with the same ones — and the length of a day. The one module of
 * src/contracts that holds values: plain constants, importing nothing, so the tab's browser build may import it.
 */

/** A GUID as Entra writes its ids (tenant, application, object): 8-4-4-4-12 hex digits, either case. */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A DNS domain name such as contoso.onmicrosoft.com (a tenant's verified domain). */
export const DOMAIN_PATTERN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** A client's short name (used in the bot and in links): 2–40 lower-case letters, digits or dashes, e.g. contoso. */
export const CLIENT_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{1,39}$/;

/** One day in milliseconds (calendar days are UTC days of this length). */
export const DAY_MS = 86_400_000;

/**
 * The Microsoft Graph application permissions a client's tenant grants the app, each with why it is needed, in an
 * admin's words: the Setup form lists them before connecting, and the connection test says the same reason for each.
 * (Which higher-privileged permissions Microsoft accepts instead, and their app role ids, are in
 * src/graph/required-permissions.ts.)
 */
export const PERMISSIONS_TO_GRANT = [
  { name: 'User.Read.All', reason: 'read the users of the directory', optional: false },
  { name: 'Group.Read.All', reason: 'read groups and their members', optional: false },
  {
    name: 'Directory.Read.All',
    reason: 'read deleted users and groups; Microsoft also requires it to read the sign-in log',
    optional: false,
  },
  {
    name: 'Organization.Read.All',
    reason: "read the organisation's name and verified domains",
    optional: false,
  },
  {
    name: 'Team.ReadBasic.All',
    reason: 'list Teams; without it the app tells which groups are Teams another way',
    optional: true,
  },
  {
    name: 'AuditLog.Read.All',
    reason: 'read the sign-in log, last sign-in dates and MFA registrations (needs Entra ID P1 or P2)',
    optional: false,
  },
] as const satisfies readonly { name: string; reason: string; optional: boolean }[];
