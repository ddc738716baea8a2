export interface TenantAllowListOptions {
  /** Always allowed: the MSP's own tenants (ALLOWED_TENANT_IDS), and the demo MSP tenant in demo mode. */
  readonly fixed: readonly string[];
  /** The tenants of connected clients (their admins may use the tab too). */
  readonly connectedTenants: () => Promise<readonly string[]>;
  /** How long the connected tenants are remembered. Default 30 s. */
  readonly refreshInMs?: number;
  readonly now?: () => number;
}

/**
 * Which tenants' users may use the tab (DESIGN §7: "iss … for an allowed tenant"). The connected tenants are read
 * through the core and kept for a short while, so a flood of tokens does not become a flood of queries; a newly
 * connected client's admins get in within `refreshInMs`.
 */
export class TenantAllowList {
  private readonly fixed: ReadonlySet<string>;
  private readonly connectedTenants: () => Promise<readonly string[]>;
  private readonly refreshInMs: number;
  private readonly now: () => number;
  private cache: { tenants: ReadonlySet<string>; loadedAt: number } | undefined;
  private loading: Promise<ReadonlySet<string>> | undefined;

  constructor(options: TenantAllowListOptions) {
    this.fixed = new Set(options.fixed.map((tenant) => tenant.toLowerCase()));
    this.connectedTenants = options.connectedTenants;
    this.refreshInMs = options.refreshInMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  async isAllowed(tenantId: string): Promise<boolean> {
    const tenant = tenantId.toLowerCase();
    if (this.fixed.has(tenant)) return true;
    return (await this.connected()).has(tenant);
  }

  /** Forget the connected tenants now (after an integration was added or removed). */
  invalidate(): void {
    this.cache = undefined;
  }

  private async connected(): Promise<ReadonlySet<string>> {
    if (this.cache !== undefined && this.now() - this.cache.loadedAt < this.refreshInMs)
      return this.cache.tenants;
    this.loading ??= this.connectedTenants()
      .then((tenants) => {
        const set = new Set(tenants.map((tenant) => tenant.toLowerCase()));
        this.cache = { tenants: set, loadedAt: this.now() };
        return set;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}
