import type { PermissionCheck } from './integrations.js';

/**
 * The Microsoft Graph permissions of a connection's last check in one line, as the tab's Setup and the CLI show it:
 * `6 of 6 granted`, `5 of 6 granted — missing AuditLog.Read.All`; before any check, not checked yet and how to check
 * them in the surface's own terms (`howToCheck`: "with Test connection"); when the last check failed before them
 * (no token), which line failed.
 */
export function permissionWords(checks: readonly PermissionCheck[], howToCheck: string): string {
  if (checks.length === 0) return `not checked yet: check them ${howToCheck}`;
  const permissions = checks.filter((check) => check.permission !== undefined);
  if (permissions.length === 0) {
    const failed = checks.find((check) => !check.passed);
    return `not checked: the last check stopped before them${failed === undefined ? '' : ` (${failed.name} failed)`}`;
  }
  const missing = permissions.filter((check) => !check.passed).map((check) => check.permission ?? check.name);
  return (
    `${String(permissions.length - missing.length)} of ${String(permissions.length)} granted` +
    (missing.length === 0 ? '' : ` — missing ${missing.join(', ')}`)
  );
}
