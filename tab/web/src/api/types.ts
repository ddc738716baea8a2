/**
 * The JSON the tab API answers, as the screens read it. These mirror the core's views (src/services) without
 * importing them: the browser bundle must not pull in server code.
 */

export type RoleName = 'partner_admin' | 'client_admin' | 'viewer';

export interface Me {
  readonly name: string | null;
  readonly tenantId: string;
  readonly objectId: string;
  readonly grants: readonly { readonly role: RoleName; readonly clientScope: string }[];
  readonly isPartnerAdmin: boolean;
  readonly clients: readonly ClientRef[];
}

export interface ClientRef {
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
}

export interface LastSync {
  readonly kind: string;
  readonly trigger: string;
  /** `running`, `succeeded` or `failed`. */
  readonly status: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly error: string | null;
}

/** What every screen of a client shows on top: name and connection (no counts). */
export interface ClientHeader {
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
  /** `not connected`, `connected` or `error`. */
  readonly integration: string;
  readonly tenantId: string | null;
  readonly organizationName: string | null;
  /**
   * Whether the tenant's activity has been read: `unknown` — "reading activity…", nobody expired yet, billable not
   * final; `unavailable` — no Entra ID P1/P2, nobody expires. Null without an integration.
   */
  readonly activityData: 'unknown' | 'available' | 'unavailable' | null;
}

/** A client on the partner view: its header, counts, last sync and problems. */
export interface ClientStatus extends ClientHeader {
  readonly users: number;
  readonly groups: number;
  readonly lastSync: LastSync | null;
  readonly billable: number | null;
  /** Open problems, in words (sync failing, permission missing, secret expiring…). */
  readonly problems: readonly string[];
}

export type CollectionState = 'not_imported' | 'imported' | 'disabled';
export type DisableReason = 'manual' | 'excluded_group' | 'deleted_in_entra';

export interface UserView {
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  readonly mail: string | null;
  readonly userType: string | null;
  readonly guest: boolean;
  /** A `#EXT#` account that Entra classifies as a member: billable like one, shown so it can be excluded knowingly. */
  readonly externalMember: boolean;
  readonly accountEnabled: boolean;
  readonly department: string | null;
  readonly jobTitle: string | null;
  readonly entraState: 'active' | 'soft_deleted' | 'deleted';
  readonly state: CollectionState;
  readonly disableReason: DisableReason | null;
  readonly importedAt: string | null;
  readonly lastActivity: { readonly at: string; readonly source: string; readonly app: string | null } | null;
  readonly expired: boolean;
  readonly expiredSince: string | null;
  readonly expiry: {
    readonly status: string;
    readonly explanation: string;
    readonly expiresAt: string | null;
  };
  readonly billable: boolean;
  readonly eligibility:
    | { readonly eligible: true }
    | {
        readonly eligible: false;
        readonly reason: string;
        readonly explanation: string;
        readonly group?: { readonly id: string; readonly displayName: string | null };
      };
  /** Group members only: a direct member (not through a nested group). */
  readonly direct?: boolean;
}

export interface UserPage {
  readonly items: readonly UserView[];
  readonly nextCursor: string | null;
  readonly total: number | null;
}

export interface GroupView {
  readonly id: string;
  readonly displayName: string | null;
  readonly description: string | null;
  readonly mail: string | null;
  readonly kind: 'security' | 'microsoft365' | 'distribution' | 'mail_enabled_security';
  readonly dynamic: boolean;
  readonly isTeam: boolean;
  readonly entraState: string;
  readonly excluded: { readonly at: string; readonly by: string | null } | null;
  readonly reportingEnabled: boolean;
  readonly counts: {
    readonly directUsers: number;
    readonly directGroups: number;
    readonly transitiveUsers: number;
  };
}

export interface GroupPage {
  readonly items: readonly GroupView[];
  readonly total: number;
}

export interface ExclusionPreview {
  readonly token: string;
  readonly expiresAt: string;
  readonly group: GroupView;
  readonly alreadyExcluded: boolean;
  readonly affected: { readonly count: number; readonly sample: readonly UserView[] };
  readonly billable: ExclusionBillable;
  readonly figures: ExclusionFigures;
}

export interface ExclusionBillable {
  readonly before: number;
  readonly after: number;
  readonly basis: 'current' | 'projected';
  readonly readingActivity: boolean;
}

