import type { Core } from '../../src/composition/create-core.js';
import { clientsRoutes } from './routes/clients-routes.js';
import { meRoutes } from './routes/me-routes.js';
import type { TabRoute } from './tab-route.js';
import type { TenantAllowList } from './tenant-allow-list.js';

export interface TabRoutesContext {
  /** Refreshed when an integration is connected or removed, so its tenant's admins get in at once. */
  readonly allowList: TenantAllowList;
}

/** Every route of the tab API, by workload. Each calls only the core's services. */
export function tabRoutes(core: Core, _context: TabRoutesContext): TabRoute[] {
  return [...meRoutes(core), ...clientsRoutes(core)];
}
