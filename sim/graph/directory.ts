/** `/organization`, `/servicePrincipals` and `/teams`. */
import { GRAPH_APP_ROLE_IDS, MICROSOFT_GRAPH_APP_ID } from '../catalog.js';
import type { GroupRecord } from '../records.js';
import type { SimServicePrincipal } from '../types.js';
import { isAdvancedQuery, ok, pageSize, type GraphRequest, type GraphResponse } from './context.js';
import { contextUrl, ORGANIZATION, project, resolveSelect, SERVICE_PRINCIPAL, TEAM } from './entities.js';
import { notFound } from './errors.js';
import { checkFilter, evaluateFilter, type FilterRules } from './odata-query.js';
import { buildLink, countRows, decodePosition, pageRows, withToken } from './paging.js';
import { APPLICATION_READ, ORGANIZATION_READ, requireDirectory, requireTeams } from './permissions.js';
import { expiredPageToken } from './users.js';

export function listOrganization(request: GraphRequest): GraphResponse {
  requireDirectory(request, ORGANIZATION_READ);
  const select = resolveSelect(ORGANIZATION, request.version, request.query.select, true);
  return ok({
    '@odata.context': contextUrl(
      request.baseUrl,
      request.version,
      'organization',
      request.query.select ? select : undefined,
    ),
    value: [
      project(ORGANIZATION, request.tenant, select, { tenant: request.tenant, version: request.version }),
    ],
  });
}

export function getOrganization(request: GraphRequest, id: string): GraphResponse {
  requireDirectory(request, ORGANIZATION_READ);
  if (id.toLowerCase() !== request.tenant.tenantId) throw notFound(id);
  const select = resolveSelect(ORGANIZATION, request.version, request.query.select, false);
  return ok({
    '@odata.context': `${contextUrl(request.baseUrl, request.version, 'organization', request.query.select ? select : undefined)}/$entity`,
    ...project(ORGANIZATION, request.tenant, select, { tenant: request.tenant, version: request.version }),
  });
}

const SP_FILTER_RULES: FilterRules = {
  id: { operators: ['eq', 'in'], advanced: ['ne', 'not'] },
  appId: { operators: ['eq', 'in'], advanced: ['ne', 'not'] },
  displayName: { operators: ['eq', 'in', 'startsWith'], advanced: ['ne', 'not', 'endsWith'] },
  servicePrincipalType: { operators: ['eq', 'in'], advanced: ['ne', 'not'] },
  accountEnabled: { operators: ['eq'], advanced: ['ne', 'not'] },
  preferredSingleSignOnMode: { operators: ['eq'], advanced: ['ne', 'not'] },
  appOwnerOrganizationId: { operators: ['eq', 'in'], advanced: ['ne', 'not'] },
  tags: { operators: ['any'], advanced: ['not'] },
  servicePrincipalNames: { operators: ['any'], advanced: ['not'] },
};

export function listServicePrincipals(request: GraphRequest): GraphResponse {
  requireDirectory(request, APPLICATION_READ);
  const { tenant, query, settings } = request;
  const select = resolveSelect(SERVICE_PRINCIPAL, request.version, query.select, true);
  const filter = query.filter;
  if (filter) {
    checkFilter(filter, {
      rules: SP_FILTER_RULES,
      advancedQuery: isAdvancedQuery(request),
      resource: 'ServicePrincipal',
    });
  }
  const top = pageSize(request, 100, 999);
  const start =
    decodePosition(settings.codec, 'servicePrincipals', tenant.tenantId, query.skiptoken, expiredPageToken) ??
    0;
  const accept = (sp: SimServicePrincipal): boolean =>
    !filter || evaluateFilter(filter, (path) => readProperty(sp, path));
  const rows = tenant.servicePrincipals();
  const page = pageRows(rows, start, top, accept);
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(
      request.baseUrl,
      request.version,
      'servicePrincipals',
      query.select ? select : undefined,
    ),
  };
  if (isAdvancedQuery(request) && query.skiptoken === undefined)
    body['@odata.count'] = countRows(rows, accept);
  if (page.next !== undefined) {
    const token = settings.codec.encode('servicePrincipals', tenant.tenantId, { p: page.next });
    body['@odata.nextLink'] = buildLink(
      request.baseUrl,
      request.version,
      'servicePrincipals',
      withToken(query.params, '$skiptoken', token),
    );
  }
  const ctx = { tenant, version: request.version };
  body.value = page.items.map((sp) => project(SERVICE_PRINCIPAL, sp, select, ctx));
  return ok(body);
}

