import type { CoreServices } from '../../src/composition/create-core.js';
import { alertsRoutes } from './routes/alerts-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { billingRoutes } from './routes/billing-routes.js';
import { clientsRoutes } from './routes/clients-routes.js';
import { dashboardRoutes } from './routes/dashboard-routes.js';
import { downloadLinkRoutes } from './routes/download-link-routes.js';
import { groupsRoutes } from './routes/groups-routes.js';
import { integrationRoutes } from './routes/integration-routes.js';
import { licencesRoutes } from './routes/licences-routes.js';
import { meRoutes } from './routes/me-routes.js';
import { reportsRoutes } from './routes/reports-routes.js';
import { syncRoutes } from './routes/sync-routes.js';
import { tabPlacementRoutes } from './routes/tab-placement-routes.js';
import { usersRoutes } from './routes/users-routes.js';
import type { TabRoute } from './tab-route.js';
import type { TenantAllowList } from './tenant-allow-list.js';
import { TotalCache } from './total-cache.js';

export interface TabRoutesContext {
  /** Refreshed when an integration is connected or removed, so its tenant's admins get in at once. */
  readonly allowList: TenantAllowList;
}

/** Every route of the tab API, by workload. Each calls only the core's services. */
export function tabRoutes(core: CoreServices, context: TabRoutesContext): TabRoute[] {
  const totals = new TotalCache();
  const routes = [
    ...meRoutes(core),
    ...clientsRoutes(core),
    ...dashboardRoutes(core),
    ...integrationRoutes(core, context.allowList),
    ...syncRoutes(core),
    ...usersRoutes(core, totals),
    ...groupsRoutes(core),
    ...billingRoutes(core),
    ...licencesRoutes(core),
    ...reportsRoutes(core),
    ...auditRoutes(core),
    ...alertsRoutes(core),
    ...tabPlacementRoutes(core),
  ];
  // Whatever a change through the tab did to a client, its remembered list totals are forgotten at once.
  return [...routes, ...downloadLinkRoutes(core, routes)].map((route) =>
    route.method === 'GET'
      ? route
      : {
          ...route,
          handle: async (request) => {
            const reply = await route.handle(request);
            if (request.params.client !== undefined) totals.forget(request.params.client);
            return reply;
          },
        },
  );
}
