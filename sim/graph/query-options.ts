/**
 * The OData system query options each simulated endpoint accepts — one row per endpoint, each with the Microsoft
 * documentation page that lists them ("Optional query parameters"). Anything a row does not list is refused with
 * the error body the service behind that endpoint answers, so a client that sends an option Microsoft does not
 * document fails here first (DESIGN §5, "Microsoft is stricter than any stand-in").
 *
 * `$skiptoken` and `$deltatoken` are listed where Graph puts them in its own `@odata.nextLink` /
 * `@odata.deltaLink`: a client never builds them, but must be able to follow the links.
 */
import { GraphHttpError, simulatorGap } from './errors.js';
import type { ODataQuery, QueryOption } from './odata-query.js';

export { ALL_QUERY_OPTIONS, type QueryOption } from './odata-query.js';

/**
 * How the service behind an endpoint refuses an option:
 * - `directory`: the directory (users, groups, organization, service principals, delta) answers 400
 *   `Request_UnsupportedQuery`;
 * - `reports`: the reporting services (sign-in logs, authentication-method reports) are ASP.NET OData services and
 *   answer 400 `BadRequest` "Query option 'Select' is not allowed. To allow it, set the 'AllowedQueryOptions'
 *   property on EnableQueryAttribute or QueryValidationSettings." — the exact text users report for `$select` on
 *   sign-ins (https://github.com/microsoftgraph/microsoft-graph-devx-api/issues/1250,
 *   https://github.com/microsoftgraph/msgraph-sdk-powershell/issues/1251). Those reports quote the message only;
 *   the code is the one the same sign-in log service is reported to give its other query refusals ("Code:
 *   BadRequest, Message: Invalid filter clause", https://github.com/Azure/azure-docs-powershell-azuread/issues/623),
 *   and Microsoft documents no other. The product depends on neither: it never sends `$select` there.
 */
export type RefusalStyle = 'directory' | 'reports';

export interface QueryOptionRow {
  /** The router's endpoint name (`/users/delta`, `/groups/{id}/members`, …); OData casts are folded into it. */
  readonly endpoint: string;
  /** Options Microsoft documents for this endpoint and the simulator implements. */
  readonly accepts: readonly QueryOption[];
  /** Options Microsoft documents but the simulator does not model: 501, never silently ignored. */
  readonly notModelled: readonly QueryOption[];
  readonly refusal: RefusalStyle;
  /** Microsoft's page listing the options. */
  readonly doc: string;
}

const DOCS = 'https://learn.microsoft.com/en-us/graph/api';

