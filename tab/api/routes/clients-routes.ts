import { z } from 'zod/v4';
import type { CoreServices } from '../../../src/composition/create-core.js';
import type { ClientRef } from '../../../src/contracts/clients.js';
import { empty, json, parse, type TabRoute } from '../tab-route.js';

const addClientBody = z.object({
  name: z.string({ error: 'is required' }),
  displayName: z.string().optional(),
});

const removeClientBody = z.object({
  confirm: z.string({ error: 'is required: repeat the client name to confirm' }),
});

/**
 * The partner view: every client the caller may see, with its health (`/clients`, `/clients/:client/overview`);
 * one client's header for its screens (`/clients/:client`, cheap); add and remove clients.
 */
export function clientsRoutes(core: CoreServices): TabRoute[] {
  return [
    {
      method: 'GET',
      path: '/clients',
      handle: async ({ actor }) => {
        return json({ clients: await core.status.list(actor) });
      },
    },
    {
      method: 'POST',
      path: '/clients',
      handle: async ({ actor, body }) => {
        const input = parse(addClientBody, body);
        const client = await core.clients.add(actor, {
          name: input.name,
          ...(input.displayName === undefined ? {} : { displayName: input.displayName }),
        });
        const added: ClientRef = { id: client.id, name: client.name, displayName: client.displayName };
        return json(added, 201);
      },
    },
    {
      method: 'GET',
      path: '/clients/:client',
      handle: async ({ actor, params }) => json(await core.status.header(actor, params.client ?? '')),
    },
    {
      method: 'GET',
      path: '/clients/:client/overview',
      handle: async ({ actor, params }) => {
        const [status] = await core.status.list(actor, params.client ?? '');
        return json(status ?? null);
      },
    },
    {
      method: 'DELETE',
      path: '/clients/:client',
      handle: async ({ actor, params, body }) => {
        const { confirm } = parse(removeClientBody, body);
        await core.clients.remove(actor, params.client ?? '', confirm);
        return empty;
      },
    },
  ];
}
