/** `/groups`, `/groups/{id}`, `/groups/{id}/members` and `/groups/{id}/transitiveMembers` (with OData casts). */
import type { GroupRecord, UserRecord } from '../records.js';
import type { SimMemberRef } from '../types.js';
import { isAdvancedQuery, ok, pageSize, type GraphRequest, type GraphResponse } from './context.js';
import {
  contextUrl,
  GROUP,
  project,
  propertyName,
  resolveSelect,
  USER,
  type ProjectionContext,
} from './entities.js';
import { badRequest, notFound, unsupportedQuery } from './errors.js';
import { checkFilter, evaluateFilter, type FilterRules } from './odata-query.js';
import { buildLink, countRows, decodePosition, pageRows, withToken } from './paging.js';
import { GROUP_READ, requireDirectory } from './permissions.js';
import { expiredPageToken } from './users.js';

const STRINGS = { operators: ['eq', 'in', 'startsWith'], advanced: ['ne', 'not', 'endsWith'] } as const;

export const GROUP_FILTER_RULES: FilterRules = {
  id: { operators: ['eq', 'in'], advanced: ['ne', 'not'] },
  displayName: STRINGS,
  mail: STRINGS,
  mailNickname: STRINGS,
  mailEnabled: { operators: ['eq'], advanced: ['ne', 'not'] },
  securityEnabled: { operators: ['eq'], advanced: ['ne', 'not'] },
  isAssignableToRole: { operators: ['eq'], advanced: ['ne', 'not'] },
  createdDateTime: { operators: ['eq', 'ge', 'le', 'in'], advanced: ['ne', 'not'] },
  groupTypes: { operators: ['any'], advanced: ['not'] },
  resourceProvisioningOptions: { operators: ['any'], advanced: ['not'] },
};

const CASTS = { 'microsoft.graph.user': 'user', 'microsoft.graph.group': 'group' } as const;
const OTHER_MEMBER_TYPES = [
  'microsoft.graph.device',
  'microsoft.graph.orgContact',
  'microsoft.graph.servicePrincipal',
];

export function listGroups(request: GraphRequest): GraphResponse {
  requireDirectory(request, GROUP_READ);
  const { tenant, query, settings } = request;
  const select = resolveSelect(GROUP, request.version, query.select, true);
  const filter = query.filter;
  if (filter)
    checkFilter(filter, {
      rules: GROUP_FILTER_RULES,
      advancedQuery: isAdvancedQuery(request),
      resource: 'Group',
    });
  const top = pageSize(request, 100, 999);
  const start =
    decodePosition(settings.codec, 'groups', tenant.tenantId, query.skiptoken, expiredPageToken) ?? 0;
  const accept = (group: GroupRecord): boolean =>
    !group.hardDeleted && (!filter || evaluateFilter(filter, (path) => readGroupPath(group, path)));
  const page = pageRows(tenant.groupRows, start, top, accept);
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(
      request.baseUrl,
      request.version,
      'groups',
      query.select ? select : undefined,
    ),
  };
  if (isAdvancedQuery(request) && query.skiptoken === undefined)
    body['@odata.count'] = countRows(tenant.groupRows, accept);
  if (page.next !== undefined) {
    const token = settings.codec.encode('groups', tenant.tenantId, { p: page.next });
    body['@odata.nextLink'] = buildLink(
      request.baseUrl,
      request.version,
      'groups',
      withToken(query.params, '$skiptoken', token),
    );
  }
  const ctx = { tenant, version: request.version };
  body.value = page.items.map((group) => project(GROUP, group, select, ctx));
  return ok(body);
}

export function getGroup(request: GraphRequest, id: string): GraphResponse {
  requireDirectory(request, GROUP_READ);
  const select = resolveSelect(GROUP, request.version, request.query.select, false);
  const group = request.tenant.findGroup(id);
  if (!group) throw notFound(id);
  return ok({
    '@odata.context':
      contextUrl(request.baseUrl, request.version, 'groups', request.query.select ? select : undefined) +
      '/$entity',
    ...project(GROUP, group, select, { tenant: request.tenant, version: request.version }),
  });
}

/**
 * Direct (`members`) or nested (`transitiveMembers`) members, optionally cast to users or groups. Casting or
 * counting transitive members needs the advanced-query switch, as in Graph.
 */
