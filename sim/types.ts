/**
 * Public contract of the Entra ID + Microsoft Graph simulator: the options it starts with, the tenant truth it
 * exposes to tests, and its fault and statistics controls. Everything here is re-exported from `sim/index.ts`.
 */
import type { TenantLicences } from './licences.js';
import type { TenantSessions } from './sessions.js';

/** An application registered in one tenant (single-tenant app with a client secret). */
export interface AppSpec {
  clientId: string;
  clientSecret: string;
  /** After this instant (simulated clock) the token endpoint answers AADSTS7000222. */
  secretExpiresAt?: Date | string;
  /** Application permission names granted (admin-consented) in the tenant, e.g. `User.Read.All`. */
  permissions: readonly string[];
  displayName?: string;
}

/** An app registered in a tenant, as the token endpoint checks it (the simulator hands out its own secrets). */
export interface SimAppCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Epoch ms after which the secret is expired (AADSTS7000222); undefined = never. */
  readonly secretExpiresAtMs: number | undefined;
  readonly displayName: string;
}

/** The product's own multi-tenant app: registered once, usable in every tenant that granted admin consent. */
export interface MultiTenantAppSpec extends AppSpec {
  /** Allowed `redirect_uri` values for admin consent; empty or absent accepts any https or loopback URI. */
  redirectUris?: readonly string[];
}

/** Single sign-on mode of an enterprise application; `none` is served as `preferredSingleSignOnMode: null`. */
export type SsoMode = 'saml' | 'oidc' | 'password' | 'none';

/** How many enterprise applications to generate per SSO mode, or a total split over the default mix. */
export type ServicePrincipalMix = number | Partial<Record<SsoMode, number>>;

/** Deterministic description of a tenant: the same spec always generates the same tenant, ids included. */
export interface TenantSpec {
  seed: number;
  /** Default: a GUID derived from the seed. */
  tenantId?: string;
  /** Default: `Tenant {seed}`. */
  displayName?: string;
  /** Initial verified domain, also accepted as tenant name at the identity endpoints. Default `t{seed}.onmicrosoft.com`. */
  domain?: string;
  /** Number of users, guests included. Default 100. */
  users?: number;
  /** Share of guests (userType Guest). Default 0.05. */
  guestRatio?: number;
  /** Share of disabled accounts. Default 0.03. */
  disabledRatio?: number;
  /** Department names, or how many of the built-in names to use. Default 10. */
  departments?: readonly string[] | number;
  /** Number of groups. Default max(8, users / 20). */
  groups?: number;
  /** Depth of the deepest nesting chain (group in group in group…). Default 3. */
  nestingDepth?: number;
  /** How many membership cycles (A ∈ B ∈ A, A ∈ B ∈ C ∈ A) to create. Default 2. */
  cycles?: number;
  /** Share of Microsoft 365 groups that are Teams. Default 0.5. */
  teamsRatio?: number;
  /** Enterprise applications (service principals) by SSO mode. Default 24 split saml/oidc/password/none. */
  servicePrincipals?: ServicePrincipalMix;
  /** Days of sign-in history before the simulated now. Default 30. */
  signInDays?: number;
  /** Average sign-ins per active user per day (interactive and non-interactive). Default 2. */
  signInsPerUserPerDay?: number;
  /** Entra ID P1/P2. false → sign-ins, signInActivity and registration details answer 403. Default true. */
  premium?: boolean;
  /** Apps registered in this tenant. Default: one app holding the six permissions the product needs. */
  apps?: readonly AppSpec[];
  /**
   * A directory as untidy as Microsoft's real tenants (default true): external members (`#EXT#` UPN, userType
   * Member), accounts without a userType, devices, contacts and service principals inside groups, users whose last
   * successful sign-in predates December 2023 (null `lastSuccessfulSignInDateTime`) and a log dominated by
   * non-interactive sign-ins. `false` gives the tidy tenant earlier versions generated.
   */
  untidy?: boolean;
}

/** Graph's `userType`; null when Entra did not classify the account (Graph then returns null). */
export type UserType = 'Member' | 'Guest' | null;

