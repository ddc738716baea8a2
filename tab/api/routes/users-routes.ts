import type { CoreServices } from '../../../src/composition/create-core.js';
import type { UserListInput } from '../../../src/services/user-service.js';
import type { UserPage } from '../../../src/contracts/users.js';
import { csv, json, type TabRoute } from '../tab-route.js';
import type { TotalCache } from '../total-cache.js';

/**
 * Users of a client (rules 4, 5, 8, 9): the list with filters and keyset pages, the "Entra ID users" import list,
 * one user, import, disable, offboarding (preview, then confirm), departments, and the filtered list as CSV. The query string goes to the user service
 * as it came: it validates and names every bad parameter.
 */
export function usersRoutes(core: CoreServices, totals: TotalCache): TabRoute[] {
  return [
    {
      method: 'GET',
      path: '/clients/:client/users',
      handle: async ({ actor, params, query }) =>
        json(
          await pageWithTotal(totals, 'users', params.client ?? '', query, (input) =>
            core.users.list(actor, params.client ?? '', input),
          ),
        ),
    },
    {
      method: 'GET',
      path: '/clients/:client/users.csv',
      handle: async ({ actor, params, query }) =>
        csv(await core.exports.usersCsv(actor, params.client ?? '', query)),
    },
    {
      method: 'GET',
      path: '/clients/:client/entra-users',
      handle: async ({ actor, params, query }) =>
        json(
          await pageWithTotal(totals, 'entra-users', params.client ?? '', query, (input) =>
            core.users.listEntraUsers(actor, params.client ?? '', input),
          ),
        ),
    },
    {
      method: 'GET',
      path: '/clients/:client/users/:user',
      handle: async ({ actor, params }) =>
        json(await core.users.get(actor, params.client ?? '', params.user ?? '')),
    },
    {
      method: 'POST',
      path: '/clients/:client/users/:user/import',
      handle: async ({ actor, params }) =>
        json(await core.users.importUser(actor, params.client ?? '', params.user ?? '')),
    },
    {
      method: 'POST',
      path: '/clients/:client/users/:user/disable',
      handle: async ({ actor, params }) =>
        json(await core.users.disableUser(actor, params.client ?? '', params.user ?? '')),
    },
    {
      // Offboarding a leaver: its steps (nothing changes), then, with `{"confirm": true}`, each step in order.
      method: 'GET',
      path: '/clients/:client/users/:user/offboarding',
      handle: async ({ actor, params }) =>
        json(await core.offboarding.preview(actor, params.client ?? '', params.user ?? '')),
    },
    {
      method: 'POST',
      path: '/clients/:client/users/:user/offboarding',
      handle: async ({ actor, params, body }) =>
        json(await core.offboarding.execute(actor, params.client ?? '', params.user ?? '', body)),
    },
    {
      method: 'GET',
      path: '/clients/:client/departments',
      handle: async ({ actor, params }) =>
        json({ departments: await core.users.departments(actor, params.client ?? '') }),
    },
  ];
}

/**
 * A page of users with its total, the total counted by the service only when no fresh one is remembered. The
 * service is called either way, so its authorization and validation always run.
 */
async function pageWithTotal(
  totals: TotalCache,
  list: string,
  client: string,
  query: Readonly<Record<string, unknown>>,
  load: (input: UserListInput) => Promise<UserPage>,
): Promise<UserPage> {
  const firstPage = query.cursor === undefined && query.withTotal !== 'false' && query.withTotal !== false;
  if (!firstPage) return load(query);
  const remembered = totals.get(client, list, query);
  if (remembered !== undefined) return { ...(await load({ ...query, withTotal: false })), total: remembered };
  const page = await load(query);
  if (page.total !== null) totals.set(client, list, query, page.total);
  return page;
}