/** Rule 6's figures in words, worded by the server so the tab, the bot and the CLI show them the same way. */
export interface ExclusionFigures {
  readonly facts: readonly { readonly label: string; readonly value: string }[];
  readonly note: string | null;
}

export interface ExclusionResult {
  readonly group: GroupView;
  readonly excludedNow: boolean;
  readonly disabledUsers: number;
  readonly forgottenUsers: number;
  readonly billable: ExclusionBillable;
  readonly figures: ExclusionFigures;
}

export interface GroupMembersPage {
  readonly group: GroupView;
  readonly items: readonly UserView[];
  readonly nextCursor: string | null;
}

export interface CollectionCounts {
  readonly totalUsers: number;
  readonly imported: number;
  readonly notImported: number;
  readonly disabled: number;
  readonly disabledManual: number;
  readonly disabledExcludedGroup: number;
  readonly disabledDeletedInEntra: number;
  readonly expired: number;
  readonly guests: number;
  readonly billable: number;
}

export interface BillingSummary {
  readonly clientId: string;
  readonly clientName: string;
  readonly counts: CollectionCounts;
  readonly thresholdDays: number;
  readonly activityData: 'unknown' | 'available' | 'unavailable';
  readonly importStartedAt: string | null;
}

export interface BillingSnapshot {
  readonly day: string;
  readonly totalUsers: number;
  readonly imported: number;
  readonly disabled: number;
  readonly expired: number;
  readonly guests: number;
  readonly billable: number;
  readonly takenAt: string;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly actor: { readonly tenantId: string; readonly objectId: string; readonly name: string | null };
  readonly channel: string;
  readonly clientId: string | null;
  readonly clientName: string | null;
  readonly action: string;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly before: unknown;
  readonly after: unknown;
}

export interface AuditPage {
  readonly items: readonly AuditEntry[];
  readonly nextBefore: number | null;
}

export interface SyncProgress {
  readonly pages?: number;
  readonly users?: number;
  readonly groups?: number;
  readonly requests?: number;
  readonly phase?: string;
}

export interface SyncRunView {
  readonly id: number;
  readonly kind: string;
  readonly trigger: string;
  /** `running`, `succeeded` or `failed`. */
  readonly status: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly progress: SyncProgress;
  readonly error: { readonly code: string | null; readonly message: string | null } | null;
  readonly counts?: {
    readonly usersAdded: number;
    readonly usersUpdated: number;
    readonly usersRemoved: number;
    readonly groupsAdded: number;
    readonly groupsUpdated: number;
    readonly groupsRemoved: number;
    readonly graphRequests: number;
  };
}

export interface SyncStatus {
  readonly running: SyncRunView | null;
  readonly last: SyncRunView | null;
  readonly connected: boolean;
}

export interface PermissionCheck {
  readonly name: string;
  readonly passed: boolean;
  readonly reason: string;
}

export interface VerifiedDomain {
  readonly name: string;
  readonly isDefault: boolean;
  readonly isInitial: boolean;
}

export interface IntegrationView {
  readonly clientId: string;
  readonly clientName: string;
  readonly kind: 'client_credentials' | 'admin_consent';
  readonly tenantId: string;
  readonly tenantInput: string;
  readonly appClientId: string;
  readonly secret: { readonly set: boolean; readonly expiresAt: string | null; readonly text: string };
  readonly organizationName: string | null;
  readonly verifiedDomains: readonly VerifiedDomain[];
  readonly permissionChecks: readonly PermissionCheck[];
  readonly activityData: 'unknown' | 'available' | 'unavailable';
  readonly status: 'connected' | 'error';
  readonly statusMessage: string | null;
  readonly importStartedAt: string | null;
  readonly expiryThresholdDays: number;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
}

export interface ConnectionOutcome {
  readonly integration: IntegrationView;
  readonly checks: readonly PermissionCheck[];
  readonly organization: {
    readonly tenantId: string;
    readonly displayName: string | null;
    readonly verifiedDomains: readonly VerifiedDomain[];
  };
}

export interface ConnectionTestResult {
  readonly passed: boolean;
  readonly checks: readonly PermissionCheck[];
  readonly integration: IntegrationView;
}

export type ReportKind = 'usage' | 'sso' | 'mfa' | 'billing';
export type SsoMode = 'saml' | 'oidc' | 'password' | 'none';

export interface ReportFilterOptions {
  readonly groups: readonly {
    readonly id: string;
    readonly displayName: string | null;
    readonly members: number;
  }[];
  readonly departments: readonly { readonly department: string; readonly users: number }[];
}

