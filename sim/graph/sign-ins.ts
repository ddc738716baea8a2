/**
 * `/auditLogs/signIns` (newest first, `$filter` on createdDateTime and a few equality properties, `$top` ≤ 1000) and
 * `/auditLogs/signIns/{id}`. v1.0 lists interactive sign-ins only, as documented; /beta adds the MFA detail and
 * returns non-interactive sign-ins when asked through `signInEventTypes/any(t: t eq 'nonInteractiveUser')`.
 */
import type { SignInCursor } from '../sign-in-store.js';
import type { SimSignIn } from '../types.js';
import { ok, pageSize, type GraphRequest, type GraphResponse } from './context.js';
import { contextUrl, project, resolveSelect, SIGN_IN } from './entities.js';
import { badRequest, notFound } from './errors.js';
import {
  assertDateLiterals,
  checkFilter,
  dateBounds,
  evaluateFilter,
  filterPaths,
  onlyDateBounds,
  type FilterRules,
} from './odata-query.js';
import { buildLink, withToken } from './paging.js';
import { requireSignInLogs } from './permissions.js';

/** Entra ID P1/P2 keep sign-in logs 30 days. */
const RETENTION_MS = 30 * 86_400_000;

const V1_RULES: FilterRules = {
  createdDateTime: { operators: ['eq', 'ge', 'le', 'gt', 'lt'] },
  id: { operators: ['eq'] },
  userId: { operators: ['eq'] },
  appId: { operators: ['eq'] },
  userPrincipalName: { operators: ['eq', 'startsWith'] },
  userDisplayName: { operators: ['eq', 'startsWith'] },
  appDisplayName: { operators: ['eq', 'startsWith'] },
  correlationId: { operators: ['eq'] },
  conditionalAccessStatus: { operators: ['eq'] },
  'status/errorCode': { operators: ['eq'] },
  isInteractive: { operators: ['eq'] },
  ipAddress: { operators: ['eq', 'startsWith'] },
  'location/city': { operators: ['eq', 'startsWith'] },
  'location/countryOrRegion': { operators: ['eq', 'startsWith'] },
};

const BETA_RULES: FilterRules = {
  ...V1_RULES,
  signInEventTypes: { operators: ['any'] },
  authenticationRequirement: { operators: ['eq'] },
};

export function listSignIns(request: GraphRequest): GraphResponse {
  requireSignInLogs(request);
  const { tenant, query, settings } = request;
  const select = resolveSelect(SIGN_IN, request.version, query.select, true);
  const filter = query.filter;
  if (filter) {
    checkFilter(filter, {
      rules: request.version === 'beta' ? BETA_RULES : V1_RULES,
      advancedQuery: false,
      resource: 'SignIn',
    });
    assertDateLiterals(filter, 'createdDateTime');
  }
  const top = pageSize(request, 1000, 1000);
  const after = decodeCursor(request);

  const nowMs = request.now.getTime();
  const bounds = filter ? dateBounds(filter, 'createdDateTime') : {};
  const fromMs = Math.max(bounds.fromMs ?? Number.NEGATIVE_INFINITY, nowMs - RETENTION_MS);
  const toMs = Math.min(bounds.toMs ?? Number.POSITIVE_INFINITY, nowMs + 1000);
  const asksForEventTypes = filter ? filterPaths(filter).includes('signineventtypes') : false;
  const evaluateRows = filter !== undefined && !onlyDateBounds(filter, 'createdDateTime');

  const items: SimSignIn[] = [];
  let last: SignInCursor | undefined;
  let more = false;
  for (const { signIn, cursor } of tenant.signInLog.descending({
    after,
    fromMs,
    toMs,
    interactiveOnly: !asksForEventTypes,
  })) {
    if (evaluateRows && !evaluateFilter(filter, (path) => readSignInPath(signIn, path))) continue;
    if (items.length === top) {
      more = true;
      break;
    }
    items.push(signIn);
    last = cursor;
  }

  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(
      request.baseUrl,
      request.version,
      'auditLogs/signIns',
      query.select ? select : undefined,
    ),
  };
  if (more && last) {
    const token = settings.codec.encode('signIns', tenant.tenantId, { t: last.timeMs, s: last.seq });
    body['@odata.nextLink'] = buildLink(
      request.baseUrl,
      request.version,
      'auditLogs/signIns',
      withToken(query.params, '$skiptoken', token),
    );
  }
  const ctx = { tenant, version: request.version };
  body.value = items.map((signIn) => project(SIGN_IN, signIn, select, ctx));
  return ok(body);
}

export function getSignIn(request: GraphRequest, id: string): GraphResponse {
  requireSignInLogs(request);
  const signIn = request.tenant.signIn(id);
  if (!signIn) throw notFound(id);
  const select = resolveSelect(SIGN_IN, request.version, request.query.select, false);
  return ok({
    '@odata.context': `${contextUrl(request.baseUrl, request.version, 'auditLogs/signIns', request.query.select ? select : undefined)}/$entity`,
    ...project(SIGN_IN, signIn, select, { tenant: request.tenant, version: request.version }),
  });
}

function decodeCursor(request: GraphRequest): SignInCursor | undefined {
  const token = request.query.skiptoken;
  if (token === undefined) return undefined;
  const payload = request.settings.codec.decode('signIns', request.tenant.tenantId, token) as
    { t?: unknown; s?: unknown } | undefined;
  if (typeof payload?.t !== 'number' || typeof payload.s !== 'number')
    throw badRequest('Invalid skip token.', 'BadRequest');
  return { timeMs: payload.t, seq: payload.s };
}

function readSignInPath(signIn: SimSignIn, path: string): unknown {
  const lower = path.toLowerCase();
  if (lower === 'signineventtypes') return [signIn.isInteractive ? 'interactiveUser' : 'nonInteractiveUser'];
  let value: unknown = signIn;
  for (const part of lower.split('/')) {
    if (value === null || typeof value !== 'object') return undefined;
    const record = value as Record<string, unknown>;
    const key = Object.keys(record).find((k) => k.toLowerCase() === part);
    value = key === undefined ? undefined : record[key];
  }
  return value;
}