/** `/servicePrincipals/{id}` or `/servicePrincipals(appId='{appId}')`. */
export function getServicePrincipal(
  request: GraphRequest,
  key: { id: string } | { appId: string },
): GraphResponse {
  requireDirectory(request, APPLICATION_READ);
  const wanted = 'id' in key ? key.id.toLowerCase() : key.appId.toLowerCase();
  const sp = request.tenant
    .servicePrincipals()
    .find((candidate) => ('id' in key ? candidate.id : candidate.appId) === wanted);
  if (!sp) throw notFound(wanted);
  const select = resolveSelect(SERVICE_PRINCIPAL, request.version, request.query.select, false);
  return ok({
    '@odata.context': `${contextUrl(request.baseUrl, request.version, 'servicePrincipals', request.query.select ? select : undefined)}/$entity`,
    ...project(SERVICE_PRINCIPAL, sp, select, { tenant: request.tenant, version: request.version }),
  });
}

const TEAM_FILTER_RULES: FilterRules = {
  displayName: { operators: ['eq', 'startsWith'] },
  id: { operators: ['eq'] },
};

/** `/teams` lists Teams-enabled groups with id, displayName and description only (as Graph's list does). */
export function listTeams(request: GraphRequest): GraphResponse {
  requireTeams(request);
  const { tenant, query, settings } = request;
  const select = resolveSelect(TEAM, request.version, query.select, true);
  const filter = query.filter;
  if (filter) checkFilter(filter, { rules: TEAM_FILTER_RULES, advancedQuery: false, resource: 'Team' });
  const top = pageSize(request, 100, 999);
  const start =
    decodePosition(settings.codec, 'teams', tenant.tenantId, query.skiptoken, expiredPageToken) ?? 0;
  const accept = (group: GroupRecord): boolean =>
    !group.hardDeleted &&
    group.resourceProvisioningOptions.includes('Team') &&
    (!filter || evaluateFilter(filter, (path) => readProperty(group, path)));
  const page = pageRows(tenant.groupRows, start, top, accept);
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(
      request.baseUrl,
      request.version,
      'teams',
      query.select ? select : undefined,
    ),
  };
  if (query.count && query.skiptoken === undefined)
    body['@odata.count'] = countRows(tenant.groupRows, accept);
  if (page.next !== undefined) {
    const token = settings.codec.encode('teams', tenant.tenantId, { p: page.next });
    body['@odata.nextLink'] = buildLink(
      request.baseUrl,
      request.version,
      'teams',
      withToken(query.params, '$skiptoken', token),
    );
  }
  const ctx = { tenant, version: request.version };
  body.value = page.items.map((group) => project(TEAM, group, select, ctx));
  return ok(body);
}

function readProperty(record: object, path: string): unknown {
  const lower = path.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : (record as Record<string, unknown>)[key];
}

/**
 * `/servicePrincipals/{id}/appRoleAssignments`: the application permissions granted to a service principal, as
 * assignments of Microsoft Graph's app roles
 * (https://learn.microsoft.com/en-us/graph/api/serviceprincipal-list-approleassignments).
 */
export function listAppRoleAssignments(request: GraphRequest, servicePrincipalId: string): GraphResponse {
  requireDirectory(request, APPLICATION_READ);
  const { tenant } = request;
  const sp = tenant
    .servicePrincipals()
    .find((candidate) => candidate.id === servicePrincipalId.toLowerCase());
  if (!sp) throw notFound(servicePrincipalId);
  const graphSp = tenant.servicePrincipals().find((candidate) => candidate.appId === MICROSOFT_GRAPH_APP_ID);
  const grant = tenant.grantOfServicePrincipal(sp.id);
  // "This request might have replication delays for app role assignments that were recently granted."
  const applied = grant?.appliedAtMs === undefined || Date.now() >= grant.appliedAtMs;
  const value = [...(applied ? (grant?.permissions ?? []) : [])].sort().flatMap((permission) => {
    const appRoleId = GRAPH_APP_ROLE_IDS[permission];
    if (appRoleId === undefined) return [];
    return [
      {
        id: Buffer.from(`${sp.id}|${appRoleId}`).toString('base64url').slice(0, 43),
        deletedDateTime: null,
        appRoleId,
        createdDateTime: '2024-01-01T00:00:00Z',
        principalDisplayName: sp.displayName,
        principalId: sp.id,
        principalType: 'ServicePrincipal',
        resourceDisplayName: 'Microsoft Graph',
        resourceId: graphSp?.id ?? null,
      },
    ];
  });
  return ok({
    '@odata.context': `${request.baseUrl}/${request.version}/$metadata#servicePrincipals('${sp.id}')/appRoleAssignments`,
    value,
  });
}
