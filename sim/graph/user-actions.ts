/**
 * Changes to users the product may make once a client grants the optional permissions (issue 17, item 3):
 * - `PATCH /users/{id}` with `accountEnabled` (block or allow sign-in). Microsoft lists User.EnableDisableAccount.All
 *   (with a user read permission: "User.EnableDisableAccount.All and User.Read.All" is the least-privileged pair)
 *   besides User.ReadWrite.All and Directory.ReadWrite.All (https://learn.microsoft.com/en-us/graph/api/user-update);
 *   any other property needs User.ReadWrite.All or Directory.ReadWrite.All. 204 No Content.
 * - `POST /users/{id}/revokeSignInSessions`: User.RevokeSessions.All, User.ReadWrite.All, Directory.ReadWrite.All
 *   (https://learn.microsoft.com/en-us/graph/api/user-revokesigninsessions); answers `{ value: true }`.
 * - `POST /users/{id}/assignLicense` `{ addLicenses, removeLicenses }`: LicenseAssignment.ReadWrite.All,
 *   User.ReadWrite.All, Directory.ReadWrite.All (https://learn.microsoft.com/en-us/graph/api/user-assignlicense).
 *   Both lists are required ("One or more parameters of the operation 'assignLicense' are missing from the request
 *   payload. The missing parameters are: addLicenses.") and at least one change ("No license changes provided. At
 *   least one license to add or remove must be specified."), as Microsoft answers
 *   (https://github.com/microsoftgraph/msgraph-sdk-powershell/issues/3231, /3286). Answers the user.
 *   A licence the user only inherits from a group (group-based licensing) cannot be removed from the user: Microsoft
 *   answers 400 "User license is inherited from a group membership and it cannot be removed directly from the user."
 *   (the message Microsoft's own licensing PowerShell examples test for; the licence goes with the group membership,
 *   https://learn.microsoft.com/en-us/entra/identity/users/licensing-ps-examples).
 * A missing permission is 403 `Authorization_RequestDenied`, as for the directory's other writes.
 *
 * Blocking or allowing sign-in (`accountEnabled`) and signing a user out are sensitive actions: Microsoft lets only
 * some administrator roles perform them on a user who holds a privileged administrator role — for a Global
 * Administrator, only Privileged Authentication Administrator and Global Administrator ("Who can perform sensitive
 * actions" and "Who can reset passwords", the latter covering "invalidate refresh tokens",
 * https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/privileged-roles-permissions). An app's
 * permissions are not enough; the app's service principal must itself hold such a role. The simulator's apps hold no
 * directory role, so both are refused for a user with an admin role whatever the app's permissions: 403
 * `Authorization_RequestDenied` "Insufficient privileges to complete the operation.", the answer reported for
 * disabling a Global Administrator with application permissions
 * (https://github.com/microsoftgraph/microsoft-graph-docs/issues/8793, /14731, /18105). Licences are not a
 * sensitive action.
 *
 * A user synchronised from an on-premises Active Directory (`onPremisesSyncEnabled: true`) is mastered there: Graph
 * refuses to change its directory properties, `accountEnabled` among them, with 400 `Request_BadRequest` "Unable to
 * update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing
 * migration." (https://github.com/microsoftgraph/microsoft-graph-docs/issues/7301: "Synced user cannot be updated in
 * the cloud … The sync process overwrites any" change); Microsoft's "Revoke user access" has such a user disabled in
 * Active Directory instead (https://learn.microsoft.com/en-us/entra/identity/users/users-revoke-access, "Revoke
 * access for a user in the hybrid environment"). Signing out and licences are the cloud's and still work.
 * `onPremisesSyncEnabled` itself is read-only: "Property 'onPremisesSyncEnabled' is read-only and cannot be set."
 * (https://github.com/microsoftgraph/microsoft-graph-docs/issues/21601).
 */
import { SimulatorError } from '../errors.js';
import { USER_PUBLIC_FIELDS } from '../records.js';
import { holdsAny, ok, type GraphRequest, type GraphResponse } from './context.js';
import { contextUrl, project, resolveSelect, USER } from './entities.js';
import { badRequest, directoryDenied, notFound } from './errors.js';
import { USER_READ } from './permissions.js';

export const ACCOUNT_ENABLE_WRITE = [
  'User.EnableDisableAccount.All',
  'User.ReadWrite.All',
  'Directory.ReadWrite.All',
];
export const USER_WRITE = ['User.ReadWrite.All', 'Directory.ReadWrite.All'];
export const SESSION_REVOKE = ['User.RevokeSessions.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'];
export const LICENCE_WRITE = [
  'LicenseAssignment.ReadWrite.All',
  'User.ReadWrite.All',
  'Directory.ReadWrite.All',
];

const WRITABLE = new Set<string>(USER_PUBLIC_FIELDS);
/** Set in Microsoft Entra even for a synchronised user (where the licences may be used). */
const CLOUD_MASTERED = new Set(['usageLocation']);

