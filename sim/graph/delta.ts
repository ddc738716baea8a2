/**
 * `/users/delta` and `/groups/delta` as Graph runs them: a round pages through the directory with `$skiptoken`
 * nextLinks and ends with a `$deltatoken` deltaLink; the next round returns what changed since — updated objects,
 * `@removed` (`changed` = soft-deleted, `deleted` = gone) and, for groups, `members@delta` with only the membership
 * changes, a large group's members split over several pages that repeat the group. Query parameters go in the first
 * request only and live on in the tokens. Tokens expire (7 days by default, or on demand) and then answer 400
 * `syncStateNotFound` or 410 Gone with a `Location` to restart from, whichever the fault settings choose.
 */
import type { GroupRecord, UserRecord } from '../records.js';
import type { TenantState } from '../tenant-state.js';
import type { SimMemberType } from '../types.js';
import { ok, type GraphRequest, type GraphResponse } from './context.js';
import { contextUrl, GROUP, project, resolveSelect, USER } from './entities.js';
import { badRequest, GraphHttpError } from './errors.js';
import { buildLink } from './paging.js';

type Resource = 'users' | 'groups';

/** What a delta token carries. `since` = 0 is an initial round (everything). */
interface DeltaState {
  readonly r: Resource;
  /** Report changes made after this tenant version. */
  readonly since: number;
  /** Tenant version when the round started: its deltaLink continues from here. */
  readonly upTo: number;
  /** Table position to continue from, and the offset inside that group's member list. */
  readonly pos: number;
  readonly mpos: number;
  /** Selected properties (schema spelling), null = defaults. */
  readonly sel: string[] | null;
  /** Whether group members are part of the selection. */
  readonly mem: boolean;
  readonly epoch: number;
  /** Simulated time the token was issued (ms). */
  readonly iat: number;
}

const SKIP_KIND = 'delta-page';
const LINK_KIND = 'delta-link';

export function delta(request: GraphRequest, resource: Resource): GraphResponse {
  const state = resolveState(request, resource);
  if (state === 'latest') return latest(request, resource);
  return resource === 'users' ? usersPage(request, state) : groupsPage(request, state);
}

function resolveState(request: GraphRequest, resource: Resource): DeltaState | 'latest' {
  const { query, tenant, settings } = request;
  const now = request.now.getTime();
  if (query.skiptoken !== undefined || (query.deltatoken !== undefined && query.deltatoken !== '')) {
    // Continuation: everything the first request asked for is in the token; other parameters are ignored.
    if (query.deltatoken === 'latest') return 'latest';
    const kind = query.skiptoken !== undefined ? SKIP_KIND : LINK_KIND;
    const token = query.skiptoken ?? query.deltatoken ?? '';
    const decoded = settings.codec.decode(kind, tenant.tenantId, token) as DeltaState | undefined;
    if (decoded?.r !== resource) throw expired(request, resource, undefined);
    if (decoded.epoch !== tenant.deltaEpoch || now - decoded.iat > settings.deltaTokenLifetimeMs) {
      throw expired(request, resource, decoded);
    }
    if (kind === SKIP_KIND) return decoded;
    return { ...decoded, since: decoded.since, upTo: tenant.version, pos: 0, mpos: 0, iat: now };
  }
  const { sel, mem } = deltaSelect(request, resource);
  return {
    r: resource,
    since: 0,
    upTo: tenant.version,
    pos: 0,
    mpos: 0,
    sel,
    mem,
    epoch: tenant.deltaEpoch,
    iat: now,
  };
}

function deltaSelect(request: GraphRequest, resource: Resource): { sel: string[] | null; mem: boolean } {
  const select = request.query.select;
  if (!select) return { sel: null, mem: resource === 'groups' };
  if (resource === 'users') {
    if (select.some((name) => name.toLowerCase() === 'signinactivity')) {
      throw badRequest(
        'Invalid request for delta query: for this entity set, $expand/$select is not supported for the following properties: signInActivity',
        'BadRequest',
      );
    }
    return { sel: resolveSelect(USER, request.version, select, true), mem: false };
  }
  const mem = select.some((name) => name.toLowerCase() === 'members');
  const properties = select.filter((name) => name.toLowerCase() !== 'members');
  return {
    sel: properties.length === 0 ? ['id'] : resolveSelect(GROUP, request.version, properties, true),
    mem,
  };
}

/** `$deltatoken=latest`: no data, just a deltaLink from now on. */
function latest(request: GraphRequest, resource: Resource): GraphResponse {
  const { tenant } = request;
  const select = request.query.select;
  const { sel, mem } = select ? deltaSelect(request, resource) : { sel: null, mem: resource === 'groups' };
  const state: DeltaState = {
    r: resource,
    since: tenant.version,
    upTo: tenant.version,
    pos: 0,
    mpos: 0,
    sel,
    mem,
    epoch: tenant.deltaEpoch,
    iat: request.now.getTime(),
  };
  return ok({
    '@odata.context': contextUrl(request.baseUrl, request.version, resource, sel ?? undefined),
    '@odata.deltaLink': link(request, state, LINK_KIND, '$deltatoken', { since: tenant.version }),
    value: [],
  });
}

function usersPage(request: GraphRequest, state: DeltaState): GraphResponse {
  const { tenant, settings } = request;
  const rows = tenant.userRows;
  const select = state.sel ?? resolveSelect(USER, request.version, undefined, true);
  const ctx = { tenant, version: request.version };
  const value: Record<string, unknown>[] = [];
  let i = state.pos;
  for (; i < rows.length && value.length < settings.deltaPageSize; i++) {
    const user = rows[i];
    if (!user || !changedSince(user, state)) continue;
    value.push(userEntry(user, select, ctx));
  }
  // A replay (Faults.deltaReplay): the next page starts again at this page's last user, when that still moves on.
  const from = settings.deltaReplay() && i - 1 > state.pos ? i - 1 : i;
  return pageResponse(request, state, 'users', value, i < rows.length ? { pos: from, mpos: 0 } : undefined);
}

