/**
 * How each entity type is served: its default property set (what Graph returns without `$select`), `$select`
 * validation against Microsoft's schema, and the projection of a simulator record onto the selected properties.
 * Property values come from the records without copying them first; only the response object is built.
 */
import type { GroupRecord, UserRecord } from '../records.js';
import type { TenantState } from '../tenant-state.js';
import type { SimRegistrationDetails, SimServicePrincipal, SimSignIn } from '../types.js';
import { badRequest, GraphHttpError } from './errors.js';
import { BETA_PROPERTIES, V1_PROPERTIES, type SchemaEntity } from './schema-properties.js';

export type GraphVersion = 'v1.0' | 'beta';

/** Marks a property to leave out of the response (Graph omits, e.g., signInActivity of users who never signed in). */
export const OMIT = Symbol('omit');

export interface ProjectionContext {
  readonly tenant: TenantState;
  readonly version: GraphVersion;
}

type Getter<T> = (record: T, ctx: ProjectionContext) => unknown;

export interface EntityDefinition<T> {
  readonly schemaName: SchemaEntity;
  /** `#microsoft.graph.user`, for `@odata.type` in mixed collections. */
  readonly odataType: string;
  readonly defaults: Readonly<Record<GraphVersion, readonly string[]>>;
  readonly getters: Readonly<Record<string, Getter<T>>>;
  /** Properties Graph refuses to return on a collection (501). */
  readonly singleOnly?: readonly string[];
}

/** Per version and entity: lower-case property name → the schema's spelling. */
const CANONICAL_NAMES: Readonly<
  Record<GraphVersion, Readonly<Record<SchemaEntity, ReadonlyMap<string, string>>>>
> = {
  'v1.0': lowerCaseIndex(V1_PROPERTIES),
  beta: lowerCaseIndex(BETA_PROPERTIES),
};

function lowerCaseIndex(
  lists: Readonly<Record<SchemaEntity, readonly string[]>>,
): Record<SchemaEntity, ReadonlyMap<string, string>> {
  const index = (names: readonly string[]): ReadonlyMap<string, string> =>
    new Map(names.map((name) => [name.toLowerCase(), name]));
  return {
    user: index(lists.user),
    group: index(lists.group),
    servicePrincipal: index(lists.servicePrincipal),
    organization: index(lists.organization),
    signIn: index(lists.signIn),
    userRegistrationDetails: index(lists.userRegistrationDetails),
    team: index(lists.team),
    subscribedSku: index(lists.subscribedSku),
  };
}

function canonical(entity: SchemaEntity, version: GraphVersion): ReadonlyMap<string, string> {
  return CANONICAL_NAMES[version][entity];
}

/** The schema's spelling of a property of the entity, or undefined if the type has no such property. */
export function propertyName<T>(
  definition: EntityDefinition<T>,
  version: GraphVersion,
  name: string,
): string | undefined {
  return canonical(definition.schemaName, version).get(name.toLowerCase());
}

/**
 * The properties to serve: the defaults, or `$select` validated against the schema (case-insensitive, returned in
 * the schema's casing). `id` is always included, as Graph does.
 */
export function resolveSelect<T>(
  definition: EntityDefinition<T>,
  version: GraphVersion,
  select: readonly string[] | undefined,
  collection: boolean,
): string[] {
  const names = canonical(definition.schemaName, version);
  if (!select || select.includes('*')) {
    // A default shared by both versions keeps only what the version's type defines (beta renamed some).
    return definition.defaults[version].filter((name) => names.has(name.toLowerCase()));
  }
  const resolved = new Set<string>();
  for (const requested of select) {
    const name = names.get(requested.toLowerCase());
    if (!name) {
      throw badRequest(
        `Could not find a property named '${requested}' on type 'microsoft.graph.${definition.schemaName}'.`,
      );
    }
    if (collection && definition.singleOnly?.includes(name)) {
      // Graph itself refuses these on collections (they are read one user at a time).
      throw new GraphHttpError(501, 'NotImplemented', 'This operation target is not yet supported.');
    }
    resolved.add(name);
  }
  if (!resolved.has('id')) resolved.add('id');
  return [...resolved];
}

/** Builds the response object for one record. Schema properties the simulator does not model are served as null. */
export function project<T>(
  definition: EntityDefinition<T>,
  record: T,
  properties: readonly string[],
  ctx: ProjectionContext,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of properties) {
    const getter = definition.getters[name];
    const value = getter ? getter(record, ctx) : null;
    if (value !== OMIT) out[name] = value;
  }
  return out;
}