/** A directory user as the simulator holds it (the truth Graph serves). Read-only: change it through the mutators. */
export interface SimUser {
  readonly id: string;
  readonly displayName: string;
  readonly givenName: string | null;
  readonly surname: string | null;
  readonly userPrincipalName: string;
  readonly mail: string | null;
  readonly mailNickname: string;
  readonly userType: UserType;
  readonly accountEnabled: boolean;
  readonly department: string | null;
  readonly jobTitle: string | null;
  readonly officeLocation: string | null;
  readonly mobilePhone: string | null;
  readonly businessPhones: readonly string[];
  readonly preferredLanguage: string | null;
  readonly usageLocation: string | null;
  readonly companyName: string | null;
  readonly city: string | null;
  readonly country: string | null;
  readonly employeeId: string | null;
  /**
   * `true` while the user is synchronised from an on-premises Active Directory (Microsoft Entra Connect): its
   * directory properties, `accountEnabled` among them, are mastered there and cannot be changed through Graph.
   * `null` for a cloud-only user, as Graph reports it.
   */
  readonly onPremisesSyncEnabled: boolean | null;
  /** ISO 8601, UTC, no fraction (Graph's format). */
  readonly createdDateTime: string;
  readonly creationType: string | null;
  readonly externalUserState: string | null;
  /** Set while soft-deleted. */
  readonly deletedDateTime: string | null;
  readonly state: 'active' | 'softDeleted';
}

/** Properties a test may set when adding or updating a user. */
export type SimUserInput = Partial<
  Omit<SimUser, 'id' | 'state' | 'deletedDateTime' | 'createdDateTime' | 'businessPhones'> & {
    businessPhones: readonly string[];
    createdDateTime: string;
  }
> & { id?: string };

export interface SimGroup {
  readonly id: string;
  readonly displayName: string;
  readonly description: string | null;
  readonly mail: string | null;
  readonly mailNickname: string;
  readonly mailEnabled: boolean;
  readonly securityEnabled: boolean;
  /** `[]` security/distribution, `['Unified']` Microsoft 365, `['DynamicMembership', …]` dynamic. */
  readonly groupTypes: readonly string[];
  /** `['Team']` for Teams-enabled groups. */
  readonly resourceProvisioningOptions: readonly string[];
  readonly visibility: string | null;
  readonly membershipRule: string | null;
  readonly membershipRuleProcessingState: string | null;
  readonly isAssignableToRole: boolean | null;
  readonly classification: string | null;
  readonly createdDateTime: string;
  readonly renewedDateTime: string;
}

export type SimGroupInput = Partial<Omit<SimGroup, 'id'>> & { id?: string };

/**
 * What a group can hold: "A group can have users, organizational contacts, devices, service principals and other
 * groups as members" (https://learn.microsoft.com/en-us/graph/api/group-list-members). The simulator keeps devices,
 * contacts and service principals as references only (id and type).
 */
export type SimMemberType = 'user' | 'group' | 'device' | 'orgContact' | 'servicePrincipal';

export interface SimMemberRef {
  readonly id: string;
  readonly type: SimMemberType;
}

/** `preferredSingleSignOnMode` as Graph serves it. */
export type PreferredSsoMode = 'saml' | 'oidc' | 'password' | 'notSupported' | null;

export interface SimServicePrincipal {
  readonly id: string;
  readonly appId: string;
  readonly displayName: string;
  readonly appDisplayName: string;
  readonly appDescription: string | null;
  readonly description: string | null;
  readonly servicePrincipalType: 'Application' | 'ManagedIdentity' | 'Legacy';
  readonly preferredSingleSignOnMode: PreferredSsoMode;
  readonly accountEnabled: boolean;
  readonly appOwnerOrganizationId: string;
  readonly appRoleAssignmentRequired: boolean;
  readonly homepage: string | null;
  readonly loginUrl: string | null;
  readonly logoutUrl: string | null;
  readonly replyUrls: readonly string[];
  readonly servicePrincipalNames: readonly string[];
  readonly signInAudience: string;
  readonly tags: readonly string[];
  readonly notes: string | null;
  /** Microsoft first-party service (Office 365, Teams…) rather than a third-party enterprise app. */
  readonly firstParty: boolean;
}

