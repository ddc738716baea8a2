import { ACTION_PERMISSIONS, type ActionPermission } from '../graph/action-permissions.js';
import type { UserActionName } from '../contracts/user-actions.js';
import type { ActionUserRecord } from '../store/user-action-repository.js';

/** What one user's request to Graph is (one item of a JSON batch). */
export interface ActionRequest {
  readonly method: 'PATCH' | 'POST';
  readonly url: string;
  readonly body: Record<string, unknown>;
}

/** What the action would do to one user. */
export interface ActionPlan {
  readonly plan: 'change' | 'already' | 'not_applicable';
  readonly reason: string | null;
  /** Removing or restoring licences: the SKUs. */
  readonly skuIds: readonly string[];
}

/** What the plan of one user needs besides the user. */
export interface PlanFacts {
  /** The SKUs the user holds in the directory copy. */
  readonly held: readonly string[];
  /** The SKUs the product removed from the user and has not given back. */
  readonly removed: readonly string[];
  /** Removing licences: only these SKUs (all the user holds when absent). */
  readonly only: ReadonlySet<string> | undefined;
}

export interface ActionKind {
  readonly permission: ActionPermission;
  /** What Graph is asked to do, in plain words (shown in the preview). */
  readonly what: string;
  readonly audit: string;
  /** The action that undoes this one, where Entra allows one. */
  readonly undo: UserActionName | null;
  /** The batch's operation name (telemetry and the request inventory). */
  readonly operation: string;
  /** One of Microsoft's sensitive actions, refused for a user with an administrator role (see {@link adminRoleNote}). */
  readonly sensitive: boolean;
  plan(user: ActionUserRecord, facts: PlanFacts): ActionPlan;
  request(userId: string, skuIds: readonly string[]): ActionRequest;
}

function permissionOf(action: ActionPermission['action']): ActionPermission {
  const permission = ACTION_PERMISSIONS.find((p) => p.action === action);
  if (permission === undefined) throw new Error(`ACTION_PERMISSIONS lists no ${action}`);
  return permission;
}

const change = (skuIds: readonly string[] = []): ActionPlan => ({ plan: 'change', reason: null, skuIds });
const already = (reason: string): ActionPlan => ({ plan: 'already', reason, skuIds: [] });
const userUrl = (id: string, tail = ''): string => `/users/${encodeURIComponent(id)}${tail}`;

/**
 * A user synchronised from an on-premises Active Directory is mastered there: Graph refuses to change its
 * `accountEnabled` (400 "Unable to update the specified properties for on-premises mastered Directory Sync objects"),
 * and Microsoft has such a leaver disabled in Active Directory
 * (https://learn.microsoft.com/en-us/entra/identity/users/users-revoke-access, "Revoke access for a user in the
 * hybrid environment"). So no request is sent; the plan says where to do it.
 */
function syncedFromActiveDirectory(enabled: boolean): ActionPlan {
  return {
    plan: 'not_applicable',
    reason:
      `Synchronised from on-premises Active Directory: ${enabled ? 'enable' : 'disable'} the account there; ` +
      `Microsoft Entra Connect ${enabled ? 'allows' : 'blocks'} its sign-in at its next sync.`,
    skuIds: [],
  };
}

function signIn(enabled: boolean): Pick<ActionKind, 'plan' | 'request'> {
  return {
    plan: (user) => {
      if (user.accountEnabled === enabled)
        return already(enabled ? 'Sign-in is already allowed.' : 'Sign-in is already blocked.');
      return user.onPremisesSynced ? syncedFromActiveDirectory(enabled) : change();
    },
    // accountEnabled through user-update: https://learn.microsoft.com/en-us/graph/api/user-update
    request: (id) => ({ method: 'PATCH', url: userUrl(id), body: { accountEnabled: enabled } }),
  };
}

/**
 * Blocking or allowing sign-in (`accountEnabled`) and signing a user out are sensitive actions. For a user who holds
 * an administrator role Microsoft lets only a higher administrator role perform them — for an app, a role assigned to
 * its service principal; the permission alone is not enough ("Who can perform sensitive actions", and "Who can reset
 * passwords", which covers "invalidate refresh tokens":
 * https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/privileged-roles-permissions). Graph
 * answers 403 `Authorization_RequestDenied`. The preview warns where the registration report says the user is an
 * admin; a refusal says why in words an admin can act on.
 */
const ADMIN_ROLE_WARNING =
  'An administrator: Microsoft allows this only to an app that is itself a Privileged Authentication Administrator.';