/** The table. Every route of `router.ts` has exactly one row (a test checks it). */
export const QUERY_OPTION_TABLE: readonly QueryOptionRow[] = [
  {
    endpoint: '/organization',
    accepts: ['$select'],
    notModelled: [],
    refusal: 'directory',
    doc: `${DOCS}/organization-list`,
  },
  {
    endpoint: '/organization/{id}',
    accepts: ['$select'],
    notModelled: [],
    refusal: 'directory',
    doc: `${DOCS}/organization-get`,
  },
  {
    endpoint: '/subscribedSkus',
    accepts: ['$select'],
    notModelled: [],
    refusal: 'directory',
    doc: `${DOCS}/subscribedsku-list`,
  },
  {
    endpoint: '/subscribedSkus/{id}',
    accepts: ['$select'],
    notModelled: [],
    refusal: 'directory',
    doc: `${DOCS}/subscribedsku-get`,
  },
  {
    endpoint: '/users',
    accepts: ['$select', '$filter', '$top', '$skiptoken', '$count'],
    notModelled: ['$orderby', '$search', '$expand'],
    refusal: 'directory',
    doc: `${DOCS}/user-list`,
  },
  {
    endpoint: '/users/delta',
    accepts: ['$select', '$skiptoken', '$deltatoken'],
    notModelled: ['$filter'],
    refusal: 'directory',
    doc: `${DOCS}/user-delta`,
  },
  {
    endpoint: '/users/$count',
    accepts: ['$filter'],
    notModelled: ['$search'],
    refusal: 'directory',
    doc: `${DOCS}/user-list`,
  },
  {
    endpoint: '/users/{id}',
    accepts: ['$select'],
    notModelled: ['$expand'],
    refusal: 'directory',
    doc: `${DOCS}/user-get`,
  },
  {
    endpoint: '/users/{id}/revokeSignInSessions',
    accepts: [],
    notModelled: [],
    refusal: 'directory',
    doc: `${DOCS}/user-revokesigninsessions`,
  },
  {
    endpoint: '/users/{id}/assignLicense',
    accepts: [],
    notModelled: [],
    refusal: 'directory',
    doc: `${DOCS}/user-assignlicense`,
  },
  {
    endpoint: '/groups',
    accepts: ['$select', '$filter', '$top', '$skiptoken', '$count'],
    notModelled: ['$orderby', '$search', '$expand'],
    refusal: 'directory',
    doc: `${DOCS}/group-list`,
  },
  {
    endpoint: '/groups/delta',
    accepts: ['$select', '$skiptoken', '$deltatoken'],
    notModelled: ['$filter'],
    refusal: 'directory',
    doc: `${DOCS}/group-delta`,
  },
  {
    endpoint: '/groups/{id}',
    accepts: ['$select'],
    notModelled: ['$expand'],
    refusal: 'directory',
    doc: `${DOCS}/group-get`,
  },
  {
    endpoint: '/groups/{id}/members',
    accepts: ['$select', '$top', '$skiptoken', '$count'],
    notModelled: ['$filter', '$search', '$orderby', '$expand'],
    refusal: 'directory',
    doc: `${DOCS}/group-list-members`,
  },
  {
    endpoint: '/groups/{id}/transitiveMembers',
    accepts: ['$select', '$top', '$skiptoken', '$count'],
    notModelled: ['$filter', '$search', '$orderby', '$expand'],
    refusal: 'directory',
    doc: `${DOCS}/group-list-transitivemembers`,
  },
  {
    endpoint: '/teams',
    accepts: ['$select', '$filter', '$top', '$skiptoken', '$count'],
    notModelled: [],
    refusal: 'directory',
    doc: `${DOCS}/teams-list`,
  },
  {
    endpoint: '/servicePrincipals',
    accepts: ['$select', '$filter', '$top', '$skiptoken', '$count'],
    notModelled: ['$orderby', '$search', '$expand'],
    refusal: 'directory',
    doc: `${DOCS}/serviceprincipal-list`,
  },
  {
    endpoint: '/servicePrincipals/{id}',
    accepts: ['$select'],
    notModelled: ['$expand'],
    refusal: 'directory',
    doc: `${DOCS}/serviceprincipal-get`,
  },
  {
    endpoint: "/servicePrincipals(appId='{appId}')",
    accepts: ['$select'],
    notModelled: ['$expand'],
    refusal: 'directory',
    doc: `${DOCS}/serviceprincipal-get`,
  },
  {
    endpoint: '/servicePrincipals/{id}/appRoleAssignments',
    accepts: [],
    notModelled: ['$select', '$filter', '$orderby', '$expand', '$top', '$count', '$skiptoken', '$search'],
    refusal: 'directory',
    doc: `${DOCS}/serviceprincipal-list-approleassignments`,
  },
  {
    // "This method supports the $top, $skiptoken, and $filter OData query parameters" (v1.0 and beta): no $select.
    endpoint: '/auditLogs/signIns',
    accepts: ['$filter', '$top', '$skiptoken'],
    notModelled: [],
    refusal: 'reports',
    doc: `${DOCS}/signin-list`,
  },
  {
    endpoint: '/auditLogs/signIns/{id}',
    accepts: [],
    notModelled: [],
    refusal: 'reports',
    doc: `${DOCS}/signin-get`,
  },
  {
    // "This method supports only the $filter and $orderBy OData query parameters": no $top, no $select.
    endpoint: '/reports/authenticationMethods/userRegistrationDetails',
    accepts: ['$filter', '$skiptoken'],
    notModelled: ['$orderby'],
    refusal: 'reports',
    doc: `${DOCS}/authenticationmethodsroot-list-userregistrationdetails`,
  },
  {
    endpoint: '/reports/authenticationMethods/userRegistrationDetails/{id}',
    accepts: [],
    notModelled: [],
    refusal: 'reports',
    doc: `${DOCS}/userregistrationdetails-get`,
  },
  {
    endpoint: '/$batch',
    accepts: [],
    notModelled: [],
    refusal: 'directory',
    doc: 'https://learn.microsoft.com/en-us/graph/json-batching',
  },
];

const BY_ENDPOINT = new Map(QUERY_OPTION_TABLE.map((row) => [row.endpoint, row]));

/** The row of an endpoint (an OData cast such as `/members/microsoft.graph.user` uses its collection's row). */
export function queryOptionRow(endpoint: string): QueryOptionRow | undefined {
  return BY_ENDPOINT.get(endpoint.replace(/\/microsoft\.graph\.[A-Za-z]+$/, ''));
}

/** ASP.NET OData's name of an option in its refusal ("Select", "Top", "OrderBy", "SkipToken", …). */
const ASP_NET_NAMES: Record<QueryOption, string> = {
  $select: 'Select',
  $filter: 'Filter',
  $top: 'Top',
  $skip: 'Skip',
  $skiptoken: 'SkipToken',
  $deltatoken: 'DeltaToken',
  $count: 'Count',
  $orderby: 'OrderBy',
  $expand: 'Expand',
  $search: 'Search',
  $format: 'Format',
  $apply: 'Apply',
};

/** Microsoft's refusal of `option` in the style of the service behind the endpoint. */
export function optionRefusal(option: QueryOption, style: RefusalStyle): GraphHttpError {
  if (style === 'reports') {
    return new GraphHttpError(
      400,
      'BadRequest',
      `Query option '${ASP_NET_NAMES[option]}' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.`,
    );
  }
  return new GraphHttpError(
    400,
    'Request_UnsupportedQuery',
    `Query option '${option}' is not supported on this resource.`,
  );
}

/**
 * Refuses every `$` option the endpoint's row does not list (Microsoft's 400), and those listed as not modelled
 * (501). An endpoint without a row accepts nothing.
 */
export function enforceQueryOptions(endpoint: string, query: ODataQuery, path: string): void {
  const row = queryOptionRow(endpoint);
  for (const option of query.options) {
    const known = option as QueryOption;
    if (row?.notModelled.includes(known)) throw simulatorGap(`${option} on ${path}`);
    if (!row?.accepts.includes(known)) throw optionRefusal(known, row?.refusal ?? 'directory');
  }
}
