import type { PermissionCheck, PermissionCheckResult, OrganizationInfo } from '../graph/permission-check.js';
import type { Clock } from '../shared/clock.js';
import { AppError, ConflictError, notConnectedError, ValidationError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { IntegrationRecord } from '../store/integration-repository.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import type { ClientRecord } from '../store/client-repository.js';
import type { Repositories, Store } from '../store/store.js';
import type { AccessPolicy } from './access-policy.js';
import type { Actor } from './actor.js';
import type { AuditTrail } from './audit-trail.js';
import type { ClientAccess } from './client-access.js';
import type { CollectionReconciler } from './collection-reconciler.js';
import type { ConnectionVerifier } from './connection-verifier.js';
import { ConsentStateSigner } from './consent-state.js';
import type { IntegrationView, ConnectionOutcome } from './integration-views.js';

export interface IntegrationServiceOptions {
  readonly store: Store;
  readonly access: AccessPolicy;
  readonly clientAccess: ClientAccess;
  readonly audit: AuditTrail;
  readonly clock: Clock;
  readonly logger: Logger;
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

/**
 * What every integration use case shares (the connection, admin consent, the collection settings): the options and
 * collaborators, and the helpers that resolve, check and save a client's integration and read its view.
 */
export abstract class IntegrationBase {
  protected readonly store: Store;
  protected readonly access: AccessPolicy;
  protected readonly clientAccess: ClientAccess;
  protected readonly audit: AuditTrail;
  protected readonly clock: Clock;
  protected readonly logger: Logger;
  protected readonly signer: ConsentStateSigner;
  protected readonly verifier: ConnectionVerifier;
  protected readonly reconciler: CollectionReconciler;
  protected readonly publicBaseUrl: string;
  protected readonly authorityHost: string;
  protected readonly consentApp: IntegrationServiceOptions['consentApp'];
  protected readonly consentWait: NonNullable<IntegrationServiceOptions['consentWait']>;

  constructor(options: IntegrationServiceOptions) {
    this.store = options.store;
    this.access = options.access;
    this.clientAccess = options.clientAccess;
    this.audit = options.audit;
    this.clock = options.clock;
    this.logger = options.logger;
    this.signer = new ConsentStateSigner(options.secretsKey);
    this.verifier = options.verifier;
    this.reconciler = options.reconciler;
    this.publicBaseUrl = options.publicBaseUrl.replace(/\/+$/, '');
    this.authorityHost = options.authorityHost.replace(/\/+$/, '');
    this.consentApp = options.consentApp;
    this.consentWait = options.consentWait ?? {};
  }

  protected async save(
    actor: Actor,
    client: ClientRecord,
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
    // Inside the transaction only `tx` may be used: SQLite has one connection, and the transaction holds it.
    // A connect of the same tenant racing this one is decided by the unique index on integrations.tenant_id.
    await this.store
      .transaction(async (tx) => {
        const admin = tx.integrationAdmin;
        if ((await admin.find(client.id)) !== undefined) throw integrationExists(client);
        if ((await admin.findByTenant(tenantId)) !== undefined) throw tenantTaken(tenantId, undefined);
        await tx.integrations.save({
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
        await this.audit.record(tx, actor, {
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
    const view = await this.view(this.store.read, client);
    if (view === null) throw notConnectedError(client);
    return { integration: view, checks: facts.result.checks, organization: facts.organization };
  }

  protected async view(repos: Repositories, client: ClientRecord): Promise<IntegrationView | null> {
    const record = await repos.integrations.find(client.id);
    if (record === undefined) return null;
    const row = await repos.integrationAdmin.find(client.id);
    const fresh = await repos.clients.find(client.id);
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
      expiryThresholdDays: fresh?.expiryDays ?? client.expiryDays,
      createdAt: record.createdAt,
      createdBy: record.createdBy,
      updatedAt: record.updatedAt,
    };
  }

  /** A tenant belongs to one client: say so before sending anyone to consent for a tenant connected elsewhere. */
  protected async assertTenantFree(actor: Actor, tenantId: string): Promise<void> {
    const connected = await this.store.read.integrationAdmin.findByTenant(tenantId);
    if (connected !== undefined) {
      throw tenantTaken(
        tenantId,
        (await this.access.can(actor, 'client:read', connected.client_id)) ? connected.client_id : undefined,
      );
    }
  }

  protected async assertNotConnected(client: ClientRecord): Promise<void> {
    if ((await this.store.read.integrationAdmin.find(client.id)) !== undefined) {
      throw integrationExists(client);
    }
  }

  protected async requireIntegration(client: ClientRecord): Promise<IntegrationRecord> {
    const record = await this.store.read.integrations.find(client.id);
    if (record === undefined) {
      throw notConnectedError(client);
    }
    return record;
  }

  protected assertFuture(expiresAt: string | undefined): void {
    if (expiresAt !== undefined && expiresAt <= this.clock.now().toISOString()) {
      throw new ValidationError(
        `Invalid input — secretExpiresAt: ${expiresAt.slice(0, 10)} is in the past; a secret that has expired cannot sign in. Create a new secret.`,
        [{ path: 'secretExpiresAt', message: 'is in the past' }],
      );
    }
  }
}

export function requirePassed(result: PermissionCheckResult): OrganizationInfo {
  if (!result.passed || result.organization === undefined) throw new ConnectionCheckError(result);
  return result.organization;
}

export function integrationExists(client: ClientRecord): ConflictError {
  return new ConflictError(
    'integration_exists',
    `Client '${client.name}' is already connected to a tenant; rotate its secret or remove the integration first.`,
  );
}

export function tenantTaken(tenantId: string, visibleClientId: string | undefined): ConflictError {
  return new ConflictError(
    'tenant_already_connected',
    `Tenant ${tenantId} is already connected to ${visibleClientId === undefined ? 'another client' : `client ${visibleClientId}`}; a tenant belongs to one client.`,
  );
}
