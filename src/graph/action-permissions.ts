/**
 * The optional, separately consented capability to act on inactive users (issue 17, item 3): the Microsoft Graph
 * application permission each action needs, what else Microsoft accepts in its place, and its app role id (from
 * Microsoft Graph's published app roles, for reading grants from `appRoleAssignments`). Off until the client's
 * admin grants them; the product never needs them to read.
 * - Block sign-in: `PATCH /users/{id}` `accountEnabled` — User.EnableDisableAccount.All (with User.Read.All),
 *   or User.ReadWrite.All, Directory.ReadWrite.All (https://learn.microsoft.com/en-us/graph/api/user-update).
 * - Revoke sessions: `POST /users/{id}/revokeSignInSessions` — User.RevokeSessions.All, or User.ReadWrite.All,
 *   Directory.ReadWrite.All (https://learn.microsoft.com/en-us/graph/api/user-revokesigninsessions).
 * - Remove licences: `POST /users/{id}/assignLicense` — LicenseAssignment.ReadWrite.All, or User.ReadWrite.All,
 *   Directory.ReadWrite.All (https://learn.microsoft.com/en-us/graph/api/user-assignlicense).
 */
export type UserActionKind = 'block_sign_in' | 'revoke_sessions' | 'remove_licences';

export interface ActionPermission {
  readonly action: UserActionKind;
  readonly permission: string;
  readonly why: string;
  readonly satisfiedBy: readonly string[];
  readonly appRoleId: string;
}

const WRITE_ALL = ['User.ReadWrite.All', 'Directory.ReadWrite.All'];

export const ACTION_PERMISSIONS: readonly ActionPermission[] = [
  {
    action: 'block_sign_in',
    permission: 'User.EnableDisableAccount.All',
    why: "block (and unblock) users' sign-in",
    satisfiedBy: ['User.EnableDisableAccount.All', ...WRITE_ALL],
    appRoleId: '3011c876-62b7-4ada-afa2-506cbbecc68c',
  },
  {
    action: 'revoke_sessions',
    permission: 'User.RevokeSessions.All',
    why: 'sign users out everywhere (revoke their sign-in sessions)',
    satisfiedBy: ['User.RevokeSessions.All', ...WRITE_ALL],
    appRoleId: '77f3a031-c388-4f99-b373-dc68676a979e',
  },
  {
    action: 'remove_licences',
    permission: 'LicenseAssignment.ReadWrite.All',
    why: "remove users' licences (and give them back)",
    satisfiedBy: ['LicenseAssignment.ReadWrite.All', ...WRITE_ALL],
    appRoleId: '5facf0c1-8979-4e95-abcf-ff3d079771c0',
  },
];
