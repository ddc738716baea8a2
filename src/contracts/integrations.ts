import type { ActivityDataState, IntegrationKind } from '../domain/vocabulary.js';

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
