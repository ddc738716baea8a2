/**
 * One line of a connection check, as the admin sees it. `name` is the line's label (`Sign in`,
 * `Permission User.Read.All`, `Read organization`); a line that checks a Microsoft Graph application permission
 * names it in `permission`, which is what code reads (never the label).
 */
export interface PermissionCheck {
  readonly name: string;
  /** The Graph application permission this line checks; absent for the sign-in and organization lines. */
  readonly permission?: string;
  readonly passed: boolean;
  readonly reason: string;
}

/** A consent link copied for a client's own admin and still open (not used, revoked or expired). */
export interface ConsentLinkView {
  readonly createdAt: string;
  readonly expiresAt: string;
  /** Who copied it (their display name), when known. */
  readonly createdBy: string | null;
  /** The tenant as the admin named it, and the tenant id it must come back for. */
  readonly tenant: string;
  readonly tenantId: string;
}
