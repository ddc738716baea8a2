import {
  AUTH_METHODS,
  FIRST_PARTY_APPS,
  MFA_METHOD_MASK,
  outcomeForErrorCode,
  PASSWORDLESS_METHOD_MASK,
  REG_FLAG_ADMIN,
  REG_FLAG_SSPR_ENABLED,
} from './catalog.js';
import { SimulatorError } from './errors.js';
import { whyCannotHoldGroup } from './group-kind.js';
import { isGuid, SeededRandom } from './random.js';
import {
  GROUP_PUBLIC_FIELDS,
  USER_PUBLIC_FIELDS,
  type AppCredentials,
  type AppGrant,
  type GroupRecord,
  type MemberChange,
  type ServicePrincipalRecord,
  type UserRecord,
} from './records.js';
import { TenantLicences } from './licences.js';
import { TenantSessions } from './sessions.js';
import { iso, type SignInApp, type SignInStore } from './sign-in-store.js';
import { generateTenant, ownAppServicePrincipal } from './tenant-generator.js';
import type {
  AppSpec,
  SimGroup,
  SimGroupInput,
  SimMemberRef,
  SimOrganization,
  SimRegistrationDetails,
  SimServicePrincipal,
  SimSignIn,
  SimSignInActivity,
  SimSignInInput,
  SimTenant,
  SimUser,
  SimUserInput,
  TenantSpec,
} from './types.js';

const SSPR_METHOD_MASK = 0b1000_1111;

/** A transitive closure of one group. */
interface Closure {
  readonly users: Set<string>;
  readonly groups: Set<string>;
  /** Users and nested groups in discovery order (the order `/transitiveMembers` pages them). */
  readonly ordered: SimMemberRef[];
}

/**
 * One simulated tenant: the generated directory, its sign-in log and app grants, the mutators tests and the control
 * API use, and the bookkeeping delta needs. Every change takes a new tenant version; delta rounds report what changed
 * after the version their token carries.
 */
export class TenantState implements SimTenant {
  readonly tenantId: string;
  readonly domain: string;
  readonly displayName: string;
  readonly spec: Readonly<TenantSpec>;
  readonly createdDateTime: string;
  /** Version of the last change; delta tokens remember the version their round started at. */
  version = 1;
  /** Bumped by `expireDeltaTokens`; tokens from an older epoch are expired. */
  deltaEpoch = 0;
  /** Subscriptions (`/subscribedSkus`) and users' `assignedLicenses` (sim/licences.ts). */
  readonly licences: TenantLicences;
  /** Users' sign-in sessions (`revokeSignInSessions`). */
  readonly sessions = new TenantSessions();

  private premiumFlag: boolean;
  private readonly userTable: UserRecord[];
  private readonly usersById = new Map<string, UserRecord>();
  private readonly usersByUpn = new Map<string, UserRecord>();
  private readonly groupTable: GroupRecord[];
  private readonly groupsById = new Map<string, GroupRecord>();
  private readonly sps: ServicePrincipalRecord[];
  private readonly signInApps: SignInApp[];
  private readonly log: SignInStore;
  private readonly localApps = new Map<string, AppCredentials>();
  private readonly grants = new Map<string, AppGrant>();
  private readonly closures = new Map<string, Closure>();
  private readonly idRandom: SeededRandom;
  private activeUserCount = 0;
  private activeGroupCount = 0;
  private organizationView: SimOrganization | undefined;

  constructor(
    spec: TenantSpec,
    private readonly now: () => Date,
  ) {
    const generated = generateTenant(spec, now());
    this.spec = Object.freeze({ ...spec });
    this.tenantId = generated.tenantId;
    this.domain = generated.domain;
    this.displayName = generated.displayName;
    this.createdDateTime = generated.createdDateTime;
    this.premiumFlag = generated.premium;
    this.userTable = generated.users;
    this.groupTable = generated.groups;
    this.sps = generated.servicePrincipals;
    this.signInApps = generated.signInApps;
    this.log = generated.signIns;
    this.idRandom = new SeededRandom(spec.seed, 9);
    this.licences = new TenantLicences(
      spec.seed,
      () => this.userTable,
      () => this.premiumFlag,
    );
    for (const user of this.userTable) {
      this.usersById.set(user.id, user);
      this.usersByUpn.set(user.userPrincipalName.toLowerCase(), user);
      this.activeUserCount++;
    }
    for (const group of this.groupTable) {
      this.groupsById.set(group.id, group);
      this.activeGroupCount++;
    }
    for (const app of generated.apps) {
      this.localApps.set(app.credentials.clientId, app.credentials);
      this.grants.set(app.grant.clientId, app.grant);
    }
  }

