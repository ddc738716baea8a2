import { z } from 'zod/v4';
import type { CoreServices } from '../../../src/composition/create-core.js';
import { downloadTarget } from '../../../src/services/download-link-service.js';
import { ValidationError } from '../../../src/shared/errors.js';
import { json, parse, type TabRoute } from '../tab-route.js';

const TAB_API_PREFIX = '/api/tab';

/** An export of the tab API: a GET whose answer is a CSV file (`…users.csv`, `…/reports/usage/csv`). */
export function isDownloadRoute(route: Pick<TabRoute, 'method' | 'path'>): boolean {
  return route.method === 'GET' && /(\.csv|\/csv)$/.test(route.path);
}

/** The export's canonical address (path under /api/tab, sorted query without `link`) from a URL as requested. */
export function downloadTargetOf(url: string): string {
  const parsed = new URL(url, 'http://tab.invalid');
  const path = parsed.pathname.startsWith(`${TAB_API_PREFIX}/`)
    ? parsed.pathname.slice(TAB_API_PREFIX.length)
    : parsed.pathname;
  return downloadTarget(path, parsed.searchParams);
}

const linkRequest = z.object({
  path: z
    .string({ error: 'name the export: its path under /api/tab with its query' })
    .min(2)
    .max(2_000)
    .regex(/^\/[^\s#]*$/, 'must be a path of the tab API, such as /clients/contoso/users.csv?state=imported'),
});

/**
 * POST /downloads `{ path }` → `{ url, expiresAt }`: a short-lived single-use signed link to one of the tab's
 * exports, for the person asking. The tab opens it through the host (`app.openLink`): a plain GET that works in the
 * system browser, where the tab's SSO token is not (src/services/download-link-service.ts).
 */
export function downloadLinkRoutes(core: CoreServices, routes: readonly TabRoute[]): TabRoute[] {
  const exports = routes.filter(isDownloadRoute).map((route) => patternOf(route.path));
  return [
    {
      method: 'POST',
      path: '/downloads',
      handle: async ({ actor, body }) => {
        const target = downloadTargetOf(parse(linkRequest, body).path);
        const path = target.split('?', 1)[0] ?? '';
        if (!exports.some((pattern) => pattern.test(path))) {
          throw new ValidationError('path: is not an export of the tab API.', [
            { path: 'path', message: 'is not an export of the tab API' },
          ]);
        }
        const link = await core.downloadLinks.issue(actor, target);
        const separator = target.includes('?') ? '&' : '?';
        return json({
          url: `${core.config.publicBaseUrl}${TAB_API_PREFIX}${target}${separator}link=${link.token}`,
          expiresAt: link.expiresAt,
        });
      },
    },
  ];
}

/** restify's `/clients/:client/users.csv` as a regular expression over a path. */
function patternOf(path: string): RegExp {
  const escaped = path
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${escaped}$`);
}
