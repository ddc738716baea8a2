import type { MfaRegistrationRecord } from '../store/mfa-repository.js';
import type { ServicePrincipalRecord } from '../store/service-principal-repository.js';
import { UNKNOWN_ERROR_CODE, type SignInRecord } from '../store/sign-in-record.js';

/** A sign-in as Graph serves it — only the properties ingestion reads (List signIns takes no `$select`). */
export interface GraphSignIn {
  readonly id: string;
  readonly createdDateTime: string;
  readonly userId?: string | null;
  readonly appId?: string | null;
  readonly appDisplayName?: string | null;
  readonly status?: { readonly errorCode?: number | null } | null;
  readonly isInteractive?: boolean | null;
  readonly conditionalAccessStatus?: string | null;
  readonly clientAppUsed?: string | null;
  /** /beta only. */
  readonly authenticationRequirement?: string | null;
}

export interface GraphRegistrationDetails {
  readonly id: string;
  readonly userPrincipalName?: string | null;
  readonly userDisplayName?: string | null;
  readonly userType?: string | null;
  readonly isAdmin?: boolean | null;
  readonly isMfaCapable?: boolean | null;
  readonly isMfaRegistered?: boolean | null;
  readonly isPasswordlessCapable?: boolean | null;
  readonly isSsprRegistered?: boolean | null;
  readonly methodsRegistered?: readonly string[] | null;
  readonly lastUpdatedDateTime?: string | null;
}

export interface GraphServicePrincipal {
  readonly id: string;
  readonly appId?: string | null;
  readonly displayName?: string | null;
  readonly preferredSingleSignOnMode?: string | null;
  readonly servicePrincipalType?: string | null;
  readonly accountEnabled?: boolean | null;
  readonly appOwnerOrganizationId?: string | null;
}

export const SERVICE_PRINCIPAL_SELECT =
  'id,appId,displayName,preferredSingleSignOnMode,servicePrincipalType,accountEnabled,appOwnerOrganizationId';

/** Graph's sign-in → the stored event; undefined for an item without an id or a time (never seen, but not trusted). */
export function toSignInRecord(item: GraphSignIn): SignInRecord | undefined {
  const time = Date.parse(item.createdDateTime);
  if (typeof item.id !== 'string' || item.id === '' || Number.isNaN(time)) return undefined;
  // Microsoft's own examples include `status: {}`: no code is no proof of success, so it is not counted as one
  // (https://learn.microsoft.com/en-us/graph/api/signin-list?view=graph-rest-beta).
  const code = item.status?.errorCode;
  const errorCode = typeof code === 'number' ? code : UNKNOWN_ERROR_CODE;
  return {
    id: item.id.toLowerCase(),
    createdAt: new Date(time).toISOString(),
    userId: (item.userId ?? '').toLowerCase(),
    appId: (item.appId ?? '').toLowerCase(),
    appDisplayName: item.appDisplayName ?? null,
    succeeded: errorCode === 0,
    errorCode,
    isInteractive: item.isInteractive ?? true,
    authenticationRequirement: item.authenticationRequirement ?? null,
    conditionalAccessStatus: item.conditionalAccessStatus ?? null,
    clientAppUsed: item.clientAppUsed ?? null,
  };
}

export function toMfaRegistrationRecord(item: GraphRegistrationDetails): MfaRegistrationRecord {
  const updated =
    item.lastUpdatedDateTime === undefined || item.lastUpdatedDateTime === null
      ? null
      : Date.parse(item.lastUpdatedDateTime);
  return {
    userId: item.id.toLowerCase(),
    userPrincipalName: item.userPrincipalName ?? null,
    userDisplayName: item.userDisplayName ?? null,
    userType: item.userType ?? null,
    isAdmin: item.isAdmin ?? null,
    isMfaRegistered: item.isMfaRegistered ?? false,
    isMfaCapable: item.isMfaCapable ?? false,
    isPasswordlessCapable: item.isPasswordlessCapable ?? false,
    isSsprRegistered: item.isSsprRegistered ?? false,
    methodsRegistered: [...(item.methodsRegistered ?? [])],
    lastUpdatedAt: updated === null || Number.isNaN(updated) ? null : new Date(updated).toISOString(),
  };
}

export function toServicePrincipalRecord(item: GraphServicePrincipal): ServicePrincipalRecord {
  return {
    id: item.id.toLowerCase(),
    appId: (item.appId ?? '').toLowerCase(),
    displayName: item.displayName ?? null,
    preferredSingleSignOnMode: item.preferredSingleSignOnMode ?? null,
    servicePrincipalType: item.servicePrincipalType ?? null,
    accountEnabled: item.accountEnabled ?? true,
    appOwnerOrganizationId: item.appOwnerOrganizationId?.toLowerCase() ?? null,
  };
}
