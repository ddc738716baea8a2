import { SimulatorError } from './errors.js';
import { TenantState } from './tenant-state.js';
import type { TenantSpec } from './types.js';

/** The tenants one simulator hosts, found by id or by verified domain (case-insensitive). */
export class TenantRegistry {
  private readonly list: TenantState[] = [];
  private readonly byKey = new Map<string, TenantState>();

  constructor(private readonly now: () => Date) {}

  add(spec: TenantSpec): TenantState {
    const tenant = new TenantState(spec, this.now);
    if (this.byKey.has(tenant.tenantId) || this.byKey.has(tenant.domain)) {
      throw new SimulatorError(
        'conflict',
        `a tenant with id ${tenant.tenantId} or domain ${tenant.domain} exists`,
      );
    }
    this.list.push(tenant);
    this.byKey.set(tenant.tenantId, tenant);
    this.byKey.set(tenant.domain, tenant);
    return tenant;
  }

  resolve(idOrDomain: string): TenantState | undefined {
    return this.byKey.get(idOrDomain.toLowerCase());
  }

  require(idOrDomain: string): TenantState {
    const tenant = this.resolve(idOrDomain);
    if (!tenant) throw new SimulatorError('not_found', `unknown tenant ${idOrDomain}`);
    return tenant;
  }

  all(): readonly TenantState[] {
    return this.list;
  }
}
