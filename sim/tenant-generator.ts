/**
 * Deterministic tenant generator: from a `TenantSpec` (seed and sizes) to users, groups with nesting and cycles,
 * service principals with SSO modes, a sign-in log with MFA and failure mixes, and MFA registration. Separate random
 * streams per phase keep ids stable when an unrelated size changes (more groups do not rename users).
 */
import {
  AUTH_METHODS,
  DEPARTMENTS,
  FIRST_PARTY_APPS,
  GIVEN_NAMES,
  GUEST_DOMAINS,
  JOB_TITLES,
  MFA_METHOD_MASK,
  MICROSOFT_TENANT_ID,
  OUTCOME,
  PLACES,
  REG_FLAG_ADMIN,
  REG_FLAG_SSPR_ENABLED,
  SAAS_APPS,
  SURNAMES,
} from './catalog.js';
import type { AppCredentials, AppGrant, GroupRecord, ServicePrincipalRecord, UserRecord } from './records.js';
import { SeededRandom } from './random.js';
import { iso, LAST_SUCCESS_RECORDED_FROM_MS, SignInStore, type SignInApp } from './sign-in-store.js';
import type { AppSpec, SimMemberRef, SsoMode, TenantSpec } from './types.js';
import { canHoldGroup, isMicrosoft365Group } from './group-kind.js';
import { isSimGuest } from './user-kind.js';

const DAY_MS = 86_400_000;

/** The six application permissions the product needs (DESIGN rule 1). */
export const PRODUCT_PERMISSIONS = [
  'Directory.Read.All',
  'Group.Read.All',
  'Organization.Read.All',
  'Team.ReadBasic.All',
  'User.Read.All',
  'AuditLog.Read.All',
] as const;

export interface GeneratedTenant {
  readonly tenantId: string;
  readonly displayName: string;
  readonly domain: string;
  readonly createdDateTime: string;
  readonly premium: boolean;
  readonly users: UserRecord[];
  readonly groups: GroupRecord[];
  readonly servicePrincipals: ServicePrincipalRecord[];
  readonly signInApps: SignInApp[];
  readonly signIns: SignInStore;
  readonly apps: { credentials: AppCredentials; grant: AppGrant }[];
}

/** Resolved sizes with defaults applied. */
interface Sizes {
  users: number;
  guestRatio: number;
  disabledRatio: number;
  departments: readonly string[];
  groups: number;
  nestingDepth: number;
  cycles: number;
  teamsRatio: number;
  servicePrincipals: Record<SsoMode, number>;
  signInDays: number;
  signInsPerUserPerDay: number;
  untidy: boolean;
}

/** Default tenant id for a seed (what `TenantSpec.tenantId` defaults to). */
export function tenantIdForSeed(seed: number): string {
  return new SeededRandom(seed, 100).guid();
}

/** Generates a tenant. `now` anchors every timestamp (sign-ins end at `now`). */
export function generateTenant(spec: TenantSpec, now: Date): GeneratedTenant {
  const sizes = resolveSizes(spec);
  const nowMs = Math.floor(now.getTime() / 1000) * 1000;
  const tenantId = (spec.tenantId ?? tenantIdForSeed(spec.seed)).toLowerCase();
  const displayName = spec.displayName ?? `Tenant ${spec.seed.toString()}`;
  const domain = (spec.domain ?? `t${spec.seed.toString()}.onmicrosoft.com`).toLowerCase();
  const tenantCreatedMs = nowMs - 6 * 365 * DAY_MS;

  const users = generateUsers(spec.seed, sizes, domain, displayName, nowMs);
  const groups = generateGroups(spec.seed, sizes, users, domain, nowMs);
  const { servicePrincipals, signInApps, appWeights } = generateServicePrincipals(spec.seed, sizes, tenantId);
  if (sizes.untidy) addNonUserMembers(spec.seed, groups, servicePrincipals);
  const apps = registerApps(spec.seed, spec.apps, tenantId, servicePrincipals);
  const signIns = generateSignIns(spec.seed, sizes, tenantId, users, signInApps, appWeights, nowMs);

  return {
    tenantId,
    displayName,
    domain,
    createdDateTime: iso(tenantCreatedMs),
    premium: spec.premium ?? true,
    users,
    groups,
    servicePrincipals,
    signInApps,
    signIns,
    apps,
  };
}