export function listMembers(
  request: GraphRequest,
  groupId: string,
  relation: 'members' | 'transitiveMembers',
  cast: string | undefined,
): GraphResponse {
  requireDirectory(request, GROUP_READ);
  const { tenant, query, settings } = request;
  let castType: 'user' | 'group' | 'none' | undefined;
  if (cast !== undefined) {
    const known = CASTS[cast as keyof typeof CASTS] as 'user' | 'group' | undefined;
    if (known) castType = known;
    else if (OTHER_MEMBER_TYPES.includes(cast)) castType = 'none';
    else throw unsupportedQuery(`The type cast '${cast}' is not supported on '${relation}'.`);
    if (relation === 'transitiveMembers' && !isAdvancedQuery(request)) {
      throw unsupportedQuery(
        'Request with a type cast on transitiveMembers requires the ConsistencyLevel:eventual header and the $count=true query parameter.',
      );
    }
  }
  const group = tenant.findGroup(groupId);
  if (!group) throw notFound(groupId);
  const selection = resolveMemberSelect(request, castType);
  const top = pageSize(request, 100, 999);
  const kind = `${relation}:${group.id}`;
  const start = decodePosition(settings.codec, kind, tenant.tenantId, query.skiptoken, expiredPageToken) ?? 0;
  const rows = relation === 'members' ? group.members : tenant.transitiveMembers(group.id);
  const accept = (ref: SimMemberRef): boolean => castType === undefined || ref.type === castType;
  const page = pageRows(rows, start, top, accept);

  const path = `groups/${group.id}/${relation}${cast === undefined ? '' : `/${cast}`}`;
  const contextPath = castType === 'user' ? 'users' : castType === 'group' ? 'groups' : 'directoryObjects';
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(request.baseUrl, request.version, contextPath, query.select),
  };
  if (
    query.count &&
    request.headers.consistencylevel?.toLowerCase() === 'eventual' &&
    query.skiptoken === undefined
  ) {
    body['@odata.count'] = countRows(rows, accept);
  }
  if (page.next !== undefined) {
    const token = settings.codec.encode(kind, tenant.tenantId, { p: page.next });
    body['@odata.nextLink'] = buildLink(
      request.baseUrl,
      request.version,
      path,
      withToken(query.params, '$skiptoken', token),
    );
  }
  const ctx = { tenant, version: request.version };
  body.value = page.items.flatMap((ref) => {
    const member = projectMember(ref, selection, ctx);
    return member ? [member] : [];
  });
  return ok(body);
}

interface MemberSelection {
  readonly user: string[];
  readonly group: string[];
  readonly typed: boolean;
}

/** `$select` on directoryObject collections applies per member type: a property missing on one type is skipped. */
function resolveMemberSelect(
  request: GraphRequest,
  castType: 'user' | 'group' | 'none' | undefined,
): MemberSelection {
  const select = request.query.select;
  const typed = castType === undefined || castType === 'none';
  if (!select) {
    return {
      user: resolveSelect(USER, request.version, undefined, true),
      group: resolveSelect(GROUP, request.version, undefined, true),
      typed,
    };
  }
  const user = new Set(['id']);
  const group = new Set(['id']);
  for (const name of select) {
    const onUser = propertyName(USER, request.version, name);
    const onGroup = propertyName(GROUP, request.version, name);
    if (onUser === undefined && onGroup === undefined) {
      throw badRequest(
        `Could not find a property named '${name}' on type 'microsoft.graph.directoryObject'.`,
      );
    }
    if (onUser !== undefined) user.add(onUser);
    if (onGroup !== undefined) group.add(onGroup);
  }
  return { user: [...user], group: [...group], typed };
}

function projectMember(
  ref: SimMemberRef,
  selection: MemberSelection,
  ctx: ProjectionContext,
): Record<string, unknown> | undefined {
  if (ref.type !== 'user' && ref.type !== 'group') {
    // Devices, contacts and service principals are held as references: their type and id.
    return { '@odata.type': `#microsoft.graph.${ref.type}`, id: ref.id };
  }
  const record = ctx.tenant.memberRecord(ref);
  if (!record) return undefined;
  const typeTag = selection.typed
    ? { '@odata.type': ref.type === 'user' ? USER.odataType : GROUP.odataType }
    : {};
  return ref.type === 'user'
    ? { ...typeTag, ...project(USER, record as UserRecord, selection.user, ctx) }
    : { ...typeTag, ...project(GROUP, record as GroupRecord, selection.group, ctx) };
}

function readGroupPath(group: GroupRecord, path: string): unknown {
  const key = GROUP_KEYS.get(path.toLowerCase());
  return key === undefined ? undefined : group[key];
}

const GROUP_KEYS = new Map<string, keyof GroupRecord>(
  (
    [
      'id',
      'displayName',
      'mail',
      'mailNickname',
      'mailEnabled',
      'securityEnabled',
      'isAssignableToRole',
      'createdDateTime',
      'groupTypes',
      'resourceProvisioningOptions',
    ] as const
  ).map((key) => [key.toLowerCase(), key]),
);