/** `$metadata#users(id,displayName)` — the select list shows in the context URL only when `$select` was given. */
export function contextUrl(
  baseUrl: string,
  version: GraphVersion,
  path: string,
  select: readonly string[] | undefined,
): string {
  return `${baseUrl}/${version}/$metadata#${path}${select ? `(${select.join(',')})` : ''}`;
}

// -------------------------------------------------------------------------------------------------- user ---

const field =
  <T>(key: keyof T): Getter<T> =>
  (record) =>
    record[key];

const emptyList = (): unknown[] => [];

export const USER: EntityDefinition<UserRecord> = {
  schemaName: 'user',
  odataType: '#microsoft.graph.user',
  defaults: {
    'v1.0': USER_DEFAULTS(),
    beta: USER_DEFAULTS(),
  },
  singleOnly: [
    'aboutMe',
    'birthday',
    'hireDate',
    'interests',
    'mailboxSettings',
    'mySite',
    'pastProjects',
    'preferredName',
    'responsibilities',
    'schools',
    'skills',
  ],
  getters: {
    id: field('id'),
    deletedDateTime: field('deletedDateTime'),
    accountEnabled: field('accountEnabled'),
    businessPhones: field('businessPhones'),
    city: field('city'),
    companyName: field('companyName'),
    country: field('country'),
    createdDateTime: field('createdDateTime'),
    creationType: field('creationType'),
    department: field('department'),
    displayName: field('displayName'),
    employeeId: field('employeeId'),
    onPremisesSyncEnabled: field('onPremisesSyncEnabled'),
    externalUserState: field('externalUserState'),
    givenName: field('givenName'),
    jobTitle: field('jobTitle'),
    mail: field('mail'),
    mailNickname: field('mailNickname'),
    mobilePhone: field('mobilePhone'),
    officeLocation: field('officeLocation'),
    preferredLanguage: field('preferredLanguage'),
    surname: field('surname'),
    usageLocation: field('usageLocation'),
    userPrincipalName: field('userPrincipalName'),
    userType: field('userType'),
    identities: (user, ctx) => [
      {
        signInType: 'userPrincipalName',
        issuer: ctx.tenant.domain,
        issuerAssignedId: user.userPrincipalName,
      },
    ],
    proxyAddresses: (user) => (user.mail ? [`SMTP:${user.mail}`] : []),
    otherMails: emptyList,
    imAddresses: emptyList,
    assignedLicenses: (user, ctx) => ctx.tenant.licences.assignedLicenses(user.id),
    assignedPlans: emptyList,
    provisionedPlans: emptyList,
    onPremisesProvisioningErrors: emptyList,
    serviceProvisioningErrors: emptyList,
    licenseAssignmentStates: emptyList,
    signInActivity: (user, ctx) => ctx.tenant.signInActivity(user.id) ?? OMIT,
    securityIdentifier: (user) => securityIdentifier(user.id),
    signInSessionsValidFromDateTime: (user, ctx) =>
      ctx.tenant.sessions.validFromOf(user.id) ?? user.createdDateTime,
    showInAddressList: () => null,
  },
};

function USER_DEFAULTS(): string[] {
  return [
    'businessPhones',
    'displayName',
    'givenName',
    'jobTitle',
    'mail',
    'mobilePhone',
    'officeLocation',
    'preferredLanguage',
    'surname',
    'userPrincipalName',
    'id',
  ];
}

/** An `S-1-12-1-…` security identifier derived from the object id (Entra's scheme for cloud objects). */
function securityIdentifier(id: string): string {
  const hex = id.replace(/-/g, '');
  const words = [0, 8, 16, 24].map((i) => {
    const bytes = hex.slice(i, i + 8).match(/../g) ?? [];
    return Number.parseInt(bytes.reverse().join(''), 16).toString();
  });
  return `S-1-12-1-${words.join('-')}`;
}

// ------------------------------------------------------------------------------------------------- group ---

const GROUP_DEFAULTS = [
  'id',
  'deletedDateTime',
  'classification',
  'createdDateTime',
  'description',
  'displayName',
  'expirationDateTime',
  'groupTypes',
  'isAssignableToRole',
  'mail',
  'mailEnabled',
  'mailNickname',
  'membershipRule',
  'membershipRuleProcessingState',
  'onPremisesDomainName',
  'onPremisesLastSyncDateTime',
  'onPremisesNetBiosName',
  'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier',
  'onPremisesSyncEnabled',
  'preferredDataLocation',
  'preferredLanguage',
  'proxyAddresses',
  'renewedDateTime',
  'resourceBehaviorOptions',
  'resourceProvisioningOptions',
  'securityEnabled',
  'securityIdentifier',
  'theme',
  'visibility',
  'onPremisesProvisioningErrors',
  'serviceProvisioningErrors',
];

