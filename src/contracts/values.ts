/**
 * The few values (not types) both sides need: the patterns input is checked with — the core decides (its zod
 * schemas), the tab's forms check early with the same ones — and the length of a day. The one module of
 * src/contracts that holds values: plain constants, importing nothing, so the tab's browser build may import it.
 */

/** A GUID as Entra writes its ids (tenant, application, object): 8-4-4-4-12 hex digits, either case. */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A DNS domain name such as contoso.onmicrosoft.com (a tenant's verified domain). */
export const DOMAIN_PATTERN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** One day in milliseconds (calendar days are UTC days of this length). */
export const DAY_MS = 86_400_000;
