/** `/users`, `/users/{id | userPrincipalName}` and `/users/$count`. */
import type { UserRecord } from '../records.js';
import { isAdvancedQuery, ok, pageSize, type GraphRequest, type GraphResponse } from './context.js';
import { contextUrl, project, resolveSelect, USER } from './entities.js';
import { badRequest, GraphHttpError, notFound } from './errors.js';
import { checkFilter, evaluateFilter, filterPaths, type FilterRules } from './odata-query.js';
import { buildLink, countRows, decodePosition, pageRows, withToken } from './paging.js';
import { requireAuditData, requireDirectory, USER_READ } from './permissions.js';

const STRINGS = { operators: ['eq', 'in', 'startsWith'], advanced: ['ne', 'not', 'endsWith'] } as const;

/** `$filter` support on users without and with the advanced-query switch (Graph's documented matrix). */
export const USER_FILTER_RULES: FilterRules = {
  id: { operators: ['eq', 'in'], advanced: ['ne', 'not'] },
  userType: { operators: ['eq', 'in'], advanced: ['ne', 'not'] },
  accountEnabled: { operators: ['eq', 'in'], advanced: ['ne', 'not'] },
  department: { operators: ['eq', 'in', 'startsWith', 'ge', 'le'], advanced: ['ne', 'not', 'endsWith'] },
  displayName: STRINGS,
  givenName: STRINGS,
  surname: STRINGS,
  userPrincipalName: STRINGS,
  mail: STRINGS,
  jobTitle: STRINGS,
  employeeId: STRINGS,
  onPremisesSyncEnabled: { operators: ['eq', 'in'], advanced: ['ne', 'not'] },
  createdDateTime: { operators: ['eq', 'ge', 'le', 'in'], advanced: ['ne', 'not'] },
  'signInActivity/lastSignInDateTime': { operators: ['eq', 'ge', 'le'] },
  'signInActivity/lastNonInteractiveSignInDateTime': { operators: ['eq', 'ge', 'le'] },
  'signInActivity/lastSuccessfulSignInDateTime': { operators: ['eq', 'ge', 'le'] },
};

export const expiredPageToken = (): GraphHttpError =>
  new GraphHttpError(
    400,
    'Directory_ExpiredPageToken',
    'The specified page token value has expired and can no longer be included in your request.',
  );

export function listUsers(request: GraphRequest): GraphResponse {
  requireDirectory(request, USER_READ);
  const { tenant, query, settings } = request;
  const select = resolveSelect(USER, request.version, query.select, true);
  const filter = query.filter;
  if (filter)
    checkFilter(filter, {
      rules: USER_FILTER_RULES,
      advancedQuery: isAdvancedQuery(request),
      resource: 'User',
    });
  const wantsActivity =
    select.includes('signInActivity') ||
    (filter ? filterPaths(filter).some((p) => p.startsWith('signinactivity')) : false);
  if (wantsActivity) requireAuditData(request);
  const top = pageSize(request, 100, wantsActivity ? settings.signInActivityMaxTop : 999);
  const start =
    decodePosition(settings.codec, 'users', tenant.tenantId, query.skiptoken, expiredPageToken) ?? 0;

  const accept = (user: UserRecord): boolean =>
    !user.hardDeleted &&
    user.state === 'active' &&
    (!filter || evaluateFilter(filter, (path) => readUserPath(request, user, path)));
  const page = pageRows(tenant.userRows, start, top, accept);
  const ctx = { tenant, version: request.version };

  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(
      request.baseUrl,
      request.version,
      'users',
      query.select ? select : undefined,
    ),
  };
  if (isAdvancedQuery(request) && query.skiptoken === undefined) {
    body['@odata.count'] = filter ? countRows(tenant.userRows, accept) : tenant.userCount;
  }
  if (page.next !== undefined) {
    const token = settings.codec.encode('users', tenant.tenantId, { p: page.next });
    body['@odata.nextLink'] = buildLink(
      request.baseUrl,
      request.version,
      'users',
      withToken(query.params, '$skiptoken', token),
    );
  }
  body.value = page.items.map((user) => project(USER, user, select, ctx));
  return ok(body);
}

export function getUser(request: GraphRequest, idOrUpn: string): GraphResponse {
  requireDirectory(request, USER_READ);
  const select = resolveSelect(USER, request.version, request.query.select, false);
  if (select.includes('signInActivity')) {
    requireAuditData(request);
    // Graph resolves signInActivity by object id only.
    if (idOrUpn.includes('@'))
      throw badRequest('Get By Key only supports UserId and the key has to be a valid Guid');
  }
  const user = request.tenant.findUser(idOrUpn, false);
  if (!user) throw notFound(idOrUpn);
  return ok({
    '@odata.context':
      contextUrl(request.baseUrl, request.version, 'users', request.query.select ? select : undefined) +
      '/$entity',
    ...project(USER, user, select, { tenant: request.tenant, version: request.version }),
  });
}

/** `/users/$count` needs the advanced-query header, and answers text/plain. */
export function countUsers(request: GraphRequest): GraphResponse {
  requireDirectory(request, USER_READ);
  if (request.headers.consistencylevel?.toLowerCase() !== 'eventual') {
    throw badRequest('$count is not currently supported.');
  }
  const filter = request.query.filter;
  if (filter) checkFilter(filter, { rules: USER_FILTER_RULES, advancedQuery: true, resource: 'User' });
  let count = 0;
  for (const user of request.tenant.userRows) {
    if (user.hardDeleted || user.state !== 'active') continue;
    if (!filter || evaluateFilter(filter, (path) => readUserPath(request, user, path))) count++;
  }
  return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: count.toString() };
}

function readUserPath(request: GraphRequest, user: UserRecord, path: string): unknown {
  const [head, child] = path.split('/');
  if (head === undefined) return undefined;
  if (head.toLowerCase() === 'signinactivity') {
    const activity = request.tenant.signInActivity(user.id) as Record<string, unknown> | undefined;
    if (!activity || child === undefined) return null;
    const key = Object.keys(activity).find((k) => k.toLowerCase() === child.toLowerCase());
    return key === undefined ? undefined : activity[key];
  }
  const key = USER_KEYS.get(head.toLowerCase());
  return key === undefined ? undefined : user[key];
}

const USER_KEYS = new Map<string, keyof UserRecord>(
  (
    [
      'id',
      'userType',
      'accountEnabled',
      'department',
      'displayName',
      'givenName',
      'surname',
      'userPrincipalName',
      'mail',
      'jobTitle',
      'employeeId',
      'onPremisesSyncEnabled',
      'createdDateTime',
    ] as const
  ).map((key) => [key.toLowerCase(), key]),
);
