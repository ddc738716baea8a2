import type { RoleName } from './vocabulary.js';

/** What a service call needs (DESIGN §2). */
export type Permission =
  /** See a client, its status, users, groups and reports. */
  | 'client:read'
  /** Import/disable users, exclude groups, import groups for reporting, run a sync. */
  | 'client:operate'
  /** Connect, rotate, test and remove the client's integration; change its settings. */
  | 'client:configure'
  /** Add and remove clients, assign roles: partner-wide. */
  | 'partner:manage';

/** The rule table: which role grants which permissions. Scope (one client or all) is checked separately. */
export const rolePermissions: Readonly<Record<RoleName, readonly Permission[]>> = {
  partner_admin: ['client:read', 'client:operate', 'client:configure', 'partner:manage'],
  client_admin: ['client:read', 'client:operate', 'client:configure'],
  viewer: ['client:read'],
};

/** Each role as an admin reads it, in the bot, the CLI and the audit log. */
export const ROLE_WORDS: Readonly<Record<RoleName, string>> = {
  partner_admin: 'partner admin',
  client_admin: 'client admin',
  viewer: 'viewer',
};

/** A role held by someone, for one client or (`*`) for all. */
export interface RoleGrant {
  readonly role: RoleName;
  readonly clientScope: string;
}

export const ALL_CLIENTS = '*';

/** Whether the grants allow `permission` on `clientId` (or partner-wide when `clientId` is undefined). */
export function isAllowed(
  grants: readonly RoleGrant[],
  permission: Permission,
  clientId: string | undefined,
): boolean {
  return grants.some(
    (grant) =>
      rolePermissions[grant.role].includes(permission) &&
      (grant.clientScope === ALL_CLIENTS || (clientId !== undefined && grant.clientScope === clientId)),
  );
}
