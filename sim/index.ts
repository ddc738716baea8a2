/**
 * Entra ID + Microsoft Graph simulator: a local HTTPS stand-in for login.microsoftonline.com and
 * graph.microsoft.com that the real `@azure/identity` and `@microsoft/microsoft-graph-client` talk to.
 * See sim/README.md.
 */
import type { TenantSpec } from './types.js';

export { startSimulator } from './simulator.js';
export { PRODUCT_PERMISSIONS, tenantIdForSeed } from './tenant-generator.js';
export { SimulatorError, type SimulatorErrorCode } from './errors.js';
export { AUTH_METHODS } from './catalog.js';
export { isSimGuest } from './user-kind.js';
export type * from './types.js';

/**
 * The demo tenant the product uses on embedded defaults: 2,000 users in nested department groups, Teams, SaaS apps
 * with every SSO mode, 30 days of sign-ins, Entra ID P1. Deterministic (fixed seed); override any field.
 */
export function demoTenantSpec(overrides: Partial<TenantSpec> = {}): TenantSpec {
  return {
    seed: 2026,
    displayName: 'Contoso (demo)',
    domain: 'contoso.onmicrosoft.com',
    users: 2000,
    groups: 120,
    nestingDepth: 4,
    cycles: 2,
    servicePrincipals: 24,
    signInDays: 30,
    signInsPerUserPerDay: 2,
    premium: true,
    ...overrides,
  };
}
