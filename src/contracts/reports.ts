import type {
  ActivityDataState,
  AppClass,
  CollectionState,
  DisableReason,
  SsoMode,
} from '../domain/vocabulary.js';

/** The four reports of DESIGN rule 10. */
export type ReportKind = 'usage' | 'sso' | 'mfa' | 'billing';

/** Whether the report could use sign-in data, and what to tell the reader if not. */
export interface SignInDataStatus {
  /** `available`: sign-ins are read; `unavailable`: the tenant has no Entra ID P1/P2; `unknown`: not read yet. */
  readonly state: ActivityDataState;
  /** Where the sign-ins come from: `beta` (MFA per sign-in known) or `v1.0` (interactive only, MFA unknown). */
  readonly source: 'beta' | 'v1.0' | null;
  /** Newest sign-in ingested (ISO), null before the first. */
  readonly newestSignInAt: string | null;
  /** A sentence for the reader when the figures are incomplete (always set when `state` is not `available`). */
  readonly message: string | null;
  /**
   * While the first read of the tenant's sign-in history runs: how many of its days are read so far (newest day
   * first), and the first day read in full (`YYYY-MM-DD`, UTC; the days before it are not read yet, so they are not
   * days without sign-ins, and a report's days start there); null otherwise. The figures are partial until it ends.
   */
  readonly backfill: {
    readonly daysRead: number;
    readonly daysTotal: number;
    readonly fromDay: string;
  } | null;
}

/** The part every report shares: what it is about and how to read it. */
export interface ReportHeader {
  readonly kind: ReportKind;
  readonly title: string;
  readonly client: { readonly id: string; readonly name: string; readonly displayName: string };
  readonly period: { readonly from: string; readonly to: string; readonly days: number };
  readonly filters: {
    readonly group: { readonly id: string; readonly displayName: string | null } | null;
    readonly department: string | null;
  };
  /** Directory users within the filters; null when the report is not filtered. */
  readonly usersInScope: number | null;
  /**
   * Whom the sign-in figures cover, in one line: the users enabled for data collection (rule 10). Null for the
   * users and billing report, which covers every directory user.
   */
  readonly coverage: string | null;
  readonly generatedAt: string;
  readonly signInData: SignInDataStatus;
  /** The definitions behind the figures, in words. */
  readonly definitions: readonly string[];
  /** Anything else the reader should know (limits of a filter, data not synced yet). */
  readonly notes: readonly string[];
}

/** A user named in a report. Name and UPN come from the directory copy, else from the user's sign-ins. */
export interface ReportUser {
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  readonly department: string | null;
}

// -------------------------------------------------------------------------------------- application usage ---

export interface ApplicationUsageRow {
  readonly appId: string;
  readonly appName: string;
  readonly servicePrincipalId: string | null;
  /** The application's SSO mode, null when no service principal is known. */
  readonly ssoMode: SsoMode | null;
  readonly appClass: AppClass;
  /** Users with at least one successful sign-in to the app in the period. */
  readonly activeUsers: number;
  readonly signIns: number;
  readonly successfulSignIns: number;
  readonly failedSignIns: number;
  /** First and last sign-in ever ingested for the app (application discovery), ISO. */
  readonly firstSeenAt: string | null;
  readonly lastSeenAt: string | null;
}

export interface DailyUsageRow {
  readonly day: string;
  readonly signIns: number;
  readonly successfulSignIns: number;
  readonly failedSignIns: number;
  readonly activeUsers: number;
}

export interface DailyAppUsageRow {
  readonly day: string;
  readonly appId: string;
  readonly appName: string;
  readonly signIns: number;
  readonly successfulSignIns: number;
  readonly activeUsers: number;
}

export interface ApplicationUsageReport {
  readonly kind: 'usage';
  readonly header: ReportHeader;
  readonly totals: {
    readonly applications: number;
    readonly signIns: number;
    readonly successfulSignIns: number;
    readonly failedSignIns: number;
    /** Users with at least one successful sign-in to any application in the period. */
    readonly activeUsers: number;
  };
  /** Applications with sign-ins in the period: most active users first. */
  readonly applications: readonly ApplicationUsageRow[];
  /** Every day of the period, zeros included, oldest first; while the history is read, from `signInData.backfill.fromDay`. */
  readonly daily: readonly DailyUsageRow[];
  /** Per day and application, only where there were sign-ins. */
  readonly dailyByApp: readonly DailyAppUsageRow[];
}

// ------------------------------------------------------------------------------------------- SSO coverage ---

export interface SsoApplicationRow {
  readonly appId: string;
  readonly appName: string;
  /** Null for an application seen in sign-ins without a known service principal. */
  readonly servicePrincipalId: string | null;
  /** Null when no service principal is known. */
  readonly ssoMode: SsoMode | null;
  /** SAML or OpenID Connect: sign-ins to it count as SSO. */
  readonly entraSso: boolean;
  readonly accountEnabled: boolean | null;
  /** Had successful sign-ins in the period (within the filters). */
  readonly used: boolean;
  readonly successfulSignIns: number;
  readonly activeUsers: number;
}

export interface SsoUserRow extends ReportUser {
  /** Successful sign-ins to enterprise applications in the period. */
  readonly appSignIns: number;
  readonly ssoSignIns: number;
  readonly nonSsoSignIns: number;
  /** ssoSignIns / appSignIns (0–1). */
  readonly ssoShare: number;
  /** Enterprise applications the user signed in to without Entra SSO, by name. */
  readonly nonSsoApps: readonly string[];
}

