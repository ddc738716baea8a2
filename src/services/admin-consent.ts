import type { PermissionCheckResult } from '../graph/permission-check.js';
import { AppError, ValidationError } from '../shared/errors.js';
import type { ClientRecord } from '../store/client-repository.js';
import type { Actor, Channel } from './actor.js';
import { ConsentStateSigner } from './consent-state.js';
import { parseInput } from './validation.js';
import { IntegrationBase, requirePassed } from './integration-base.js';
import type { ConnectionOutcome } from './integration-views.js';
import {
  consentCallbackInput,
  consentStartInput,
  type ConsentCallbackInput,
  type ConsentStartInput,
} from './integration-inputs.js';

/** The path the admin-consent redirect comes back to (served by the server, handled by {@link AdminConsent.completeConsent}). */
export const CONSENT_CALLBACK_PATH = '/auth/consent/callback';
export const CONSENT_STATE_TTL_MS = 10 * 60 * 1000;
/** A link copied for the client's own admin (Copy consent link) travels by e-mail: it is valid a week. */
export const SHAREABLE_CONSENT_TTL_MS = 7 * 24 * 60 * 60 * 1000;

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

/** What is stored with a consent state besides its signed binding (the bound tenant id is signed too). */
export interface ConsentPayload {
  readonly actorName: string | null;
  readonly channel: Channel;
  /** What the admin typed: the tenant id or a verified domain. */
  readonly tenantInput: string;
  /** The tenant id it resolved to: the only tenant whose consent completes this connection. */
  readonly tenantId: string;
  /** When the granted consent first came back (then it is waited for, up to `consentWait.forMs`). */
  readonly consentReceivedAt?: string | undefined;
  /** A link copied for the client's own admin (valid a week, listed and revocable on Setup). */
  readonly shareable?: boolean | undefined;
  /** When an admin revoked the link (it is then used up). */
  readonly revokedAt?: string | undefined;
}

export interface ConsentStart {
  readonly url: string;
  readonly expiresAt: string;
  /** The tenant id the consent must come back for (what the admin named, resolved). */
  readonly tenantId: string;
  readonly tenantInput: string;
  /** Whether this is a link for the client's own admin (valid 7 days) rather than one the tab opens now. */
  readonly shareable: boolean;
}

/**
 * Connecting a client through admin consent (DESIGN §9): the link for the client's admin, with a signed state bound
 * to the admin, the client and the tenant; and the answer Entra sends back — declined, granted but not yet applied
 * by Microsoft (waited for), or connected once every check passed.
 */
export class AdminConsent extends IntegrationBase {
  /**
   * Starts an admin-consent connection: returns the URL the client's admin opens to grant our multi-tenant app
   * consent. The admin names the client's tenant (id or verified domain); it is resolved to its tenant id now, and
   * the `state` is signed and bound to this admin, this client and that tenant — single use, valid 10 minutes, or
   * 7 days for a `shareable` link the admin copies for the client's own Global Administrator (revocable with
   * ConsentLinks.revoke). A consent that comes back for any other tenant is refused (DESIGN §9).
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
      expiresAt: new Date(
        now.getTime() + (parsed.shareable === true ? SHAREABLE_CONSENT_TTL_MS : CONSENT_STATE_TTL_MS),
      ).toISOString(),
    };
    const state = this.signer.sign(binding);
    const payload: ConsentPayload = {
      actorName: actor.name ?? null,
      channel: actor.channel,
      tenantInput: parsed.tenant,
      tenantId,
      ...(parsed.shareable === true ? { shareable: true } : {}),
    };
    await this.store.transaction(async (tx) => {
      await tx.pendingActions.insert({
        id: ConsentStateSigner.storageId(binding.nonce),
        kind: 'admin_consent',
        client_id: client.id,
        actor_tenant_id: binding.actorTenantId,
        actor_object_id: binding.actorObjectId,
        payload: JSON.stringify(payload),
        created_at: now.toISOString(),
        expires_at: binding.expiresAt,
      });
      await this.audit.record(tx, actor, {
        action: parsed.shareable === true ? 'integration.consent_link_created' : 'integration.consent_start',
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
    return {
      url,
      expiresAt: binding.expiresAt,
      tenantId,
      tenantInput: parsed.tenant,
      shareable: parsed.shareable === true,
    };
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
    const pending = this.store.read.pendingActions;
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
        payload.revokedAt === undefined
          ? 'This consent link has already been used; start the connection again.'
          : 'This consent link was withdrawn by the partner who sent it; ask them for a new one.',
        { status: 409 },
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
          ? 'This consent link has expired; start the connection again (or copy a new link) from Setup.'
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
      await this.store.transaction(async (tx) => {
        await this.audit.record(tx, actor, {
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
      await this.store.transaction(async (tx) => {
        await this.audit.record(tx, actor, {
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
   * A consent answer for another tenant than the one the connection was started for: audited (as the admin who
   * started it, with both tenant ids), logged, and refused — nothing is connected.
   */
  private async refuseConsent(
    actor: Actor,
    client: ClientRecord,
    payload: ConsentPayload,
    answeredTenant: string,
    source: 'callback' | 'organization',
  ): Promise<never> {
    const shown = answeredTenant.slice(0, 100);
    await this.store.transaction(async (tx) => {
      await this.audit.record(tx, actor, {
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
export function consentPayloadOf(text: string): ConsentPayload | undefined {
  try {
    const value = JSON.parse(text) as Partial<ConsentPayload>;
    if (typeof value.tenantId !== 'string' || typeof value.tenantInput !== 'string') return undefined;
    return {
      actorName: typeof value.actorName === 'string' ? value.actorName : null,
      channel: value.channel ?? 'tab',
      tenantInput: value.tenantInput,
      tenantId: value.tenantId,
      consentReceivedAt: typeof value.consentReceivedAt === 'string' ? value.consentReceivedAt : undefined,
      shareable: value.shareable === true,
      revokedAt: typeof value.revokedAt === 'string' ? value.revokedAt : undefined,
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