export interface SimSignInStatus {
  readonly errorCode: number;
  readonly failureReason: string | null;
  readonly additionalDetails: string | null;
}

/** One step of a sign-in's authentication (beta `authenticationDetails`). */
export interface SimAuthenticationDetail {
  readonly authenticationMethod: string;
  readonly authenticationMethodDetail: string | null;
  readonly authenticationStepDateTime: string;
  readonly authenticationStepRequirement: string;
  readonly authenticationStepResultDetail: string;
  readonly succeeded: boolean;
}

export type AuthenticationRequirement = 'singleFactorAuthentication' | 'multiFactorAuthentication';

/** A sign-in event (materialised on demand; the tenant stores sign-ins column-wise). */
export interface SimSignIn {
  readonly id: string;
  readonly createdDateTime: string;
  readonly userId: string;
  readonly userDisplayName: string;
  readonly userPrincipalName: string;
  readonly appId: string;
  readonly appDisplayName: string;
  readonly ipAddress: string;
  readonly clientAppUsed: string;
  readonly correlationId: string;
  readonly conditionalAccessStatus: 'success' | 'failure' | 'notApplied';
  readonly isInteractive: boolean;
  readonly resourceDisplayName: string;
  readonly resourceId: string;
  readonly status: SimSignInStatus;
  readonly authenticationRequirement: AuthenticationRequirement;
  readonly authenticationDetails: readonly SimAuthenticationDetail[];
  readonly deviceDetail: {
    readonly deviceId: string;
    readonly displayName: string;
    readonly operatingSystem: string;
    readonly browser: string;
    readonly isCompliant: boolean;
    readonly isManaged: boolean;
    readonly trustType: string;
  };
  readonly location: {
    readonly city: string;
    readonly state: string;
    readonly countryOrRegion: string;
    readonly geoCoordinates: {
      readonly altitude: number | null;
      readonly latitude: number;
      readonly longitude: number;
    };
  };
  readonly userAgent: string;
}

/** A sign-in to add through the mutators; omitted fields get plausible values. */
export interface SimSignInInput {
  userId: string;
  createdDateTime: Date | string;
  /** App id of a service principal of the tenant. Default: Office 365 (first party). */
  appId?: string;
  /** 0 = success (default), otherwise an AADSTS error code such as 50126. */
  errorCode?: number;
  isInteractive?: boolean;
  authenticationRequirement?: AuthenticationRequirement;
  id?: string;
}

/** `signInActivity` of a user (all fields null when never signed in). */
export interface SimSignInActivity {
  readonly lastSignInDateTime: string | null;
  readonly lastSignInRequestId: string | null;
  readonly lastNonInteractiveSignInDateTime: string | null;
  readonly lastNonInteractiveSignInRequestId: string | null;
  readonly lastSuccessfulSignInDateTime: string | null;
  readonly lastSuccessfulSignInRequestId: string | null;
}

/** `userRegistrationDetails` of a user (MFA/SSPR registration). */
export interface SimRegistrationDetails {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly userDisplayName: string;
  readonly userType: 'member' | 'guest';
  readonly isAdmin: boolean;
  readonly isMfaCapable: boolean;
  readonly isMfaRegistered: boolean;
  readonly isPasswordlessCapable: boolean;
  readonly isSsprCapable: boolean;
  readonly isSsprEnabled: boolean;
  readonly isSsprRegistered: boolean;
  readonly isSystemPreferredAuthenticationMethodEnabled: boolean;
  readonly lastUpdatedDateTime: string;
  readonly methodsRegistered: readonly string[];
  readonly systemPreferredAuthenticationMethods: readonly string[];
  readonly userPreferredMethodForSecondaryAuthentication: string;
}

export interface SimVerifiedDomain {
  readonly capabilities: string;
  readonly isDefault: boolean;
  readonly isInitial: boolean;
  readonly name: string;
  readonly type: string;
}

export interface SimOrganization {
  readonly id: string;
  readonly displayName: string;
  readonly verifiedDomains: readonly SimVerifiedDomain[];
  readonly createdDateTime: string;
  readonly countryLetterCode: string;
  readonly city: string;
  readonly country: string;
  readonly tenantType: string;
}