const ADMIN_ROLE_REFUSAL =
  'most likely because the user is an administrator, whom an app may block or sign out only as a Privileged ' +
  'Authentication Administrator. Do it in the Microsoft Entra admin center.';

/** What the preview says of a user the action would change (null: nothing to add). */
export function adminRoleNote(kind: ActionKind, user: ActionUserRecord, plan: ActionPlan): string | null {
  return kind.sensitive && plan.plan === 'change' && user.isAdmin === true ? ADMIN_ROLE_WARNING : null;
}

/**
 * Microsoft's reason for refusing one user, with why where Microsoft's own words do not say: a 403 for a sensitive
 * action whose permission was granted (the action checks that before it sends anything).
 */
export function refusalReason(kind: ActionKind, status: number | null, reason: string | null): string | null {
  return kind.sensitive && status === 403 ? `${reason ?? 'HTTP 403'} — ${ADMIN_ROLE_REFUSAL}` : reason;
}

/**
 * The actions on users. Permissions, as Microsoft's permissions reference names them
 * (https://learn.microsoft.com/en-us/graph/permissions-reference): User.EnableDisableAccount.All (block, unblock),
 * User.RevokeSessions.All (revoke sessions), LicenseAssignment.ReadWrite.All (remove and give back licences).
 */
export const ACTION_KINDS: Readonly<Record<UserActionName, ActionKind>> = {
  block_sign_in: {
    permission: permissionOf('block_sign_in'),
    what: 'Block sign-in in Microsoft Entra ID: the users can no longer sign in; their licences stay assigned.',
    audit: 'user.block_sign_in',
    undo: 'unblock_sign_in',
    operation: 'users.update.batch',
    ...signIn(false),
    sensitive: true,
  },
  unblock_sign_in: {
    permission: permissionOf('block_sign_in'),
    what: 'Allow sign-in again (the Undo of blocking sign-in).',
    audit: 'user.unblock_sign_in',
    undo: 'block_sign_in',
    operation: 'users.update.batch',
    ...signIn(true),
    sensitive: true,
  },
  revoke_sessions: {
    permission: permissionOf('revoke_sessions'),
    what:
      'Sign the users out everywhere: every app they signed in to asks them to sign in again. ' +
      'This cannot be undone (a new sign-in is the only way back).',
    audit: 'user.revoke_sessions',
    undo: null,
    operation: 'users.revokeSignInSessions.batch',
    sensitive: true,
    plan: () => change(),
    // https://learn.microsoft.com/en-us/graph/api/user-revokesigninsessions
    request: (id) => ({ method: 'POST', url: userUrl(id, '/revokeSignInSessions'), body: {} }),
  },
  remove_licences: {
    permission: permissionOf('remove_licences'),
    what:
      'Remove the licences shown from the users in Microsoft Entra ID, so the seats are free. ' +
      'Undo gives the same licences back while seats are free.',
    audit: 'user.remove_licences',
    undo: 'restore_licences',
    operation: 'users.assignLicense.batch',
    sensitive: false,
    plan: (_user, facts) => {
      const skuIds = facts.held.filter((skuId) => facts.only === undefined || facts.only.has(skuId));
      if (skuIds.length > 0) return change(skuIds);
      return already(facts.held.length === 0 ? 'Holds no licences.' : 'Holds none of the licences chosen.');
    },
    // Both lists are required (https://learn.microsoft.com/en-us/graph/api/user-assignlicense).
    request: (id, skuIds) => ({
      method: 'POST',
      url: userUrl(id, '/assignLicense'),
      body: { addLicenses: [], removeLicenses: skuIds },
    }),
  },
  restore_licences: {
    permission: permissionOf('remove_licences'),
    what: 'Give back the licences this app removed from the users (the Undo of removing licences).',
    audit: 'user.restore_licences',
    undo: 'remove_licences',
    operation: 'users.assignLicense.batch',
    sensitive: false,
    plan: (_user, facts) =>
      facts.removed.length > 0
        ? change(facts.removed)
        : { plan: 'not_applicable', reason: 'No licences removed by this app to give back.', skuIds: [] },
    request: (id, skuIds) => ({
      method: 'POST',
      url: userUrl(id, '/assignLicense'),
      body: { addLicenses: skuIds.map((skuId) => ({ skuId, disabledPlans: [] })), removeLicenses: [] },
    }),
  },
};

export const ACTION_NAMES = Object.keys(ACTION_KINDS) as UserActionName[];