export const GROUP: EntityDefinition<GroupRecord> = {
  schemaName: 'group',
  odataType: '#microsoft.graph.group',
  defaults: { 'v1.0': GROUP_DEFAULTS, beta: GROUP_DEFAULTS },
  getters: {
    id: field('id'),
    deletedDateTime: () => null,
    classification: field('classification'),
    createdDateTime: field('createdDateTime'),
    description: field('description'),
    displayName: field('displayName'),
    groupTypes: field('groupTypes'),
    isAssignableToRole: field('isAssignableToRole'),
    mail: field('mail'),
    mailEnabled: field('mailEnabled'),
    mailNickname: field('mailNickname'),
    membershipRule: field('membershipRule'),
    membershipRuleProcessingState: field('membershipRuleProcessingState'),
    proxyAddresses: (group) => (group.mail ? [`SMTP:${group.mail}`] : []),
    renewedDateTime: field('renewedDateTime'),
    resourceBehaviorOptions: emptyList,
    resourceProvisioningOptions: field('resourceProvisioningOptions'),
    securityEnabled: field('securityEnabled'),
    securityIdentifier: (group) => securityIdentifier(group.id),
    visibility: field('visibility'),
    onPremisesProvisioningErrors: emptyList,
    serviceProvisioningErrors: emptyList,
    assignedLabels: emptyList,
    assignedLicenses: emptyList,
  },
};

// ------------------------------------------------------------------------------------------------ team ---

export const TEAM: EntityDefinition<GroupRecord> = {
  schemaName: 'team',
  odataType: '#microsoft.graph.team',
  defaults: { 'v1.0': ['id', 'displayName', 'description'], beta: ['id', 'displayName', 'description'] },
  getters: {
    id: field('id'),
    displayName: field('displayName'),
    description: field('description'),
    createdDateTime: field('createdDateTime'),
    visibility: (group) => (group.visibility === null ? null : group.visibility.toLowerCase()),
    isArchived: () => false,
  },
};

// -------------------------------------------------------------------------------------- service principal ---

const SP_DEFAULTS = [
  'id',
  'deletedDateTime',
  'accountEnabled',
  'alternativeNames',
  'appDisplayName',
  'appDescription',
  'appId',
  'applicationTemplateId',
  'appOwnerOrganizationId',
  'appRoleAssignmentRequired',
  'description',
  'disabledByMicrosoftStatus',
  'displayName',
  'homepage',
  'loginUrl',
  'logoutUrl',
  'notes',
  'notificationEmailAddresses',
  'preferredSingleSignOnMode',
  'preferredTokenSigningKeyThumbprint',
  'replyUrls',
  'servicePrincipalNames',
  'servicePrincipalType',
  'signInAudience',
  'tags',
  'tokenEncryptionKeyId',
  'samlSingleSignOnSettings',
  'addIns',
  'appRoles',
  'info',
  'keyCredentials',
  'oauth2PermissionScopes',
  'passwordCredentials',
  'resourceSpecificApplicationPermissions',
  'verifiedPublisher',
];

export const SERVICE_PRINCIPAL: EntityDefinition<SimServicePrincipal> = {
  schemaName: 'servicePrincipal',
  odataType: '#microsoft.graph.servicePrincipal',
  defaults: { 'v1.0': SP_DEFAULTS, beta: SP_DEFAULTS },
  getters: {
    id: field('id'),
    deletedDateTime: () => null,
    accountEnabled: field('accountEnabled'),
    alternativeNames: emptyList,
    appDisplayName: field('appDisplayName'),
    appDescription: field('appDescription'),
    appId: field('appId'),
    appOwnerOrganizationId: field('appOwnerOrganizationId'),
    appRoleAssignmentRequired: field('appRoleAssignmentRequired'),
    description: field('description'),
    displayName: field('displayName'),
    homepage: field('homepage'),
    loginUrl: field('loginUrl'),
    logoutUrl: field('logoutUrl'),
    notes: field('notes'),
    notificationEmailAddresses: emptyList,
    preferredSingleSignOnMode: field('preferredSingleSignOnMode'),
    replyUrls: field('replyUrls'),
    servicePrincipalNames: field('servicePrincipalNames'),
    servicePrincipalType: field('servicePrincipalType'),
    signInAudience: field('signInAudience'),
    tags: field('tags'),
    samlSingleSignOnSettings: (sp) => (sp.preferredSingleSignOnMode === 'saml' ? { relayState: null } : null),
    addIns: emptyList,
    appRoles: emptyList,
    info: () => ({
      logoUrl: null,
      marketingUrl: null,
      privacyStatementUrl: null,
      supportUrl: null,
      termsOfServiceUrl: null,
    }),
    keyCredentials: emptyList,
    oauth2PermissionScopes: emptyList,
    passwordCredentials: emptyList,
    resourceSpecificApplicationPermissions: emptyList,
    verifiedPublisher: () => ({ displayName: null, verifiedPublisherId: null, addedDateTime: null }),
  },
};

