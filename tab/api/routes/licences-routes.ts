import type { CoreServices } from '../../../src/composition/create-core.js';
import { csv, json, type TabRoute } from '../tab-route.js';

/**
 * Licences and their cost (issue 17): the Licences report and its CSV, the inactive but licensed users, one user's
 * licences, and the partner's prices (reading them needs the read right; setting them is an admin action).
 */
export function licencesRoutes(core: CoreServices): TabRoute[] {
  return [
    {
      method: 'GET',
      path: '/licences/reclaimable',
      handle: async ({ actor }) => json({ clients: await core.licences.reclaimableByClient(actor) }),
    },
    {
      method: 'GET',
      path: '/clients/:client/licences',
      handle: async ({ actor, params }) => json(await core.licences.overview(actor, params.client ?? '')),
    },
    {
      method: 'GET',
      path: '/clients/:client/licences.csv',
      handle: async ({ actor, params }) => csv(await core.exports.licencesCsv(actor, params.client ?? '')),
    },
    {
      method: 'GET',
      path: '/clients/:client/licences/inactive',
      handle: async ({ actor, params, query }) =>
        json(await core.licences.inactiveLicensed(actor, params.client ?? '', query)),
    },
    {
      method: 'GET',
      path: '/clients/:client/licences/users/:userId',
      handle: async ({ actor, params }) =>
        json(await core.licences.userLicences(actor, params.client ?? '', params.userId)),
    },
    {
      method: 'GET',
      path: '/clients/:client/licences/actions',
      handle: async ({ actor, params }) =>
        json({ actions: await core.licences.actionAvailability(actor, params.client ?? '') }),
    },
    {
      // Block sign-in (or its Undo) on a selection: what it would do, then (`confirm: true`) do it.
      method: 'POST',
      path: '/clients/:client/user-actions/preview',
      handle: async ({ actor, params, body }) =>
        json(await core.userActions.preview(actor, params.client ?? '', body)),
    },
    {
      method: 'POST',
      path: '/clients/:client/user-actions',
      handle: async ({ actor, params, body }) =>
        json(await core.userActions.execute(actor, params.client ?? '', body)),
    },
    {
      method: 'GET',
      path: '/clients/:client/licences/prices',
      handle: async ({ actor, params }) => json(await core.licences.prices(actor, params.client ?? '')),
    },
    {
      method: 'PUT',
      path: '/clients/:client/licences/prices',
      handle: async ({ actor, params, body }) =>
        json(await core.licences.setPrices(actor, params.client ?? '', body)),
    },
  ];
}
