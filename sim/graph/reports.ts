/** `/reports/authenticationMethods/userRegistrationDetails` (MFA and SSPR registration per user). */
import type { UserRecord } from '../records.js';
import { ok, pageSize, type GraphRequest, type GraphResponse } from './context.js';
import { contextUrl, project, REGISTRATION_DETAILS, resolveSelect } from './entities.js';
import { badRequest, notFound } from './errors.js';
import { checkFilter, evaluateFilter, type FilterRules } from './odata-query.js';
import { buildLink, decodePosition, pageRows, withToken } from './paging.js';
import { REGISTRATION_READ, requireAuditData } from './permissions.js';

const FLAG = { operators: ['eq'] } as const;

const REGISTRATION_FILTER_RULES: FilterRules = {
  id: FLAG,
  userType: FLAG,
  isAdmin: FLAG,
  isMfaCapable: FLAG,
  isMfaRegistered: FLAG,
  isPasswordlessCapable: FLAG,
  isSsprCapable: FLAG,
  isSsprEnabled: FLAG,
  isSsprRegistered: FLAG,
  isSystemPreferredAuthenticationMethodEnabled: FLAG,
  userPreferredMethodForSecondaryAuthentication: FLAG,
  userPrincipalName: { operators: ['eq', 'startsWith'] },
  userDisplayName: { operators: ['eq', 'startsWith'] },
  methodsRegistered: { operators: ['any'] },
  systemPreferredAuthenticationMethods: { operators: ['any'] },
};

const PATH = 'reports/authenticationMethods/userRegistrationDetails';

export function listRegistrationDetails(request: GraphRequest): GraphResponse {
  requireAuditData(request, REGISTRATION_READ);
  const { tenant, query, settings } = request;
  const select = resolveSelect(REGISTRATION_DETAILS, request.version, query.select, true);
  const filter = query.filter;
  if (filter)
    checkFilter(filter, {
      rules: REGISTRATION_FILTER_RULES,
      advancedQuery: false,
      resource: 'UserRegistrationDetails',
    });
  const top = pageSize(request, 100, 999);
  const start =
    decodePosition(settings.codec, 'registrations', tenant.tenantId, query.skiptoken, () =>
      badRequest('Invalid skip token.', 'BadRequest'),
    ) ?? 0;
  const accept = (user: UserRecord): boolean => {
    if (user.hardDeleted || user.state !== 'active') return false;
    if (!filter) return true;
    const details = tenant.registrationDetails(user.id) as Record<string, unknown> | undefined;
    return details !== undefined && evaluateFilter(filter, (path) => readKey(details, path));
  };
  const page = pageRows(tenant.userRows, start, top, accept);
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(request.baseUrl, request.version, PATH, query.select ? select : undefined),
  };
  if (page.next !== undefined) {
    const token = settings.codec.encode('registrations', tenant.tenantId, { p: page.next });
    body['@odata.nextLink'] = buildLink(
      request.baseUrl,
      request.version,
      PATH,
      withToken(query.params, '$skiptoken', token),
    );
  }
  const ctx = { tenant, version: request.version };
  body.value = page.items.flatMap((user) => {
    const details = tenant.registrationDetails(user.id);
    return details ? [project(REGISTRATION_DETAILS, details, select, ctx)] : [];
  });
  return ok(body);
}

export function getRegistrationDetails(request: GraphRequest, id: string): GraphResponse {
  requireAuditData(request, REGISTRATION_READ);
  const details = request.tenant.registrationDetails(id);
  if (!details) throw notFound(id);
  const select = resolveSelect(REGISTRATION_DETAILS, request.version, request.query.select, false);
  return ok({
    '@odata.context': `${contextUrl(request.baseUrl, request.version, PATH, request.query.select ? select : undefined)}/$entity`,
    ...project(REGISTRATION_DETAILS, details, select, { tenant: request.tenant, version: request.version }),
  });
}

function readKey(record: Record<string, unknown>, path: string): unknown {
  const lower = path.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}