  // ------------------------------------------------------------------------------------------------ truth ---

  get premium(): boolean {
    return this.premiumFlag;
  }

  organization(): SimOrganization {
    this.organizationView ??= {
      id: this.tenantId,
      displayName: this.displayName,
      verifiedDomains: [
        {
          capabilities: 'Email, OfficeCommunicationsOnline',
          isDefault: true,
          isInitial: true,
          name: this.domain,
          type: 'Managed',
        },
      ],
      createdDateTime: this.createdDateTime,
      countryLetterCode: 'US',
      city: 'Redmond',
      country: 'United States',
      tenantType: 'AAD',
    };
    return this.organizationView;
  }

  get userCount(): number {
    return this.activeUserCount;
  }

  *users(): IterableIterator<SimUser> {
    for (const user of this.userTable) if (!user.hardDeleted && user.state === 'active') yield user;
  }

  *deletedUsers(): IterableIterator<SimUser> {
    for (const user of this.userTable) if (!user.hardDeleted && user.state === 'softDeleted') yield user;
  }

  user(idOrUpn: string): SimUser | undefined {
    return this.findUser(idOrUpn);
  }

  get groupCount(): number {
    return this.activeGroupCount;
  }

  *groups(): IterableIterator<SimGroup> {
    for (const group of this.groupTable) if (!group.hardDeleted) yield group;
  }

  group(id: string): SimGroup | undefined {
    return this.findGroup(id);
  }

  directMembers(groupId: string): readonly SimMemberRef[] {
    return this.requireGroup(groupId).members;
  }

  transitiveUserMembers(groupId: string): ReadonlySet<string> {
    return this.closure(this.requireGroup(groupId)).users;
  }

  transitiveGroupMembers(groupId: string): ReadonlySet<string> {
    return this.closure(this.requireGroup(groupId)).groups;
  }

  /** Transitive members (users and groups) in the order `/transitiveMembers` pages them. Live: do not mutate. */
  transitiveMembers(groupId: string): readonly SimMemberRef[] {
    return this.closure(this.requireGroup(groupId)).ordered;
  }

  *teams(): IterableIterator<SimGroup> {
    for (const group of this.groupTable) {
      if (!group.hardDeleted && group.resourceProvisioningOptions.includes('Team')) yield group;
    }
  }

  servicePrincipals(): readonly SimServicePrincipal[] {
    return this.sps;
  }

  get signInCount(): number {
    return this.log.count;
  }

  *signIns(options: { from?: Date; to?: Date; interactiveOnly?: boolean } = {}): IterableIterator<SimSignIn> {
    for (const { signIn } of this.log.descending({
      fromMs: options.from?.getTime(),
      toMs: options.to?.getTime(),
      interactiveOnly: options.interactiveOnly,
    })) {
      yield signIn;
    }
  }

  signIn(id: string): SimSignIn | undefined {
    return this.log.byId(id);
  }

  signInActivity(userId: string): SimSignInActivity | undefined {
    const user = this.findUser(userId);
    return user ? this.log.activityOf(user.index) : undefined;
  }

  registrationDetails(userId: string): SimRegistrationDetails | undefined {
    const user = this.findUser(userId);
    if (user?.state !== 'active') return undefined;
    const bits = user.regBits;
    const methodsRegistered = AUTH_METHODS.filter((_, bit) => (bits & (1 << bit)) !== 0);
    const isMfaRegistered = (bits & MFA_METHOD_MASK) !== 0;
    const isSsprRegistered = (bits & SSPR_METHOD_MASK) !== 0;
    const isSsprEnabled = (bits & REG_FLAG_SSPR_ENABLED) !== 0;
    const preferred = preferredMethod(bits);
    return {
      id: user.id,
      userPrincipalName: user.userPrincipalName,
      userDisplayName: user.displayName,
      userType: user.userType === 'Guest' ? 'guest' : 'member',
      isAdmin: (bits & REG_FLAG_ADMIN) !== 0,
      isMfaCapable: isMfaRegistered,
      isMfaRegistered,
      isPasswordlessCapable: (bits & PASSWORDLESS_METHOD_MASK) !== 0,
      isSsprCapable: isSsprEnabled && isSsprRegistered && user.accountEnabled,
      isSsprEnabled,
      isSsprRegistered,
      isSystemPreferredAuthenticationMethodEnabled: true,
      lastUpdatedDateTime: iso(user.regUpdatedMs),
      methodsRegistered,
      systemPreferredAuthenticationMethods: preferred === 'none' ? [] : [preferred],
      userPreferredMethodForSecondaryAuthentication: preferred,
    };
  }

