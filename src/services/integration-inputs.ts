import { z } from 'zod/v4';
import { isValidExpiryDays, MAX_EXPIRY_DAYS, MIN_EXPIRY_DAYS } from '../domain/expiry.js';
import { DOMAIN_PATTERN, GUID_PATTERN } from '../contracts/values.js';

/** What the integration use cases take from people, checked (shapes only) before any network call. */
const tenantSchema = z
  .string({ error: 'give the tenant id (GUID) or a verified domain such as contoso.onmicrosoft.com' })
  .trim()
  .toLowerCase()
  .refine(
    (value) => GUID_PATTERN.test(value) || DOMAIN_PATTERN.test(value),
    'must be a tenant id (GUID) or a verified domain such as contoso.onmicrosoft.com',
  );
const appIdSchema = z
  .string({ error: 'give the application (client) id, a GUID' })
  .trim()
  .toLowerCase()
  .regex(
    GUID_PATTERN,
    'must be the application (client) id: a GUID such as 11111111-2222-3333-4444-555555555555',
  );
const secretSchema = z
  .string({ error: "give the client secret's value" })
  .max(1024, 'at most 1024 characters')
  .refine((value) => value.trim() !== '', "must not be empty: paste the secret's Value");
const expirySchema = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], {
    error: 'must be a date such as 2027-06-30 (or an ISO 8601 date-time)',
  })
  .transform((value) => (value.length === 10 ? `${value}T00:00:00.000Z` : new Date(value).toISOString()));

/** Client-credentials connection (rule 1): every shape is checked before any network call. */
export const connectInput = z.object({
  tenant: tenantSchema,
  clientId: appIdSchema,
  clientSecret: secretSchema,
  secretExpiresAt: expirySchema.optional(),
});
export type ConnectInput = z.input<typeof connectInput>;

export const rotateInput = z.object({ clientSecret: secretSchema, secretExpiresAt: expirySchema.optional() });
export type RotateSecretInput = z.input<typeof rotateInput>;

export const consentStartInput = z.object({
  tenant: z
    .string({
      error:
        "name the client's tenant — its id (GUID) or a verified domain such as contoso.onmicrosoft.com — so that only that tenant's consent is accepted",
    })
    .pipe(tenantSchema),
  /**
   * A link to send the client's admin (Copy consent link): valid 7 days instead of 10 minutes, still single-use,
   * bound to this tenant, and revocable.
   */
  shareable: z.boolean().optional(),
});
export type ConsentStartInput = z.input<typeof consentStartInput>;

/** The query string of the admin-consent redirect, as Entra sends it. */
export const consentCallbackInput = z.object({
  // Absent on a declined consent as Microsoft documents it (`error=permission_denied&error_description=…`).
  state: z.string().trim().min(1).max(200).optional(),
  tenant: z.string().trim().max(100).optional(),
  admin_consent: z.string().trim().max(10).optional(),
  error: z.string().trim().max(200).optional(),
  error_description: z.string().trim().max(2000).optional(),
  /** The admin gives up waiting for Microsoft to apply the consent (the waiting page's link). */
  cancel: z.enum(['1', 'true']).optional(),
});
export type ConsentCallbackInput = z.input<typeof consentCallbackInput>;

export const thresholdSchema = z.coerce
  .number({ error: 'must be a number of days' })
  .refine(isValidExpiryDays, `must be whole days from ${MIN_EXPIRY_DAYS} to ${MAX_EXPIRY_DAYS}`);
