/**
 * Fixed vocabularies the generator draws from: names, departments, applications, places, devices and the sign-in
 * outcomes Entra ID records (error codes and authentication steps as they appear in real sign-in logs).
 */
import type { AuthenticationRequirement, SsoMode } from './types.js';

export const GIVEN_NAMES = [
  'Adele',
  'Alex',
  'Allan',
  'Amara',
  'Ana',
  'Ben',
  'Bianca',
  'Carlos',
  'Chen',
  'Christie',
  'Dana',
  'Daniel',
  'Debra',
  'Diego',
  'Elif',
  'Emily',
  'Enrico',
  'Fatima',
  'Grady',
  'Hana',
  'Henrietta',
  'Ines',
  'Irvin',
  'Isaiah',
  'Jakob',
  'Johanna',
  'Joni',
  'Jorge',
  'Kenji',
  'Lee',
  'Lidia',
  'Lynne',
  'Malik',
  'Megan',
  'Miriam',
  'Nestor',
  'Nora',
  'Olga',
  'Omar',
  'Patti',
  'Pradeep',
  'Priya',
  'Raul',
  'Sakura',
  'Sam',
  'Sofia',
  'Tomasz',
  'Valentina',
  'Wei',
  'Yara',
  'Zoe',
] as const;

export const SURNAMES = [
  'Adams',
  'Ahmed',
  'Andersen',
  'Bauer',
  'Brown',
  'Cho',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fernandez',
  'Fischer',
  'Garcia',
  'Gupta',
  'Hansen',
  'Hernandez',
  'Ito',
  'Jansen',
  'Johnson',
  'Kaur',
  'Kim',
  'Kowalski',
  'Larsen',
  'Lopez',
  'Martin',
  'Meyer',
  'Miller',
  'Moreau',
  'Müller',
  'Nakamura',
  'Nguyen',
  'Novak',
  'Okafor',
  'Olsen',
  'Patel',
  'Peralta',
  'Rossi',
  'Santos',
  'Schmidt',
  'Silva',
  'Singh',
  'Smith',
  'Sousa',
  'Tanaka',
  'Taylor',
  'Vargas',
  'Wagner',
  'Walker',
  'Wang',
  'Williams',
  'Wilson',
  'Zhang',
] as const;

export const DEPARTMENTS = [
  'Sales',
  'Marketing',
  'Engineering',
  'Finance',
  'Human Resources',
  'Operations',
  'Legal',
  'Customer Success',
  'IT',
  'Research',
  'Procurement',
  'Facilities',
  'Product',
  'Support',
  'Security',
  'Training',
] as const;

export const JOB_TITLES = [
  'Associate',
  'Specialist',
  'Analyst',
  'Manager',
  'Senior Manager',
  'Director',
  'Lead',
];

export const GUEST_DOMAINS = [
  'fabrikam.com',
  'northwindtraders.com',
  'adatum.com',
  'litwareinc.com',
  'gmail.com',
];

export interface Place {
  readonly city: string;
  readonly state: string;
  readonly countryOrRegion: string;
  readonly country: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly usageLocation: string;
  readonly officeLocation: string;
}