  appPermissions(clientId: string): ReadonlySet<string> {
    return this.grants.get(clientId.toLowerCase())?.permissions ?? new Set();
  }

  // --------------------------------------------------------------------------------------------- mutators ---

  addUser(input: SimUserInput = {}): SimUser {
    const id = (input.id ?? this.idRandom.guid()).toLowerCase();
    if (!isGuid(id)) throw new SimulatorError('invalid', `user id must be a GUID: ${id}`);
    if (this.usersById.has(id) || this.groupsById.has(id))
      throw new SimulatorError('conflict', `object ${id} exists`);
    const n = this.userTable.length + 1;
    const guest = input.userType === 'Guest';
    const local = `new.user${n.toString()}`;
    const upn = input.userPrincipalName ?? `${local}@${this.domain}`;
    if (this.usersByUpn.has(upn.toLowerCase()))
      throw new SimulatorError('conflict', `userPrincipalName ${upn} exists`);
    const createdDateTime = input.createdDateTime ?? iso(this.now().getTime());
    const version = this.bump();
    const record: UserRecord = {
      id,
      index: this.userTable.length,
      displayName: input.displayName ?? `New User ${n.toString()}`,
      givenName: input.givenName ?? 'New',
      surname: input.surname ?? `User ${n.toString()}`,
      userPrincipalName: upn,
      mail: input.mail === undefined ? upn : input.mail,
      mailNickname: input.mailNickname ?? local,
      userType: input.userType === undefined ? 'Member' : input.userType,
      accountEnabled: input.accountEnabled ?? true,
      department: input.department ?? null,
      jobTitle: input.jobTitle ?? null,
      officeLocation: input.officeLocation ?? null,
      mobilePhone: input.mobilePhone ?? null,
      businessPhones: [...(input.businessPhones ?? [])],
      preferredLanguage: input.preferredLanguage ?? null,
      usageLocation: input.usageLocation ?? null,
      companyName: input.companyName ?? null,
      city: input.city ?? null,
      country: input.country ?? null,
      employeeId: input.employeeId ?? null,
      onPremisesSyncEnabled: input.onPremisesSyncEnabled ?? null,
      createdDateTime,
      creationType: input.creationType ?? (guest ? 'Invitation' : null),
      externalUserState: input.externalUserState ?? (guest ? 'PendingAcceptance' : null),
      deletedDateTime: null,
      state: 'active',
      version,
      hardDeleted: false,
      ref: Object.freeze({ id, type: 'user' as const }),
      createdMs: Date.parse(createdDateTime),
      regBits: REG_FLAG_SSPR_ENABLED,
      regUpdatedMs: Date.parse(createdDateTime),
      suspendedGroupIds: undefined,
    };
    this.userTable.push(record);
    this.usersById.set(id, record);
    this.usersByUpn.set(upn.toLowerCase(), record);
    this.activeUserCount++;
    return record;
  }

  updateUser(id: string, patch: SimUserInput): SimUser {
    const user = this.requireUser(id);
    const changed: (typeof USER_PUBLIC_FIELDS)[number][] = [];
    for (const field of USER_PUBLIC_FIELDS) {
      const value = patch[field];
      if (value === undefined || sameValue(user[field], value)) continue;
      changed.push(field);
    }
    if (changed.length === 0) return user;
    const upn = patch.userPrincipalName;
    if (upn !== undefined && upn.toLowerCase() !== user.userPrincipalName.toLowerCase()) {
      if (this.usersByUpn.has(upn.toLowerCase()))
        throw new SimulatorError('conflict', `userPrincipalName ${upn} exists`);
      this.usersByUpn.delete(user.userPrincipalName.toLowerCase());
      this.usersByUpn.set(upn.toLowerCase(), user);
    }
    const version = this.bump();
    const target = user as unknown as Record<string, unknown>;
    for (const field of changed) {
      const value = patch[field];
      target[field] = Array.isArray(value) ? [...(value as readonly string[])] : value;
    }
    user.version = version;
    return user;
  }