export interface SsoCoverageReport {
  readonly kind: 'sso';
  readonly header: ReportHeader;
  readonly totals: {
    readonly enterpriseApplications: number;
    readonly bySsoMode: Readonly<Record<SsoMode, number>>;
    readonly usedApplications: number;
    readonly usedBySsoMode: Readonly<Record<SsoMode, number>>;
    readonly appSignIns: number;
    readonly ssoSignIns: number;
    /** Share of all users' enterprise-app sign-ins that went through Entra SSO; null without any. */
    readonly ssoShare: number | null;
    readonly usersWithAppSignIns: number;
    /** Users whose every enterprise-app sign-in went through Entra SSO. */
    readonly usersFullyOnSso: number;
    /** Sign-ins to applications without a known service principal (not in the share). */
    readonly unknownAppSignIns: number;
  };
  /** Enterprise applications (used ones first), then applications seen without a service principal. */
  readonly applications: readonly SsoApplicationRow[];
  /** Users with enterprise-app sign-ins, lowest SSO share first. */
  readonly users: readonly SsoUserRow[];
}

// ------------------------------------------------------------------------------------------- MFA coverage ---

export type MfaGap = 'not_registered' | 'not_capable' | 'no_registration_data' | 'single_factor_sign_ins';

export interface MfaUserRow extends ReportUser {
  readonly isAdmin: boolean | null;
  /** Null when the tenant's registration details have no row for the user. */
  readonly mfaRegistered: boolean | null;
  readonly mfaCapable: boolean | null;
  readonly methods: readonly string[];
  readonly successfulSignIns: number;
  readonly mfaSignIns: number;
  readonly singleFactorSignIns: number;
  /** mfaSignIns / (mfaSignIns + singleFactorSignIns), null when unknown. */
  readonly mfaShare: number | null;
  readonly gaps: readonly MfaGap[];
}

export interface MfaCoverageReport {
  readonly kind: 'mfa';
  readonly header: ReportHeader;
  readonly registration: {
    /** Enabled member accounts present in Entra, within the filters: the population of this report. */
    readonly users: number;
    readonly withRegistrationData: number;
    readonly mfaRegistered: number;
    readonly mfaCapable: number;
    readonly passwordlessCapable: number;
    readonly notRegistered: number;
    readonly notCapable: number;
    readonly noRegistrationData: number;
    /** mfaRegistered / withRegistrationData. */
    readonly registeredShare: number | null;
    readonly capableShare: number | null;
    /** Users per registered method, most used first. */
    readonly methods: readonly { readonly method: string; readonly users: number }[];
    /** When the registration details were last read, null if never. */
    readonly syncedAt: string | null;
  };
  readonly signIns: {
    /** False when the sign-ins come from v1.0 (no MFA detail) or are unavailable. */
    readonly known: boolean;
    readonly successfulSignIns: number;
    readonly mfaSignIns: number;
    readonly singleFactorSignIns: number;
    /** Successful sign-ins without MFA detail (read from v1.0). */
    readonly unknownRequirement: number;
    readonly mfaShare: number | null;
  };
  /** The named users behind every gap. */
  readonly gaps: {
    readonly notRegistered: readonly ReportUser[];
    readonly notCapable: readonly ReportUser[];
    readonly noRegistrationData: readonly ReportUser[];
    readonly singleFactorSignIns: readonly (ReportUser & {
      readonly singleFactorSignIns: number;
      readonly successfulSignIns: number;
    })[];
  };
  /** Every user of the population, those with gaps first. */
  readonly users: readonly MfaUserRow[];
}

// -------------------------------------------------------------------------------------- users and billing ---

export interface BillingUserRow extends ReportUser {
  readonly userType: string | null;
  readonly guest: boolean;
  readonly accountEnabled: boolean;
  readonly entraState: string;
  readonly state: CollectionState;
  readonly disableReason: DisableReason | null;
  readonly expired: boolean;
  readonly billable: boolean;
  readonly lastActivityAt: string | null;
  readonly lastActivityApp: string | null;
  /** Rule 8's sentence: "last successful sign-in 2026-10-02 (Salesforce), 55 days ago; threshold 30". */
  readonly expiryExplanation: string;
}

export interface BillingHistoryRow {
  readonly day: string;
  readonly totalUsers: number;
  readonly imported: number;
  readonly disabled: number;
  readonly expired: number;
  readonly guests: number;
  readonly billable: number;
}

export interface UsersBillingReport {
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
    /** Imported and not expired, but with sign-in blocked in Entra: not billable while blocked (rule 9). */
    readonly blockedInEntra: number;
    readonly guests: number;
    readonly billable: number;
  };
  readonly expiry: {
    readonly thresholdDays: number;
    readonly activityData: ActivityDataState;
    /** "activity unknown" wording when nobody can expire. */
    readonly message: string | null;
  };
  /** Daily billable snapshots in the period (client-wide: snapshots are not kept per group or department). */
  readonly history: readonly BillingHistoryRow[];
  /** Every user within the filters, by name. */
  readonly users: readonly BillingUserRow[];
}

export type Report = ApplicationUsageReport | SsoCoverageReport | MfaCoverageReport | UsersBillingReport;

/** What the report filters offer for a client: its reporting groups and its departments. */
export interface ReportFilterOptions {
  readonly groups: readonly {
    readonly id: string;
    readonly displayName: string | null;
    readonly members: number;
  }[];
  readonly departments: readonly { readonly department: string; readonly users: number }[];
}