// ------------------------------------------------------------------------------------------- organization ---

const ORGANIZATION_DEFAULTS = [
  'id',
  'deletedDateTime',
  'businessPhones',
  'city',
  'country',
  'countryLetterCode',
  'createdDateTime',
  'defaultUsageLocation',
  'displayName',
  'marketingNotificationEmails',
  'onPremisesLastSyncDateTime',
  'onPremisesSyncEnabled',
  'partnerTenantType',
  'postalCode',
  'preferredLanguage',
  'securityComplianceNotificationMails',
  'securityComplianceNotificationPhones',
  'state',
  'street',
  'technicalNotificationMails',
  'tenantType',
  'assignedPlans',
  'privacyProfile',
  'provisionedPlans',
  'verifiedDomains',
];

/** Service plans an Entra ID P1/P2 tenant shows in `assignedPlans` (the licence the reports depend on). */
const PREMIUM_PLANS = [
  { service: 'AADPremiumService', servicePlanId: '41781fb2-bc02-4b7c-bd55-b576c07bb09d' },
  { service: 'AADPremiumService', servicePlanId: 'eec0eb4f-6444-4f95-aba0-50c24d67f998' },
];
const BASE_PLANS = [
  { service: 'exchange', servicePlanId: 'efb87545-963c-4e0d-99df-69c6916d9eb0' },
  { service: 'TeamspaceAPI', servicePlanId: '57ff2da0-773e-42df-b2af-ffb7a2317929' },
  { service: 'SharePoint', servicePlanId: '5dbe027f-2339-4123-9542-606e4d348a72' },
];

export const ORGANIZATION: EntityDefinition<TenantState> = {
  schemaName: 'organization',
  odataType: '#microsoft.graph.organization',
  defaults: { 'v1.0': ORGANIZATION_DEFAULTS, beta: ORGANIZATION_DEFAULTS },
  getters: {
    id: (t) => t.tenantId,
    deletedDateTime: () => null,
    businessPhones: () => ['+1 425 555 0100'],
    city: (t) => t.organization().city,
    country: (t) => t.organization().country,
    countryLetterCode: (t) => t.organization().countryLetterCode,
    createdDateTime: (t) => t.organization().createdDateTime,
    defaultUsageLocation: () => null,
    displayName: (t) => t.displayName,
    marketingNotificationEmails: emptyList,
    onPremisesLastSyncDateTime: () => null,
    onPremisesSyncEnabled: () => null,
    partnerTenantType: () => null,
    postalCode: () => '98052',
    preferredLanguage: () => 'en',
    securityComplianceNotificationMails: emptyList,
    securityComplianceNotificationPhones: emptyList,
    state: () => 'WA',
    street: () => 'One Microsoft Way',
    technicalNotificationMails: (t) => [`admin@${t.domain}`],
    tenantType: (t) => t.organization().tenantType,
    assignedPlans: (t) =>
      [...BASE_PLANS, ...(t.premium ? PREMIUM_PLANS : [])].map((plan) => ({
        assignedDateTime: t.organization().createdDateTime,
        capabilityStatus: 'Enabled',
        service: plan.service,
        servicePlanId: plan.servicePlanId,
      })),
    privacyProfile: () => null,
    provisionedPlans: (t) =>
      [...BASE_PLANS, ...(t.premium ? PREMIUM_PLANS : [])].map((plan) => ({
        capabilityStatus: 'Enabled',
        provisioningStatus: 'Success',
        service: plan.service,
      })),
    verifiedDomains: (t) => t.organization().verifiedDomains,
  },
};

// ------------------------------------------------------------------------------------------------ signIn ---

const SIGN_IN_V1_DEFAULTS = [
  'id',
  'createdDateTime',
  'userDisplayName',
  'userPrincipalName',
  'userId',
  'appId',
  'appDisplayName',
  'ipAddress',
  'clientAppUsed',
  'userAgent',
  'correlationId',
  'conditionalAccessStatus',
  'isInteractive',
  'riskDetail',
  'riskLevelAggregated',
  'riskLevelDuringSignIn',
  'riskState',
  'riskEventTypes',
  'riskEventTypes_v2',
  'resourceDisplayName',
  'resourceId',
  'resourceTenantId',
  'homeTenantId',
  'servicePrincipalId',
  'servicePrincipalName',
  'status',
  'deviceDetail',
  'location',
  'appliedConditionalAccessPolicies',
];