export const PLACES: readonly Place[] = [
  {
    city: 'Seattle',
    state: 'Washington',
    countryOrRegion: 'US',
    country: 'United States',
    latitude: 47.6062,
    longitude: -122.3321,
    usageLocation: 'US',
    officeLocation: '18/2111',
  },
  {
    city: 'New York',
    state: 'New York',
    countryOrRegion: 'US',
    country: 'United States',
    latitude: 40.7128,
    longitude: -74.006,
    usageLocation: 'US',
    officeLocation: '31/1104',
  },
  {
    city: 'London',
    state: 'England',
    countryOrRegion: 'GB',
    country: 'United Kingdom',
    latitude: 51.5072,
    longitude: -0.1276,
    usageLocation: 'GB',
    officeLocation: 'LON-4/112',
  },
  {
    city: 'Amsterdam',
    state: 'Noord-Holland',
    countryOrRegion: 'NL',
    country: 'Netherlands',
    latitude: 52.3676,
    longitude: 4.9041,
    usageLocation: 'NL',
    officeLocation: 'AMS-2/07',
  },
  {
    city: 'Berlin',
    state: 'Berlin',
    countryOrRegion: 'DE',
    country: 'Germany',
    latitude: 52.52,
    longitude: 13.405,
    usageLocation: 'DE',
    officeLocation: 'BER-1/15',
  },
  {
    city: 'Paris',
    state: 'Ile-de-France',
    countryOrRegion: 'FR',
    country: 'France',
    latitude: 48.8566,
    longitude: 2.3522,
    usageLocation: 'FR',
    officeLocation: 'PAR-3/21',
  },
  {
    city: 'Toronto',
    state: 'Ontario',
    countryOrRegion: 'CA',
    country: 'Canada',
    latitude: 43.6532,
    longitude: -79.3832,
    usageLocation: 'CA',
    officeLocation: 'TOR-5/19',
  },
  {
    city: 'Sydney',
    state: 'New South Wales',
    countryOrRegion: 'AU',
    country: 'Australia',
    latitude: -33.8688,
    longitude: 151.2093,
    usageLocation: 'AU',
    officeLocation: 'SYD-7/03',
  },
  {
    city: 'Bengaluru',
    state: 'Karnataka',
    countryOrRegion: 'IN',
    country: 'India',
    latitude: 12.9716,
    longitude: 77.5946,
    usageLocation: 'IN',
    officeLocation: 'BLR-2/44',
  },
  {
    city: 'Sao Paulo',
    state: 'Sao Paulo',
    countryOrRegion: 'BR',
    country: 'Brazil',
    latitude: -23.5558,
    longitude: -46.6396,
    usageLocation: 'BR',
    officeLocation: 'SAO-1/09',
  },
];

export interface Device {
  readonly operatingSystem: string;
  readonly browser: string;
  readonly clientAppUsed: string;
  readonly userAgent: string;
  readonly trustType: string;
  readonly isManaged: boolean;
}

export const DEVICES: readonly Device[] = [
  {
    operatingSystem: 'Windows10',
    browser: 'Edge 124.0.0',
    clientAppUsed: 'Browser',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0',
    trustType: 'Azure AD joined',
    isManaged: true,
  },
  {
    operatingSystem: 'Windows10',
    browser: 'Chrome 124.0.0',
    clientAppUsed: 'Browser',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    trustType: 'Hybrid Azure AD joined',
    isManaged: true,
  },
  {
    operatingSystem: 'MacOs',
    browser: 'Safari 17.4',
    clientAppUsed: 'Browser',
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
    trustType: 'Azure AD registered',
    isManaged: false,
  },
  {
    operatingSystem: 'Windows10',
    browser: 'Rich Client 4.61.0.0',
    clientAppUsed: 'Mobile Apps and Desktop clients',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Teams/24102.2223',
    trustType: 'Azure AD joined',
    isManaged: true,
  },
  {
    operatingSystem: 'Ios',
    browser: 'Mobile Safari 17.4',
    clientAppUsed: 'Mobile Apps and Desktop clients',
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
    trustType: 'Azure AD registered',
    isManaged: false,
  },
  {
    operatingSystem: 'Android',
    browser: 'Chrome Mobile 124.0.0',
    clientAppUsed: 'Mobile Apps and Desktop clients',
    userAgent:
      'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
    trustType: '',
    isManaged: false,
  },
];

/** A Microsoft first-party application every tenant has and signs users in to. */
export interface FirstPartyApp {
  readonly appId: string;
  readonly displayName: string;
  /** Relative popularity in sign-ins. */
  readonly weight: number;
}

export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/**
 * App role ids of Microsoft Graph's application permissions the simulator can report in `appRoleAssignments`
 * (the ids Microsoft publishes for its Graph service principal; see shared/reference/graph-facts.md §7). A granted
 * permission not listed here is left out of `appRoleAssignments` (it still reaches tokens).
 */
