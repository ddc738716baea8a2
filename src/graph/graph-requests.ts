/**
 * Every kind of request the product sends to Microsoft, in one list: method, path, query options, API version, the
 * Microsoft documentation page it follows, and one small read-only example that `doctor` sends to check a real
 * tenant answers it. A test (test/integration/graph/request-inventory.test.ts) runs a connection test, full and
 * incremental syncs and sign-in ingestion against the simulator and checks every request they sent matches an
 * entry here, options included, and that every entry was sent or is marked why it cannot be there.
 */
import { SERVICE_PRINCIPAL_SELECT } from '../sync/activity-mappers.js';
import { GROUP_SELECT, USER_SELECT } from '../sync/directory-mappers.js';
import { DAY_MS } from '../shared/clock.js';
import { SUBSCRIBED_SKUS_SELECT } from '../sync/licence-sync.js';

export interface GraphRequestKind {
  /** Stable name (doctor's report, the closing note). */
  readonly name: string;
  /** What the product uses it for. */
  readonly purpose: string;
  readonly method: 'GET' | 'POST';
  /** Host `graph` (Microsoft Graph) or `login` (the Entra authority). */
  readonly host: 'graph' | 'login';
  /** The path as the product sends it, with `{placeholders}`. */
  readonly path: string;
  /** Query options (or form fields, for the token request) as sent. */
  readonly options: string;
  readonly version: 'v1.0' | 'beta' | 'identity';
  /** The Microsoft page that documents the request and its options. */
  readonly doc: string;
  /**
   * The simulator's name of the endpoint (`GET /v1.0/users/delta`, `POST /{tenant}/oauth2/v2.0/token`); absent for
   * what the server never sends itself.
   */
  readonly endpoint?: string;
  /**
   * The query options (form fields, for the token request) of the first request, exactly: a string is the value
   * sent, a RegExp the shape of a value that changes, `…` a value that is a secret or an id. Later pages follow the
   * `@odata.nextLink` / `@odata.deltaLink` Graph returns, verbatim.
   */
  readonly sent: Readonly<Record<string, string | RegExp>>;
  /** A small read-only request of this kind, relative to the version root, for `doctor`; absent when it cannot be sent alone. */
  readonly probe?: (now: Date) => string;
  /** The application permission Microsoft requires (least privileged). */
  readonly permission?: string;
}

const DOCS = 'https://learn.microsoft.com/en-us/graph/api';
const odataTime = (ms: number): string =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const window = (now: Date): string =>
  `createdDateTime ge ${odataTime(now.getTime() - DAY_MS)} and createdDateTime le ${odataTime(now.getTime())}`;
