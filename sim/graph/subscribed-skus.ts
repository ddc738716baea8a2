/**
 * `/subscribedSkus` and `/subscribedSkus/{id}`: the commercial subscriptions of the organisation
 * (https://learn.microsoft.com/en-us/graph/api/subscribedsku-list). Only `$select` is supported ("It does not
 * support $filter"); the list is not paged. The id of a subscribedSku is `{tenantId}_{skuId}`.
 * Application permissions: LicenseAssignment.Read.All (least privileged), or Organization.Read.All,
 * Organization.ReadWrite.All, Directory.Read.All, Directory.ReadWrite.All.
 */
import type { SimSubscription } from '../licences.js';
import { ok, type GraphRequest, type GraphResponse } from './context.js';
import { contextUrl, project, resolveSelect, type EntityDefinition } from './entities.js';
import { notFound } from './errors.js';
import { requireDirectory } from './permissions.js';

export const SUBSCRIBED_SKU_READ = [
  'LicenseAssignment.Read.All',
  'Organization.Read.All',
  'Organization.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];

const DEFAULTS = [
  'accountName',
  'accountId',
  'appliesTo',
  'capabilityStatus',
  'consumedUnits',
  'id',
  'prepaidUnits',
  'servicePlans',
  'skuId',
  'skuPartNumber',
  'subscriptionIds',
];

export const SUBSCRIBED_SKU: EntityDefinition<SimSubscription> = {
  schemaName: 'subscribedSku',
  odataType: '#microsoft.graph.subscribedSku',
  defaults: { 'v1.0': DEFAULTS, beta: DEFAULTS },
  getters: {
    id: (s, ctx) => `${ctx.tenant.tenantId}_${s.sku.skuId}`,
    accountId: (_s, ctx) => ctx.tenant.tenantId,
    accountName: (_s, ctx) => ctx.tenant.domain.split('.')[0] ?? ctx.tenant.domain,
    appliesTo: () => 'User',
    capabilityStatus: (s) => s.capabilityStatus,
    consumedUnits: (s, ctx) => ctx.tenant.licences.consumedUnits(s.sku.skuId),
    prepaidUnits: (s) => ({ enabled: s.enabledUnits, lockedOut: 0, suspended: 0, warning: 0 }),
    servicePlans: (s) =>
      s.sku.servicePlans.map((plan) => ({
        servicePlanId: plan.servicePlanId,
        servicePlanName: plan.servicePlanName,
        provisioningStatus: 'Success',
        appliesTo: 'User',
      })),
    skuId: (s) => s.sku.skuId,
    skuPartNumber: (s) => s.sku.skuPartNumber,
    subscriptionIds: (s) => [s.subscriptionId],
  },
};

export function listSubscribedSkus(request: GraphRequest): GraphResponse {
  requireDirectory(request, SUBSCRIBED_SKU_READ);
  const select = resolveSelect(SUBSCRIBED_SKU, request.version, request.query.select, true);
  const ctx = { tenant: request.tenant, version: request.version };
  return ok({
    '@odata.context': contextUrl(
      request.baseUrl,
      request.version,
      'subscribedSkus',
      request.query.select ? select : undefined,
    ),
    value: request.tenant.licences
      .subscribedSkus()
      .map((subscription) => project(SUBSCRIBED_SKU, subscription, select, ctx)),
  });
}

export function getSubscribedSku(request: GraphRequest, id: string): GraphResponse {
  requireDirectory(request, SUBSCRIBED_SKU_READ);
  const prefix = `${request.tenant.tenantId}_`;
  const skuId = id.toLowerCase().startsWith(prefix) ? id.slice(prefix.length).toLowerCase() : undefined;
  const subscription = request.tenant.licences.subscribedSkus().find((s) => s.sku.skuId === skuId);
  if (!subscription) throw notFound(id);
  const select = resolveSelect(SUBSCRIBED_SKU, request.version, request.query.select, false);
  return ok({
    '@odata.context': `${contextUrl(request.baseUrl, request.version, 'subscribedSkus', request.query.select ? select : undefined)}/$entity`,
    ...project(SUBSCRIBED_SKU, subscription, select, { tenant: request.tenant, version: request.version }),
  });
}