/** One tenant of the simulator: generated truth (cheap, no copies) and mutators that feed delta like Graph does. */
export interface SimTenant {
  readonly tenantId: string;
  /** Initial verified domain (`…onmicrosoft.com`). */
  readonly domain: string;
  readonly displayName: string;
  /** Entra ID P1/P2 present. */
  readonly premium: boolean;
  readonly spec: Readonly<TenantSpec>;

  /** The organization object (`/organization` serves it). */
  organization(): SimOrganization;

  /** Number of users Graph lists now (soft-deleted excluded). */
  readonly userCount: number;
  /** Users Graph lists now, in the order `/users` pages them. Lazy: iterate, do not spread 100k unless needed. */
  users(): IterableIterator<SimUser>;
  /** Soft-deleted users (restorable; `/users` does not list them). */
  deletedUsers(): IterableIterator<SimUser>;
  /** A user by id or userPrincipalName, active or soft-deleted; undefined once hard-deleted. */
  user(idOrUpn: string): SimUser | undefined;

  readonly groupCount: number;
  /** Groups Graph lists now, in paging order. */
  groups(): IterableIterator<SimGroup>;
  group(id: string): SimGroup | undefined;
  /** Direct members (users and groups) of a group, in the order `/members` pages them. The array is live: do not mutate. */
  directMembers(groupId: string): readonly SimMemberRef[];
  /**
   * Ids of every user that is a member of the group directly or through nested groups at any depth, cycles
   * tolerated — computed by the simulator itself (cached until the next membership change).
   */
  transitiveUserMembers(groupId: string): ReadonlySet<string>;
  /** Ids of every group nested in the group at any depth (the group itself only when it sits in a cycle). */
  transitiveGroupMembers(groupId: string): ReadonlySet<string>;
  /** Users and nested groups, each once, in the order `/transitiveMembers` pages them. Live: do not mutate. */
  transitiveMembers(groupId: string): readonly SimMemberRef[];
  /** Groups that are Teams (resourceProvisioningOptions contains 'Team'). */
  teams(): IterableIterator<SimGroup>;

  servicePrincipals(): readonly SimServicePrincipal[];

  /** Subscriptions and users' licence assignments (`/subscribedSkus`, `assignedLicenses`). */
  readonly licences: TenantLicences;
  /** When each user's sign-in sessions were last revoked (`signInSessionsValidFromDateTime`). */
  readonly sessions: TenantSessions;

  /** Number of stored sign-in events (interactive and non-interactive). */
  readonly signInCount: number;
  /**
   * Sign-ins newest first (the order `/auditLogs/signIns` serves). Objects are materialised one by one while you
   * iterate. `from` is inclusive, `to` exclusive; `interactiveOnly` mirrors what v1.0 returns.
   */
  signIns(options?: { from?: Date; to?: Date; interactiveOnly?: boolean }): IterableIterator<SimSignIn>;
  /** A sign-in by id. */
  signIn(id: string): SimSignIn | undefined;
  /** The user's `signInActivity` (what `/users?$select=signInActivity` serves), or undefined if never signed in. */
  signInActivity(userId: string): SimSignInActivity | undefined;
  /** The user's `userRegistrationDetails`, or undefined for unknown or deleted users. */
  registrationDetails(userId: string): SimRegistrationDetails | undefined;

  /** Permissions (application roles) an app holds in this tenant. */
  appPermissions(clientId: string): ReadonlySet<string>;
  /** Apps registered in this tenant with their credentials (the default app when the spec names none). */
  registeredApps(): readonly SimAppCredentials[];