  softDeleteUser(id: string): void {
    const user = this.requireUser(id);
    if (user.state === 'softDeleted') return;
    const version = this.bump();
    user.state = 'softDeleted';
    user.deletedDateTime = iso(this.now().getTime());
    user.version = version;
    user.suspendedGroupIds = this.detachFromGroups(user.ref, version);
    this.activeUserCount--;
  }

  restoreUser(id: string): void {
    const user = this.requireUser(id);
    if (user.state !== 'softDeleted') throw new SimulatorError('invalid', `user ${id} is not deleted`);
    const version = this.bump();
    user.state = 'active';
    user.deletedDateTime = null;
    user.version = version;
    for (const groupId of user.suspendedGroupIds ?? []) {
      const group = this.findGroup(groupId);
      if (group) this.attach(group, user.ref, version);
    }
    user.suspendedGroupIds = undefined;
    this.activeUserCount++;
  }

  hardDeleteUser(id: string): void {
    const user = this.requireUser(id);
    const version = this.bump();
    if (user.state === 'active') {
      this.detachFromGroups(user.ref, version);
      this.activeUserCount--;
    }
    user.hardDeleted = true;
    user.suspendedGroupIds = undefined;
    user.version = version;
    this.usersById.delete(user.id);
    this.usersByUpn.delete(user.userPrincipalName.toLowerCase());
  }

  addGroup(input: SimGroupInput = {}): SimGroup {
    const id = (input.id ?? this.idRandom.guid()).toLowerCase();
    if (!isGuid(id)) throw new SimulatorError('invalid', `group id must be a GUID: ${id}`);
    if (this.usersById.has(id) || this.groupsById.has(id))
      throw new SimulatorError('conflict', `object ${id} exists`);
    const n = this.groupTable.length + 1;
    const created = iso(this.now().getTime());
    const version = this.bump();
    const record: GroupRecord = {
      id,
      index: this.groupTable.length,
      displayName: input.displayName ?? `New Group ${n.toString()}`,
      description: input.description ?? null,
      mail: input.mail ?? null,
      mailNickname: input.mailNickname ?? `newgroup${n.toString()}`,
      mailEnabled: input.mailEnabled ?? false,
      securityEnabled: input.securityEnabled ?? true,
      groupTypes: [...(input.groupTypes ?? [])],
      resourceProvisioningOptions: [...(input.resourceProvisioningOptions ?? [])],
      visibility: input.visibility ?? null,
      membershipRule: input.membershipRule ?? null,
      membershipRuleProcessingState: input.membershipRuleProcessingState ?? null,
      isAssignableToRole: input.isAssignableToRole ?? null,
      classification: input.classification ?? null,
      createdDateTime: input.createdDateTime ?? created,
      renewedDateTime: input.renewedDateTime ?? created,
      members: [],
      memberIds: new Set(),
      memberLog: [],
      version,
      hardDeleted: false,
      ref: Object.freeze({ id, type: 'group' as const }),
    };
    this.groupTable.push(record);
    this.groupsById.set(id, record);
    this.activeGroupCount++;
    return record;
  }

  updateGroup(id: string, patch: SimGroupInput): SimGroup {
    const group = this.requireGroup(id);
    const changed = GROUP_PUBLIC_FIELDS.filter(
      (f) => patch[f] !== undefined && !sameValue(group[f], patch[f]),
    );
    if (changed.length === 0) return group;
    const version = this.bump();
    const target = group as unknown as Record<string, unknown>;
    for (const field of changed) {
      const value = patch[field];
      target[field] = Array.isArray(value) ? [...(value as readonly string[])] : value;
    }
    group.version = version;
    return group;
  }

