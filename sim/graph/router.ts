/** Maps a Graph path to its handler, its stats name and its throttling tier. */
import type { ThrottleTier } from '../throttling.js';
import type { GraphRequest, GraphResponse } from './context.js';
import { delta } from './delta.js';
import {
  getOrganization,
  getServicePrincipal,
  listAppRoleAssignments,
  listOrganization,
  listServicePrincipals,
  listTeams,
} from './directory.js';
import { methodNotAllowed, segmentNotFound } from './errors.js';
import { getGroup, listGroups, listMembers } from './groups.js';
import { getRegistrationDetails, listRegistrationDetails } from './reports.js';
import { getSignIn, listSignIns } from './sign-ins.js';
import { getSubscribedSku, listSubscribedSkus } from './subscribed-skus.js';
import { assignLicense, patchUser, revokeSignInSessions } from './user-actions.js';
import { countUsers, getUser, listUsers } from './users.js';

export interface GraphRoute {
  /** Stats name without method and version, e.g. `/groups/{id}/members`. */
  readonly endpoint: string;
  readonly tier: ThrottleTier;
  /** True for `POST /$batch` (handled by the batch executor, not `run`). */
  readonly batch?: boolean;
  /** Methods the route answers (default GET, POST for `$batch`); `run` sees `request.method`. */
  readonly methods?: readonly string[];
  run(request: GraphRequest): GraphResponse;
}

const SP_BY_APP_ID = /^servicePrincipals\(appId='([^']+)'\)$/;

/** Finds the route for a method and path; throws Graph's 400/405 for unknown segments and methods. */
export function matchGraphRoute(method: string, segments: readonly string[]): GraphRoute {
  const route = find(segments);
  if (!route) throw segmentNotFound(firstUnknown(segments));
  const allowed = route.methods ?? [route.batch ? 'POST' : 'GET'];
  if (!allowed.includes(method)) throw methodNotAllowed();
  return route;
}

function find(segments: readonly string[]): GraphRoute | undefined {
  const [a, b, c, d] = segments;
  const n = segments.length;
  switch (a) {
    case '$batch':
      return n === 1
        ? { endpoint: '/$batch', tier: 'none', batch: true, run: () => ({ status: 500 }) }
        : undefined;
    case 'organization':
      if (n === 1) return { endpoint: '/organization', tier: 'identity', run: listOrganization };
      if (n === 2 && b)
        return { endpoint: '/organization/{id}', tier: 'identity', run: (r) => getOrganization(r, b) };
      return undefined;
    case 'users':
      if (n === 1) return { endpoint: '/users', tier: 'identity', run: listUsers };
      if (n === 2 && b === 'delta')
        return { endpoint: '/users/delta', tier: 'identity', run: (r) => delta(r, 'users') };
      if (n === 2 && b === '$count') return { endpoint: '/users/$count', tier: 'identity', run: countUsers };
      if (n === 2 && b)
        return {
          endpoint: '/users/{id}',
          tier: 'identity',
          methods: ['GET', 'PATCH'],
          run: (r) => (r.method === 'PATCH' ? patchUser(r, b) : getUser(r, b)),
        };
      if (n === 3 && b && c === 'revokeSignInSessions')
        return {
          endpoint: '/users/{id}/revokeSignInSessions',
          tier: 'identity',
          methods: ['POST'],
          run: (r) => revokeSignInSessions(r, b),
        };
      if (n === 3 && b && c === 'assignLicense')
        return {
          endpoint: '/users/{id}/assignLicense',
          tier: 'identity',
          methods: ['POST'],
          run: (r) => assignLicense(r, b),
        };
      return undefined;
    case 'groups':
      if (n === 1) return { endpoint: '/groups', tier: 'identity', run: listGroups };
      if (n === 2 && b === 'delta')
        return { endpoint: '/groups/delta', tier: 'identity', run: (r) => delta(r, 'groups') };
      if (n === 2 && b) return { endpoint: '/groups/{id}', tier: 'identity', run: (r) => getGroup(r, b) };
      if ((n === 3 || n === 4) && b && (c === 'members' || c === 'transitiveMembers')) {
        return {
          endpoint: `/groups/{id}/${c}${d === undefined ? '' : `/${d}`}`,
          tier: 'identity',
          run: (r) => listMembers(r, b, c, d),
        };
      }
      return undefined;
    case 'subscribedSkus':
      if (n === 1) return { endpoint: '/subscribedSkus', tier: 'identity', run: listSubscribedSkus };
      if (n === 2 && b)
        return { endpoint: '/subscribedSkus/{id}', tier: 'identity', run: (r) => getSubscribedSku(r, b) };
      return undefined;
    case 'teams':
      return n === 1 ? { endpoint: '/teams', tier: 'none', run: listTeams } : undefined;
    case 'servicePrincipals':
      if (n === 1) return { endpoint: '/servicePrincipals', tier: 'identity', run: listServicePrincipals };
      if (n === 2 && b)
        return {
          endpoint: '/servicePrincipals/{id}',
          tier: 'identity',
          run: (r) => getServicePrincipal(r, { id: b }),
        };
      if (n === 3 && b && c === 'appRoleAssignments')
        return {
          endpoint: '/servicePrincipals/{id}/appRoleAssignments',
          tier: 'identity',
          run: (r) => listAppRoleAssignments(r, b),
        };
      return undefined;
    case 'auditLogs':
      if (b !== 'signIns') return undefined;
      if (n === 2) return { endpoint: '/auditLogs/signIns', tier: 'reports', run: listSignIns };
      if (n === 3 && c)
        return { endpoint: '/auditLogs/signIns/{id}', tier: 'reports', run: (r) => getSignIn(r, c) };
      return undefined;
    case 'reports':
      if (b !== 'authenticationMethods' || c !== 'userRegistrationDetails') return undefined;
      if (n === 3) {
        return {
          endpoint: '/reports/authenticationMethods/userRegistrationDetails',
          tier: 'reports',
          run: listRegistrationDetails,
        };
      }
      if (n === 4 && d) {
        return {
          endpoint: '/reports/authenticationMethods/userRegistrationDetails/{id}',
          tier: 'reports',
          run: (r) => getRegistrationDetails(r, d),
        };
      }
      return undefined;
    default: {
      const byAppId = a === undefined || n !== 1 ? null : SP_BY_APP_ID.exec(a);
      if (byAppId?.[1]) {
        const appId = byAppId[1];
        return {
          endpoint: "/servicePrincipals(appId='{appId}')",
          tier: 'identity',
          run: (r) => getServicePrincipal(r, { appId }),
        };
      }
      return undefined;
    }
  }
}

function firstUnknown(segments: readonly string[]): string {
  const known = [
    'organization',
    'users',
    'groups',
    'teams',
    'servicePrincipals',
    'auditLogs',
    'reports',
    'subscribedSkus',
    '$batch',
  ];
  const first = segments[0] ?? '';
  if (!known.includes(first)) return first;
  return segments[segments.length - 1] ?? first;
}
