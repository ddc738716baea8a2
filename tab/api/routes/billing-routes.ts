import { stringify } from 'csv-stringify/sync';
import type { Core } from '../../../src/composition/create-core.js';
import { csv, json, type TabRoute } from '../tab-route.js';

/** Rule 9: the billable position now, its daily history, and the history as CSV. */
export function billingRoutes(core: Core): TabRoute[] {
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
      handle: async ({ actor, params, query }) => {
        const days = await core.billing.history(actor, params.client ?? '', query);
        return csv(
          `${params.client ?? 'client'}-billing.csv`,
          stringify(
            days.map((day) => [
              day.day,
              day.totalUsers,
              day.imported,
              day.disabled,
              day.expired,
              day.guests,
              day.billable,
            ]),
            {
              header: true,
              columns: ['day', 'totalUsers', 'imported', 'disabled', 'expired', 'guests', 'billable'],
            },
          ),
        );
      },
    },
  ];
}
