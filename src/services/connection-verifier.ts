import { checkPermissions, type PermissionCheckResult } from '../graph/permission-check.js';
import type { IntegrationCredentials, TenantGraphFactory } from '../graph/tenant-graph-factory.js';
import type { TenantIdResolver } from '../graph/tenant-id-resolver.js';

/**
 * Checks an integration's credentials against its tenant before they are saved or when re-tested: token, the six
 * permissions, `/organization`. Never throws for a failed check; each failure is a reported check.
 */
export interface ConnectionVerifier {
  verify(credentials: IntegrationCredentials): Promise<PermissionCheckResult>;
  /**
   * The tenant id of a tenant named by id or verified domain, as Entra publishes it.
   * @throws {AuthError} `unknown_tenant`, `authority_unreachable`
   */
  resolveTenant(tenant: string): Promise<string>;
  /** Forgets cached connections of a tenant (after its secret was rotated or its integration removed). */
  forget(tenantId: string): void;
}

/** The verifier over Microsoft Graph (or the simulator): a fresh, uncached graph per check. */
export class GraphConnectionVerifier implements ConnectionVerifier {
  constructor(
    private readonly factory: TenantGraphFactory,
    private readonly resolver: TenantIdResolver,
  ) {}

  async verify(credentials: IntegrationCredentials): Promise<PermissionCheckResult> {
    return checkPermissions(this.factory.create(credentials));
  }

  resolveTenant(tenant: string): Promise<string> {
    return this.resolver.resolve(tenant);
  }

  forget(tenantId: string): void {
    this.factory.drop(tenantId);
  }
}