  addUser(input?: SimUserInput): SimUser;
  updateUser(id: string, patch: SimUserInput): SimUser;
  /** Moves the user to deleted items (delta: `@removed: changed`); memberships are suspended until restore. */
  softDeleteUser(id: string): void;
  /** Brings a soft-deleted user back with its memberships (delta: the user again, no annotation). */
  restoreUser(id: string): void;
  /** Deletes permanently (delta: `@removed: deleted`), active or soft-deleted. */
  hardDeleteUser(id: string): void;
  addGroup(input?: SimGroupInput): SimGroup;
  updateGroup(id: string, patch: SimGroupInput): SimGroup;
  /** Deletes a group permanently (delta: `@removed: deleted`). */
  deleteGroup(id: string): void;
  /** Adds a user or group as direct member (no-op when already a member). */
  addMember(groupId: string, memberId: string): void;
  removeMember(groupId: string, memberId: string): void;
  /** Appends sign-in events (any timestamp; the log stays ordered). Returns the stored events. */
  addSignIns(inputs: readonly SimSignInInput[]): SimSignIn[];
  /** Overrides a user's MFA registration. */
  setMfaRegistration(userId: string, methodsRegistered: readonly string[]): void;
  /** Gives or takes a privileged administrator role: `isAdmin`, and Graph's sensitive actions refused to apps. */
  setAdminRole(userId: string, admin: boolean): void;
  addApp(app: AppSpec): void;
  grantAppPermissions(clientId: string, permissions: readonly string[]): void;
  revokeAppPermissions(clientId: string, permissions: readonly string[]): void;
  setPremium(premium: boolean): void;
  /** Invalidates every delta and delta-paging token issued so far (next use answers like an expired token). */
  expireDeltaTokens(): void;
}

/** A `Retry-After` to send: seconds (fractional allowed), an HTTP date `seconds` from now, or no header at all. */
export type RetryAfterSpec = number | { httpDateInSeconds: number } | null;

/** Which requests a fault applies to. All conditions must hold. */
export interface FaultMatch {
  /** Regular expression (source text) tested against the request path (without query), e.g. `^/v1.0/users`. */
  pathPattern?: string;
  /** Tenant id (from the token for Graph, from the path for identity requests). */
  tenantId?: string;
  /** Default `graph`. */
  target?: 'graph' | 'identity' | 'any';
}

/** Fire for each of the next `next` matching requests, or for a `rate` share of them (0–1) until removed. */
export interface FaultTrigger {
  next?: number;
  rate?: number;
}

export interface ThrottleFault extends FaultMatch, FaultTrigger {
  /** Default 1 (second). */
  retryAfter?: RetryAfterSpec;
}

export interface ServerErrorFault extends FaultMatch, FaultTrigger {
  /** Default 503. */
  status?: 500 | 502 | 503 | 504;
  retryAfter?: RetryAfterSpec;
}

export interface LatencyFault extends FaultMatch, FaultTrigger {
  ms: number;
}

export type ConnectionResetFault = FaultMatch & FaultTrigger;

/**
 * A licensed tenant answered as if it had no Entra ID P1/P2: 403
 * `Authentication_RequestFromNonPremiumTenantOrB2CTenant`, as Microsoft's licence check has been reported to do
 * intermittently (https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/3033). Only audit and
 * report requests (sign-ins, registration details, signInActivity) are refused; a `pathPattern` narrows further.
 */
export type LicenceRefusalFault = FaultMatch & FaultTrigger;

/**
 * A recorded Graph answer (test/fixtures/recorded/, or one `doctor --record` saved from a real tenant) served instead
 * of the simulated one, so the product's sync engines can be run on Microsoft's own response shapes. Absolute links
 * to `https://graph.microsoft.com` in the body are pointed at the simulator, so the client follows them here.
 */
export interface RecordedAnswer extends FaultMatch, FaultTrigger {
  /** Default 200. */
  status?: number;
  body: unknown;
}

/**
 * How an expired delta token is answered: 400 `syncStateNotFound`, 410 `resyncRequired` with `Location` (both
 * documented), or `undocumented`: 400 `Directory_ExpiredPageToken`, a code Microsoft's delta documentation does not
 * list ("a 40X-series error with error codes such as syncStateNotFound",
 * https://learn.microsoft.com/en-us/graph/delta-query-overview) but directory page tokens are seen to expire with
 * (https://github.com/microsoftgraph/msgraph-sdk-java/issues/368).
 */
export type DeltaExpiryMode = '400' | '410' | 'undocumented';

