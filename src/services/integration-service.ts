import { z } from 'zod/v4';
import { ConflictError, notConnectedError, ValidationError } from '../shared/errors.js';
import type { Actor } from './actor.js';
import { parseInput } from './validation.js';
import { IntegrationBase, requirePassed, type IntegrationServiceOptions } from './integration-base.js';
import { AdminConsent, type ConsentOutcome, type ConsentStart } from './admin-consent.js';
import { CollectionSettings } from './collection-settings.js';
import { ConsentLinks } from './consent-links.js';
import type { ConsentLinkView } from '../contracts/integrations.js';
import {
  connectInput,
  rotateInput,
  type ConnectInput,
  type ConsentStartInput,
  type RotateSecretInput,
} from './integration-inputs.js';
import type { ConnectionOutcome, ConnectionTestResult, IntegrationView } from './integration-views.js';

/**
 * A client's integration with its Entra tenant (rule 1, rule 2's import start, rule 8's threshold): connect with
 * client credentials or through admin consent, test, rotate the secret, remove it with the tenant's data. Shapes
 * are checked before any network call; nothing is saved unless every check passed; secrets are encrypted at rest
 * and never returned. Changes need the client-admin right on the client and are audited.
 */
export class IntegrationService extends IntegrationBase {
  private readonly consent: AdminConsent;
  private readonly settings: CollectionSettings;
  private readonly links: ConsentLinks;

  constructor(options: IntegrationServiceOptions) {
    super(options);
    this.consent = new AdminConsent(options);
    this.settings = new CollectionSettings(options);
    this.links = new ConsentLinks(options);
  }

  /** The client's integration, or null when it has none. @throws {NotFoundError} {@link ForbiddenError} */
  async get(actor: Actor, clientRef: string): Promise<IntegrationView | null> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    return this.view(this.store.read, client);
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

  /** Admin consent, step 1: see {@link AdminConsent.startConsent}. */
  async startConsent(actor: Actor, clientRef: string, input: ConsentStartInput): Promise<ConsentStart> {
    return this.consent.startConsent(actor, clientRef, input);
  }

  /** The open consent links copied for the client's own admin: see {@link ConsentLinks.list}. */
  async consentLinks(actor: Actor, clientRef: string): Promise<ConsentLinkView[]> {
    return this.links.list(actor, clientRef);
  }

  /** Withdraws the client's open consent links: see {@link ConsentLinks.revoke}. */
  async revokeConsentLinks(actor: Actor, clientRef: string): Promise<{ revoked: number }> {
    return this.links.revoke(actor, clientRef);
  }

  /** Admin consent, step 2 (the redirect back): see {@link AdminConsent.completeConsent}. */
  async completeConsent(...args: Parameters<AdminConsent['completeConsent']>): Promise<ConsentOutcome> {
    return this.consent.completeConsent(...args);
  }

  /**
   * Re-checks the saved integration (token, permissions, organization) and records the result; never throws for a
   * failed check — `passed` says it.
   * @throws {NotFoundError} when the client has no integration; {@link ForbiddenError}.
   */
  async test(actor: Actor, clientRef: string): Promise<ConnectionTestResult> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:configure');
    const integrations = this.store.read.integrations;
    const existing = await this.requireIntegration(client);
    const credentials = await integrations.credentials(client.id);
    const result = await this.verifier.verify(credentials);
    const at = this.clock.now();
    await this.store.transaction(async (tx) => {
      const admin = tx.integrationAdmin;
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
      await this.audit.record(tx, actor, {
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
    const view = await this.view(this.store.read, client);
    if (view === null) throw notConnectedError(client);
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
    await this.store.transaction(async (tx) => {
      await tx.integrations.save({
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
      await this.audit.record(tx, actor, {
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
    const view = await this.view(this.store.read, client);
    if (view === null) throw notConnectedError(client);
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
    const deleted = await this.store.transaction(async (tx) => {
      const counts = await tx.integrationAdmin.deleteWithData(client.id);
      await this.audit.record(tx, actor, {
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

  /** Rule 2: see {@link CollectionSettings.startImport}. */
  async startImport(
    ...args: Parameters<CollectionSettings['startImport']>
  ): ReturnType<CollectionSettings['startImport']> {
    return this.settings.startImport(...args);
  }

  /** Rule 8: see {@link CollectionSettings.previewExpiryThreshold}. */
  async previewExpiryThreshold(
    ...args: Parameters<CollectionSettings['previewExpiryThreshold']>
  ): ReturnType<CollectionSettings['previewExpiryThreshold']> {
    return this.settings.previewExpiryThreshold(...args);
  }

  /** Rule 8: see {@link CollectionSettings.setExpiryThreshold}. */
  async setExpiryThreshold(
    ...args: Parameters<CollectionSettings['setExpiryThreshold']>
  ): ReturnType<CollectionSettings['setExpiryThreshold']> {
    return this.settings.setExpiryThreshold(...args);
  }
}
