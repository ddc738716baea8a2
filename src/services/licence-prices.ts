/**
 * Licence prices: the partner's monthly price per SKU and currency per client (it changes with the pricing rules),
 * the input they are set with, how they are read, and how they are set and audited inside the caller's transaction.
 */
import { z } from 'zod/v4';
import { licenceProductName } from '../domain/licence-products.js';
import { ValidationError } from '../shared/errors.js';
import type { Repositories } from '../store/store.js';
import type { Actor } from './actor.js';
import type { AuditTrail } from './audit-trail.js';
import { money } from './licence-views.js';
import type { LicencePricesView } from '../contracts/licences.js';
import { GUID_PATTERN } from '../contracts/values.js';

/** Up to 1,000,000.00 a seat a month, at most two decimals. */
const PRICE = /^\d{1,7}(\.\d{1,2})?$/;

export const pricesInput = z
  .object({
    currency: z
      .string({ error: 'currency must be a three-letter ISO 4217 code such as GBP, EUR or USD' })
      .trim()
      .regex(/^[A-Za-z]{3}$/, 'currency must be a three-letter ISO 4217 code such as GBP, EUR or USD')
      .transform((code) => code.toUpperCase())
      .optional(),
    prices: z
      .array(
        z.object({
          skuId: z.string().regex(GUID_PATTERN, 'skuId must be a SKU GUID (as /subscribedSkus lists it)'),
          monthlyPrice: z.union([
            z
              .string()
              .trim()
              .regex(
                PRICE,
                'monthlyPrice must be a non-negative amount with at most two decimals, e.g. 28.50',
              ),
            z.null(),
          ]),
        }),
        { error: 'prices must be a list of { skuId, monthlyPrice }' },
      )
      .max(500, 'at most 500 prices at once')
      .default([]),
  })
  .strict();
export type SetLicencePricesInput = z.input<typeof pricesInput>;
export type LicencePricesRequest = z.output<typeof pricesInput>;

/** The client's currency and, for each of its subscriptions, the partner's price (null where none is set). */
export async function readPrices(repositories: Repositories, clientId: string): Promise<LicencePricesView> {
  const licences = repositories.licences;
  const [subscriptions, prices, currency] = await Promise.all([
    licences.subscriptions(clientId),
    licences.prices(clientId),
    licences.currency(clientId),
  ]);
  const byId = new Map(prices.map((price) => [price.skuId, price.monthlyPriceCents]));
  return {
    clientId,
    currency,
    prices: subscriptions.map((s) => ({
      skuId: s.skuId,
      skuPartNumber: s.skuPartNumber,
      productName: licenceProductName(s.skuId) ?? s.skuPartNumber,
      price: money(byId.get(s.skuId) ?? null, currency),
    })),
  };
}

/**
 * Sets the request's currency and prices inside `tx`, audited with before and after. Each SKU must be one of the
 * tenant's subscriptions; a price needs a currency.
 * @throws {ValidationError} naming the unknown SKUs, or the missing currency.
 */
export async function applyPrices(
  tx: Repositories,
  audit: AuditTrail,
  actor: Actor,
  clientId: string,
  request: LicencePricesRequest,
  at: string,
): Promise<void> {
  const by = actor.name ?? actor.objectId;
  const licences = tx.licences;
  const known = new Set((await licences.subscriptions(clientId)).map((s) => s.skuId));
  const unknown = request.prices.filter((p) => !known.has(p.skuId.toLowerCase()));
  if (unknown.length > 0) {
    throw new ValidationError(
      `The client's tenant has no subscription to ${unknown.map((p) => p.skuId).join(', ')}: prices can be set only for the SKUs its licences list (sync the client first if it bought them recently).`,
      unknown.map((p) => ({ path: 'prices.skuId', message: `no subscription to ${p.skuId}` })),
    );
  }
  const currency = request.currency ?? (await licences.currency(clientId));
  if (currency === null && request.prices.some((p) => p.monthlyPrice !== null)) {
    throw new ValidationError("Set the client's currency (e.g. GBP) with its first price.", [
      { path: 'currency', message: 'required with the first price' },
    ]);
  }
  const before = await readPrices(tx, clientId);
  if (request.currency !== undefined) await licences.setCurrency(clientId, request.currency, at, by);
  for (const price of request.prices) {
    await licences.setPrice(
      clientId,
      price.skuId.toLowerCase(),
      price.monthlyPrice === null ? null : toCents(price.monthlyPrice),
      at,
      by,
    );
  }
  const after = await readPrices(tx, clientId);
  await audit.record(tx, actor, {
    action: 'licence.set_prices',
    clientId,
    targetType: 'licence_prices',
    targetId: clientId,
    before: priceAudit(before),
    after: priceAudit(after),
  });
}

function toCents(price: string): number {
  const [units = '0', decimals = ''] = price.split('.');
  return Number(units) * 100 + Number(decimals.padEnd(2, '0'));
}

function priceAudit(view: LicencePricesView): Record<string, unknown> {
  return {
    currency: view.currency,
    prices: Object.fromEntries(
      view.prices.filter((p) => p.price !== null).map((p) => [p.skuPartNumber, p.price?.amount]),
    ),
  };
}