export interface ReportHeader {
  readonly kind: ReportKind;
  readonly title: string;
  readonly period: { readonly from: string; readonly to: string; readonly days: number };
  readonly usersInScope: number | null;
  /** Whom the sign-in figures cover (users enabled for data collection); null on the billing report. */
  readonly coverage: string | null;
  readonly generatedAt: string;
  readonly signInData: {
    readonly state: string;
    readonly source: string | null;
    readonly newestSignInAt: string | null;
    readonly message: string | null;
  };
  readonly definitions: readonly string[];
  readonly notes: readonly string[];
}

export interface ReportUser {
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  readonly department: string | null;
}

export interface UsageReport {
  readonly kind: 'usage';
  readonly header: ReportHeader;
  readonly totals: {
    readonly applications: number;
    readonly signIns: number;
    readonly successfulSignIns: number;
    readonly failedSignIns: number;
    readonly activeUsers: number;
  };
  readonly applications: readonly {
    readonly appId: string;
    readonly appName: string;
    readonly ssoMode: SsoMode | null;
    readonly activeUsers: number;
    readonly signIns: number;
    readonly successfulSignIns: number;
    readonly failedSignIns: number;
    readonly lastSeenAt: string | null;
  }[];
  readonly daily: readonly {
    readonly day: string;
    readonly signIns: number;
    readonly successfulSignIns: number;
    readonly failedSignIns: number;
    readonly activeUsers: number;
  }[];
}

export interface SsoReport {
  readonly kind: 'sso';
  readonly header: ReportHeader;
  readonly totals: {
    readonly enterpriseApplications: number;
    readonly bySsoMode: Readonly<Record<SsoMode, number>>;
    readonly usedApplications: number;
    readonly usedBySsoMode: Readonly<Record<SsoMode, number>>;
    readonly appSignIns: number;
    readonly ssoSignIns: number;
    readonly ssoShare: number | null;
    readonly usersWithAppSignIns: number;
    readonly usersFullyOnSso: number;
  };
  readonly applications: readonly {
    readonly appId: string;
    readonly appName: string;
    readonly ssoMode: SsoMode | null;
    readonly entraSso: boolean;
    readonly used: boolean;
    readonly successfulSignIns: number;
    readonly activeUsers: number;
  }[];
  readonly users: readonly (ReportUser & {
    readonly appSignIns: number;
    readonly ssoSignIns: number;
    readonly ssoShare: number;
    readonly nonSsoApps: readonly string[];
  })[];
}

export interface MfaReport {
  readonly kind: 'mfa';
  readonly header: ReportHeader;
  readonly registration: {
    readonly users: number;
    readonly withRegistrationData: number;
    readonly mfaRegistered: number;
    readonly mfaCapable: number;
    readonly notRegistered: number;
    readonly registeredShare: number | null;
    readonly capableShare: number | null;
    readonly methods: readonly { readonly method: string; readonly users: number }[];
    readonly syncedAt: string | null;
  };
  readonly signIns: {
    readonly known: boolean;
    readonly successfulSignIns: number;
    readonly mfaSignIns: number;
    readonly singleFactorSignIns: number;
    readonly mfaShare: number | null;
  };
  readonly gaps: {
    readonly notRegistered: readonly ReportUser[];
    readonly notCapable: readonly ReportUser[];
    readonly noRegistrationData: readonly ReportUser[];
    readonly singleFactorSignIns: readonly (ReportUser & {
      readonly singleFactorSignIns: number;
      readonly successfulSignIns: number;
    })[];
  };
}

export interface BillingReport {
  readonly kind: 'billing';
  readonly header: ReportHeader;
  readonly current: {
    readonly totalUsers: number;
    readonly imported: number;
    readonly notImported: number;
    readonly disabled: number;
    readonly disabledByReason: {
      readonly manual: number;
      readonly excludedGroup: number;
      readonly deletedInEntra: number;
    };
    readonly expired: number;
    readonly guests: number;
    readonly billable: number;
  };
  readonly expiry: {
    readonly thresholdDays: number;
    readonly activityData: string;
    readonly message: string | null;
  };
  readonly history: readonly {
    readonly day: string;
    readonly totalUsers: number;
    readonly imported: number;
    readonly disabled: number;
    readonly expired: number;
    readonly guests: number;
    readonly billable: number;
  }[];
}

export type AnyReport = UsageReport | SsoReport | MfaReport | BillingReport;