const EVENT_TYPES = "signInEventTypes/any(t: t eq 'interactiveUser' or t eq 'nonInteractiveUser')";
const ODATA_TIME = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z`;
/** One `createdDateTime` window (the newest is open-ended), then `rest`. */
const windowFilter = (rest: string): RegExp =>
  new RegExp(
    `^createdDateTime ge ${ODATA_TIME}(?: and createdDateTime le ${ODATA_TIME})?${rest.replace(/[()/]/g, '\\$&')}$`,
  );

export const GRAPH_REQUESTS: readonly GraphRequestKind[] = [
  {
    name: 'token',
    purpose: 'app-only access token (client credentials)',
    method: 'POST',
    host: 'login',
    path: '/{tenant}/oauth2/v2.0/token',
    options:
      'grant_type=client_credentials, scope=https://graph.microsoft.com/.default, client_id, client_secret',
    version: 'identity',
    doc: 'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow',
    endpoint: 'POST /{tenant}/oauth2/v2.0/token',
    sent: {
      grant_type: 'client_credentials',
      scope: 'https://graph.microsoft.com/.default',
      client_id: '…',
      client_secret: '…',
      // Added by MSAL (under @azure/identity's ClientSecretCredential): a correlation id and library telemetry.
      'client-request-id': /^[0-9a-f-]{36}$/,
      'x-client-SKU': 'msal.js.node',
      'x-client-VER': /^\d+\.\d+\.\d+/,
      'x-client-OS': /^\w+$/,
      'x-client-CPU': /^\w+$/,
      'x-client-current-telemetry': /^5\|/,
      'x-client-last-telemetry': /^5\|/,
      'x-ms-lib-capability': 'retry-after, h429',
    },
  },
  {
    name: 'authority metadata',
    purpose:
      "the authority's OpenID configuration, read by MSAL before its first token for a tenant (instance discovery is off)",
    method: 'GET',
    host: 'login',
    path: '/{tenant}/v2.0/.well-known/openid-configuration',
    options: 'none',
    version: 'identity',
    doc: 'https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri',
    endpoint: 'GET /{tenant}/v2.0/.well-known/openid-configuration',
    sent: {},
  },
  {
    name: 'organization',
    purpose: "the tenant's id, name and verified domains (connection check, every directory sync)",
    method: 'GET',
    host: 'graph',
    path: '/organization',
    options: '$select=id,displayName,verifiedDomains',
    version: 'v1.0',
    doc: `${DOCS}/organization-list`,
    endpoint: 'GET /v1.0/organization',
    probe: () => '/organization?$select=id,displayName,verifiedDomains',
    permission: 'Organization.Read.All',
    sent: { $select: 'id,displayName,verifiedDomains' },
  },
  {
    name: 'users.delta',
    purpose: 'users and their changes (directory sync)',
    method: 'GET',
    host: 'graph',
    path: '/users/delta',
    options: `$select=${USER_SELECT.join(',')}; then the @odata.nextLink / @odata.deltaLink Graph returns`,
    version: 'v1.0',
    doc: `${DOCS}/user-delta`,
    endpoint: 'GET /v1.0/users/delta',
    probe: () => `/users/delta?$select=${USER_SELECT.join(',')}`,
    permission: 'User.Read.All',
    sent: { $select: USER_SELECT.join(',') },
  },
  {
    name: 'groups.delta',
    purpose: 'groups, Teams (resourceProvisioningOptions) and direct members (directory sync)',
    method: 'GET',
    host: 'graph',
    path: '/groups/delta',
    options: `$select=${GROUP_SELECT.join(',')}; then the @odata.nextLink / @odata.deltaLink Graph returns`,
    version: 'v1.0',
    doc: `${DOCS}/group-delta`,
    endpoint: 'GET /v1.0/groups/delta',
    probe: () => `/groups/delta?$select=${GROUP_SELECT.join(',')}`,
    permission: 'Group.Read.All',
    sent: { $select: GROUP_SELECT.join(',') },
  },
  {
    name: 'signIns.beta',
    purpose: 'sign-in events with per-sign-in MFA, interactive and non-interactive (usage, SSO, MFA reports)',
    method: 'GET',
    host: 'graph',
    path: '/auditLogs/signIns',
    options: `$filter=createdDateTime ge {from} and createdDateTime le {to} and ${EVENT_TYPES} (one-day windows, newest first); $top=1000; no $select (refused)`,
    version: 'beta',
    doc: `${DOCS}/signin-list?view=graph-rest-beta`,
    endpoint: 'GET /beta/auditLogs/signIns',
    probe: (now) =>
      `/auditLogs/signIns?$filter=${encodeURIComponent(`${window(now)} and ${EVENT_TYPES}`)}&$top=1`,
    permission: 'AuditLog.Read.All + Directory.Read.All',
    sent: { $filter: windowFilter(` and ${EVENT_TYPES}`), $top: '1000' },
  },
  {
    name: 'signIns.v1',
    purpose: 'interactive sign-ins when a tenant refuses /beta (MFA per sign-in unknown)',
    method: 'GET',
    host: 'graph',
    path: '/auditLogs/signIns',
    options: '$filter=createdDateTime ge {from} and createdDateTime le {to} (one-day windows); $top=1000',
    version: 'v1.0',
    doc: `${DOCS}/signin-list`,
    endpoint: 'GET /v1.0/auditLogs/signIns',
    probe: (now) => `/auditLogs/signIns?$filter=${encodeURIComponent(window(now))}&$top=1`,
    permission: 'AuditLog.Read.All + Directory.Read.All',
    sent: { $filter: windowFilter(''), $top: '1000' },
  },
  {
    name: 'users.signInActivity',
    purpose: "each user's last successful sign-in (expiry)",
    method: 'GET',
    host: 'graph',
    path: '/users',
    options: '$select=id,signInActivity&$top=500',
    version: 'v1.0',
    doc: `${DOCS}/user-list`,
    endpoint: 'GET /v1.0/users',
    probe: () => '/users?$select=id,signInActivity&$top=1',
    permission: 'AuditLog.Read.All + User.Read.All',
    sent: { $select: 'id,signInActivity', $top: '500' },
  },
  {
    name: 'subscribedSkus',
    purpose: "the tenant's subscriptions: SKU, seats bought and assigned (licences and their cost)",
    method: 'GET',
    host: 'graph',
    path: '/subscribedSkus',
    options: `$select=${SUBSCRIBED_SKUS_SELECT}`,
    version: 'v1.0',
    doc: `${DOCS}/subscribedsku-list`,
    endpoint: 'GET /v1.0/subscribedSkus',
    probe: () => `/subscribedSkus?$select=${SUBSCRIBED_SKUS_SELECT}`,
    sent: { $select: SUBSCRIBED_SKUS_SELECT },
    permission: 'Organization.Read.All (LicenseAssignment.Read.All is the least privileged)',
  },
  {
    name: 'users.assignedLicenses',
    purpose: "each user's licences (licence cost per user, inactive but licensed)",
    method: 'GET',
    host: 'graph',
    path: '/users',
    options: '$select=id,assignedLicenses&$top=999',
    version: 'v1.0',
    doc: `${DOCS}/user-list`,
    endpoint: 'GET /v1.0/users',
    probe: () => '/users?$select=id,assignedLicenses&$top=1',
    sent: { $select: 'id,assignedLicenses', $top: '999' },
    permission: 'User.Read.All',
  },
  {
    name: 'userRegistrationDetails',
    purpose: 'MFA registration per user (MFA coverage)',
    method: 'GET',
    host: 'graph',
    path: '/reports/authenticationMethods/userRegistrationDetails',
    options: 'none (only $filter and $orderBy are documented)',
    version: 'v1.0',
    doc: `${DOCS}/authenticationmethodsroot-list-userregistrationdetails`,
    endpoint: 'GET /v1.0/reports/authenticationMethods/userRegistrationDetails',
    probe: () => '/reports/authenticationMethods/userRegistrationDetails',
    permission: 'AuditLog.Read.All',
    sent: {},
  },
  {
    name: 'servicePrincipals',
    purpose: 'enterprise applications and their SSO mode (SSO report)',
    method: 'GET',
    host: 'graph',
    path: '/servicePrincipals',
    options: `$select=${SERVICE_PRINCIPAL_SELECT}&$top=999`,
    version: 'v1.0',
    doc: `${DOCS}/serviceprincipal-list`,
    endpoint: 'GET /v1.0/servicePrincipals',
    probe: () => `/servicePrincipals?$select=${SERVICE_PRINCIPAL_SELECT}&$top=1`,
    permission: 'Application.Read.All',
    sent: { $select: SERVICE_PRINCIPAL_SELECT, $top: '999' },
  },
  {
    name: 'servicePrincipal.byAppId',
    purpose: "our own service principal, when the token's roles cannot be read",
    method: 'GET',
    host: 'graph',
    path: "/servicePrincipals(appId='{clientId}')",
    options: '$select=id',
    version: 'v1.0',
    doc: `${DOCS}/serviceprincipal-get`,
    endpoint: "GET /v1.0/servicePrincipals(appId='{appId}')",
    permission: 'Application.Read.All',
    sent: { $select: 'id' },
  },
  {
    name: 'appRoleAssignments',
    purpose: 'the application permissions granted to our service principal, when the token cannot be read',
    method: 'GET',
    host: 'graph',
    path: '/servicePrincipals/{id}/appRoleAssignments',
    options: 'none',
    version: 'v1.0',
    doc: `${DOCS}/serviceprincipal-list-approleassignments`,
    endpoint: 'GET /v1.0/servicePrincipals/{id}/appRoleAssignments',
    permission: 'Application.Read.All',
    sent: {},
  },
  {
    name: 'adminconsent',
    purpose:
      "the client's admin grants our multi-tenant app consent (browser redirect, not sent by the server)",
    method: 'GET',
    host: 'login',
    path: '/{tenant id}/v2.0/adminconsent',
    options:
      'client_id, scope=https://graph.microsoft.com/.default, redirect_uri={PUBLIC_BASE_URL}/auth/consent/callback, state',
    version: 'identity',
    doc: 'https://learn.microsoft.com/en-us/entra/identity-platform/v2-admin-consent',
    sent: {
      client_id: '…',
      scope: 'https://graph.microsoft.com/.default',
      redirect_uri: /^https:\/\/.+\/auth\/consent\/callback$/,
      state: /^.+$/,
    },
  },
  {
    name: 'jwks',
    purpose: "the signing keys of Teams SSO tokens (the tab's API)",
    method: 'GET',
    host: 'login',
    path: '/{tid}/discovery/v2.0/keys',
    options: 'none',
    version: 'identity',
    doc: 'https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens#validate-tokens',
    endpoint: 'GET /{tenant}/discovery/v2.0/keys',
    sent: {},
  },
  {
    name: 'batch.users.update',
    purpose:
      'act on selected users (optional, after preview and confirmation): block or allow sign-in (PATCH /users/{id} {"accountEnabled"}), revoke sessions (POST /users/{id}/revokeSignInSessions), remove or give back licences (POST /users/{id}/assignLicense), up to 20 in one JSON batch',
    method: 'POST',
    host: 'graph',
    path: '/$batch',
    options:
      'requests: [{ id, method: PATCH /users/{id} { accountEnabled } | POST /users/{id}/revokeSignInSessions | POST /users/{id}/assignLicense { addLicenses, removeLicenses } }] (at most 20, one action per batch)',
    version: 'v1.0',
    doc: 'https://learn.microsoft.com/en-us/graph/json-batching',
    endpoint: 'POST /v1.0/$batch',
    sent: {},
    permission:
      'User.EnableDisableAccount.All (with User.Read.All) https://learn.microsoft.com/en-us/graph/api/user-update; User.RevokeSessions.All https://learn.microsoft.com/en-us/graph/api/user-revokesigninsessions; LicenseAssignment.ReadWrite.All https://learn.microsoft.com/en-us/graph/api/user-assignlicense',
  },
];
