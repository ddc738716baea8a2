import { z } from 'zod/v4';
import type { Kysely } from 'kysely';
import { isValidExpiryDays, MAX_EXPIRY_DAYS, MIN_EXPIRY_DAYS } from '../domain/expiry.js';
import type { PermissionCheck, PermissionCheckResult, OrganizationInfo } from '../graph/permission-check.js';
import type { Clock } from '../shared/clock.js';
import { AppError, ConflictError, ValidationError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { ClientRepository } from '../store/client-repository.js';
import { IntegrationAdminRepository } from '../store/integration-admin-repository.js';
import { IntegrationRepository, type IntegrationRecord } from '../store/integration-repository.js';
import { PendingActionRepository } from '../store/pending-action-repository.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import type { ClientRow, Database } from '../store/schema.js';
import type { SecretBox } from '../store/secret-box.js';
import type { AccessPolicy } from './access-policy.js';
import type { Actor, Channel } from './actor.js';
import type { AuditTrail } from './audit-trail.js';
import type { ClientAccess } from './client-access.js';
import type { CollectionReconciler, ReconcileOutcome } from './collection-reconciler.js';
import type { ConnectionVerifier } from './connection-verifier.js';
import { ConsentStateSigner } from './consent-state.js';
import { parseInput } from './validation.js';

export interface IntegrationServiceOptions {
  readonly db: Kysely<Database>;
  readonly access: AccessPolicy;
  readonly clientAccess: ClientAccess;
  readonly audit: AuditTrail;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly secretBox: SecretBox;
  /** The secrets key: admin-consent states are signed with a key derived from it. */
  readonly secretsKey: Buffer;
  readonly verifier: ConnectionVerifier;
  readonly reconciler: CollectionReconciler;
  /** Where the admin-consent callback is served: `<publicBaseUrl>/auth/consent/callback`. */
  readonly publicBaseUrl: string;
  /** Entra ID authority (the simulator's in demo mode and tests). */
  readonly authorityHost: string;
  /** Our multi-tenant app for admin consent. */
  readonly consentApp: { readonly clientId: string | undefined; readonly clientSecret: string | undefined };
  /**
   * How long a granted consent is waited for until Microsoft applies it to new tokens: retried within the callback
   * for `inRequestMs` (every `intervalMs`), then the callback page says "waiting" and asks again, for up to `forMs`
   * after the consent came back. Defaults 8 s, 2 s, 15 minutes.
   */
  readonly consentWait?: {
    readonly inRequestMs?: number;
    readonly intervalMs?: number;
    readonly forMs?: number;
  };
}

/** The path the admin-consent redirect comes back to (served by the server, handled by {@link IntegrationService.completeConsent}). */
export const CONSENT_CALLBACK_PATH = '/auth/consent/callback';
export const CONSENT_STATE_TTL_MS = 10 * 60 * 1000;

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const domainPattern = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

const tenantSchema = z
  .string({ error: 'give the tenant id (GUID) or a verified domain such as contoso.onmicrosoft.com' })
  .trim()
  .toLowerCase()
  .refine(
    (value) => guidPattern.test(value) || domainPattern.test(value),
    'must be a tenant id (GUID) or a verified domain such as contoso.onmicrosoft.com',
  );
const appIdSchema = z
  .string({ error: 'give the application (client) id, a GUID' })
  .trim()
  .toLowerCase()
  .regex(
    guidPattern,
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

const consentStartInput = z.object({
  tenant: z
    .string({
      error:
        "name the client's tenant — its id (GUID) or a verified domain such as contoso.onmicrosoft.com — so that only that tenant's consent is accepted",
    })
    .pipe(tenantSchema),
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

const thresholdSchema = z.coerce
  .number({ error: 'must be a number of days' })
  .refine(isValidExpiryDays, `must be whole days from ${MIN_EXPIRY_DAYS} to ${MAX_EXPIRY_DAYS}`);

/** An integration as people see it: never the secret, only whether one is set and until when. */
export interface IntegrationView {
  readonly clientId: string;
  readonly clientName: string;
  readonly kind: 'client_credentials' | 'admin_consent';
  readonly tenantId: string;
  readonly tenantInput: string;
  readonly appClientId: string;
  readonly secret: { readonly set: boolean; readonly expiresAt: string | null; readonly text: string };
  readonly organizationName: string | null;
  readonly verifiedDomains: IntegrationRecord['verifiedDomains'];
  readonly permissionChecks: IntegrationRecord['permissionChecks'];
  readonly activityData: IntegrationRecord['activityData'];
  readonly status: 'connected' | 'error';
  readonly statusMessage: string | null;
  /** When the initial import started (rule 2); null while the admin is still reviewing groups. */
  readonly importStartedAt: string | null;
  readonly expiryThresholdDays: number;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
}

/** The outcome of a connection (or re-check): every check, and the integration when it was saved. */
export interface ConnectionOutcome {
  readonly integration: IntegrationView;
  readonly checks: readonly PermissionCheck[];
  readonly organization: OrganizationInfo;
}

export interface ConnectionTestResult {
  readonly passed: boolean;
  readonly checks: readonly PermissionCheck[];
  readonly integration: IntegrationView;
}

export type ConsentOutcome =
  | ({ readonly outcome: 'connected' } & ConnectionOutcome)
  | {
      readonly outcome: 'declined';
      /** Undefined when the answer carried no state, so no client can be named. */
      readonly clientId: string | undefined;
      readonly message: string;
    }
  | {
      /** Consent granted, not yet applied by Microsoft to new tokens: ask again (the state stays valid). */
      readonly outcome: 'waiting';
      readonly clientId: string;
      readonly message: string;
      readonly retryAfterSeconds: number;
      /** Until when it is waited for. */
      readonly until: string;
    };

/**
 * A connection check failed: the error of the first failure (its `code` is the cause — `invalid_client_secret`,
 * `unknown_tenant`, `permission_missing`…) with every check in `details.checks`. Nothing was saved.
 */
export class ConnectionCheckError extends AppError {
  override readonly name = 'ConnectionCheckError';
  readonly checks: readonly PermissionCheck[];

  constructor(result: PermissionCheckResult) {
    const first =
      result.error ??
      new AppError('connection_check_failed', 'The connection check failed.', { status: 400 });
    super(first.code, first.message, {
      status: first.status,
      retryable: first.retryable,
      cause: first,
      details: { ...first.details, checks: result.checks, missingPermissions: result.missingPermissions },
    });
    this.checks = result.checks;
  }
}

/** What is stored with a consent state besides its signed binding (the bound tenant id is signed too). */
interface ConsentPayload {
  readonly actorName: string | null;
  readonly channel: Channel;
  /** What the admin typed: the tenant id or a verified domain. */
  readonly tenantInput: string;
  /** The tenant id it resolved to: the only tenant whose consent completes this connection. */
  readonly tenantId: string;
  /** When the granted consent first came back (then it is waited for, up to `consentWait.forMs`). */
  readonly consentReceivedAt?: string | undefined;
}

/** A started admin consent: the link for the client's admin, and the tenant it is bound to. */
export interface ConsentStart {
  readonly url: string;
  readonly expiresAt: string;
  /** The tenant id the consent must come back for (what the admin named, resolved). */
  readonly tenantId: string;
  readonly tenantInput: string;
}

/**
 * A client's integration with its Entra tenant (rule 1, rule 2's import start, rule 8's threshold): connect with
 * client credentials or through admin consent, test, rotate the secret, remove it with the tenant's data. Shapes
 * are checked before any network call; nothing is saved unless every check passed; secrets are encrypted at rest
 * and never returned. Changes need the client-admin right on the client and are audited.
 */
export class IntegrationService {
  private readonly db: Kysely<Database>;
  private readonly access: AccessPolicy;
  private readonly clientAccess: ClientAccess;
  private readonly audit: AuditTrail;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly secretBox: SecretBox;
  private readonly signer: ConsentStateSigner;
  private readonly verifier: ConnectionVerifier;
  private readonly reconciler: CollectionReconciler;
  private readonly publicBaseUrl: string;
  private readonly authorityHost: string;
  private readonly consentApp: IntegrationServiceOptions['consentApp'];
  private readonly consentWait: NonNullable<IntegrationServiceOptions['consentWait']>;

  constructor(options: IntegrationServiceOptions) {
    this.db = options.db;
    this.access = options.access;
    this.clientAccess = options.clientAccess;
    this.audit = options.audit;
    this.clock = options.clock;
    this.logger = options.logger;
    this.secretBox = options.secretBox;
    this.signer = new ConsentStateSigner(options.secretsKey);
    this.verifier = options.verifier;
    this.reconciler = options.reconciler;
    this.publicBaseUrl = options.publicBaseUrl.replace(/\/+$/, '');
    this.authorityHost = options.authorityHost.replace(/\/+$/, '');
    this.consentApp = options.consentApp;
    this.consentWait = options.consentWait ?? {};
  }

  /** The client's integration, or null when it has none. @throws {NotFoundError} {@link ForbiddenError} */
  async get(actor: Actor, clientRef: string): Promise<IntegrationView | null> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    return this.view(this.db, client);
  }

  /**
   * Connects the client's tenant with its own app's credentials. Checks the shapes, then signs in, compares the
   * token's permissions with the required ones and reads `/organization` — and saves only when all passed.
   * @throws {ValidationError} before any network call; {@link ConnectionCheckError} (code from the cause:
   * `unknown_tenant`, `unknown_application`, `invalid_client_secret`, `expired_client_secret`,
   * `permission_missing`, …) with every check; {@link ConflictError} `integration_exists`,
   * `tenant_already_connected`; {@link NotFoundError}; {@link ForbiddenError}.
   */
  async connect(actor: Actor, clientRef: string, input: ConnectInput): Promise<ConnectionOutcome> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:configure');
    const parsed = parseInput(connectInput, input);
    this.assertFuture(parsed.secretExpiresAt);
    await this.assertNotConnected(client);
    const result = await this.verifier.verify({
      kind: 'client_credentials',
      tenantId: parsed.tenant,
      appClientId: parsed.clientId,
      clientSecret: parsed.clientSecret,
    });
    const organization = requirePassed(result);
    return this.save(actor, client, {
      kind: 'client_credentials',
      tenantInput: parsed.tenant,
      appClientId: parsed.clientId,
      clientSecret: parsed.clientSecret,
      secretExpiresAt: parsed.secretExpiresAt ?? null,
      result,
      organization,
    });
  }

  /**
   * Starts an admin-consent connection: returns the URL the client's admin opens to grant our multi-tenant app
   * consent. The admin names the client's tenant (id or verified domain); it is resolved to its tenant id now, and
   * the `state` is signed and bound to this admin, this client and that tenant — single use, valid 10 minutes. A
   * consent that comes back for any other tenant is refused (DESIGN §9).
   * @throws {AppError} `consent_app_not_configured` (503); {@link ConflictError} `integration_exists`,
   * `tenant_already_connected`; `AuthError` `unknown_tenant`; {@link ValidationError}; {@link NotFoundError};
   * {@link ForbiddenError}.
   */
  async startConsent(actor: Actor, clientRef: string, input: ConsentStartInput): Promise<ConsentStart> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:configure');
    const parsed = parseInput(consentStartInput, input);
    const appId = this.consentApp.clientId;
    if (appId === undefined || this.consentApp.clientSecret === undefined) throw consentAppMissing();
    await this.assertNotConnected(client);
    const tenantId = await this.verifier.resolveTenant(parsed.tenant);
    await this.assertTenantFree(actor, tenantId);
    const now = this.clock.now();
    const binding = {
      nonce: this.signer.newNonce(),
      clientId: client.id,
      actorTenantId: actor.tenantId.toLowerCase(),
      actorObjectId: actor.objectId.toLowerCase(),
      tenantId,
      expiresAt: new Date(now.getTime() + CONSENT_STATE_TTL_MS).toISOString(),
    };
    const state = this.signer.sign(binding);
    const payload: ConsentPayload = {
      actorName: actor.name ?? null,
      channel: actor.channel,
      tenantInput: parsed.tenant,
      tenantId,
    };
    await this.db.transaction().execute(async (trx) => {
      await new PendingActionRepository(trx).insert({
        id: ConsentStateSigner.storageId(binding.nonce),
        kind: 'admin_consent',
        client_id: client.id,
        actor_tenant_id: binding.actorTenantId,
        actor_object_id: binding.actorObjectId,
        payload: JSON.stringify(payload),
        created_at: now.toISOString(),
        expires_at: binding.expiresAt,
      });
      await this.audit.record(trx, actor, {
        action: 'integration.consent_start',
        clientId: client.id,
        targetType: 'integration',
        targetId: client.id,
        after: { tenant: parsed.tenant, tenantId, expiresAt: binding.expiresAt },
      });
    });
    const query = new URLSearchParams({
      client_id: appId,
      scope: 'https://graph.microsoft.com/.default',
      redirect_uri: `${this.publicBaseUrl}${CONSENT_CALLBACK_PATH}`,
      state,
    });
    // By tenant id, as Microsoft recommends (https://learn.microsoft.com/entra/identity-platform/v2-admin-consent):
    // the admin signs in to that tenant, not to whichever one their browser remembers.
    const url = `${this.authorityHost}/${tenantId}/v2.0/adminconsent?${query.toString()}`;
    return { url, expiresAt: binding.expiresAt, tenantId, tenantInput: parsed.tenant };
  }

  /**
   * Completes an admin-consent connection from the redirect's query, passed as it came: `admin_consent=True`,
   * `tenant` (the id of the tenant that consented), `scope` and `state` on success; `error`, `error_description`
   * and `state` when the admin declined (https://learn.microsoft.com/entra/identity-platform/v2-admin-consent,
   * "Successful response" and "Error response"). None of it is signed by Microsoft, so nothing in it is trusted but
   * our own state: it must be one this server issued, unused and unexpired, and the tenant must be the one the
   * state is bound to — a callback naming another tenant is refused and audited. The action is audited as the admin
   * who started it, whose rights are checked again now. On consent, the bound tenant is checked like a
   * client-credentials connection before saving, and `/organization` must be that tenant. Microsoft takes a while
   * to apply a fresh consent to new tokens: while the check fails that way, the answer is `waiting` and the state
   * stays valid (for `consentWait.forMs` after the consent came back) until it connects, fails otherwise, or the
   * admin cancels (`cancel`); every other ending uses the state up.
   * @throws {AppError} `consent_state_invalid` (400), `consent_tenant_mismatch` (400), `consent_state_used` /
   * `consent_state_expired` (409); {@link ConnectionCheckError}; {@link ConflictError}; {@link ForbiddenError}.
   */
  async completeConsent(
    input: ConsentCallbackInput | Readonly<Record<string, unknown>>,
  ): Promise<ConsentOutcome> {
    const parsed = parseInput(consentCallbackInput, input);
    if (parsed.state === undefined) {
      // Microsoft documents the declined answer without `state`
      // (https://learn.microsoft.com/en-us/entra/identity-platform/v2-admin-consent, "Error response"): nothing
      // can be tied to a client, so nothing changes; the pending consent simply expires.
      if (parsed.error === undefined) {
        throw new ValidationError(
          'The consent answer carries no state; start the connection again from Setup.',
        );
      }
      return { outcome: 'declined', clientId: undefined, message: declinedMessage(parsed) };
    }
    const parts = this.signer.parse(parsed.state);
    if (parts === undefined) throw consentStateInvalid();
    const now = this.clock.now();
    const id = ConsentStateSigner.storageId(parts.nonce);
    const pending = new PendingActionRepository(this.db);
    const stored = await pending.find(id, 'admin_consent');
    const payload = stored === undefined ? undefined : consentPayloadOf(stored.payload);
    if (
      stored === undefined ||
      payload === undefined ||
      !this.signer.verify(
        {
          nonce: parts.nonce,
          clientId: stored.client_id,
          actorTenantId: stored.actor_tenant_id,
          actorObjectId: stored.actor_object_id,
          tenantId: payload.tenantId,
          expiresAt: stored.expires_at,
        },
        parts.signature,
      )
    ) {
      throw consentStateInvalid();
    }
    if (stored.used_at !== null) {
      throw new AppError(
        'consent_state_used',
        'This consent link has already been used; start the connection again.',
        {
          status: 409,
        },
      );
    }
    const waitFor = this.consentWait.forMs ?? 15 * 60 * 1000;
    const deadline =
      payload.consentReceivedAt === undefined
        ? stored.expires_at
        : new Date(Date.parse(payload.consentReceivedAt) + waitFor).toISOString();
    if (now.toISOString() >= deadline) {
      await pending.markUsed(id, now.toISOString());
      throw new AppError(
        'consent_state_expired',
        payload.consentReceivedAt === undefined
          ? 'This consent link has expired (they are valid 10 minutes); start the connection again.'
          : `Microsoft did not apply the consent within ${String(Math.round(waitFor / 60_000))} minutes; start the connection again.`,
        { status: 409 },
      );
    }
    const actor: Actor = {
      tenantId: stored.actor_tenant_id,
      objectId: stored.actor_object_id,
      name: payload.actorName ?? undefined,
      channel: payload.channel,
    };
    const client = await this.clientAccess.resolve(actor, stored.client_id, 'client:configure');
    // Used up once: by the first answer that ends it (declined, cancelled, refused, connected or failed).
    const useUp = async (): Promise<void> => {
      if (!(await pending.markUsed(id, this.clock.now().toISOString()))) {
        throw new AppError(
          'consent_state_used',
          'This consent link has already been used; start the connection again.',
          { status: 409 },
        );
      }
    };

    if (parsed.cancel !== undefined) {
      await useUp();
      await this.db.transaction().execute(async (trx) => {
        await this.audit.record(trx, actor, {
          action: 'integration.consent_cancelled',
          clientId: client.id,
          targetType: 'integration',
          targetId: client.id,
          after: { waitingSince: payload.consentReceivedAt ?? null },
        });
      });
      return {
        outcome: 'declined',
        clientId: client.id,
        message: 'The connection was cancelled. Start it again from Setup when you are ready.',
      };
    }

    const granted = parsed.error === undefined && parsed.admin_consent?.toLowerCase() === 'true';
    if (!granted) {
      await useUp();
      const message = declinedMessage(parsed);
      await this.db.transaction().execute(async (trx) => {
        await this.audit.record(trx, actor, {
          action: 'integration.consent_declined',
          clientId: client.id,
          targetType: 'integration',
          targetId: client.id,
          after: { error: parsed.error ?? null, tenant: parsed.tenant ?? null },
        });
      });
      return { outcome: 'declined', clientId: client.id, message };
    }
    const answeredTenant = (parsed.tenant ?? '').toLowerCase();
    if (answeredTenant !== payload.tenantId) {
      await useUp();
      await this.refuseConsent(actor, client, payload, answeredTenant, 'callback');
    }
    const appId = this.consentApp.clientId;
    if (appId === undefined || this.consentApp.clientSecret === undefined) throw consentAppMissing();
    await this.assertNotConnected(client);
    const receivedAt = payload.consentReceivedAt ?? now.toISOString();
    if (payload.consentReceivedAt === undefined) {
      await pending.setPayload(id, JSON.stringify({ ...payload, consentReceivedAt: receivedAt }));
    }

    // New tokens lack the granted roles for a while after consent (and the service principal may not have
    // replicated yet, AADSTS700016): https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/4160.
    // Ask again for a few seconds here, then let the callback page ask again, until the deadline.
    const inRequestMs = this.consentWait.inRequestMs ?? 8_000;
    const intervalMs = this.consentWait.intervalMs ?? 2_000;
    const started = Date.now();
    let result: PermissionCheckResult;
    for (;;) {
      result = await this.verifier.verify({
        kind: 'admin_consent',
        tenantId: payload.tenantId,
        appClientId: appId,
        clientSecret: undefined,
      });
      if (result.passed || !notYetApplied(result) || Date.now() - started + intervalMs > inRequestMs) break;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    const until = new Date(Date.parse(receivedAt) + waitFor).toISOString();
    if (!result.passed && notYetApplied(result) && this.clock.now().toISOString() < until) {
      this.logger.info(
        { clientId: client.id, tenantId: payload.tenantId, code: result.error?.code },
        'admin consent granted but not applied by Microsoft yet; waiting',
      );
      return {
        outcome: 'waiting',
        clientId: client.id,
        message:
          'Consent was granted. Waiting for Microsoft to apply the consent to new tokens — this usually takes a few minutes. This page checks again by itself.',
        retryAfterSeconds: 10,
        until,
      };
    }
    await useUp();
    const organization = requirePassed(result);
    if (organization.tenantId.toLowerCase() !== payload.tenantId) {
      await this.refuseConsent(actor, client, payload, organization.tenantId.toLowerCase(), 'organization');
    }
    const outcome = await this.save(actor, client, {
      kind: 'admin_consent',
      tenantInput: payload.tenantInput,
      appClientId: appId,
      clientSecret: undefined,
      secretExpiresAt: null,
      result,
      organization,
    });
    return { outcome: 'connected', ...outcome };
  }

  /**
   * Re-checks the saved integration (token, permissions, organization) and records the result; never throws for a
   * failed check — `passed` says it.
   * @throws {NotFoundError} when the client has no integration; {@link ForbiddenError}.
   */
  async test(actor: Actor, clientRef: string): Promise<ConnectionTestResult> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:configure');
    const integrations = new IntegrationRepository(this.db, this.secretBox);
    const existing = await this.requireIntegration(client);
    const credentials = await integrations.credentials(client.id);
    const result = await this.verifier.verify(credentials);
    const at = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      const admin = new IntegrationAdminRepository(trx);
      await admin.update(client.id, {
        permission_checks: JSON.stringify(result.checks),
        status: result.passed ? 'connected' : 'error',
        status_message: result.error?.message ?? null,
        updated_at: at.toISOString(),
        ...(result.organization === undefined
          ? {}
          : {
              organization_name: result.organization.displayName,
              verified_domains: JSON.stringify(result.organization.verifiedDomains),
            }),
      });
      await this.audit.record(trx, actor, {
        action: 'integration.test',
        clientId: client.id,
        targetType: 'integration',
        targetId: client.id,
        before: { status: existing.status },
        after: {
          status: result.passed ? 'connected' : 'error',
          failed: result.checks.filter((check) => !check.passed).map((check) => check.name),
        },
      });
    });
    const view = await this.view(this.db, client);
    if (view === null)
      throw new AppError('integration_missing', 'The integration disappeared during the test.');
    return { passed: result.passed, checks: result.checks, integration: view };
  }

  /**
   * Replaces the client secret of a client-credentials integration, after checking the new one works.
   * @throws {ValidationError}; {@link ConnectionCheckError} (nothing changed); {@link ConflictError}
   * `not_a_secret_integration` for admin-consent integrations; {@link NotFoundError}; {@link ForbiddenError}.
   */
  async rotateSecret(actor: Actor, clientRef: string, input: RotateSecretInput): Promise<ConnectionOutcome> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:configure');
    const parsed = parseInput(rotateInput, input);
    this.assertFuture(parsed.secretExpiresAt);
    const existing = await this.requireIntegration(client);
    if (existing.kind !== 'client_credentials') {
      throw new ConflictError(
        'not_a_secret_integration',
        'This integration signs in through admin consent with our own app; it has no client secret to rotate.',
      );
    }
    const result = await this.verifier.verify({
      kind: 'client_credentials',
      tenantId: existing.tenantId,
      appClientId: existing.appClientId,
      clientSecret: parsed.clientSecret,
    });
    const organization = requirePassed(result);
    const at = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      await new IntegrationRepository(trx, this.secretBox).save({
        clientId: client.id,
        kind: 'client_credentials',
        tenantId: existing.tenantId,
        tenantInput: existing.tenantInput,
        appClientId: existing.appClientId,
        clientSecret: parsed.clientSecret,
        secretExpiresAt: parsed.secretExpiresAt ?? null,
        organizationName: organization.displayName,
        verifiedDomains: organization.verifiedDomains,
        permissionChecks: result.checks,
        status: 'connected',
        statusMessage: null,
        actor: actor.name ?? actor.objectId,
        at,
      });
      await this.audit.record(trx, actor, {
        action: 'integration.rotate_secret',
        clientId: client.id,
        targetType: 'integration',
        targetId: client.id,
        // Keys naming "secret" are scrubbed from audit entries; the expiry date is not a secret.
        before: { expiresAt: existing.secretExpiresAt },
        after: { expiresAt: parsed.secretExpiresAt ?? null },
      });
    });
    this.verifier.forget(existing.tenantId);
    const view = await this.view(this.db, client);
    if (view === null)
      throw new AppError('integration_missing', 'The integration disappeared during the rotation.');
    return { integration: view, checks: result.checks, organization };
  }

  /**
   * Removes the integration and every piece of tenant data held for the client (users, groups, memberships,
   * sign-ins, sync state…). The client, its roles, the audit log and the billing history stay. `confirmName` must
   * repeat the client's name: this cannot be undone.
   * @throws {ValidationError} when the confirmation does not match; {@link NotFoundError}; {@link ForbiddenError}.
   */
  async remove(
    actor: Actor,
    clientRef: string,
    confirmName: string,
  ): Promise<{ deleted: Record<string, number> }> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:configure');
    const confirm = parseInput(
      z.string({ error: "repeat the client's name to confirm" }).trim().toLowerCase(),
      confirmName,
    );
    if (confirm !== client.name) {
      throw new ValidationError(
        `Removing the integration of '${client.name}' deletes all its tenant data and cannot be undone; confirm by repeating the client's name.`,
        [{ path: 'confirm', message: `must be '${client.name}'` }],
      );
    }
    const existing = await this.requireIntegration(client);
    const deleted = await this.db.transaction().execute(async (trx) => {
      const counts = await new IntegrationAdminRepository(trx).deleteWithData(client.id);
      await this.audit.record(trx, actor, {
        action: 'integration.remove',
        clientId: client.id,
        targetType: 'integration',
        targetId: client.id,
        before: {
          kind: existing.kind,
          tenantId: existing.tenantId,
          organizationName: existing.organizationName,
        },
        after: { deleted: counts },
      });
      return counts;
    });
    this.verifier.forget(existing.tenantId);
    return { deleted };
  }

  /**
   * Rule 2: starts the initial import once the admin has reviewed the groups — every eligible user is imported now,
   * and later syncs import new eligible users automatically. Starting it again changes nothing.
   * @throws {NotFoundError} (no such client, or no integration); {@link ForbiddenError}.
   */
  async startImport(
    actor: Actor,
    clientRef: string,
  ): Promise<{ startedAt: string; alreadyStarted: boolean; reconciled: ReconcileOutcome }> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:operate');
    await this.requireIntegration(client);
    const at = this.clock.now().toISOString();
    const started = await this.db.transaction().execute(async (trx) => {
      const admin = new IntegrationAdminRepository(trx);
      const changed = await admin.markImportStarted(client.id, at);
      if (changed) {
        await this.audit.record(trx, actor, {
          action: 'integration.start_import',
          clientId: client.id,
          targetType: 'integration',
          targetId: client.id,
          after: { importStartedAt: at },
        });
      }
      const row = await admin.find(client.id);
      return { changed, startedAt: row?.import_started_at ?? at };
    });
    const reconciled = await this.reconciler.reconcile(client.id);
    return { startedAt: started.startedAt, alreadyStarted: !started.changed, reconciled };
  }

  /**
   * Rule 8: the client's expiry threshold (whole days, 7–365; default 30). Every verdict follows at once (expiry is
   * evaluated whenever it is read); the result says how many users the change moved into and out of expiry. Users
   * past the new threshold stop being billed now.
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async setExpiryThreshold(
    actor: Actor,
    clientRef: string,
    days: number | string,
  ): Promise<{ thresholdDays: number; newlyExpired: number; noLongerExpired: number }> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:configure');
    const thresholdDays = parseInput(thresholdSchema, days);
    if (thresholdDays === client.expiry_days) return { thresholdDays, newlyExpired: 0, noLongerExpired: 0 };
    const at = this.clock.now().toISOString();
    const change = await this.db.transaction().execute(async (trx) => {
      await new ClientRepository(trx).update(client.id, { expiry_days: thresholdDays });
      await new IntegrationAdminRepository(trx).update(client.id, { expiry_policy_at: at });
      const moved = await this.reconciler.expiryChange(trx, client.id, { thresholdDays: client.expiry_days });
      await this.audit.record(trx, actor, {
        action: 'client.expiry_threshold',
        clientId: client.id,
        targetType: 'client',
        targetId: client.id,
        before: { expiryDays: client.expiry_days },
        after: { expiryDays: thresholdDays, ...moved },
      });
      return moved;
    });
    return { thresholdDays, ...change };
  }

  private async save(
    actor: Actor,
    client: ClientRow,
    facts: {
      kind: 'client_credentials' | 'admin_consent';
      tenantInput: string;
      appClientId: string;
      clientSecret: string | undefined;
      secretExpiresAt: string | null;
      result: PermissionCheckResult;
      organization: OrganizationInfo;
    },
  ): Promise<ConnectionOutcome> {
    const tenantId = facts.organization.tenantId.toLowerCase();
    const at = this.clock.now();
    await this.assertTenantFree(actor, tenantId);
    // Inside the transaction only `trx` may be used: SQLite has one connection, and the transaction holds it.
    // A connect of the same tenant racing this one is decided by the unique index on integrations.tenant_id.
    await this.db
      .transaction()
      .execute(async (trx) => {
        const admin = new IntegrationAdminRepository(trx);
        if ((await admin.find(client.id)) !== undefined) throw integrationExists(client);
        if ((await admin.findByTenant(tenantId)) !== undefined) throw tenantTaken(tenantId, undefined);
        await new IntegrationRepository(trx, this.secretBox).save({
          clientId: client.id,
          kind: facts.kind,
          tenantId,
          tenantInput: facts.tenantInput,
          appClientId: facts.appClientId,
          clientSecret: facts.clientSecret,
          secretExpiresAt: facts.secretExpiresAt,
          organizationName: facts.organization.displayName,
          verifiedDomains: facts.organization.verifiedDomains,
          permissionChecks: facts.result.checks,
          status: 'connected',
          statusMessage: null,
          actor: actor.name ?? actor.objectId,
          at,
        });
        await this.audit.record(trx, actor, {
          action: 'integration.connect',
          clientId: client.id,
          targetType: 'integration',
          targetId: client.id,
          after: {
            kind: facts.kind,
            tenantId,
            tenantInput: facts.tenantInput,
            appClientId: facts.appClientId,
            organizationName: facts.organization.displayName,
            expiresAt: facts.secretExpiresAt,
          },
        });
      })
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? tenantTaken(tenantId, undefined) : error;
      });
    this.logger.info({ clientId: client.id, kind: facts.kind }, 'integration connected');
    const view = await this.view(this.db, client);
    if (view === null) throw new AppError('integration_missing', 'The integration was not saved.');
    return { integration: view, checks: facts.result.checks, organization: facts.organization };
  }

  private async view(db: Kysely<Database>, client: ClientRow): Promise<IntegrationView | null> {
    const record = await new IntegrationRepository(db, this.secretBox).find(client.id);
    if (record === undefined) return null;
    const row = await new IntegrationAdminRepository(db).find(client.id);
    const fresh = await new ClientRepository(db).find(client.id);
    return {
      clientId: client.id,
      clientName: client.name,
      kind: record.kind,
      tenantId: record.tenantId,
      tenantInput: record.tenantInput,
      appClientId: record.appClientId,
      secret: {
        set: record.hasSecret,
        expiresAt: record.secretExpiresAt,
        text:
          record.kind === 'admin_consent'
            ? 'not used: signs in with our app, consented by the tenant'
            : !record.hasSecret
              ? 'not set'
              : record.secretExpiresAt === null
                ? 'set, no expiry date given'
                : `set, expires on ${record.secretExpiresAt.slice(0, 10)}`,
      },
      organizationName: record.organizationName,
      verifiedDomains: record.verifiedDomains,
      permissionChecks: record.permissionChecks,
      activityData: record.activityData,
      status: record.status,
      statusMessage: record.statusMessage,
      importStartedAt: row?.import_started_at ?? null,
      expiryThresholdDays: fresh?.expiry_days ?? client.expiry_days,
      createdAt: record.createdAt,
      createdBy: record.createdBy,
      updatedAt: record.updatedAt,
    };
  }

  /**
   * A consent answer for another tenant than the one the connection was started for: audited (as the admin who
   * started it, with both tenant ids), logged, and refused — nothing is connected.
   */
  private async refuseConsent(
    actor: Actor,
    client: ClientRow,
    payload: ConsentPayload,
    answeredTenant: string,
    source: 'callback' | 'organization',
  ): Promise<never> {
    const shown = answeredTenant.slice(0, 100);
    await this.db.transaction().execute(async (trx) => {
      await this.audit.record(trx, actor, {
        action: 'integration.consent_refused',
        clientId: client.id,
        targetType: 'integration',
        targetId: client.id,
        after: {
          reason: 'tenant_mismatch',
          source,
          expectedTenantId: payload.tenantId,
          answeredTenant: shown,
        },
      });
    });
    this.logger.warn(
      { clientId: client.id, expectedTenantId: payload.tenantId, answeredTenant: shown, source },
      'admin-consent answer for another tenant refused',
    );
    throw new AppError(
      'consent_tenant_mismatch',
      `This consent answer is for tenant '${shown === '' ? '(none)' : shown}', but the connection of '${client.name}' was started for tenant ${payload.tenantId} (${payload.tenantInput}). Nothing was connected. Start the connection again and have that tenant's administrator grant consent.`,
      { status: 400, details: { expectedTenantId: payload.tenantId } },
    );
  }

  /** A tenant belongs to one client: say so before sending anyone to consent for a tenant connected elsewhere. */
  private async assertTenantFree(actor: Actor, tenantId: string): Promise<void> {
    const connected = await new IntegrationAdminRepository(this.db).findByTenant(tenantId);
    if (connected !== undefined) {
      throw tenantTaken(
        tenantId,
        (await this.access.can(actor, 'client:read', connected.client_id)) ? connected.client_id : undefined,
      );
    }
  }

  private async assertNotConnected(client: ClientRow): Promise<void> {
    if ((await new IntegrationAdminRepository(this.db).find(client.id)) !== undefined) {
      throw integrationExists(client);
    }
  }

  private async requireIntegration(client: ClientRow): Promise<IntegrationRecord> {
    const record = await new IntegrationRepository(this.db, this.secretBox).find(client.id);
    if (record === undefined) {
      throw new AppError(
        'integration_missing',
        `Client '${client.name}' has no integration yet; connect its tenant first.`,
        { status: 404 },
      );
    }
    return record;
  }

  private assertFuture(expiresAt: string | undefined): void {
    if (expiresAt !== undefined && expiresAt <= this.clock.now().toISOString()) {
      throw new ValidationError(
        `Invalid input — secretExpiresAt: ${expiresAt.slice(0, 10)} is in the past; a secret that has expired cannot sign in. Create a new secret.`,
        [{ path: 'secretExpiresAt', message: 'is in the past' }],
      );
    }
  }
}

