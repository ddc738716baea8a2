import type { PrincipalRef } from '../config/load-config.js';
import { ALL_CLIENTS, isAllowed, type Permission, type RoleGrant } from '../domain/roles.js';
import { ForbiddenError } from '../shared/errors.js';
import type { Store } from '../store/store.js';
import { OPERATOR_TENANT, type Actor } from './actor.js';

export interface AccessPolicyOptions {
  readonly store: Store;
  /** The first partner admins, from configuration (PARTNER_ADMINS). */
  readonly partnerAdmins: readonly PrincipalRef[];
}

/** Authorization in the core: every service asks it before reading or changing a client's data. */
export class AccessPolicy {
  private readonly store: Store;
  private readonly partnerAdmins: readonly PrincipalRef[];

  constructor(options: AccessPolicyOptions) {
    this.store = options.store;
    this.partnerAdmins = options.partnerAdmins;
  }

  /** Every role the actor holds: from configuration, the local operator, and stored assignments. */
  async grantsOf(actor: Actor): Promise<RoleGrant[]> {
    if (actor.tenantId === OPERATOR_TENANT || actor.tenantId === 'system') {
      return [{ role: 'partner_admin', clientScope: ALL_CLIENTS }];
    }
    const tenantId = actor.tenantId.toLowerCase();
    const objectId = actor.objectId.toLowerCase();
    const grants: RoleGrant[] = this.partnerAdmins.some(
      (admin) => admin.tenantId === tenantId && admin.objectId === objectId,
    )
      ? [{ role: 'partner_admin', clientScope: ALL_CLIENTS }]
      : [];
    grants.push(...(await this.store.read.roles.grantsOf({ tenantId, objectId })));
    return grants;
  }

  async can(actor: Actor, permission: Permission, clientId?: string): Promise<boolean> {
    return isAllowed(await this.grantsOf(actor), permission, clientId);
  }

  /** @throws {ForbiddenError} saying which permission was missing and on what. */
  async assert(actor: Actor, permission: Permission, clientId?: string): Promise<void> {
    this.assertGranted(await this.grantsOf(actor), permission, clientId);
  }

  /**
   * {@link assert} with the actor's grants already read for this request, so one request reads them once.
   * @throws {ForbiddenError} saying which permission was missing and on what.
   */
  assertGranted(grants: readonly RoleGrant[], permission: Permission, clientId?: string): void {
    if (isAllowed(grants, permission, clientId)) return;
    throw new ForbiddenError(
      clientId === undefined
        ? `You are not allowed to do this: it needs partner-admin rights (${permission}).`
        : `You are not allowed to do this for this client: it needs the ${permissionNoun(permission)} right on it.`,
    );
  }

  /** The clients the actor may see: `all`, or the ids it holds a role on. */
  async visibleClients(actor: Actor): Promise<'all' | string[]> {
    const grants = await this.grantsOf(actor);
    if (grants.some((grant) => grant.clientScope === ALL_CLIENTS)) return 'all';
    return [...new Set(grants.map((grant) => grant.clientScope))];
  }
}

function permissionNoun(permission: Permission): string {
  switch (permission) {
    case 'client:read':
      return 'read';
    case 'client:operate':
      return 'client-admin';
    case 'client:configure':
      return 'client-admin';
    case 'partner:manage':
      return 'partner-admin';
  }
}