  deleteGroup(id: string): void {
    const group = this.requireGroup(id);
    const version = this.bump();
    this.detachFromGroups(group.ref, version);
    group.hardDeleted = true;
    // A deleted Microsoft 365 group is soft-deleted first, restorable for 30 days: delta reports it as `changed`.
    // "changed indicates the item was deleted and can be restored" (https://learn.microsoft.com/en-us/graph/delta-query-overview);
    // Microsoft 365 groups go to deleted items (https://learn.microsoft.com/en-us/graph/api/resources/directory).
    group.removedReason = group.groupTypes.includes('Unified') ? 'changed' : 'deleted';
    group.version = version;
    this.groupsById.delete(group.id);
    this.activeGroupCount--;
  }

  addMember(groupId: string, memberId: string): void {
    const group = this.requireGroup(groupId);
    const member = this.requireMember(memberId);
    if (member.id === group.id) throw new SimulatorError('invalid', 'a group cannot be a member of itself');
    // Graph's "Add members" table (https://learn.microsoft.com/en-us/graph/api/group-post-members): see group-kind.ts.
    const refused = 'groupTypes' in member ? whyCannotHoldGroup(group, member) : undefined;
    if (refused !== undefined) throw new SimulatorError('invalid', refused);
    if (group.memberIds.has(member.id)) return;
    this.attach(group, member.ref, this.bump());
  }

  removeMember(groupId: string, memberId: string): void {
    const group = this.requireGroup(groupId);
    const id = memberId.toLowerCase();
    const index = group.members.findIndex((ref) => ref.id === id);
    if (index < 0) throw new SimulatorError('not_found', `${memberId} is not a member of group ${groupId}`);
    const ref = group.members[index];
    if (ref) this.detach(group, ref, index, this.bump());
  }

  addSignIns(inputs: readonly SimSignInInput[]): SimSignIn[] {
    return inputs.map((input) => {
      const user = this.findUser(input.userId, true);
      if (!user) throw new SimulatorError('not_found', `user ${input.userId} not found`);
      const time = new Date(input.createdDateTime).getTime();
      if (!Number.isFinite(time))
        throw new SimulatorError('invalid', `bad createdDateTime for a sign-in of ${user.id}`);
      const interactive = input.isInteractive ?? true;
      const errorCode = input.errorCode ?? 0;
      const requirement = input.authenticationRequirement ?? 'singleFactorAuthentication';
      try {
        return this.log.addEvent({
          id: input.id,
          timeMs: time,
          userIndex: user.index,
          app: this.signInAppFor(input.appId),
          outcome: outcomeForErrorCode(errorCode, requirement, interactive),
          errorCode,
          interactive,
        });
      } catch (error) {
        throw new SimulatorError('conflict', error instanceof Error ? error.message : String(error));
      }
    });
  }

  setMfaRegistration(userId: string, methodsRegistered: readonly string[]): void {
    const user = this.requireUser(userId);
    let bits = user.regBits & (REG_FLAG_ADMIN | REG_FLAG_SSPR_ENABLED);
    for (const method of methodsRegistered) {
      const bit = AUTH_METHODS.indexOf(method as (typeof AUTH_METHODS)[number]);
      if (bit < 0)
        throw new SimulatorError(
          'invalid',
          `unknown authentication method ${method}; use one of ${AUTH_METHODS.join(', ')}`,
        );
      bits |= 1 << bit;
    }
    user.regBits = bits;
    user.regUpdatedMs = this.now().getTime();
  }

  /**
   * Gives or takes a privileged administrator role (Global Administrator, User Administrator …): Graph reports it as
   * the user's `isAdmin` (userRegistrationDetails), and refuses an app without a higher role of its own to block,
   * unblock or sign out such a user (see sim/graph/user-actions.ts).
   */
  setAdminRole(userId: string, admin: boolean): void {
    const user = this.requireUser(userId);
    user.regBits = admin ? user.regBits | REG_FLAG_ADMIN : user.regBits & ~REG_FLAG_ADMIN;
    user.regUpdatedMs = this.now().getTime();
  }

  /** Whether the user holds a privileged administrator role. */
  holdsAdminRole(userId: string): boolean {
    const user = this.findUser(userId, false);
    return user !== undefined && (user.regBits & REG_FLAG_ADMIN) !== 0;
  }

