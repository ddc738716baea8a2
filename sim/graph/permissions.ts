/**
 * Application permissions each endpoint accepts (least privileged first), and the checks that answer 403 in the
 * exact form Graph uses for that kind of data.
 */
import { holdsAny, type GraphRequest } from './context.js';
import { auditPermissionMissing, directoryDenied, GraphHttpError, notPremium } from './errors.js';

export const USER_READ = [
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
export const GROUP_READ = [
  'GroupMember.Read.All',
  'Group.Read.All',
  'Group.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
export const ORGANIZATION_READ = [
  'Organization.Read.All',
  'Organization.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
export const APPLICATION_READ = [
  'Application.Read.All',
  'Application.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
export const TEAM_READ = [
  'Team.ReadBasic.All',
  'TeamSettings.Read.All',
  'TeamSettings.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
export const REGISTRATION_READ = [
  'AuditLog.Read.All',
  'UserAuthenticationMethod.Read.All',
  'UserAuthenticationMethod.ReadWrite.All',
];

/** Directory data: 403 `Authorization_RequestDenied`. */
export function requireDirectory(request: GraphRequest, permissions: readonly string[]): void {
  if (!holdsAny(request.caller, permissions)) throw directoryDenied();
}

/** Teams answers its own way: 403 `Forbidden`, naming the roles it wanted and those the token had. */
export function requireTeams(request: GraphRequest): void {
  if (holdsAny(request.caller, TEAM_READ)) return;
  throw new GraphHttpError(
    403,
    'Forbidden',
    `Missing role permissions on the request. API requires one of '${TEAM_READ.slice(0, 3).join(', ')}'. Roles on the request '${[...request.caller.roles].join(', ')}'.`,
  );
}

/**
 * Audit and report data (sign-ins, signInActivity, registration details): the permission is checked first
 * (`Authentication_MSGraphPermissionMissing`), then the tenant's Entra ID P1/P2 licence
 * (`Authentication_RequestFromNonPremiumTenantOrB2CTenant`).
 */
export function requireAuditData(
  request: GraphRequest,
  accepted: readonly string[] = ['AuditLog.Read.All'],
): void {
  if (!holdsAny(request.caller, accepted)) throw auditPermissionMissing(accepted[0] ?? 'AuditLog.Read.All');
  if (!request.tenant.premium) throw notPremium();
}

/** Sign-in logs also need a directory read role for the licence check (a documented known issue). */
export function requireSignInLogs(request: GraphRequest): void {
  if (!holdsAny(request.caller, ['AuditLog.Read.All'])) throw auditPermissionMissing('AuditLog.Read.All');
  if (!holdsAny(request.caller, ['Directory.Read.All', 'Directory.ReadWrite.All'])) {
    throw new GraphHttpError(
      403,
      'Authentication_MSGraphPermissionMissing',
      'Calling principal does not have required MSGraph permissions Directory.Read.All',
    );
  }
  if (!request.tenant.premium) throw notPremium();
}