function userEntry(
  user: UserRecord,
  select: readonly string[],
  ctx: { tenant: TenantState; version: 'v1.0' | 'beta' },
): Record<string, unknown> {
  if (user.hardDeleted) return { id: user.id, '@removed': { reason: 'deleted' } };
  if (user.state === 'softDeleted') return { id: user.id, '@removed': { reason: 'changed' } };
  return project(USER, user, select, ctx);
}

function groupsPage(request: GraphRequest, state: DeltaState): GraphResponse {
  const { tenant, settings } = request;
  const rows = tenant.groupRows;
  const select = state.sel ?? resolveSelect(GROUP, request.version, undefined, true);
  const ctx = { tenant, version: request.version };
  const value: Record<string, unknown>[] = [];
  let memberBudget = settings.deltaMembersPerPage;
  let i = state.pos;
  let mpos = state.mpos;
  let next: { pos: number; mpos: number } | undefined;
  for (; i < rows.length; i++, mpos = 0) {
    if (value.length >= settings.deltaPageSize || (state.mem && memberBudget <= 0)) {
      next = { pos: i, mpos };
      break;
    }
    const group = rows[i];
    if (!group || !changedSince(group, state)) continue;
    if (group.hardDeleted) {
      value.push({ id: group.id, '@removed': { reason: group.removedReason ?? 'deleted' } });
      continue;
    }
    const entry = project(GROUP, group, select, ctx);
    if (state.mem) {
      const changes = memberEntries(tenant, group, state);
      const slice = changes.slice(mpos, mpos + memberBudget);
      memberBudget -= slice.length;
      entry['members@delta'] = slice;
      value.push(entry);
      if (mpos + slice.length < changes.length) {
        // A big group continues on the next page, which repeats the group object with the following members (and,
        // replaying, the last two of this page again, when that still moves on).
        const replayed = settings.deltaReplay() && slice.length > 2 ? 2 : 0;
        next = { pos: i, mpos: mpos + slice.length - replayed };
        break;
      }
    } else {
      value.push(entry);
    }
  }
  return pageResponse(request, state, 'groups', value, next);
}

/** Initial round: every current member; later rounds: net membership changes since the last round. */
function memberEntries(
  tenant: TenantState,
  group: GroupRecord,
  state: DeltaState,
): Record<string, unknown>[] {
  const typeOf = (type: SimMemberType): string => `#microsoft.graph.${type}`;
  if (state.since === 0) return group.members.map((ref) => ({ '@odata.type': typeOf(ref.type), id: ref.id }));
  return tenant
    .memberChanges(group, state.since, state.upTo)
    .map((change) =>
      change.removed
        ? { '@odata.type': typeOf(change.ref.type), id: change.ref.id, '@removed': { reason: 'deleted' } }
        : { '@odata.type': typeOf(change.ref.type), id: change.ref.id },
    );
}

/** Whether a row belongs in this round: everything live initially (soft-deleted users as `@removed`), later only changes. */
function changedSince(row: UserRecord | GroupRecord, state: DeltaState): boolean {
  if (state.since === 0) return !row.hardDeleted;
  return row.version > state.since;
}

function pageResponse(
  request: GraphRequest,
  state: DeltaState,
  resource: Resource,
  value: Record<string, unknown>[],
  next: { pos: number; mpos: number } | undefined,
): GraphResponse {
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(request.baseUrl, request.version, resource, state.sel ?? undefined),
  };
  if (next) body['@odata.nextLink'] = link(request, state, SKIP_KIND, '$skiptoken', next);
  else
    body['@odata.deltaLink'] = link(request, state, LINK_KIND, '$deltatoken', {
      since: state.upTo,
      iat: request.now.getTime(),
    });
  body.value = value;
  return ok(body);
}

function link(
  request: GraphRequest,
  state: DeltaState,
  kind: string,
  parameter: '$skiptoken' | '$deltatoken',
  changes: Partial<DeltaState>,
): string {
  const token = request.settings.codec.encode(kind, request.tenant.tenantId, { ...state, ...changes });
  return buildLink(request.baseUrl, request.version, `${state.r}/delta`, [[parameter, token]]);
}

/** The expired-token answer Graph gives, in the form the fault settings choose. */
function expired(request: GraphRequest, resource: Resource, state: DeltaState | undefined): GraphHttpError {
  const mode = request.settings.deltaExpiryMode();
  if (mode === 'undocumented') {
    return new GraphHttpError(
      400,
      'Directory_ExpiredPageToken',
      'The specified page token value has expired and can no longer be included in your request.',
    );
  }
  if (mode === '410') {
    // Location restarts the round with the first request's parameters and an empty token.
    const select = state?.sel ? [...state.sel, ...(state.mem ? ['members'] : [])] : undefined;
    const params: [string, string][] = select ? [['$select', select.join(',')]] : [];
    const location = buildLink(request.baseUrl, request.version, `${resource}/delta`, [
      ...params,
      ['$deltatoken', ''],
    ]);
    return new GraphHttpError(
      410,
      'resyncRequired',
      'The delta token is no longer valid, and the app must reset the sync state.',
      { Location: location },
    );
  }
  return new GraphHttpError(
    400,
    'syncStateNotFound',
    'The sync state generation is not found. The delta token is expired and data must be synchronized again.',
  );
}
