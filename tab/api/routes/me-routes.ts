import type { Core } from '../../../src/composition/create-core.js';
import type { Me } from '../../../src/contracts/clients.js';
import { json, type TabRoute } from '../tab-route.js';

/** Who the caller is and what they may do: the tab shows or hides actions from this (the core still decides). */
export function meRoutes(core: Core): TabRoute[] {
  return [
    {
      method: 'GET',
      path: '/me',
      handle: async ({ actor }) => {
        const grants = await core.access.grantsOf(actor);
        const clients = await core.clients.list(actor);
        const me: Me = {
          name: actor.name ?? null,
          tenantId: actor.tenantId,
          objectId: actor.objectId,
          grants: grants.map((grant) => ({ role: grant.role, clientScope: grant.clientScope })),
          isPartnerAdmin: grants.some((grant) => grant.role === 'partner_admin' && grant.clientScope === '*'),
          clients: clients.map((client) => ({
            id: client.id,
            name: client.name,
            displayName: client.display_name,
          })),
        };
        return json(me);
      },
    },
  ];
}
