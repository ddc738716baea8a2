/**
 * Internal, mutable records behind the read-only `Sim*` views. A record is handed out as its public interface; the
 * extra fields here carry what delta needs (versions) and what paging needs (stable table positions).
 */
import type { SimAppCredentials, SimGroup, SimMemberRef, SimServicePrincipal, SimUser } from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Change bookkeeping shared by users and groups. */
export interface Versioned {
  /** Position in the tenant's table; never changes (hard-deleted rows stay as tombstones). */
  readonly index: number;
  /** Tenant version of the last change of any kind (properties, state, memberships). */
  version: number;
  /** Permanently deleted: no longer served except as `@removed: deleted` in delta. */
  hardDeleted: boolean;
  /** The one member reference object used for this object in every group it belongs to. */
  readonly ref: SimMemberRef;
}

export interface UserRecord extends Mutable<Omit<SimUser, 'businessPhones'>>, Versioned {
  businessPhones: string[];
  createdMs: number;
  /** Registered authentication methods (bit per `AUTH_METHODS` entry) and flags (admin, SSPR enabled). */
  regBits: number;
  /** When the registration last changed (epoch ms). */
  regUpdatedMs: number;
  /** Groups the user belonged to when soft-deleted; restored with the user. */
  suspendedGroupIds: string[] | undefined;
}

/** One membership change, kept so delta can report `members@delta` since any earlier round. */
export interface MemberChange {
  readonly version: number;
  readonly ref: SimMemberRef;
  readonly removed: boolean;
}

export interface GroupRecord
  extends Mutable<Omit<SimGroup, 'groupTypes' | 'resourceProvisioningOptions'>>, Versioned {
  groupTypes: string[];
  resourceProvisioningOptions: string[];
  /** Direct members in paging order. */
  members: SimMemberRef[];
  memberIds: Set<string>;
  /** Membership changes after generation, in version order. */
  memberLog: MemberChange[];
  /** Once deleted: `changed` for a soft-deleted Microsoft 365 group, `deleted` for a group gone for good. */
  removedReason?: 'changed' | 'deleted';
}

export type ServicePrincipalRecord = SimServicePrincipal;

/** Credentials of an application registered in a tenant (single-tenant) or in the simulator (multi-tenant). */
export type AppCredentials = SimAppCredentials;

/** What an app holds in one tenant once registered or consented. */
export interface AppGrant {
  readonly clientId: string;
  readonly servicePrincipalId: string;
  readonly permissions: Set<string>;
  /** Real-time ms from which an admin consent shows in tokens and role assignments (consent propagation). */
  appliedAtMs?: number;
}

export const USER_PUBLIC_FIELDS = [
  'displayName',
  'givenName',
  'surname',
  'userPrincipalName',
  'mail',
  'mailNickname',
  'userType',
  'accountEnabled',
  'department',
  'jobTitle',
  'officeLocation',
  'mobilePhone',
  'businessPhones',
  'preferredLanguage',
  'usageLocation',
  'companyName',
  'city',
  'country',
  'employeeId',
  'onPremisesSyncEnabled',
  'creationType',
  'externalUserState',
] as const;

export const GROUP_PUBLIC_FIELDS = [
  'displayName',
  'description',
  'mail',
  'mailNickname',
  'mailEnabled',
  'securityEnabled',
  'groupTypes',
  'resourceProvisioningOptions',
  'visibility',
  'membershipRule',
  'membershipRuleProcessingState',
  'isAssignableToRole',
  'classification',
] as const;