function requirePassed(result: PermissionCheckResult): OrganizationInfo {
  if (!result.passed || result.organization === undefined) throw new ConnectionCheckError(result);
  return result.organization;
}

function integrationExists(client: ClientRow): ConflictError {
  return new ConflictError(
    'integration_exists',
    `Client '${client.name}' is already connected to a tenant; rotate its secret or remove the integration first.`,
  );
}

function tenantTaken(tenantId: string, visibleClientId: string | undefined): ConflictError {
  return new ConflictError(
    'tenant_already_connected',
    `Tenant ${tenantId} is already connected to ${visibleClientId === undefined ? 'another client' : `client ${visibleClientId}`}; a tenant belongs to one client.`,
  );
}

function consentAppMissing(): AppError {
  return new AppError(
    'consent_app_not_configured',
    'Admin consent is not available: our own Entra app is not configured (CONSENT_APP_CLIENT_ID and CONSENT_APP_CLIENT_SECRET). Connect with client credentials instead.',
    { status: 503 },
  );
}

function consentStateInvalid(): AppError {
  return new AppError(
    'consent_state_invalid',
    'This consent answer does not match a connection started here; start the connection again from the app.',
    { status: 400 },
  );
}

/** The stored part of a consent state; undefined for a row written before states were bound to a tenant. */
function consentPayloadOf(text: string): ConsentPayload | undefined {
  try {
    const value = JSON.parse(text) as Partial<ConsentPayload>;
    if (typeof value.tenantId !== 'string' || typeof value.tenantInput !== 'string') return undefined;
    return {
      actorName: typeof value.actorName === 'string' ? value.actorName : null,
      channel: value.channel ?? 'tab',
      tenantInput: value.tenantInput,
      tenantId: value.tenantId,
      consentReceivedAt: typeof value.consentReceivedAt === 'string' ? value.consentReceivedAt : undefined,
    };
  } catch {
    return undefined;
  }
}

function firstLine(text: string): string {
  return (text.split(/\r?\n/)[0] ?? text).slice(0, 300);
}

function declinedMessage(parsed: {
  error?: string | undefined;
  error_description?: string | undefined;
}): string {
  const said =
    parsed.error === undefined
      ? ''
      : ` (${parsed.error}${parsed.error_description === undefined ? '' : `: ${firstLine(parsed.error_description)}`})`;
  return `The administrator did not grant consent${said}. To connect, start the connection again from Setup.`;
}

/** The connection check failed the way it does while Microsoft has not yet applied a fresh consent. */
function notYetApplied(result: PermissionCheckResult): boolean {
  const error = result.error;
  if (error === undefined) return false;
  return error.code === 'permission_missing' || error.code === 'unknown_application';
}