export interface RealisticThrottlingOptions {
  /** Reports tier (sign-ins, registration details, signInActivity): requests per window per app per tenant. Default 5. */
  reportsRequestsPerWindow?: number;
  /** Default 10,000 ms. */
  reportsWindowMs?: number;
  /** Identity tier token bucket (resource units per 10 s); default by tenant size: 3,500 / 5,000 / 8,000. */
  identityResourceUnitsPer10s?: number;
  /**
   * How long the identity tier's bucket takes to refill from empty; default 10,000 ms, Graph's. Shorter only for a
   * test that needs throttled items without waiting Graph's real seconds (Retry-After stays at least 1 s).
   */
  identityWindowMs?: number;
  /** Identity tier write quota per app and tenant: writes per window; default Microsoft's 3,000 per 150 s. */
  identityWritesPerWindow?: number;
  /** Default 150,000 ms (2 minutes 30 seconds). */
  identityWriteWindowMs?: number;
}

export interface FaultInjector {
  throttle(fault: ThrottleFault): string;
  serverError(fault: ServerErrorFault): string;
  connectionReset(fault: ConnectionResetFault): string;
  latency(fault: LatencyFault): string;
  /** Transient licence 403s on audit and report requests. */
  licenceRefusal(fault: LicenceRefusalFault): string;
  /** Answers matching requests with a recorded body (in the order added, when several match). */
  recordedAnswer(answer: RecordedAnswer): string;
  /** Removes one fault by the id its creator returned. */
  remove(faultId: string): boolean;
  /** Removes every fault and turns realistic throttling off. */
  clear(): void;
  deltaExpiryMode: DeltaExpiryMode;
  /**
   * Delta pages replay part of the page before: the same user, or a group's same member references, twice in a
   * round, as Microsoft warns a delta round may ("expect replays", the delta query overview).
   */
  deltaReplay: boolean;
  /** Issue app-only tokens that are not JWTs (Microsoft says clients must treat access tokens as opaque). */
  opaqueAppTokens: boolean;
  /** Delay (ms) before an admin consent reaches new tokens and role assignments. Default 0. */
  consentPropagationMs: number;
  /** Expires every delta token issued so far, in one tenant or all (same as `SimTenant.expireDeltaTokens`). */
  expireDeltaTokens(tenantId?: string): void;
  /** Enforce Graph's reports tier and identity tier limits (429 with Retry-After). Off by default. */
  setRealisticThrottling(enabled: boolean, options?: RealisticThrottlingOptions): void;
  readonly realisticThrottling: boolean;
}

/** A request that arrived before a Retry-After given to the same app and tenant had passed. */
export interface RetryAfterViolation {
  readonly tenantId: string;
  readonly appId: string;
  readonly method: string;
  readonly path: string;
  readonly arrivedAt: string;
  /** When the 429/503 carrying the Retry-After was written. */
  readonly throttledAt: string;
  readonly notBefore: string;
  readonly earlyByMs: number;
}

export interface SimStatsSnapshot {
  readonly totalRequests: number;
  /** `METHOD /route` → count, e.g. `GET /v1.0/users/delta`. */
  readonly requestsByEndpoint: Readonly<Record<string, number>>;
  /** tenant id → (`METHOD /route` → count). Identity requests for unknown tenants count under the name used. */
  readonly requestsByTenant: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Requests carrying `Retry-Attempt` (graph-client retries). */
  readonly retriesSeen: number;
  /** 429 answers sent (faults and realistic throttling). */
  readonly throttledResponses: number;
  readonly retryAfterViolations: readonly RetryAfterViolation[];
}

/** One request as it arrived, kept while `SimStats.recordRequests` is on. */
export interface RecordedRequest {
  /** `METHOD /route`, as in `requestsByEndpoint` (`GET /v1.0/users/delta`, `POST /{tenant}/oauth2/v2.0/token`). */
  readonly endpoint: string;
  /**
   * Query parameters (Graph) or form fields (the token request) by name. Values are as sent, except those that
   * carry state or secrets — `$skiptoken`, `$deltatoken`, `client_id`, `client_secret`, `client_assertion` — which
   * read `…`.
   */
  readonly options: Readonly<Record<string, string>>;
}

