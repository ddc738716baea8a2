/**
 * The Entra ID (login.microsoftonline.com) side: OpenID configuration for any tenant, the v2 token endpoint for
 * `client_credentials` (tolerant of MSAL's extra form fields), AADSTS errors in Entra's exact body shape, JWKS, and
 * admin consent for the product's multi-tenant app.
 */
import { randomUUID } from 'node:crypto';
import type { AppCredentials } from './records.js';
import type { TenantState } from './tenant-state.js';
import { GRAPH_AUDIENCES, type TokenService } from './token-service.js';
import type { AdminConsentDecision, MultiTenantAppSpec } from './types.js';

export interface IdentityResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface IdentityDeps {
  resolveTenant(nameOrId: string): TenantState | undefined;
  defaultTenant(): TenantState | undefined;
  multiTenantApp(): MultiTenantAppSpec | undefined;
  adminConsentDecision(): AdminConsentDecision;
  /** Whether app-only tokens are issued opaque (not JWTs). */
  opaqueAppTokens(): boolean;
  /** How long an admin consent takes to reach new tokens (ms). */
  consentPropagationMs(): number;
  readonly tokens: TokenService;
  /** Simulated now (secret expiry is judged on it). */
  now(): Date;
}

export interface IdentityRequest {
  readonly method: string;
  readonly segments: readonly string[];
  readonly search: URLSearchParams;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
  readonly baseUrl: string;
}

/** The route's stats name and the tenant/app it concerns, or undefined when this is not an identity path. */
export interface IdentityRoute {
  readonly endpoint: string;
  readonly tenantName: string;
  run(request: IdentityRequest, deps: IdentityDeps): IdentityResponse | Promise<IdentityResponse>;
}

