import { z } from 'zod/v4';
import type { CoreServices } from '../../../src/composition/create-core.js';
import { REPORT_KINDS } from '../../../src/services/reports/report-types.js';
import type { ReportKind } from '../../../src/contracts/reports.js';
import { csv, json, parse, type TabRoute } from '../tab-route.js';

const kindParam = z.object({
  kind: z.enum(REPORT_KINDS as [ReportKind, ...ReportKind[]], {
    error: `must be one of ${REPORT_KINDS.join(', ')}`,
  }),
});

/** The filters every report takes from the query string (the report service checks their shapes). */
const reportQuery = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  group: z.string().optional(),
  department: z.string().optional(),
  table: z.string().optional(),
});

/**
 * Rule 10: the usage, SSO, MFA and billing reports of a client — filtered by period, reporting group and
 * department — the filter choices, and each report as CSV.
 */
export function reportsRoutes(core: CoreServices): TabRoute[] {
  return [
    {
      method: 'GET',
      path: '/clients/:client/reports/filters',
      handle: async ({ actor, params }) => json(await core.reports.filters(actor, params.client ?? '')),
    },
    {
      method: 'GET',
      path: '/clients/:client/reports/:kind',
      handle: async ({ actor, params, query }) => {
        const { kind } = parse(kindParam, params);
        const { table: _table, ...filters } = parse(reportQuery, query);
        return json(await core.reports.report(actor, kind, { client: params.client ?? '', ...filters }));
      },
    },
    {
      method: 'GET',
      path: '/clients/:client/reports/:kind/csv',
      handle: async ({ actor, params, query }) => {
        const { kind } = parse(kindParam, params);
        const { table, ...filters } = parse(reportQuery, query);
        return csv(
          await core.exports.reportCsv(actor, kind, { client: params.client ?? '', ...filters }, table),
        );
      },
    },
  ];
}