export interface SimStats {
  readonly totalRequests: number;
  readonly retriesSeen: number;
  readonly throttledResponses: number;
  readonly retryAfterViolations: readonly RetryAfterViolation[];
  /** `METHOD /route` → count, for one tenant or all. */
  requestsByEndpoint(tenantId?: string): Readonly<Record<string, number>>;
  snapshot(): SimStatsSnapshot;
  /** Starts (or stops) keeping every request's endpoint and options, for tests that check what a client sends. */
  recordRequests(on: boolean): void;
  /** The requests kept since recording started (or the last reset). */
  recordedRequests(): readonly RecordedRequest[];
  reset(): void;
}

export interface SimLogger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
}

export interface SimulatorOptions {
  /** CA, server certificate and token-signing key are kept here (created on first start, reused after). */
  dataDir: string;
  /** 0 = pick a free port (default). */
  port?: number;
  /** Listen address. Default 127.0.0.1; the certificate is valid for localhost and 127.0.0.1. */
  host?: string;
  tenants?: readonly TenantSpec[];
  /** Added to every Graph and identity response. */
  latencyMs?: number;
  /** Simulated clock (default real time). Sign-ins are generated relative to it; tokens use real time. */
  now?: () => Date;
  logger?: SimLogger;
  /** The product's multi-tenant app (admin consent). */
  multiTenantApp?: MultiTenantAppSpec;
  /**
   * Enforce Graph's documented throttling limits from the start (429 with Retry-After): reports tier, signInActivity
   * and identity tier (https://learn.microsoft.com/en-us/graph/throttling-limits). Default false; the control API
   * and `faults.setRealisticThrottling` switch it at any time.
   */
  realisticThrottling?: boolean;
  /** Max `$top` when `signInActivity` is selected. Default 500. */
  signInActivityMaxTop?: number;
  /** Delta token lifetime. Default 7 days. */
  deltaTokenLifetimeMs?: number;
  /** Objects per `/users/delta` page. Default 200. */
  deltaPageSize?: number;
  /** Member references per `/groups/delta` page before a group is split over several pages. Default 1,000. */
  deltaMembersPerPage?: number;
  /** Seed for rate-based faults. Default 1. */
  faultSeed?: number;
  /** Delay (ms) before an admin consent reaches new tokens (see `FaultInjector.consentPropagationMs`). Default 0. */
  consentPropagationMs?: number;
}

/** Admin-consent outcome when the request does not choose one (`sim_consent=granted|declined`). */
export type AdminConsentDecision = 'granted' | 'declined';

export interface UserTokenClaims {
  tenantId: string;
  oid: string;
  upn: string;
  name?: string;
  /** The tab app's client id or `api://host/{clientId}`. */
  audience: string;
  /** Default `access_as_user`. */
  scp?: string;
  /** Default 3600. */
  expiresInSeconds?: number;
}

export interface Simulator {
  /** e.g. `https://localhost:PORT` — ClientSecretCredential's `authorityHost`. */
  readonly authorityHost: string;
  /** e.g. `https://localhost:PORT` — graph-client `baseUrl`; paths are `/v1.0/…` and `/beta/…`. */
  readonly graphBaseUrl: string;
  /** `localhost` — for graph-client `customHosts` (hostname without port). */
  readonly graphHostName: string;
  readonly port: number;
  readonly caCertPath: string;
  readonly caCertPem: string;
  /** `https://localhost:PORT/_control` (loopback only). */
  readonly controlUrl: string;
  addTenant(spec: TenantSpec): SimTenant;
  /** A tenant by id or domain; throws if unknown. */
  tenant(tenantIdOrDomain: string): SimTenant;
  tenants(): readonly SimTenant[];
  readonly faults: FaultInjector;
  readonly stats: SimStats;
  /** Registers (or replaces) the product's multi-tenant app. */
  registerMultiTenantApp(app: MultiTenantAppSpec): void;
  /** Outcome of admin consent when the request does not say (default `granted`). */
  adminConsentDecision: AdminConsentDecision;
  /** Moves the simulated clock forward (on top of `now`). */
  advanceClock(ms: number): void;
  /** The simulated now. */
  now(): Date;
  /** A v2 delegated token (tab SSO) signed with the simulator's key; its JWKS is at `/{tenant}/discovery/v2.0/keys`. */
  issueUserToken(claims: UserTokenClaims): Promise<string>;
  close(): Promise<void>;
}
