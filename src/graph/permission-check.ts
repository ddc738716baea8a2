import type { PermissionCheck } from '../contracts/integrations.js';
import { AppError } from '../shared/errors.js';
import { PermissionError } from './graph-errors.js';
import type { GraphOrganization } from './graph-types.js';
import { GRAPH_APP_ROLE_NAMES, REQUIRED_PERMISSIONS } from './required-permissions.js';
import type { TenantGraph } from './tenant-graph.js';

export type { PermissionCheck };

/** The tenant as `/organization` describes it. */
export interface OrganizationInfo {
  /** The tenant GUID (even when the admin typed a domain). */
  readonly tenantId: string;
  readonly displayName: string | null;
  readonly verifiedDomains: readonly { name: string; isDefault: boolean; isInitial: boolean }[];
}

export interface PermissionCheckResult {
  /** True when every check passed. */
  readonly passed: boolean;
  readonly checks: readonly PermissionCheck[];
  /** Known once `/organization` could be read. */
  readonly organization: OrganizationInfo | undefined;
  /** Required application permissions the token lacks. */
  readonly missingPermissions: readonly string[];
  /** The first failure, typed: `AuthError`, `PermissionError` or `GraphRequestError` (src/graph/graph-errors.ts). */
  readonly error: AppError | undefined;
}

/**
 * Checks an integration before it is saved (and whenever it is re-checked): acquires an app-only token, compares the
 * application permissions granted with those required — a documented higher-privileged alternative counts (e.g.
 * Directory.Read.All for User.Read.All), an optional one never fails — and reads `/organization`. The grants are
 * the token's `roles`; when the token cannot be read (Microsoft says to treat it as opaque), they are read from the
 * directory: the `appRoleAssignments` of our service principal. Never throws for a failed check — each failure is a
 * check with its reason, and `error` holds the first one typed.
 *
 * Use a graph from `TenantGraphFactory.create` (uncached) so the token reflects the grants of now. Its requests are
 * urgent: an admin waits for the answer (connecting, re-testing, rotating a secret, the consent callback).
 */
export async function checkPermissions(graph: TenantGraph): Promise<PermissionCheckResult> {
  const checks: PermissionCheck[] = [];
  let roles: ReadonlySet<string>;
  let tokenTenant: string | undefined;
  try {
    const claims = await graph.tokenClaims();
    tokenTenant = claims.tenantId;
    checks.push({
      name: 'Sign in',
      passed: true,
      reason: `An app-only token was issued for tenant ${claims.tenantId ?? graph.tenant}.`,
    });
    if (claims.roles !== undefined) {
      roles = new Set(claims.roles);
    } else {
      const ids = await graph.appRoleIdsFromDirectory({ urgent: true });
      roles = new Set(ids.flatMap((id) => GRAPH_APP_ROLE_NAMES.get(id) ?? []));
      checks.push({
        name: 'Read granted permissions',
        passed: true,
        reason: "The token is not readable, so the permissions were read from the app's role assignments.",
      });
    }
  } catch (error) {
    const failure = asAppError(error);
    const name = checks.length === 0 ? 'Sign in' : 'Read granted permissions';
    checks.push({ name, passed: false, reason: failure.message });
    return { passed: false, checks, organization: undefined, missingPermissions: [], error: failure };
  }

  const missing: string[] = [];
  for (const permission of REQUIRED_PERMISSIONS) {
    const by = permission.satisfiedBy.find((name) => roles.has(name));
    if (by === undefined && permission.optional !== true) missing.push(permission.name);
    checks.push({
      name: `Permission ${permission.name}`,
      permission: permission.name,
      passed: by !== undefined || permission.optional === true,
      reason:
        by === permission.name
          ? `Granted (to ${permission.why}).`
          : by !== undefined
            ? `Covered by ${by}, which Microsoft accepts in its place (to ${permission.why}).`
            : permission.optional === true
              ? `Not granted; optional (to ${permission.why}).`
              : `Missing: needed to ${permission.why}. Add it as an Application permission of Microsoft Graph and grant admin consent.`,
    });
  }

  let organization: OrganizationInfo | undefined;
  let error: AppError | undefined = missing.length > 0 ? new PermissionError(missing) : undefined;
  try {
    const response = await graph.get<{ value: readonly GraphOrganization[] }>(
      '/organization?$select=id,displayName,verifiedDomains',
      { operation: 'organization', requiredPermissions: ['Organization.Read.All'], urgent: true },
    );
    const org = response.value[0];
    if (org === undefined)
      throw new AppError('organization_missing', 'Graph returned no organization for this tenant.');
    organization = {
      tenantId: org.id !== '' ? org.id : (tokenTenant ?? graph.tenant),
      displayName: org.displayName ?? null,
      verifiedDomains: (org.verifiedDomains ?? []).map((domain) => ({
        name: domain.name,
        isDefault: domain.isDefault === true,
        isInitial: domain.isInitial === true,
      })),
    };
    const primary = organization.verifiedDomains.find((d) => d.isDefault) ?? organization.verifiedDomains[0];
    checks.push({
      name: 'Read organization',
      passed: true,
      reason: `${organization.displayName ?? organization.tenantId}${primary === undefined ? '' : ` (${primary.name})`}`,
    });
  } catch (caught) {
    const failure = asAppError(caught);
    error ??= failure;
    checks.push({ name: 'Read organization', passed: false, reason: failure.message });
  }

  return { passed: error === undefined, checks, organization, missingPermissions: missing, error };
}

/**
 * Like {@link checkPermissions}, but throws the first failure.
 * @throws `AuthError`, `PermissionError` or `GraphRequestError`
 */
export async function requirePermissions(
  graph: TenantGraph,
): Promise<PermissionCheckResult & { organization: OrganizationInfo }> {
  const result = await checkPermissions(graph);
  if (result.error !== undefined) throw result.error;
  if (result.organization === undefined)
    throw new AppError('organization_missing', 'The organization could not be read.');
  return { ...result, organization: result.organization };
}

function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError('graph_request_failed', error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}