function resolveSizes(spec: TenantSpec): Sizes {
  const users = Math.max(0, Math.floor(spec.users ?? 100));
  const departments =
    typeof spec.departments === 'number' || spec.departments === undefined
      ? DEPARTMENTS.slice(0, Math.max(1, Math.min(DEPARTMENTS.length, spec.departments ?? 10)))
      : spec.departments.length > 0
        ? spec.departments
        : ['General'];
  return {
    users,
    guestRatio: clampRatio(spec.guestRatio ?? 0.05),
    disabledRatio: clampRatio(spec.disabledRatio ?? 0.03),
    departments,
    groups: Math.max(1, Math.floor(spec.groups ?? Math.max(8, Math.round(users / 20)))),
    nestingDepth: Math.max(0, Math.floor(spec.nestingDepth ?? 3)),
    cycles: Math.max(0, Math.floor(spec.cycles ?? 2)),
    teamsRatio: clampRatio(spec.teamsRatio ?? 0.5),
    servicePrincipals: resolveSpMix(spec.servicePrincipals),
    signInDays: Math.max(0, spec.signInDays ?? 30),
    signInsPerUserPerDay: Math.max(0, spec.signInsPerUserPerDay ?? 2),
    untidy: spec.untidy ?? true,
  };
}

function resolveSpMix(mix: TenantSpec['servicePrincipals']): Record<SsoMode, number> {
  if (typeof mix === 'object') {
    return { saml: mix.saml ?? 0, oidc: mix.oidc ?? 0, password: mix.password ?? 0, none: mix.none ?? 0 };
  }
  const total = Math.max(0, Math.floor(mix ?? 24));
  const saml = Math.round(total * 0.375);
  const oidc = Math.round(total * 0.25);
  const password = Math.round(total * 0.125);
  return { saml, oidc, password, none: Math.max(0, total - saml - oidc - password) };
}

function clampRatio(value: number): number {
  return Math.min(1, Math.max(0, value));
}

// ---------------------------------------------------------------------------------------------------- users ---

function generateUsers(
  seed: number,
  sizes: Sizes,
  domain: string,
  company: string,
  nowMs: number,
): UserRecord[] {
  const rng = new SeededRandom(seed, 1);
  // A stream of its own, so the tidy tenant of a seed keeps its users when untidiness is switched off.
  const untidy = new SeededRandom(seed, 6);
  const usedNames = new Map<string, number>();
  const users: UserRecord[] = [];
  const windowStartMs = nowMs - sizes.signInDays * DAY_MS;
  // Department sizes follow a gentle power law so a few departments are large (realistic and good for nesting).
  const deptWeights = sizes.departments.map((_, i) => 1 / (1 + i * 0.35));

  for (let index = 0; index < sizes.users; index++) {
    const given = rng.pick(GIVEN_NAMES);
    const surname = rng.pick(SURNAMES);
    const guest = rng.chance(sizes.guestRatio);
    const base = `${ascii(given)}.${ascii(surname)}`;
    const seen = usedNames.get(base) ?? 0;
    usedNames.set(base, seen + 1);
    const local = seen === 0 ? base : `${base}${seen.toString()}`;
    const place = rng.pick(PLACES);
    // Most accounts are years old; a few are new within the sign-in window (they cannot have older sign-ins).
    const createdMs = rng.chance(0.03)
      ? windowStartMs + rng.next() * (nowMs - windowStartMs)
      : nowMs - sizes.signInDays * DAY_MS - rng.next() * 3 * 365 * DAY_MS;
    const createdAt = Math.floor(createdMs / 1000) * 1000;
    const guestDomain = rng.pick(GUEST_DOMAINS);
    const department = guest ? null : (sizes.departments[rng.weighted(deptWeights)] ?? null);
    const id = rng.guid();
    // Untidy directories (DESIGN §5). An external member is a B2B account from another organisation that Entra
    // classifies as a Member: "External member … The user object … has a UserType of Member"
    // (https://learn.microsoft.com/en-us/entra/external-id/user-properties), invited, with a #EXT# UPN.
    // `userType` can be null on accounts Entra never classified (Graph's user resource lists "eq on null values"
    // for userType: https://learn.microsoft.com/en-us/graph/api/resources/user).
    const externalMember = sizes.untidy && !guest && untidy.chance(0.04);
    const userType = sizes.untidy && untidy.chance(0.04) ? null : guest ? 'Guest' : 'Member';
    const external = guest || externalMember;
    const record: UserRecord = {
      id,
      index,
      displayName: external ? `${given} ${surname} (${guestDomain})` : `${given} ${surname}`,
      givenName: given,
      surname,
      userPrincipalName: external ? `${local}_${guestDomain}#EXT#@${domain}` : `${local}@${domain}`,
      mail: external ? `${local}@${guestDomain}` : `${local}@${domain}`,
      mailNickname: external ? `${local}_${guestDomain}#EXT#` : local,
      userType,
      accountEnabled: !rng.chance(sizes.disabledRatio),
      department,
      jobTitle: guest ? null : `${department ?? ''} ${rng.pick(JOB_TITLES)}`.trim(),
      officeLocation: guest ? null : place.officeLocation,
      mobilePhone: guest ? null : `+1 425 555 ${(1000 + rng.int(9000)).toString()}`,
      businessPhones: guest ? [] : [`+1 425 555 ${(100 + rng.int(900)).toString().padStart(4, '0')}`],
      preferredLanguage: guest ? null : 'en-US',
      usageLocation: place.usageLocation,
      companyName: guest ? null : company,
      city: guest ? null : place.city,
      country: guest ? null : place.country,
      employeeId: guest ? null : `E${(100000 + index).toString()}`,
      onPremisesSyncEnabled: null,
      createdDateTime: iso(createdAt),
      creationType: external ? 'Invitation' : null,
      externalUserState: external ? 'Accepted' : null,
      deletedDateTime: null,
      state: 'active',
      version: 1,
      hardDeleted: false,
      ref: Object.freeze({ id, type: 'user' as const }),
      createdMs: createdAt,
      regBits: registrationBits(rng, guest),
      regUpdatedMs: Math.min(nowMs, createdAt + (index % 20) * DAY_MS),
      suspendedGroupIds: undefined,
    };
    users.push(record);
  }
  return users;
}