/** /beta drops `riskEventTypes` (not on the beta type) and adds the MFA detail the reports need. */
const SIGN_IN_BETA_DEFAULTS = [
  ...SIGN_IN_V1_DEFAULTS.filter((name) => name !== 'riskEventTypes'),
  'userType',
  'signInEventTypes',
  'authenticationRequirement',
  'authenticationDetails',
  'authenticationProtocol',
  'clientCredentialType',
  'crossTenantAccessType',
  'flaggedForReview',
  'homeTenantName',
  'incomingTokenType',
  'isTenantRestricted',
  'tokenIssuerName',
  'tokenIssuerType',
];

export const SIGN_IN: EntityDefinition<SimSignIn> = {
  schemaName: 'signIn',
  odataType: '#microsoft.graph.signIn',
  defaults: { 'v1.0': SIGN_IN_V1_DEFAULTS, beta: SIGN_IN_BETA_DEFAULTS },
  getters: {
    id: field('id'),
    createdDateTime: field('createdDateTime'),
    userDisplayName: field('userDisplayName'),
    userPrincipalName: field('userPrincipalName'),
    userId: field('userId'),
    appId: field('appId'),
    appDisplayName: field('appDisplayName'),
    ipAddress: field('ipAddress'),
    clientAppUsed: field('clientAppUsed'),
    userAgent: field('userAgent'),
    correlationId: field('correlationId'),
    conditionalAccessStatus: field('conditionalAccessStatus'),
    isInteractive: field('isInteractive'),
    riskDetail: () => 'none',
    riskLevelAggregated: () => 'none',
    riskLevelDuringSignIn: () => 'none',
    riskState: () => 'none',
    riskEventTypes: emptyList,
    riskEventTypes_v2: emptyList,
    resourceDisplayName: field('resourceDisplayName'),
    resourceId: field('resourceId'),
    resourceTenantId: (_, ctx) => ctx.tenant.tenantId,
    homeTenantId: (_, ctx) => ctx.tenant.tenantId,
    servicePrincipalId: () => '',
    servicePrincipalName: () => null,
    status: field('status'),
    deviceDetail: field('deviceDetail'),
    location: field('location'),
    appliedConditionalAccessPolicies: emptyList,
    userType: (signIn, ctx) => (ctx.tenant.user(signIn.userId)?.userType === 'Guest' ? 'guest' : 'member'),
    signInEventTypes: (signIn) => [signIn.isInteractive ? 'interactiveUser' : 'nonInteractiveUser'],
    authenticationRequirement: field('authenticationRequirement'),
    authenticationDetails: field('authenticationDetails'),
    authenticationProtocol: () => 'none',
    clientCredentialType: () => 'none',
    crossTenantAccessType: () => 'none',
    flaggedForReview: () => false,
    homeTenantName: (_, ctx) => ctx.tenant.displayName,
    incomingTokenType: () => 'none',
    isTenantRestricted: () => false,
    tokenIssuerName: () => '',
    tokenIssuerType: () => 'AzureAD',
  },
};

// ------------------------------------------------------------------------------ userRegistrationDetails ---

const REGISTRATION_DEFAULTS = [
  'id',
  'userPrincipalName',
  'userDisplayName',
  'userType',
  'isAdmin',
  'isSsprRegistered',
  'isSsprEnabled',
  'isSsprCapable',
  'isMfaRegistered',
  'isMfaCapable',
  'isPasswordlessCapable',
  'methodsRegistered',
  'isSystemPreferredAuthenticationMethodEnabled',
  'systemPreferredAuthenticationMethods',
  'userPreferredMethodForSecondaryAuthentication',
  'lastUpdatedDateTime',
];

export const REGISTRATION_DETAILS: EntityDefinition<SimRegistrationDetails> = {
  schemaName: 'userRegistrationDetails',
  odataType: '#microsoft.graph.userRegistrationDetails',
  defaults: { 'v1.0': REGISTRATION_DEFAULTS, beta: REGISTRATION_DEFAULTS },
  getters: Object.fromEntries(
    REGISTRATION_DEFAULTS.map((name) => [
      name,
      (details: SimRegistrationDetails) => details[name as keyof SimRegistrationDetails],
    ]),
  ),
};
