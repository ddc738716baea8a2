import type { CoreServices } from '../../../src/composition/create-core.js';
import { json, type TabRoute } from '../tab-route.js';

/**
 * The client's directory sync: where it stands with its live progress (the status bar polls this, so it is two
 * indexed reads) and "sync now" — which needs the operate right, checked by the core.
 */
export function syncRoutes(core: CoreServices): TabRoute[] {
  return [
    {
      method: 'GET',
      path: '/clients/:client/sync',
      handle: async ({ actor, params }) => json(await core.sync.status(actor, params.client ?? '')),
    },
    {
      method: 'POST',
      path: '/clients/:client/sync',
      handle: async ({ actor, params }) => json(await core.sync.requestSync(actor, params.client ?? ''), 202),
    },
  ];
}
