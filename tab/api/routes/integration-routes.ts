import { z } from 'zod/v4';
import type { CoreServices } from '../../../src/composition/create-core.js';
import { connectInput, rotateInput } from '../../../src/services/integration-inputs.js';
import { json, parse, type TabRoute } from '../tab-route.js';
import type { TenantAllowList } from '../tenant-allow-list.js';

// The tenant is required, but named by the service after the caller's rights were checked (403 before 400).
const consentBody = z.object({ tenant: z.string().optional(), shareable: z.boolean().optional() });
const removeBody = z.object({
  confirm: z.string({ error: "is required: repeat the client's name to confirm" }),
});
const expiryBody = z.object({
  days: z.coerce
    .number({ error: 'is required: a number of days' })
    .int('must be whole days')
    .min(7, 'at least 7 days')
    .max(365, 'at most 365 days'),
});

/**
 * A client's Entra connection (rule 1): read it, connect with client credentials, start admin consent, test it,
 * rotate its secret, remove it; start the initial import (rule 2); the expiry threshold (rule 8). Bodies are
 * checked with the integration service's own schemas, so the field names and messages are the same everywhere.
 */
export function integrationRoutes(core: CoreServices, allowList: TenantAllowList): TabRoute[] {
  return [
    {
      method: 'GET',
      path: '/clients/:client/integration',
      handle: async ({ actor, params }) =>
        json({ integration: await core.integrations.get(actor, params.client ?? '') }),
    },
    {
      method: 'POST',
      path: '/clients/:client/integration',
      handle: async ({ actor, params, body }) => {
        const input = parse(connectInput, body);
        const outcome = await core.integrations.connect(actor, params.client ?? '', input);
        allowList.invalidate();
        return json(outcome, 201);
      },
    },
    {
      method: 'POST',
      path: '/clients/:client/integration/consent',
      handle: async ({ actor, params, body }) => {
        const { tenant, shareable } = parse(consentBody, body);
        return json(
          await core.integrations.startConsent(actor, params.client ?? '', {
            tenant,
            ...(shareable === undefined ? {} : { shareable }),
          } as { tenant: string; shareable?: boolean }),
        );
      },
    },
    {
      method: 'GET',
      path: '/clients/:client/integration/consent-links',
      handle: async ({ actor, params }) =>
        json({ links: await core.integrations.consentLinks(actor, params.client ?? '') }),
    },
    {
      method: 'DELETE',
      path: '/clients/:client/integration/consent-links',
      handle: async ({ actor, params }) =>
        json(await core.integrations.revokeConsentLinks(actor, params.client ?? '')),
    },
    {
      method: 'POST',
      path: '/clients/:client/integration/test',
      handle: async ({ actor, params }) => json(await core.integrations.test(actor, params.client ?? '')),
    },
    {
      method: 'PUT',
      path: '/clients/:client/integration/secret',
      handle: async ({ actor, params, body }) => {
        const input = parse(rotateInput, body);
        return json(await core.integrations.rotateSecret(actor, params.client ?? '', input));
      },
    },
    {
      method: 'DELETE',
      path: '/clients/:client/integration',
      handle: async ({ actor, params, body }) => {
        const { confirm } = parse(removeBody, body);
        const result = await core.integrations.remove(actor, params.client ?? '', confirm);
        allowList.invalidate();
        return json(result);
      },
    },
    {
      method: 'POST',
      path: '/clients/:client/import',
      handle: async ({ actor, params }) =>
        json(await core.integrations.startImport(actor, params.client ?? '')),
    },
    {
      // What a new expiry threshold would do (users newly expired and the licence cost they hold); changes nothing.
      method: 'GET',
      path: '/clients/:client/settings/expiry/preview',
      handle: async ({ actor, params, query }) =>
        json(
          await core.integrations.previewExpiryThreshold(
            actor,
            params.client ?? '',
            typeof query.days === 'string' ? query.days : '',
          ),
        ),
    },
    {
      method: 'PUT',
      path: '/clients/:client/settings/expiry',
      handle: async ({ actor, params, body }) => {
        const { days } = parse(expiryBody, body);
        return json(await core.integrations.setExpiryThreshold(actor, params.client ?? '', days));
      },
    },
  ];
}
