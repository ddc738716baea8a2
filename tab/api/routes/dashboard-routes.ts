import type { CoreServices } from '../../../src/composition/create-core.js';
import { json, type TabRoute } from '../tab-route.js';

/**
 * The partner dashboard (`/dashboard`: every visible client with its figures) and the cross-client search
 * (`/search?text=…&limit=…`: users and groups, each with the actions the caller may take). The search service
 * validates the text and names what was wrong (400).
 */
export function dashboardRoutes(core: CoreServices): TabRoute[] {
  return [
    {
      method: 'GET',
      path: '/dashboard',
      handle: async ({ actor }) => json(await core.dashboard.dashboard(actor)),
    },
    {
      method: 'GET',
      path: '/search',
      handle: async ({ actor, query }) => {
        const limit = query.limit;
        return json(
          await core.search.find(actor, {
            text: query.text as string,
            ...(limit === undefined
              ? {}
              : {
                  limit:
                    typeof limit === 'string' && /^\d{1,4}$/.test(limit) ? Number(limit) : (limit as number),
                }),
          }),
        );
      },
    },
  ];
}
