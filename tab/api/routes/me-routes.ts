import type { CoreServices } from '../../../src/composition/create-core.js';
import { json, type TabRoute } from '../tab-route.js';

/** Who the caller is and what they may do: the tab shows or hides actions from this (the core still decides). */
export function meRoutes(core: CoreServices): TabRoute[] {
  return [{ method: 'GET', path: '/me', handle: async ({ actor }) => json(await core.roles.me(actor)) }];
}
