import { PERMISSIONS_TO_GRANT } from '../contracts/values.js';

/**
 * A Microsoft Graph application permission the product asks for, why, and what else Microsoft accepts in its place.
 * Each endpoint's page lists its permissions "from least to most privileged"; a tenant that granted a documented
 * higher-privileged one instead (often `Directory.Read.All`) is served just the same.
 */
export interface RequiredPermission {
  readonly name: string;
  readonly why: string;
  /** The permission itself and the higher-privileged ones Microsoft documents for the same requests. */
  readonly satisfiedBy: readonly string[];
  /** Asked for but not needed: its absence is reported, never a failure. */
  readonly optional?: boolean;
  /** Its app role id in Microsoft Graph's service principal (for reading grants through `appRoleAssignments`). */
  readonly appRoleId: string;
}

const DIRECTORY = ['Directory.Read.All', 'Directory.ReadWrite.All'];

/** Why a permission is needed, as the Setup form says it (src/contracts/values.ts). */
function why(name: (typeof PERMISSIONS_TO_GRANT)[number]['name']): string {
  return PERMISSIONS_TO_GRANT.find((permission) => permission.name === name)?.reason ?? name;
}

/** The application permissions the product checks (DESIGN §3 rule 1): the app registration (aad.manifest.json) asks for those not optional. */
export const REQUIRED_PERMISSIONS: readonly RequiredPermission[] = [
  {
    name: 'User.Read.All',
    why: why('User.Read.All'),
    // https://learn.microsoft.com/en-us/graph/api/user-delta (least to most privileged)
    satisfiedBy: ['User.Read.All', 'User.ReadWrite.All', ...DIRECTORY],
    appRoleId: 'df021288-bdef-4463-88db-98f22de89214',
  },
  {
    name: 'Group.Read.All',
    why: why('Group.Read.All'),
    // https://learn.microsoft.com/en-us/graph/api/group-delta
    satisfiedBy: ['Group.Read.All', 'Group.ReadWrite.All', ...DIRECTORY],
    appRoleId: '5b567255-7703-4780-807c-7be8301ae99b',
  },
  {
    name: 'Directory.Read.All',
    why: why('Directory.Read.All'),
    // List signIns needs "AuditLog.Read.All and Directory.Read.All" (a documented known issue of the licence check):
    // https://learn.microsoft.com/en-us/graph/api/signin-list
    satisfiedBy: DIRECTORY,
    appRoleId: '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
  },
  {
    name: 'Organization.Read.All',
    why: why('Organization.Read.All'),
    // https://learn.microsoft.com/en-us/graph/api/organization-list
    satisfiedBy: ['Organization.Read.All', 'Organization.ReadWrite.All', ...DIRECTORY],
    appRoleId: '498476ce-e0fe-48b0-b801-37ba7e2685c6',
  },
  {
    name: 'Team.ReadBasic.All',
    why: why('Team.ReadBasic.All'),
    satisfiedBy: ['Team.ReadBasic.All', 'TeamSettings.Read.All', 'TeamSettings.ReadWrite.All', ...DIRECTORY],
    optional: true,
    appRoleId: '2280dda6-0bfd-44ee-a2f4-cb867cfc4c1e',
  },
  {
    name: 'AuditLog.Read.All',
    why: why('AuditLog.Read.All'),
    satisfiedBy: ['AuditLog.Read.All'],
    appRoleId: 'b0afded3-3588-46d8-8b3d-9842eff778da',
  },
];

/** The permission names only. */
export const REQUIRED_PERMISSION_NAMES: readonly string[] = REQUIRED_PERMISSIONS.map((p) => p.name);

/** App role ids of Microsoft Graph → permission names, for the permissions the product checks. */
export const GRAPH_APP_ROLE_NAMES: ReadonlyMap<string, string> = new Map(
  REQUIRED_PERMISSIONS.map((p) => [p.appRoleId, p.name] as const),
);
