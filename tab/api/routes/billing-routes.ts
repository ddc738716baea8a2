import type { CoreServices } from '../../../src/composition/create-core.js';
import { csv, json, type TabRoute } from '../tab-route.js';

/** Rule 9: the billable position now, its daily history, and the history as CSV. */
export function billingRoutes(core: CoreServices): TabRoute[] {
  return [
    {
      method: 'GET',
      path: '/clients/:client/billing',
      handle: async ({ actor, params }) => json(await core.billing.summary(actor, params.client ?? '')),
    },
    {
      method: 'GET',
      path: '/clients/:client/billing/history',
      handle: async ({ actor, params, query }) =>
        json({ days: await core.billing.history(actor, params.client ?? '', query) }),
    },
    {
      method: 'GET',
      path: '/clients/:client/billing/history.csv',
      handle: async ({ actor, params, query }) =>
        csv(await core.exports.billingCsv(actor, params.client ?? '', query)),
    },
  ];
}
