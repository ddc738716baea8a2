/** A Microsoft Graph application permission the product needs, and why (shown in checks and the README). */
export interface RequiredPermission {
  readonly name: string;
  readonly why: string;
}

/** The six application permissions every integration must hold (DESIGN §3 rule 1). */
export const REQUIRED_PERMISSIONS: readonly RequiredPermission[] = [
  { name: 'User.Read.All', why: 'read the users of the directory' },
  { name: 'Group.Read.All', why: 'read groups and their members' },
  {
    name: 'Directory.Read.All',
    why: 'read directory objects and deletions; needed for sign-in licence checks',
  },
  { name: 'Organization.Read.All', why: "read the organization's name and verified domains" },
  { name: 'Team.ReadBasic.All', why: 'tell which groups are Teams' },
  { name: 'AuditLog.Read.All', why: 'read sign-in logs, signInActivity and MFA registration details' },
];

/** The permission names only. */
export const REQUIRED_PERMISSION_NAMES: readonly string[] = REQUIRED_PERMISSIONS.map((p) => p.name);