export const GRAPH_APP_ROLE_IDS: Readonly<Record<string, string>> = {
  'User.Read.All': 'df021288-bdef-4463-88db-98f22de89214',
  'Group.Read.All': '5b567255-7703-4780-807c-7be8301ae99b',
  'Directory.Read.All': '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
  'Organization.Read.All': '498476ce-e0fe-48b0-b801-37ba7e2685c6',
  'Team.ReadBasic.All': '2280dda6-0bfd-44ee-a2f4-cb867cfc4c1e',
  'AuditLog.Read.All': 'b0afded3-3588-46d8-8b3d-9842eff778da',
  // The optional write capability (issue 17), ids from Microsoft Graph's published app roles.
  'User.EnableDisableAccount.All': '3011c876-62b7-4ada-afa2-506cbbecc68c',
  'User.RevokeSessions.All': '77f3a031-c388-4f99-b373-dc68676a979e',
  'LicenseAssignment.ReadWrite.All': '5facf0c1-8979-4e95-abcf-ff3d079771c0',
};
/** Microsoft's own tenant, owner of first-party apps. */
export const MICROSOFT_TENANT_ID = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

export const FIRST_PARTY_APPS: readonly FirstPartyApp[] = [
  { appId: '4765445b-32c6-49b0-83e6-1d93765276ca', displayName: 'OfficeHome', weight: 10 },
  { appId: '00000002-0000-0ff1-ce00-000000000000', displayName: 'Office 365 Exchange Online', weight: 14 },
  { appId: '1fec8e78-bce4-4aaf-ab1b-5451cc387264', displayName: 'Microsoft Teams', weight: 16 },
  { appId: '00000003-0000-0ff1-ce00-000000000000', displayName: 'Office 365 SharePoint Online', weight: 9 },
  { appId: 'd3590ed6-52b3-4102-aeff-aad2292ab01c', displayName: 'Microsoft Office', weight: 8 },
  { appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', displayName: 'Azure Portal', weight: 2 },
  { appId: '2793995e-0a7d-40d7-bd35-6968ba142197', displayName: 'My Apps', weight: 3 },
  { appId: MICROSOFT_GRAPH_APP_ID, displayName: 'Microsoft Graph', weight: 0 },
];

/** Third-party SaaS names for generated enterprise applications, with the SSO mode they usually use. */
export const SAAS_APPS: readonly { readonly name: string; readonly host: string; readonly mode: SsoMode }[] =
  [
    { name: 'Salesforce', host: 'login.salesforce.com', mode: 'saml' },
    { name: 'ServiceNow', host: 'service-now.com', mode: 'saml' },
    { name: 'Workday', host: 'myworkday.com', mode: 'saml' },
    { name: 'Zoom', host: 'zoom.us', mode: 'saml' },
    { name: 'Slack', host: 'slack.com', mode: 'saml' },
    { name: 'Dropbox Business', host: 'dropbox.com', mode: 'saml' },
    { name: 'DocuSign', host: 'docusign.net', mode: 'saml' },
    { name: 'Atlassian Cloud', host: 'atlassian.com', mode: 'saml' },
    { name: 'GitHub Enterprise Cloud', host: 'github.com', mode: 'saml' },
    { name: 'Box', host: 'box.com', mode: 'saml' },
    { name: 'Adobe Creative Cloud', host: 'adobe.com', mode: 'oidc' },
    { name: 'Miro', host: 'miro.com', mode: 'oidc' },
    { name: 'Asana', host: 'asana.com', mode: 'oidc' },
    { name: 'Zendesk', host: 'zendesk.com', mode: 'oidc' },
    { name: 'HubSpot', host: 'hubspot.com', mode: 'oidc' },
    { name: 'Figma', host: 'figma.com', mode: 'oidc' },
    { name: 'SAP Concur', host: 'concursolutions.com', mode: 'password' },
    { name: 'Twitter Business', host: 'twitter.com', mode: 'password' },
    { name: 'LinkedIn Sales Navigator', host: 'linkedin.com', mode: 'password' },
    { name: 'FedEx Ship Manager', host: 'fedex.com', mode: 'password' },
    { name: 'Tableau Cloud', host: 'online.tableau.com', mode: 'none' },
    { name: 'Smartsheet', host: 'smartsheet.com', mode: 'none' },
    { name: 'Monday.com', host: 'monday.com', mode: 'none' },
    { name: 'Trello', host: 'trello.com', mode: 'none' },
  ];

/** Ordered bit positions of registered authentication methods (`methodsRegistered` names). */
export const AUTH_METHODS = [
  'microsoftAuthenticatorPush',
  'softwareOneTimePasscode',
  'mobilePhone',
  'email',
  'windowsHelloForBusiness',
  'fido2',
  'microsoftAuthenticatorPasswordless',
  'officePhone',
] as const;

/** Methods that count for MFA (email only serves self-service password reset). */
export const MFA_METHOD_MASK = 0b1111_0111;
export const PASSWORDLESS_METHOD_MASK = 0b0111_0000;
export const REG_FLAG_ADMIN = 1 << 8;
export const REG_FLAG_SSPR_ENABLED = 1 << 9;

export interface AuthStepTemplate {
  readonly method: string;
  readonly methodDetail: string | null;
  readonly requirement: string;
  readonly resultDetail: string;
  readonly succeeded: boolean;
}

/** A sign-in outcome: status, Conditional Access result, MFA requirement and the authentication steps taken. */
export interface OutcomeProfile {
  readonly errorCode: number;
  readonly failureReason: string | null;
  readonly additionalDetails: string | null;
  readonly conditionalAccessStatus: 'success' | 'failure' | 'notApplied';
  readonly requirement: AuthenticationRequirement;
  readonly steps: readonly AuthStepTemplate[];
}

const PASSWORD_OK: AuthStepTemplate = {
  method: 'Password',
  methodDetail: 'Password in the cloud',
  requirement: 'Primary authentication',
  resultDetail: 'Correct password',
  succeeded: true,
};
const MFA_STEP = (
  method: string,
  methodDetail: string | null,
  resultDetail: string,
  succeeded = true,
): AuthStepTemplate => ({
  method,
  methodDetail,
  requirement: 'MFA',
  resultDetail,
  succeeded,
});

/** Index constants into OUTCOMES, used by the generator's decision logic. */
export const OUTCOME = {
  successSingleFactor: 0,
  successMfaPush: 1,
  successMfaClaim: 2,
  successMfaSms: 3,
  successMfaOath: 4,
  successNonInteractiveSingle: 5,
  failWrongPassword: 6,
  failMfaRequired: 7,
  failMfaDenied: 8,
  failBlockedByCa: 9,
  failAccountDisabled: 10,
  failAccountLocked: 11,
} as const;

export const OUTCOMES: readonly OutcomeProfile[] = [
  {
    errorCode: 0,
    failureReason: 'Other.',
    additionalDetails: null,
    conditionalAccessStatus: 'notApplied',
    requirement: 'singleFactorAuthentication',
    steps: [PASSWORD_OK],
  },
  {
    errorCode: 0,
    failureReason: 'Other.',
    additionalDetails: 'MFA completed in Azure AD',
    conditionalAccessStatus: 'success',
    requirement: 'multiFactorAuthentication',
    steps: [PASSWORD_OK, MFA_STEP('Mobile app notification', null, 'MFA successfully completed')],
  },
  {
    errorCode: 0,
    failureReason: 'Other.',
    additionalDetails: 'MFA requirement satisfied by claim in the token',
    conditionalAccessStatus: 'success',
    requirement: 'multiFactorAuthentication',
    steps: [
      {
        method: 'Previously satisfied',
        methodDetail: null,
        requirement: 'Primary authentication',
        resultDetail: 'First factor requirement satisfied by claim in the token',
        succeeded: true,
      },
      {
        method: 'Previously satisfied',
        methodDetail: null,
        requirement: 'MFA',
        resultDetail: 'MFA requirement satisfied by claim in the token',
        succeeded: true,
      },
    ],
  },
  {
    errorCode: 0,
    failureReason: 'Other.',
    additionalDetails: 'MFA completed in Azure AD',
    conditionalAccessStatus: 'success',
    requirement: 'multiFactorAuthentication',
    steps: [PASSWORD_OK, MFA_STEP('Text message', '+X XXXXXXXX12', 'MFA successfully completed')],
  },
  {
    errorCode: 0,
    failureReason: 'Other.',
    additionalDetails: 'MFA completed in Azure AD',
    conditionalAccessStatus: 'success',
    requirement: 'multiFactorAuthentication',
    steps: [PASSWORD_OK, MFA_STEP('OATH verification code', null, 'MFA successfully completed')],
  },
  {
    errorCode: 0,
    failureReason: 'Other.',
    additionalDetails: null,
    conditionalAccessStatus: 'notApplied',
    requirement: 'singleFactorAuthentication',
    steps: [
      {
        method: 'Previously satisfied',
        methodDetail: null,
        requirement: 'Primary authentication',
        resultDetail: 'First factor requirement satisfied by claim in the token',
        succeeded: true,
      },
    ],
  },
  {
    errorCode: 50126,
    failureReason: 'Error validating credentials due to invalid username or password.',
    additionalDetails:
      "The user didn't enter the right credentials. It's expected to see some number of these errors in your logs due to users making mistakes.",
    conditionalAccessStatus: 'notApplied',
    requirement: 'singleFactorAuthentication',
    steps: [
      {
        ...PASSWORD_OK,
        resultDetail: 'Invalid username or password or Invalid on-premise username or password.',
        succeeded: false,
      },
    ],
  },
  {
    errorCode: 50074,
    failureReason: 'Strong Authentication is required.',
    additionalDetails: 'The user is being prompted for MFA.',
    conditionalAccessStatus: 'notApplied',
    requirement: 'multiFactorAuthentication',
    steps: [PASSWORD_OK, MFA_STEP('Mobile app notification', null, 'MFA required in Azure AD', false)],
  },
  {
    errorCode: 500121,
    failureReason: 'Authentication failed during strong authentication request.',
    additionalDetails: "The user didn't complete the MFA prompt.",
    conditionalAccessStatus: 'notApplied',
    requirement: 'multiFactorAuthentication',
    steps: [
      PASSWORD_OK,
      MFA_STEP('Mobile app notification', null, 'MFA denied; user declined the authentication', false),
    ],
  },
  {
    errorCode: 53003,
    failureReason:
      'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
    additionalDetails: null,
    conditionalAccessStatus: 'failure',
    requirement: 'singleFactorAuthentication',
    steps: [PASSWORD_OK],
  },
  {
    errorCode: 50057,
    failureReason: 'The user account is disabled.',
    additionalDetails: 'The user object in Active Directory backing this account has been disabled.',
    conditionalAccessStatus: 'notApplied',
    requirement: 'singleFactorAuthentication',
    steps: [{ ...PASSWORD_OK, resultDetail: 'User account is disabled', succeeded: false }],
  },
  {
    errorCode: 50053,
    failureReason:
      "The account is locked, you've tried to sign in too many times with an incorrect user ID or password.",
    additionalDetails: null,
    conditionalAccessStatus: 'notApplied',
    requirement: 'singleFactorAuthentication',
    steps: [{ ...PASSWORD_OK, resultDetail: 'Account is locked', succeeded: false }],
  },
];

/** Looks up the outcome used for a sign-in added with an explicit error code. */
export function outcomeForErrorCode(
  errorCode: number,
  requirement: AuthenticationRequirement,
  interactive: boolean,
): number {
  if (errorCode === 0) {
    if (requirement === 'multiFactorAuthentication')
      return interactive ? OUTCOME.successMfaPush : OUTCOME.successMfaClaim;
    return interactive ? OUTCOME.successSingleFactor : OUTCOME.successNonInteractiveSingle;
  }
  const index = OUTCOMES.findIndex((o) => o.errorCode === errorCode);
  return index >= 0 ? index : OUTCOME.failWrongPassword;
}