  addApp(app: AppSpec): void {
    const clientId = app.clientId.toLowerCase();
    const displayName = app.displayName ?? `App ${clientId.slice(0, 8)}`;
    this.localApps.set(clientId, {
      clientId,
      clientSecret: app.clientSecret,
      secretExpiresAtMs:
        app.secretExpiresAt === undefined ? undefined : new Date(app.secretExpiresAt).getTime(),
      displayName,
    });
    this.ensureGrant(clientId, displayName, this.tenantId, 'AzureADMyOrg');
    const grant = this.grants.get(clientId);
    if (grant) {
      grant.permissions.clear();
      for (const permission of app.permissions) grant.permissions.add(permission);
    }
  }

  grantAppPermissions(clientId: string, permissions: readonly string[]): void {
    const grant = this.grants.get(clientId.toLowerCase());
    if (!grant)
      throw new SimulatorError(
        'not_found',
        `app ${clientId} is not registered or consented in ${this.tenantId}`,
      );
    for (const permission of permissions) grant.permissions.add(permission);
  }

  revokeAppPermissions(clientId: string, permissions: readonly string[]): void {
    const grant = this.grants.get(clientId.toLowerCase());
    if (!grant)
      throw new SimulatorError(
        'not_found',
        `app ${clientId} is not registered or consented in ${this.tenantId}`,
      );
    for (const permission of permissions) grant.permissions.delete(permission);
  }

  setPremium(premium: boolean): void {
    this.premiumFlag = premium;
  }

  expireDeltaTokens(): void {
    this.deltaEpoch++;
  }

  // ------------------------------------------------------------------------------- internal (Graph, identity) ---

  /** Users and groups tables including tombstones, in paging order (positions never move). */
  get userRows(): readonly UserRecord[] {
    return this.userTable;
  }

  get groupRows(): readonly GroupRecord[] {
    return this.groupTable;
  }

  get signInLog(): SignInStore {
    return this.log;
  }

  /** A user by id or UPN; soft-deleted ones only when `includeDeleted`. Never hard-deleted ones. */
  findUser(idOrUpn: string, includeDeleted = true): UserRecord | undefined {
    const key = idOrUpn.toLowerCase();
    const user = this.usersById.get(key) ?? this.usersByUpn.get(key);
    if (!user || (!includeDeleted && user.state !== 'active')) return undefined;
    return user;
  }

  findGroup(id: string): GroupRecord | undefined {
    return this.groupsById.get(id.toLowerCase());
  }

  /** The user or group behind a member reference. */
  memberRecord(ref: SimMemberRef): UserRecord | GroupRecord | undefined {
    if (ref.type === 'user') return this.usersById.get(ref.id);
    return ref.type === 'group' ? this.groupsById.get(ref.id) : undefined;
  }

  /** Apps registered in this tenant (credentials included: the simulator's own bookkeeping). */
  registeredApps(): AppCredentials[] {
    return [...this.localApps.values()];
  }

  localApp(clientId: string): AppCredentials | undefined {
    return this.localApps.get(clientId.toLowerCase());
  }

  /** The grant of the app whose service principal in this tenant has this id. */
  grantOfServicePrincipal(servicePrincipalId: string): AppGrant | undefined {
    const wanted = servicePrincipalId.toLowerCase();
    return [...this.grants.values()].find((grant) => grant.servicePrincipalId === wanted);
  }

  grantOf(clientId: string): AppGrant | undefined {
    return this.grants.get(clientId.toLowerCase());
  }

  /** Creates the app's service principal and grant in this tenant if missing (admin consent). */
  ensureGrant(clientId: string, displayName: string, ownerTenantId: string, audience: string): AppGrant {
    const key = clientId.toLowerCase();
    let grant = this.grants.get(key);
    if (!grant) {
      const servicePrincipalId = this.idRandom.guid();
      this.sps.push(ownAppServicePrincipal(servicePrincipalId, key, displayName, ownerTenantId, audience));
      grant = { clientId: key, servicePrincipalId, permissions: new Set() };
      this.grants.set(key, grant);
    }
    return grant;
  }

