import type { CoreServices } from '../../../src/composition/create-core.js';
import { json, type TabRoute } from '../tab-route.js';

/**
 * Alerts the admin shapes (issue 16): the Notifications screen — the alerts sent and their acknowledgement, the
 * alert settings, the outgoing webhooks and their delivery log. Authorization is the core's.
 */
export function alertsRoutes(core: CoreServices): TabRoute[] {
  return [
    {
      method: 'GET',
      path: '/clients/:client/alerts',
      handle: async ({ actor, params }) => json(await core.alerts.alerts(actor, params.client ?? '')),
    },
    {
      method: 'POST',
      path: '/clients/:client/alerts/:alertId/acknowledge',
      handle: async ({ actor, params }) =>
        json(await core.alerts.acknowledge(actor, params.client ?? '', params.alertId)),
    },
    {
      method: 'GET',
      path: '/clients/:client/alert-settings',
      handle: async ({ actor, params }) => json(await core.alerts.settings(actor, params.client ?? '')),
    },
    {
      method: 'PUT',
      path: '/clients/:client/alert-settings',
      handle: async ({ actor, params, body }) =>
        json(await core.alerts.updateSettings(actor, params.client ?? '', body)),
    },
    {
      method: 'GET',
      path: '/clients/:client/webhooks',
      handle: async ({ actor, params }) => json(await core.alerts.webhooks(actor, params.client ?? '')),
    },
    {
      method: 'POST',
      path: '/clients/:client/webhooks',
      handle: async ({ actor, params, body }) =>
        json(await core.alerts.addWebhook(actor, params.client ?? '', body), 201),
    },
    {
      method: 'DELETE',
      path: '/clients/:client/webhooks/:webhookId',
      handle: async ({ actor, params }) => {
        await core.alerts.removeWebhook(actor, params.client ?? '', params.webhookId);
        return json({ removed: true });
      },
    },
  ];
}
