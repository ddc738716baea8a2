import type { CoreServices } from '../../../src/composition/create-core.js';
import type { AuditQueryInput } from '../../../src/services/audit-log-service.js';
import { csv, json, type TabRoute } from '../tab-route.js';

/** The audit log: who did what, when, on which client and object — filtered, paged, and as CSV. */
export function auditRoutes(core: CoreServices): TabRoute[] {
  return [
    {
      method: 'GET',
      path: '/audit',
      handle: async ({ actor, query }) => json(await core.auditLog.query(actor, query)),
    },
    {
      method: 'GET',
      path: '/audit.csv',
      handle: async ({ actor, query }) => {
        const { limit: _limit, before: _before, ...filters } = query as AuditQueryInput;
        return csv(await core.exports.auditCsv(actor, filters));
      },
    },
  ];
}