const JSON_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store, no-cache',
};
const HTML_HEADERS = { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store, no-cache' };

export function matchIdentityRoute(method: string, segments: readonly string[]): IdentityRoute | undefined {
  const [tenantName, a, b, c] = segments;
  if (tenantName === undefined || tenantName === 'v1.0' || tenantName === 'beta' || tenantName === '_control')
    return undefined;
  const path = segments.slice(1).join('/');
  if (method === 'GET' && path === 'v2.0/.well-known/openid-configuration') {
    return {
      endpoint: 'GET /{tenant}/v2.0/.well-known/openid-configuration',
      tenantName,
      run: openIdConfiguration,
    };
  }
  if (method === 'GET' && path === '.well-known/openid-configuration') {
    return {
      endpoint: 'GET /{tenant}/.well-known/openid-configuration',
      tenantName,
      run: openIdConfigurationV1,
    };
  }
  if (
    method === 'GET' &&
    a === 'discovery' &&
    (path === 'discovery/v2.0/keys' || path === 'discovery/keys')
  ) {
    return { endpoint: `GET /{tenant}/${path}`, tenantName, run: keys };
  }
  if (method === 'POST' && a === 'oauth2' && b === 'v2.0' && c === 'token' && segments.length === 4) {
    return { endpoint: 'POST /{tenant}/oauth2/v2.0/token', tenantName, run: token };
  }
  if (method === 'GET' && (path === 'v2.0/adminconsent' || path === 'adminconsent')) {
    return { endpoint: `GET /{tenant}/${path}`, tenantName, run: adminConsent };
  }
  if (method === 'GET' && path === 'oauth2/v2.0/authorize') {
    return { endpoint: 'GET /{tenant}/oauth2/v2.0/authorize', tenantName, run: authorize };
  }
  return undefined;
}

// ----------------------------------------------------------------------------------------------- discovery ---

function openIdConfiguration(request: IdentityRequest, deps: IdentityDeps): IdentityResponse {
  const name = request.segments[0] ?? 'common';
  const tenant = deps.resolveTenant(name);
  // Any tenant gets a document (production MSAL knows the endpoints without asking), so an unknown tenant
  // surfaces as AADSTS90002 from /token, as against the real service.
  const tid = tenant?.tenantId ?? (isMultiTenantAlias(name) ? '{tenantid}' : name);
  const path = tenant?.tenantId ?? name;
  const base = request.baseUrl;
  return json(200, {
    token_endpoint: `${base}/${path}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/${path}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/${tid}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${base}/oidc/userinfo`,
    authorization_endpoint: `${base}/${path}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/${path}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/${path}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    tenant_region_scope: 'NA',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: new URL(base).host,
    rbac_url: 'https://pas.windows.net',
  });
}

/**
 * The v1 document, as Entra serves it: under the tenant's id or any verified domain, with the tenant id in `issuer`
 * (`https://sts.windows.net/{tid}/`) — how a domain is resolved to its tenant id — and 400 `invalid_tenant`
 * (AADSTS90002) for a tenant Entra does not know. MSAL never asks for this one (it uses the v2 document above), so
 * here the simulator can be exactly as strict as Entra.
 */
function openIdConfigurationV1(request: IdentityRequest, deps: IdentityDeps): IdentityResponse {
  const name = request.segments[0] ?? 'common';
  const tenant = deps.resolveTenant(name);
  if (tenant === undefined && !isMultiTenantAlias(name)) {
    return aadstsError(
      400,
      'invalid_tenant',
      90002,
      `Tenant '${name}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      randomUUID(),
      deps.now(),
    );
  }
  const tid = tenant?.tenantId ?? '{tenantid}';
  const path = tenant?.tenantId ?? name;
  const base = request.baseUrl;
  return json(200, {
    token_endpoint: `${base}/${path}/oauth2/token`,
    jwks_uri: `${base}/common/discovery/keys`,
    issuer: `https://sts.windows.net/${tid}/`,
    authorization_endpoint: `${base}/${path}/oauth2/authorize`,
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    tenant_region_scope: 'NA',
    cloud_instance_name: 'microsoftonline.com',
  });
}

async function keys(_request: IdentityRequest, deps: IdentityDeps): Promise<IdentityResponse> {
  return json(200, await deps.tokens.jwks());
}

function isMultiTenantAlias(name: string): boolean {
  return ['common', 'organizations', 'consumers'].includes(name.toLowerCase());
}

// -------------------------------------------------------------------------------------------------- token ---

async function token(request: IdentityRequest, deps: IdentityDeps): Promise<IdentityResponse> {
  const form = new URLSearchParams(request.body);
  const tenantName = request.segments[0] ?? '';
  const correlationId =
    request.search.get('client-request-id') ??
    form.get('client-request-id') ??
    request.headers['client-request-id'] ??
    randomUUID();
  const fail = (status: number, error: string, code: number, description: string): IdentityResponse =>
    aadstsError(status, error, code, description, correlationId, deps.now());

  const tenant = deps.resolveTenant(tenantName);
  if (!tenant) {
    return fail(
      400,
      'invalid_tenant',
      90002,
      `Tenant '${tenantName}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    );
  }
  const grantType = form.get('grant_type');
  if (grantType !== 'client_credentials') {
    return grantType === null
      ? fail(
          400,
          'invalid_request',
          900144,
          "The request body must contain the following parameter: 'grant_type'.",
        )
      : fail(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
  }
  const clientId = (form.get('client_id') ?? '').toLowerCase();
  if (clientId === '') {
    return fail(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  }
  const app = findApp(tenant, clientId, deps);
  if (!app) {
    return fail(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  const secret = form.get('client_secret');
  if (secret === null || secret === '') {
    return fail(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  if (secret !== app.credentials.clientSecret) {
    return fail(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    );
  }
  if (
    app.credentials.secretExpiresAtMs !== undefined &&
    app.credentials.secretExpiresAtMs <= deps.now().getTime()
  ) {
    return fail(
      401,
      'invalid_client',
      7000222,
      `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
    );
  }
  const scope = (form.get('scope') ?? '').trim();
  if (!scope.endsWith('/.default') || scope.includes(' ')) {
    return fail(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const resource = scope.slice(0, -'/.default'.length);
  if (!GRAPH_AUDIENCES.includes(resource)) {
    return fail(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }
  const issued = await deps.tokens.issueAppToken({
    tenantId: tenant.tenantId,
    appId: clientId,
    appDisplayName: app.credentials.displayName,
    servicePrincipalId: app.servicePrincipalId,
    roles: [...app.permissions].sort(),
    audience: resource.replace(/\/$/, ''),
    opaque: deps.opaqueAppTokens(),
  });
  return json(200, {
    token_type: 'Bearer',
    expires_in: issued.expiresIn,
    ext_expires_in: issued.expiresIn,
    access_token: issued.accessToken,
  });
}

function findApp(
  tenant: TenantState,
  clientId: string,
  deps: IdentityDeps,
): { credentials: AppCredentials; servicePrincipalId: string; permissions: ReadonlySet<string> } | undefined {
  const grant = tenant.grantOf(clientId);
  const local = tenant.localApp(clientId);
  if (local && grant)
    return {
      credentials: local,
      servicePrincipalId: grant.servicePrincipalId,
      permissions: grant.permissions,
    };
  const shared = deps.multiTenantApp();
  if (shared?.clientId.toLowerCase() === clientId && grant) {
    // Until the consent has propagated, tokens carry no roles.
    const applied = grant.appliedAtMs === undefined || Date.now() >= grant.appliedAtMs;
    return {
      credentials: {
        clientId,
        clientSecret: shared.clientSecret,
        secretExpiresAtMs:
          shared.secretExpiresAt === undefined ? undefined : new Date(shared.secretExpiresAt).getTime(),
        displayName: shared.displayName ?? 'Multi-tenant app',
      },
      servicePrincipalId: grant.servicePrincipalId,
      permissions: applied ? grant.permissions : new Set<string>(),
    };
  }
  return undefined;
}

/** Entra's error body: `error`, `error_description` with trace and correlation ids, `error_codes`, … */
function aadstsError(
  status: number,
  error: string,
  code: number,
  message: string,
  correlationId: string,
  now: Date,
): IdentityResponse {
  const traceId = randomUUID();
  const timestamp = `${now.toISOString().slice(0, 19).replace('T', ' ')}Z`;
  return json(status, {
    error,
    error_description: `AADSTS${code.toString()}: ${message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code.toString()}`,
  });
}

// ------------------------------------------------------------------------------------------ admin consent ---

/**
 * `/{tenant}/v2.0/adminconsent?client_id=…&scope=…&redirect_uri=…&state=…`: the admin's answer is simulated —
 * granted unless the request carries `sim_consent=declined` or the simulator's default decision says otherwise.
 * Granting creates the app's service principal in the tenant with the app's permissions. The redirect URI must be
 * registered exactly (AADSTS50011) and `scope` is required (AADSTS900144); a decline comes back as Microsoft
 * documents it: `error=permission_denied&error_description=…`, without `state`.
 */
function adminConsent(request: IdentityRequest, deps: IdentityDeps): IdentityResponse {
  const q = request.search;
  const tenantName = request.segments[0] ?? '';
  const state = q.get('state');
  const checked = checkAppRequest(
    q,
    tenantName,
    deps,
    isMultiTenantAlias(tenantName)
      ? (deps.resolveTenant(q.get('sim_tenant') ?? '') ?? deps.defaultTenant())
      : deps.resolveTenant(tenantName),
  );
  if ('status' in checked) return checked;
  const { app, tenant, redirectUri, clientId } = checked;
  // The admin-consent request carries `scope` (https://learn.microsoft.com/en-us/entra/identity-platform/v2-admin-consent).
  if ((q.get('scope') ?? '').trim() === '') {
    return errorPage(400, 900144, "The request body must contain the following parameter: 'scope'.");
  }
  const decision = (q.get('sim_consent') as AdminConsentDecision | null) ?? deps.adminConsentDecision();
  const target = new URL(redirectUri);
  if (decision === 'declined') {
    // As Microsoft documents the error response: `error` and `error_description`, no `state`.
    target.searchParams.set('error', 'permission_denied');
    target.searchParams.set('error_description', 'The admin canceled the request');
  } else {
    const grant = tenant.ensureGrant(
      clientId,
      app.displayName ?? 'Multi-tenant app',
      'simulator',
      'AzureADMultipleOrgs',
    );
    for (const permission of app.permissions) grant.permissions.add(permission);
    grant.appliedAtMs = Date.now() + deps.consentPropagationMs();
    target.searchParams.set('tenant', tenant.tenantId);
    target.searchParams.set('admin_consent', 'True');
    const scope = q.get('scope');
    if (scope !== null) target.searchParams.set('scope', scope);
  }
  if (state !== null && decision !== 'declined') target.searchParams.set('state', state);
  const location = target.toString();
  return {
    status: 302,
    headers: { ...HTML_HEADERS, Location: location },
    body: `<!DOCTYPE html><html><head><title>Redirecting</title></head><body>Redirecting to <a href="${escapeHtml(location)}">${escapeHtml(location)}</a></body></html>`,
  };
}

// ------------------------------------------------------------------------------------ user sign-in, consent ---

/**
 * `/{tenant}/oauth2/v2.0/authorize` for the product's app, as the tab's consent window uses it
 * (`response_type=code`, `prompt=consent`): the person signs in and consents — simulated, granted unless the
 * request carries `sim_consent=declined` — and is sent back to `redirect_uri` with a `code` and the `state`. The
 * code is not redeemable here: the product only needs the consent. Checked as Entra checks them: the tenant
 * (AADSTS90002), the app (AADSTS700016), the redirect URI (AADSTS50011), a `scope` (AADSTS900144), and the response
 * type (`unsupported_response_type`, sent back to the app).
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#request-an-authorization-code
 */
function authorize(request: IdentityRequest, deps: IdentityDeps): IdentityResponse {
  const q = request.search;
  const tenantName = request.segments[0] ?? '';
  const checked = checkAppRequest(
    q,
    tenantName,
    deps,
    isMultiTenantAlias(tenantName) ? deps.defaultTenant() : deps.resolveTenant(tenantName),
  );
  if ('status' in checked) return checked;
  const { redirectUri } = checked;
  if ((q.get('scope') ?? '').trim() === '') {
    return errorPage(400, 900144, "The request body must contain the following parameter: 'scope'.");
  }
  const target = new URL(redirectUri);
  if (q.get('response_type') !== 'code') {
    target.searchParams.set('error', 'unsupported_response_type');
    target.searchParams.set('error_description', 'AADSTS70005: The response_type is not supported.');
  } else if (q.get('sim_consent') === 'declined') {
    target.searchParams.set('error', 'access_denied');
    target.searchParams.set('error_description', 'AADSTS65004: User declined to consent to access the app.');
  } else {
    target.searchParams.set('code', `sim-${randomUUID()}`);
  }
  const state = q.get('state');
  if (state !== null) target.searchParams.set('state', state);
  const location = target.toString();
  return {
    status: 302,
    headers: { ...HTML_HEADERS, Location: location },
    body: `<!DOCTYPE html><html><head><title>Redirecting</title></head><body>Redirecting to <a href="${escapeHtml(location)}">${escapeHtml(location)}</a></body></html>`,
  };
}

/**
 * What Entra checks first on a browser request for the product's app (admin consent, authorize): the tenant
 * (AADSTS90002), the app (AADSTS700016) and the redirect URI (AADSTS50011). The error page, or what was checked.
 */
function checkAppRequest(
  q: URLSearchParams,
  tenantName: string,
  deps: IdentityDeps,
  tenant: TenantState | undefined,
):
  IdentityResponse | { app: MultiTenantAppSpec; tenant: TenantState; redirectUri: string; clientId: string } {
  const clientId = (q.get('client_id') ?? '').toLowerCase();
  const redirectUri = q.get('redirect_uri');
  const app = deps.multiTenantApp();
  if (!tenant) return errorPage(400, 90002, `Tenant '${tenantName}' not found.`);
  if (app?.clientId.toLowerCase() !== clientId) {
    return errorPage(
      400,
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant.displayName}'.`,
    );
  }
  if (redirectUri === null || !isAllowedRedirect(redirectUri, app)) {
    return errorPage(
      400,
      50011,
      `The redirect URI '${redirectUri ?? ''}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`,
    );
  }
  return { app, tenant, redirectUri, clientId };
}

function isAllowedRedirect(uri: string, app: MultiTenantAppSpec): boolean {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return false;
  }
  if (app.redirectUris && app.redirectUris.length > 0) return app.redirectUris.includes(uri);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  return parsed.protocol === 'https:' || (parsed.protocol === 'http:' && loopback);
}

function errorPage(status: number, code: number, message: string): IdentityResponse {
  return {
    status,
    headers: HTML_HEADERS,
    body: `<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body><h1>Sorry, but we're having trouble signing you in.</h1><p>AADSTS${code.toString()}: ${escapeHtml(message)}</p></body></html>`,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function json(status: number, body: unknown): IdentityResponse {
  return { status, headers: JSON_HEADERS, body: JSON.stringify(body) };
}
