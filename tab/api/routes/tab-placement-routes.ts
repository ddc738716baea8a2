import { z } from 'zod/v4';
import type { CoreServices } from '../../../src/composition/create-core.js';
import { tabPlacementInput } from '../../../src/services/tab-placement-service.js';
import { empty, json, parse, type TabRoute } from '../tab-route.js';

const removal = z.object({ id: z.string({ error: 'name the channel or chat id' }) });

/**
 * The client's channel and group-chat tabs: the configuration page records where it was saved, so the bot's cards
 * in that channel or chat open this tab; the tab's remove page forgets it.
 */
export function tabPlacementRoutes(core: CoreServices): TabRoute[] {
  return [
    {
      method: 'POST',
      path: '/clients/:client/tabs',
      handle: async ({ actor, params, body }) =>
        json(await core.tabPlacements.add(actor, params.client ?? '', parse(tabPlacementInput, body)), 201),
    },
    {
      method: 'DELETE',
      path: '/clients/:client/tabs',
      handle: async ({ actor, params, body }) => {
        await core.tabPlacements.remove(actor, params.client ?? '', parse(removal, body).id);
        return empty;
      },
    },
  ];
}
