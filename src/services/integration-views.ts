import type { PermissionCheck, OrganizationInfo } from '../graph/permission-check.js';
import type { IntegrationRecord } from '../store/integration-repository.js';

// The answers of the integration use cases, as the bot, the tab and the CLI show them.

/** An integration as people see it: never the secret, only whether one is set and until when. */
export interface IntegrationView {
  readonly clientId: string;
  readonly clientName: string;
  readonly kind: 'client_credentials' | 'admin_consent';
  readonly tenantId: string;
  readonly tenantInput: string;
  readonly appClientId: string;
  readonly secret: { readonly set: boolean; readonly expiresAt: string | null; readonly text: string };
  readonly organizationName: string | null;
  readonly verifiedDomains: IntegrationRecord['verifiedDomains'];
  readonly permissionChecks: IntegrationRecord['permissionChecks'];
  readonly activityData: IntegrationRecord['activityData'];
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
  readonly organization: OrganizationInfo;
}

export interface ConnectionTestResult {
  readonly passed: boolean;
  readonly checks: readonly PermissionCheck[];
  readonly integration: IntegrationView;
}