  /**
   * Net membership changes of a group in (since, upTo]: the last change per member wins. Changes after `upTo`
   * belong to the next round (the round's deltaLink starts there), which keeps a paged round consistent.
   */
  memberChanges(group: GroupRecord, since: number, upTo: number): MemberChange[] {
    const log = group.memberLog;
    let lo = 0;
    let hi = log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((log[mid]?.version ?? 0) <= since) lo = mid + 1;
      else hi = mid;
    }
    const net = new Map<string, MemberChange>();
    for (let i = lo; i < log.length; i++) {
      const change = log[i];
      if (!change || change.version > upTo) break;
      net.set(change.ref.id, change);
    }
    return [...net.values()];
  }

  // ---------------------------------------------------------------------------------------------- helpers ---

  private bump(): number {
    return ++this.version;
  }

  private requireUser(id: string): UserRecord {
    const user = this.findUser(id);
    if (!user) throw new SimulatorError('not_found', `user ${id} not found in ${this.tenantId}`);
    return user;
  }

  private requireGroup(id: string): GroupRecord {
    const group = this.findGroup(id);
    if (!group) throw new SimulatorError('not_found', `group ${id} not found in ${this.tenantId}`);
    return group;
  }

  private requireMember(id: string): UserRecord | GroupRecord {
    const member = this.findUser(id, false) ?? this.findGroup(id);
    if (!member) throw new SimulatorError('not_found', `no active user or group ${id} in ${this.tenantId}`);
    return member;
  }

  private attach(group: GroupRecord, ref: SimMemberRef, version: number): void {
    if (group.memberIds.has(ref.id)) return;
    group.members.push(ref);
    group.memberIds.add(ref.id);
    group.memberLog.push({ version, ref, removed: false });
    group.version = version;
    this.closures.clear();
  }

  private detach(group: GroupRecord, ref: SimMemberRef, index: number, version: number): void {
    group.members.splice(index, 1);
    group.memberIds.delete(ref.id);
    group.memberLog.push({ version, ref, removed: true });
    group.version = version;
    this.closures.clear();
  }

  /** Removes an object from every group holding it; returns those groups' ids. */
  private detachFromGroups(ref: SimMemberRef, version: number): string[] {
    const groupIds: string[] = [];
    for (const group of this.groupTable) {
      if (group.hardDeleted || !group.memberIds.has(ref.id)) continue;
      const index = group.members.indexOf(ref);
      this.detach(group, ref, index >= 0 ? index : group.members.findIndex((m) => m.id === ref.id), version);
      groupIds.push(group.id);
    }
    return groupIds;
  }

  private closure(group: GroupRecord): Closure {
    const cached = this.closures.get(group.id);
    if (cached) return cached;
    const users = new Set<string>();
    const groups = new Set<string>();
    const others = new Set<string>();
    const ordered: SimMemberRef[] = [];
    const queue: GroupRecord[] = [group];
    // Breadth-first with visited sets: membership graphs may contain cycles (A ∈ B ∈ A) and must not loop.
    // for-of over an array sees the groups pushed while it runs.
    for (const current of queue) {
      for (const ref of current.members) {
        if (ref.type === 'user') {
          if (users.has(ref.id)) continue;
          users.add(ref.id);
          ordered.push(ref);
        } else if (ref.type !== 'group') {
          if (others.has(ref.id)) continue;
          others.add(ref.id);
          ordered.push(ref);
        } else if (!groups.has(ref.id)) {
          groups.add(ref.id);
          ordered.push(ref);
          const nested = this.groupsById.get(ref.id);
          if (nested) queue.push(nested);
        }
      }
    }
    const closure = { users, groups, ordered };
    this.closures.set(group.id, closure);
    return closure;
  }

  private signInAppFor(appId: string | undefined): SignInApp {
    const wanted = (appId ?? FIRST_PARTY_APPS[0]?.appId ?? '').toLowerCase();
    const known = this.signInApps.find((app) => app.appId === wanted);
    if (known) return known;
    const sp = this.sps.find((candidate) => candidate.appId === wanted);
    if (!sp)
      throw new SimulatorError('not_found', `no service principal with appId ${wanted} in ${this.tenantId}`);
    const app = {
      appId: sp.appId,
      displayName: sp.displayName,
      resourceDisplayName: sp.displayName,
      resourceId: sp.appId,
    };
    this.signInApps.push(app);
    return app;
  }
}

function preferredMethod(bits: number): string {
  if ((bits & 1) !== 0) return 'push';
  if ((bits & 2) !== 0) return 'oath';
  if ((bits & 4) !== 0) return 'sms';
  return 'none';
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}