/** `PATCH /users/{id}`. */
export function patchUser(request: GraphRequest, idOrUpn: string): GraphResponse {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('Empty Payload. JSON content expected.', 'BadRequest');
  }
  const keys = Object.keys(body);
  for (const key of keys) {
    if (!WRITABLE.has(key)) {
      throw badRequest(`Property '${key}' does not exist on type 'microsoft.graph.user'.`, 'BadRequest');
    }
    if (key === 'onPremisesSyncEnabled') {
      throw badRequest(`Property '${key}' is read-only and cannot be set.`, 'Request_BadRequest');
    }
  }
  const onlyAccountEnabled = keys.length > 0 && keys.every((key) => key === 'accountEnabled');
  const allowed = onlyAccountEnabled
    ? holdsAny(request.caller, USER_WRITE) ||
      (holdsAny(request.caller, ['User.EnableDisableAccount.All']) && holdsAny(request.caller, USER_READ))
    : holdsAny(request.caller, USER_WRITE);
  if (!allowed) throw directoryDenied();
  const patch = body as Record<string, unknown>;
  if ('accountEnabled' in patch && typeof patch.accountEnabled !== 'boolean') {
    throw badRequest(
      "Invalid value specified for property 'accountEnabled' of resource 'User'.",
      'Request_BadRequest',
    );
  }
  const user = request.tenant.findUser(idOrUpn, false);
  if (!user) throw notFound(idOrUpn);
  if ('accountEnabled' in patch && request.tenant.holdsAdminRole(user.id)) throw directoryDenied();
  if (user.onPremisesSyncEnabled === true && keys.some((key) => !CLOUD_MASTERED.has(key))) {
    throw badRequest(
      'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
      'Request_BadRequest',
    );
  }
  try {
    request.tenant.updateUser(user.id, patch);
  } catch (error) {
    if (error instanceof SimulatorError) throw badRequest(error.message);
    throw error;
  }
  return { status: 204 };
}

/** `POST /users/{id}/revokeSignInSessions`. */
export function revokeSignInSessions(request: GraphRequest, idOrUpn: string): GraphResponse {
  if (!holdsAny(request.caller, SESSION_REVOKE)) throw directoryDenied();
  const user = request.tenant.findUser(idOrUpn, false);
  if (!user) throw notFound(idOrUpn);
  if (request.tenant.holdsAdminRole(user.id)) throw directoryDenied();
  request.tenant.sessions.revoke(user.id, request.now);
  return ok({ '@odata.context': `${request.baseUrl}/${request.version}/$metadata#Edm.Boolean`, value: true });
}

/** `POST /users/{id}/assignLicense`. */
export function assignLicense(request: GraphRequest, idOrUpn: string): GraphResponse {
  if (!holdsAny(request.caller, LICENCE_WRITE)) throw directoryDenied();
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
    string,
    unknown
  >;
  const missing = ['addLicenses', 'removeLicenses'].filter((name) => !Array.isArray(body[name]));
  if (missing.length > 0) {
    throw badRequest(
      `One or more parameters of the operation 'assignLicense' are missing from the request payload. The missing parameters are: ${missing.join(', ')}.`,
    );
  }
  const add = (body.addLicenses as unknown[]).map((item) =>
    typeof item === 'object' && item !== null && typeof (item as { skuId?: unknown }).skuId === 'string'
      ? (item as { skuId: string }).skuId.toLowerCase()
      : '',
  );
  const remove = (body.removeLicenses as unknown[]).map((item) =>
    typeof item === 'string' ? item.toLowerCase() : '',
  );
  if (add.length + remove.length === 0) {
    throw badRequest('No license changes provided. At least one license to add or remove must be specified.');
  }
  const user = request.tenant.findUser(idOrUpn, false);
  if (!user) throw notFound(idOrUpn);
  const known = new Set(request.tenant.licences.subscribedSkus().map((s) => s.sku.skuId));
  for (const skuId of [...add, ...remove]) {
    // The answer users and tools report for a SKU the tenant does not have (e.g. pnp/cli-microsoft365's tests).
    if (!known.has(skuId)) {
      throw badRequest(`License ${skuId} does not correspond to a valid company License.`);
    }
  }
  const inheritedOnly = request.tenant.licences.inheritedOnly(user.id);
  if (remove.some((skuId) => inheritedOnly.has(skuId))) {
    throw badRequest(
      'User license is inherited from a group membership and it cannot be removed directly from the user.',
    );
  }
  const held = request.tenant.licences.directLicences(user.id).map((licence) => licence.skuId);
  const next = [...new Set([...held.filter((skuId) => !remove.includes(skuId)), ...add])];
  request.tenant.licences.setAssignedLicenses(user.id, next);
  const select = resolveSelect(USER, request.version, undefined, false);
  return ok({
    '@odata.context': `${contextUrl(request.baseUrl, request.version, 'users', undefined)}/$entity`,
    ...project(USER, user, select, { tenant: request.tenant, version: request.version }),
  });
}
