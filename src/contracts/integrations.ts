import type { ActivityDataState, IntegrationKind } from '../domain/vocabulary.js';

import type { MonthlyAmount } from './licences.js';
/**
 * One line of a connection check, as the admin sees it. `name` is the line's label (`Sign in`,
 * `Permission User.Read.All`, `Read organization`); a line that checks a Microsoft Graph application permission
 * names it in `permission`, which is what code reads (never the label).
 */
export interface PermissionCheck {
  readonly name: string;
  /** The Graph application permission this line checks; absent for the sign-in and organization lines. */
  readonly permission?: string;
  readonly passed: boolean;
  readonly reason: string;
}

/** A domain verified in the client's tenant. */
export interface VerifiedDomain {
  readonly name: string;
  readonly isDefault: boolean;
  readonly isInitial: boolean;
}

/** An integration as people see it: never the secret, only whether one is set and until when. */
export interface IntegrationView {
  readonly clientId: string;
  readonly clientName: string;
  readonly kind: IntegrationKind;
  readonly tenantId: string;
  readonly tenantInput: string;
  readonly appClientId: string;
  readonly secret: { readonly set: boolean; readonly expiresAt: string | null; readonly text: string };
  readonly organizationName: string | null;
  readonly verifiedDomains: readonly VerifiedDomain[];
  readonly permissionChecks: readonly PermissionCheck[];
  readonly activityData: ActivityDataState;
  readonly status: 'connected' | 'error';
  readonly statusMessage: string | null;
  /** When the initial import started (rule 2); null while the admin is still reviewing groups. */
  readonly importStartedAt: string | null;
  readonly expiryThresholdDays: number;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
}

/** The outcome of a connection (or re-check): every check, and the integration when it was saved. */
export interface ConnectionOutcome {
  readonly integration: IntegrationView;
  readonly checks: readonly PermissionCheck[];
  /** The tenant as Microsoft Graph describes it. */
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

/** What changing the expiry threshold would do now (rule 8), before it is set: nothing changes. */
export interface ExpiryThresholdPreview {
  readonly currentDays: number;
  readonly thresholdDays: number;
  /** Users past the new threshold who are not past the current one (no longer billed once it is set). */
  readonly newlyExpired: number;
  /** Users expired now who would not be under the new threshold (billed again). */
  readonly noLongerExpired: number;
  /** What the newly expired users' licences cost a month at the partner's prices; null where none is priced. */
  readonly newlyExpiredLicenceCost: MonthlyAmount | null;
}

/** A consent link copied for a client's own admin and still open (not used, revoked or expired). */
export interface ConsentLinkView {
  readonly createdAt: string;
  readonly expiresAt: string;
  /** Who copied it (their display name), when known. */
  readonly createdBy: string | null;
  /** The tenant as the admin named it, and the tenant id it must come back for. */
  readonly tenant: string;
  readonly tenantId: string;
}
