/**
 * The JSON the tab API answers, as the screens read it: the core's views (src/contracts), imported as types only so
 * that the browser bundle carries none of the server's code and a renamed field breaks this build's typecheck.
 */
export type * from '../../../../src/contracts/index.js';
import type { ActivityDataState, IntegrationKind, PermissionCheck } from '../../../../src/contracts/index.js';

// The integration views stay restated here until src/services/integration-service.ts is split (issue 15, step 3).

export interface VerifiedDomain {
  readonly name: string;
  readonly isDefault: boolean;
  readonly isInitial: boolean;
}

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
