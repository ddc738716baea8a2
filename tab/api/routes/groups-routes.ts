import { z } from 'zod/v4';
import type { CoreServices } from '../../../src/composition/create-core.js';
import type { ExclusionPreviewOptions } from '../../../src/services/group-exclusion.js';
import { json, parse, type TabRoute } from '../tab-route.js';

const confirmBody = z.object({
  token: z.string({ error: 'is required: the token of the preview you confirm' }),
  confirm: z.literal(true, { error: 'must be true: excluding a group cannot be undone' }),
});
const reportingBody = z.object({ enabled: z.boolean({ error: 'is required: true or false' }) });
const previewBody = z.object({ sampleSize: z.number().int().min(0).max(500).optional() });

/**
 * Groups of a client (rules 6, 7): list with member counts, one group, the exclusion preview and its explicit
 * confirmation, import for reporting, transitive members.
 */
export function groupsRoutes(core: CoreServices): TabRoute[] {
  return [
    {
      method: 'GET',
      path: '/clients/:client/groups',
      handle: async ({ actor, params, query }) =>
        json(await core.groups.list(actor, params.client ?? '', query)),
    },
    {
      method: 'GET',
      path: '/clients/:client/groups/:group',
      handle: async ({ actor, params }) =>
        json(await core.groups.get(actor, params.client ?? '', params.group ?? '')),
    },
    {
      method: 'POST',
      path: '/clients/:client/groups/:group/exclusion-preview',
      handle: async ({ actor, params, body }) => {
        const options: ExclusionPreviewOptions = parse(previewBody, body);
        return json(
          await core.groups.previewExclusion(actor, params.client ?? '', params.group ?? '', options),
        );
      },
    },
    {
      method: 'POST',
      path: '/clients/:client/exclusions',
      handle: async ({ actor, params, body }) => {
        const { token } = parse(confirmBody, body);
        return json(await core.groups.confirmExclusion(actor, params.client ?? '', token));
      },
    },
    {
      method: 'PUT',
      path: '/clients/:client/groups/:group/reporting',
      handle: async ({ actor, params, body }) => {
        const { enabled } = parse(reportingBody, body);
        return json(await core.groups.setReporting(actor, params.client ?? '', params.group ?? '', enabled));
      },
    },
    {
      method: 'GET',
      path: '/clients/:client/groups/:group/members',
      handle: async ({ actor, params, query }) =>
        json(await core.groups.members(actor, params.client ?? '', params.group ?? '', query)),
    },
  ];
}
