import type { AppClass, SsoMode } from './vocabulary.js';

/**
 * How the SSO coverage report (DESIGN rule 10) sorts applications. The definition, in words, is
 * {@link SSO_SHARE_DEFINITION}; the report prints it next to its figures.
 */

/** Tenants that own Microsoft's first-party services (`appOwnerOrganizationId`). */
export const MICROSOFT_OWNER_TENANT_IDS: ReadonlySet<string> = new Set([
  'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
  '72f988bf-86f1-41af-91ab-2d7cd011db47',
]);

export interface ServicePrincipalFacts {
  readonly preferredSingleSignOnMode: string | null;
  readonly servicePrincipalType: string | null;
  readonly appOwnerOrganizationId: string | null;
}

export const SSO_SHARE_DEFINITION =
  'SSO share of a user = successful sign-ins to enterprise applications whose single sign-on mode is SAML or ' +
  "OpenID Connect, divided by all of the user's successful sign-ins to enterprise applications in the period. " +
  'Enterprise applications are service principals of type Application not owned by Microsoft; sign-ins to ' +
  "Microsoft's own services (Exchange, Teams, SharePoint, the portals) and to applications without a known service " +
  'principal are not counted. Password-based SSO counts as not SSO.';

export function ssoModeOf(preferredSingleSignOnMode: string | null): SsoMode {
  const mode = preferredSingleSignOnMode?.toLowerCase();
  return mode === 'saml' || mode === 'oidc' || mode === 'password' ? mode : 'none';
}

export function isMicrosoftOwned(sp: ServicePrincipalFacts): boolean {
  return (
    sp.appOwnerOrganizationId !== null &&
    MICROSOFT_OWNER_TENANT_IDS.has(sp.appOwnerOrganizationId.toLowerCase())
  );
}

/** An enterprise application of the tenant: a service principal of type Application that Microsoft does not own. */
export function isEnterpriseApplication(sp: ServicePrincipalFacts): boolean {
  return (sp.servicePrincipalType ?? 'Application').toLowerCase() === 'application' && !isMicrosoftOwned(sp);
}

/** The class of an application seen in sign-ins, from its service principal (undefined when none is known). */
export function classifyApp(sp: ServicePrincipalFacts | undefined): AppClass {
  if (sp === undefined) return 'unknown';
  if (!isEnterpriseApplication(sp)) return 'microsoft';
  const mode = ssoModeOf(sp.preferredSingleSignOnMode);
  return mode === 'saml' || mode === 'oidc' ? 'entra_sso' : 'other';
}

/** A share as a fraction 0–1, or null when there is nothing to divide. */
export function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}