function registrationBits(rng: SeededRandom, guest: boolean): number {
  let bits = 0;
  if (rng.chance(guest ? 0.15 : 0.78)) {
    const odds = [0.85, 0.25, 0.5, 0.3, 0.2, 0.05, 0.1, 0.03];
    odds.forEach((p, bit) => {
      if (rng.chance(p)) bits |= 1 << bit;
    });
    if ((bits & MFA_METHOD_MASK) === 0) bits |= 1; // registered means at least one MFA-capable method
  } else if (rng.chance(0.2)) {
    bits |= 1 << AUTH_METHODS.indexOf('email');
  }
  if (!guest && rng.chance(0.005)) bits |= REG_FLAG_ADMIN;
  if (rng.chance(0.85)) bits |= REG_FLAG_SSPR_ENABLED;
  return bits;
}

function ascii(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

// --------------------------------------------------------------------------------------------------- groups ---

type GroupKind = 'microsoft365' | 'security' | 'distribution' | 'mailSecurity';

function generateGroups(
  seed: number,
  sizes: Sizes,
  users: UserRecord[],
  domain: string,
  nowMs: number,
): GroupRecord[] {
  const rng = new SeededRandom(seed, 2);
  const groups: GroupRecord[] = [];
  const nicknames = new Set<string>();

  const make = (
    displayName: string,
    kind: GroupKind,
    description: string | null,
    team = false,
  ): GroupRecord => {
    let nick = displayName.replace(/[^A-Za-z0-9]/g, '');
    if (nick === '') nick = 'group';
    let candidate = nick;
    for (let n = 2; nicknames.has(candidate.toLowerCase()); n++) candidate = `${nick}${n.toString()}`;
    nicknames.add(candidate.toLowerCase());
    const mailEnabled = kind !== 'security';
    const id = rng.guid();
    const createdMs = Math.floor((nowMs - (30 + rng.next() * 1500) * DAY_MS) / 1000) * 1000;
    const group: GroupRecord = {
      id,
      index: groups.length,
      displayName,
      description,
      mail: mailEnabled ? `${candidate}@${domain}` : null,
      mailNickname: candidate,
      mailEnabled,
      securityEnabled: kind === 'security' || kind === 'mailSecurity',
      groupTypes: kind === 'microsoft365' ? ['Unified'] : [],
      resourceProvisioningOptions: team ? ['Team'] : [],
      visibility: kind === 'microsoft365' ? (rng.chance(0.7) ? 'Private' : 'Public') : null,
      membershipRule: null,
      membershipRuleProcessingState: null,
      isAssignableToRole: kind === 'security' ? false : null,
      classification: null,
      createdDateTime: iso(createdMs),
      renewedDateTime: iso(createdMs),
      members: [],
      memberIds: new Set(),
      memberLog: [],
      version: 1,
      hardDeleted: false,
      ref: Object.freeze({ id, type: 'group' as const }),
    };
    groups.push(group);
    return group;
  };
  const add = (group: GroupRecord, member: SimMemberRef): void => {
    if (member.id === group.id || group.memberIds.has(member.id)) return;
    group.members.push(member);
    group.memberIds.add(member.id);
  };

  // Structure: All Staff ⊃ department ⊃ team ⊃ squad … (nestingDepth containment hops below All Staff's top). A
  // security group: only security groups nest (see group-kind.ts); a Microsoft 365 group holds users only.
  const allStaff = make('All Staff', 'security', 'Everyone in the organisation');
  const depth = sizes.nestingDepth;
  const chainLength = Math.max(0, depth - 1);
  // Structure takes at most about half the group budget; at least one department gets the full-depth chain.
  const budget = Math.max(0, sizes.groups - 1);
  const deptCount = depth === 0 ? 0 : Math.min(sizes.departments.length, Math.max(1, Math.floor(budget / 2)));
  const fullChains =
    chainLength === 0
      ? 0
      : Math.min(deptCount, Math.max(1, Math.floor((budget - deptCount) / (2 * chainLength))));
  const leafByDepartment = new Map<string, GroupRecord[]>();
  let structural = 1;
  for (let d = 0; d < deptCount && structural < sizes.groups; d++) {
    const department = sizes.departments[d] ?? 'General';
    const deptGroup = make(`${department} Department`, 'security', `Members of ${department}`);
    structural++;
    add(allStaff, deptGroup.ref);
    const levels = [deptGroup];
    if (d < fullChains) {
      let parent = deptGroup;
      for (let level = 2; level <= depth && structural < sizes.groups; level++) {
        const child = make(
          `${department} ${level === 2 ? 'Team' : `Squad L${level.toString()}`}`,
          'security',
          null,
        );
        structural++;
        add(parent, child.ref);
        levels.push(child);
        parent = child;
      }
    }
    leafByDepartment.set(department, levels);
  }

  // Every member user sits in one level of its department's chain (or directly in All Staff without one).
  for (const user of users) {
    if (isSimGuest(user)) continue;
    const levels = user.department === null ? undefined : leafByDepartment.get(user.department);
    if (!levels) {
      add(allStaff, user.ref);
      continue;
    }
    const level = levels[Math.min(levels.length - 1, rng.int(levels.length))];
    if (level) add(level, user.ref);
  }

  // The rest: project groups, Microsoft 365 groups (some Teams), distribution lists; a few nest others.
  const random: GroupRecord[] = [];
  const specials = ['Contractors', 'Executives', 'Remote Workers'];
  for (let g = structural; g < sizes.groups; g++) {
    const special = specials[g - structural];
    const kind: GroupKind = special
      ? 'security'
      : ((['microsoft365', 'security', 'distribution', 'mailSecurity'] as const)[
          rng.weighted([45, 40, 10, 5])
        ] ?? 'security');
    const name =
      special ?? `${rng.pick(PROJECT_WORDS)} ${kindLabel(kind)} ${(g - structural + 1).toString()}`;
    const group = make(
      name,
      kind,
      special ? `${special} (generated)` : null,
      kind === 'microsoft365' && rng.chance(sizes.teamsRatio),
    );
    const size = users.length === 0 ? 0 : Math.min(users.length, 2 + Math.floor(Math.exp(rng.next() * 5)));
    for (let m = 0; m < size; m++) {
      const user = users[rng.int(users.length)];
      if (user && (!isSimGuest(user) || kind === 'microsoft365')) add(group, user.ref);
    }
    if (random.length > 0 && rng.chance(0.1)) {
      const nested = rng.pick(random);
      if (canHoldGroup(group, nested)) add(group, nested.ref);
    }
    random.push(group);
  }

  // Cycles among the project security groups (Graph tolerates them; clients must too).
  const nestable = random.filter((group) => group.securityEnabled && !isMicrosoft365Group(group));
  for (let c = 0; c < sizes.cycles && nestable.length >= 2; c++) {
    const a = rng.pick(nestable);
    let b = rng.pick(nestable);
    for (let tries = 0; b === a && tries < 8; tries++) b = rng.pick(nestable);
    if (a === b) continue;
    if (c % 2 === 1 && nestable.length >= 3) {
      let x = rng.pick(nestable);
      for (let tries = 0; (x === a || x === b) && tries < 8; tries++) x = rng.pick(nestable);
      if (x !== a && x !== b) {
        add(a, b.ref);
        add(b, x.ref);
        add(x, a.ref);
        continue;
      }
    }
    add(a, b.ref);
    add(b, a.ref);
  }
  return groups;
}

const PROJECT_WORDS = [
  'Apollo',
  'Atlas',
  'Aurora',
  'Beacon',
  'Cobalt',
  'Comet',
  'Delta',
  'Ember',
  'Falcon',
  'Helios',
  'Horizon',
  'Juniper',
  'Keystone',
  'Lighthouse',
  'Meridian',
  'Nimbus',
  'Orion',
  'Pioneer',
  'Quartz',
  'Summit',
  'Tidal',
  'Vertex',
];

function kindLabel(kind: GroupKind): string {
  switch (kind) {
    case 'microsoft365':
      return 'Workspace';
    case 'security':
      return 'Access';
    case 'distribution':
      return 'List';
    case 'mailSecurity':
      return 'Mail Access';
  }
}

/**
 * Devices, organizational contacts and service principals inside groups, as real tenants have them ("A group can
 * have users, organizational contacts, devices, service principals and other groups as members":
 * https://learn.microsoft.com/en-us/graph/api/group-list-members): devices and service principals in security
 * groups (device management, app access), contacts in distribution lists. Microsoft 365 groups hold users only.
 */
function addNonUserMembers(
  seed: number,
  groups: GroupRecord[],
  servicePrincipals: readonly ServicePrincipalRecord[],
): void {
  const rng = new SeededRandom(seed, 7);
  const apps = servicePrincipals.filter((sp) => !sp.firstParty);
  const candidates = groups.filter((group) => !group.groupTypes.includes('Unified'));
  const add = (group: GroupRecord, ref: SimMemberRef): void => {
    if (group.memberIds.has(ref.id)) return;
    group.members.push(ref);
    group.memberIds.add(ref.id);
  };
  const device = (): SimMemberRef => Object.freeze({ id: rng.guid(), type: 'device' as const });
  const contact = (): SimMemberRef => Object.freeze({ id: rng.guid(), type: 'orgContact' as const });
  const app = (): SimMemberRef | undefined => {
    const sp = apps.length > 0 ? rng.pick(apps) : undefined;
    return sp && Object.freeze({ id: sp.id, type: 'servicePrincipal' as const });
  };
  candidates.forEach((group, index) => {
    // The first such group holds one of each, so even a small tenant has them all.
    const always = index === 0;
    if ((group.securityEnabled && rng.chance(0.5)) || always) {
      for (let d = 1 + rng.int(3); d > 0; d--) add(group, device());
      const member = always || rng.chance(0.5) ? app() : undefined;
      if (member) add(group, member);
    }
    if ((group.mailEnabled && !group.securityEnabled && rng.chance(0.7)) || always) {
      for (let c = 1 + rng.int(2); c > 0; c--) add(group, contact());
    }
  });
}

// ------------------------------------------------------------------------------------------ service principals ---

function generateServicePrincipals(
  seed: number,
  sizes: Sizes,
  tenantId: string,
): { servicePrincipals: ServicePrincipalRecord[]; signInApps: SignInApp[]; appWeights: number[] } {
  const rng = new SeededRandom(seed, 3);
  const servicePrincipals: ServicePrincipalRecord[] = [];
  const signInApps: SignInApp[] = [];
  const appWeights: number[] = [];

  for (const app of FIRST_PARTY_APPS) {
    servicePrincipals.push({
      id: rng.guid(),
      appId: app.appId,
      displayName: app.displayName,
      appDisplayName: app.displayName,
      appDescription: null,
      description: null,
      servicePrincipalType: 'Application',
      preferredSingleSignOnMode: null,
      accountEnabled: true,
      appOwnerOrganizationId: MICROSOFT_TENANT_ID,
      appRoleAssignmentRequired: false,
      homepage: null,
      loginUrl: null,
      logoutUrl: null,
      replyUrls: [],
      servicePrincipalNames: [app.appId],
      signInAudience: 'AzureADMultipleOrgs',
      tags: [],
      notes: null,
      firstParty: true,
    });
    if (app.weight > 0) {
      signInApps.push({
        appId: app.appId,
        displayName: app.displayName,
        resourceDisplayName: app.displayName,
        resourceId: app.appId,
      });
      appWeights.push(app.weight);
    }
  }

  const modes: SsoMode[] = ['saml', 'oidc', 'password', 'none'];
  let lob = 0;
  let popularity = 0;
  for (const mode of modes) {
    const catalog = SAAS_APPS.filter((app) => app.mode === mode);
    for (let k = 0; k < sizes.servicePrincipals[mode]; k++) {
      const saas = catalog[k];
      const name = saas ? saas.name : `Line-of-business App ${(++lob).toString()}`;
      const host = saas ? saas.host : `lob${lob.toString()}.contoso.example`;
      const appId = rng.guid();
      const ownedHere = !saas;
      servicePrincipals.push({
        id: rng.guid(),
        appId,
        displayName: name,
        appDisplayName: name,
        appDescription: null,
        description: null,
        servicePrincipalType: 'Application',
        preferredSingleSignOnMode: mode === 'none' ? null : mode,
        accountEnabled: true,
        appOwnerOrganizationId: ownedHere ? tenantId : rng.guid(),
        appRoleAssignmentRequired: mode === 'saml',
        homepage: `https://${host}/`,
        loginUrl: mode === 'saml' || mode === 'password' ? `https://${host}/login` : null,
        logoutUrl: mode === 'saml' ? `https://${host}/logout` : null,
        replyUrls:
          mode === 'none' ? [] : [`https://${host}/${mode === 'saml' ? 'saml/acs' : 'auth/callback'}`],
        servicePrincipalNames: mode === 'saml' ? [`https://${host}/`, appId] : [appId],
        signInAudience: ownedHere ? 'AzureADMyOrg' : 'AzureADMultipleOrgs',
        tags: ssoTags(mode),
        notes: null,
        firstParty: false,
      });
      // Three apps in four are used; popularity falls off so reports have a long tail.
      if (rng.chance(0.75)) {
        signInApps.push({ appId, displayName: name, resourceDisplayName: name, resourceId: appId });
        appWeights.push(6 / (1 + popularity++ * 0.5));
      }
    }
  }
  return { servicePrincipals, signInApps, appWeights };
}

function ssoTags(mode: SsoMode): string[] {
  switch (mode) {
    case 'saml':
      return [
        'WindowsAzureActiveDirectoryCustomSingleSignOnApplication',
        'WindowsAzureActiveDirectoryIntegratedApp',
      ];
    case 'oidc':
      return ['WindowsAzureActiveDirectoryIntegratedApp'];
    case 'password':
      return [
        'WindowsAzureActiveDirectoryGalleryApplicationPrimaryV1',
        'WindowsAzureActiveDirectoryIntegratedApp',
      ];
    case 'none':
      return ['HideApp'];
  }
}

// ------------------------------------------------------------------------------------------------------- apps ---

function registerApps(
  seed: number,
  specs: readonly AppSpec[] | undefined,
  tenantId: string,
  servicePrincipals: ServicePrincipalRecord[],
): { credentials: AppCredentials; grant: AppGrant }[] {
  const rng = new SeededRandom(seed, 5);
  const resolved: AppSpec[] = specs
    ? [...specs]
    : [
        {
          clientId: rng.guid(),
          clientSecret: `sim~${Array.from({ length: 34 }, () => SECRET_CHARS[rng.int(SECRET_CHARS.length)]).join('')}`,
          permissions: PRODUCT_PERMISSIONS,
          displayName: 'MSP Identity Connector',
        },
      ];
  return resolved.map((app) => {
    const servicePrincipalId = rng.guid();
    const displayName = app.displayName ?? `App ${app.clientId.slice(0, 8)}`;
    servicePrincipals.push(
      ownAppServicePrincipal(servicePrincipalId, app.clientId, displayName, tenantId, 'AzureADMyOrg'),
    );
    return {
      credentials: {
        clientId: app.clientId.toLowerCase(),
        clientSecret: app.clientSecret,
        secretExpiresAtMs:
          app.secretExpiresAt === undefined ? undefined : new Date(app.secretExpiresAt).getTime(),
        displayName,
      },
      grant: {
        clientId: app.clientId.toLowerCase(),
        servicePrincipalId,
        permissions: new Set(app.permissions),
      },
    };
  });
}

/** The service principal an app gets in a tenant (registration or admin consent). */
export function ownAppServicePrincipal(
  id: string,
  appId: string,
  displayName: string,
  ownerTenantId: string,
  signInAudience: string,
): ServicePrincipalRecord {
  return {
    id,
    appId,
    displayName,
    appDisplayName: displayName,
    appDescription: null,
    description: null,
    servicePrincipalType: 'Application',
    preferredSingleSignOnMode: null,
    accountEnabled: true,
    appOwnerOrganizationId: ownerTenantId,
    appRoleAssignmentRequired: false,
    homepage: null,
    loginUrl: null,
    logoutUrl: null,
    replyUrls: [],
    servicePrincipalNames: [appId],
    signInAudience,
    tags: ['WindowsAzureActiveDirectoryIntegratedApp'],
    notes: null,
    firstParty: false,
  };
}

const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-';

// --------------------------------------------------------------------------------------------------- sign-ins ---

function generateSignIns(
  seed: number,
  sizes: Sizes,
  tenantId: string,
  users: UserRecord[],
  signInApps: SignInApp[],
  appWeights: number[],
  nowMs: number,
): SignInStore {
  const rng = new SeededRandom(seed, 4);
  const windowMs = sizes.signInDays * DAY_MS;
  const windowStartMs = nowMs - windowMs;
  const n = users.length;

  // Activity profile: most users sign in until now, some stopped (inactive, possibly before the window), a few never.
  const stopMs = new Float64Array(n);
  let expectedActive = 0;
  for (let i = 0; i < n; i++) {
    const user = users[i];
    if (!user) continue;
    const r = rng.next();
    stopMs[i] = r < 0.05 ? Number.NEGATIVE_INFINITY : r < 0.15 ? nowMs - rng.next() * 60 * DAY_MS : Infinity;
    if (stopMs[i] === Infinity) expectedActive++;
  }

  const total = Math.round(expectedActive * sizes.signInDays * sizes.signInsPerUserPerDay);
  const owner = {
    tenantId,
    userIdentity: (i: number) => users[i] ?? { id: '', displayName: '', userPrincipalName: '' },
    signInApp: (i: number) =>
      signInApps[i] ?? { appId: '', displayName: '', resourceDisplayName: '', resourceId: '' },
  };
  const store = new SignInStore(seed >>> 0, owner, total + 16, n);

  // Sign-in history before the window (signInActivity remembers it; the 30-day log does not).
  for (let i = 0; i < n; i++) {
    const user = users[i];
    const stop = stopMs[i] ?? 0;
    if (!user || user.createdMs >= windowStartMs) continue;
    if (stop === Number.NEGATIVE_INFINITY) {
      // Untidy: some who no longer sign in last did so before December 2023, which signInActivity knows only as
      // lastSignInDateTime (lastSuccessfulSignInDateTime is not backfilled, see SignInStore.activityOf).
      if (sizes.untidy && user.createdMs < LAST_SUCCESS_RECORDED_FROM_MS && rng.chance(0.5)) {
        const last = user.createdMs + rng.next() * (LAST_SUCCESS_RECORDED_FROM_MS - user.createdMs);
        store.setHistoricSignIn(i, Math.floor(last / 1000) * 1000);
      }
      continue;
    }
    const last = Math.min(stop, windowStartMs - rng.next() * 20 * DAY_MS);
    if (last > user.createdMs) store.setHistoricSignIn(i, Math.floor(last / 1000) * 1000);
  }

  const cumulative = new Float64Array(appWeights.length);
  let sum = 0;
  appWeights.forEach((w, i) => (cumulative[i] = sum += w));

  // The loop below runs millions of times: it reads compact per-user columns, not the user objects.
  const createdMs = Float64Array.from(users, (u) => u.createdMs);
  const kind = Uint8Array.from(users, (u) =>
    !u.accountEnabled ? USER_DISABLED : (u.regBits & MFA_METHOD_MASK) === 0 ? USER_NO_MFA : USER_MFA,
  );
  const guest = Uint8Array.from(users, (u) => (isSimGuest(u) ? 1 : 0));

  if (n > 0 && signInApps.length > 0 && total > 0) {
    const step = windowMs / total;
    for (let k = 0; k < total; k++) {
      // Stratified times: one event per slot, jittered inside it, so the log comes out already sorted.
      const timeMs = Math.floor((windowStartMs + (k + rng.next()) * step) / 1000) * 1000;
      let userIndex = -1;
      for (let tries = 0; tries < 8 && userIndex < 0; tries++) {
        const i = rng.int(n);
        if (timeMs < (createdMs[i] ?? 0) || timeMs >= (stopMs[i] ?? 0)) continue;
        // Guests and disabled accounts sign in (or try to) far less often.
        const userKind = kind[i] ?? USER_NO_MFA;
        const weight = userKind === USER_DISABLED ? 0.1 : guest[i] === 1 ? 0.3 : 1;
        if (weight === 1 || rng.next() < weight) userIndex = i;
      }
      if (userIndex < 0) continue;
      const appIndex = pickWeighted(cumulative, rng.next() * sum);
      // Non-interactive sign-ins ("performed by a client app or OS component on behalf of a user", token refreshes
      // included) far outnumber interactive ones in real logs
      // (https://learn.microsoft.com/en-us/entra/identity/monitoring-health/concept-noninteractive-sign-ins).
      const interactive = rng.next() < (sizes.untidy ? INTERACTIVE_SHARE_UNTIDY : INTERACTIVE_SHARE_TIDY);
      const outcome = pickOutcome(rng, kind[userIndex] ?? USER_NO_MFA, interactive);
      store.appendGenerated(timeMs, userIndex, appIndex, outcome, interactive, rng.next() < 0.05);
    }
  }
  store.seal();
  return store;
}

const INTERACTIVE_SHARE_TIDY = 0.6;
const INTERACTIVE_SHARE_UNTIDY = 0.15;

const USER_MFA = 0;
const USER_NO_MFA = 1;
const USER_DISABLED = 2;

function pickWeighted(cumulative: Float64Array, r: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] ?? 0) <= r) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const FAILURES_WITH_MFA = [
  OUTCOME.failWrongPassword,
  OUTCOME.failMfaRequired,
  OUTCOME.failMfaDenied,
  OUTCOME.failBlockedByCa,
  OUTCOME.failAccountLocked,
];
const FAILURES_WITH_MFA_WEIGHTS = [50, 20, 10, 15, 5];
const FAILURES_WITHOUT_MFA = [OUTCOME.failWrongPassword, OUTCOME.failBlockedByCa, OUTCOME.failAccountLocked];
const FAILURES_WITHOUT_MFA_WEIGHTS = [70, 25, 5];
const MFA_SUCCESSES = [
  OUTCOME.successMfaPush,
  OUTCOME.successMfaClaim,
  OUTCOME.successMfaSms,
  OUTCOME.successMfaOath,
];
const MFA_SUCCESS_WEIGHTS = [50, 30, 10, 10];

function pickOutcome(rng: SeededRandom, userKind: number, interactive: boolean): number {
  if (userKind === USER_DISABLED) return OUTCOME.failAccountDisabled;
  const mfaRegistered = userKind === USER_MFA;
  if (rng.chance(interactive ? 0.06 : 0.01)) {
    return mfaRegistered
      ? (FAILURES_WITH_MFA[rng.weighted(FAILURES_WITH_MFA_WEIGHTS)] ?? OUTCOME.failWrongPassword)
      : (FAILURES_WITHOUT_MFA[rng.weighted(FAILURES_WITHOUT_MFA_WEIGHTS)] ?? OUTCOME.failWrongPassword);
  }
  if (!interactive)
    return mfaRegistered && rng.chance(0.6) ? OUTCOME.successMfaClaim : OUTCOME.successNonInteractiveSingle;
  if (!mfaRegistered || rng.chance(0.25)) return OUTCOME.successSingleFactor;
  return MFA_SUCCESSES[rng.weighted(MFA_SUCCESS_WEIGHTS)] ?? OUTCOME.successMfaPush;
}
