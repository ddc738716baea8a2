import { describeFailure } from '../../../src/graph/graph-errors.js';
import { exclusionFigures } from '../../../src/domain/exclusion-preview.js';
import type { Notification } from '../../../src/domain/notification-kinds.js';
import type { ExclusionPreview, ExclusionResult, GroupView } from '../../../src/contracts/groups.js';
import type {
  ApplicationUsageReport,
  MfaCoverageReport,
  ReportHeader,
  SsoCoverageReport,
  UsersBillingReport,
} from '../../../src/contracts/reports.js';
import type { ClientStatus } from '../../../src/contracts/clients.js';
import type { UserView } from '../../../src/contracts/users.js';
import type { CardClient } from '../../../bot/cards/card-actions.js';

/** Representative data for every card: what the core's services return, in the shapes they return it. */

export const client: CardClient = {
  id: '6d3f0c1e-8a7b-4c2d-9e1f-0a1b2c3d4e5f',
  name: 'contoso',
  displayName: 'Contoso Ltd',
};

export const statuses: ClientStatus[] = [
  {
    id: client.id,
    name: 'contoso',
    displayName: 'Contoso Ltd',
    integration: 'connected',
    tenantId: '4e042eb5-2f87-4106-9340-ecf92fb6a293',
    organizationName: 'Contoso',
    users: 12_345,
    groups: 678,
    lastSync: {
      kind: 'directory',
      trigger: 'schedule',
      status: 'succeeded',
      startedAt: '2026-11-26T03:00:00.000Z',
      finishedAt: '2026-11-26T03:01:10.000Z',
      error: null,
    },
    billable: 11_872,
    activityData: 'available',
    importStartedAt: '2026-11-01T09:00:00.000Z',
    secretExpiresAt: '2026-12-10T00:00:00.000Z',
    problems: ['Client secret expires in 14 days'],
  },
  {
    id: '0b6c1e1a-0000-4000-8000-000000000002',
    name: 'fabrikam',
    displayName: 'fabrikam',
    integration: 'error',
    tenantId: '0b6c1e1a-0000-4000-8000-0000000000aa',
    organizationName: null,
    users: 10,
    groups: 2,
    lastSync: {
      kind: 'directory',
      trigger: 'manual',
      status: 'failed',
      startedAt: '2026-11-26T03:00:00.000Z',
      finishedAt: '2026-11-26T03:00:03.000Z',
      error: 'The client secret has expired (AADSTS7000222): save a new secret in the tab.',
    },
    billable: 8,
    activityData: 'unknown',
    importStartedAt: null,
    secretExpiresAt: '2026-11-20T00:00:00.000Z',
    problems: [
      'The client secret has expired (AADSTS7000222): save a new secret in the tab.',
      'Missing AuditLog.Read.All',
      'Client secret expired',
      'Last sync failed: The client secret has expired (AADSTS7000222): save a new secret in the tab.',
      'Initial import not started: review groups, then start it',
    ],
  },
  {
    id: '0b6c1e1a-0000-4000-8000-000000000003',
    name: 'northwind',
    displayName: 'Northwind [Traders](https://evil.example)',
    integration: 'not connected',
    tenantId: null,
    organizationName: null,
    users: 0,
    groups: 0,
    lastSync: null,
    billable: 0,
    activityData: 'unknown',
    importStartedAt: null,
    secretExpiresAt: null,
    problems: ['Not connected to Entra ID'],
  },
];

const baseUser: UserView = {
  id: '11111111-2222-4333-8444-555555555555',
  displayName: 'Adele Vance',
  userPrincipalName: 'adele.vance@contoso.onmicrosoft.com',
  mail: 'adele.vance@contoso.com',
  userType: 'Member',
  guest: false,
  externalMember: false,
  accountEnabled: true,
  onPremisesSynced: false,
  department: 'Finance',
  jobTitle: 'Controller',
  entraState: 'active',
  state: 'imported',
  disableReason: null,
  importedAt: '2026-09-01T00:00:00.000Z',
  lastActivity: { at: '2026-10-02T09:00:00.000Z', source: 'sign_in_log', app: 'Salesforce' },
  expired: true,
  expiredSince: '2026-11-01T02:00:00.000Z',
  expiry: {
    status: 'expired',
    explanation: 'last successful sign-in 2026-10-02 (Salesforce), 55 days ago; threshold 30',
    expiresAt: '2026-11-01T09:00:00.000Z',
  },
  billable: false,
  eligibility: { eligible: true },
};

export const users: Record<string, UserView> = {
  expired: baseUser,
  notImported: {
    ...baseUser,
    id: '11111111-2222-4333-8444-000000000001',
    state: 'not_imported',
    expired: false,
    expiredSince: null,
    expiry: {
      status: 'not_applicable',
      explanation:
        'last successful sign-in 2026-10-02 (Salesforce), 55 days ago; not imported, so it does not expire',
      expiresAt: null,
    },
    billable: false,
  },
  manual: {
    ...baseUser,
    id: '11111111-2222-4333-8444-000000000002',
    state: 'disabled',
    disableReason: 'manual',
    expired: false,
  },
  excluded: {
    ...baseUser,
    id: '11111111-2222-4333-8444-000000000003',
    state: 'disabled',
    disableReason: 'excluded_group',
    eligibility: {
      eligible: false,
      reason: 'excluded_group',
      explanation: 'member of excluded group Contractors',
      group: { id: 'g1', displayName: 'Contractors' },
    },
  },
  guest: {
    ...baseUser,
    id: '11111111-2222-4333-8444-000000000004',
    displayName: null,
    userPrincipalName: 'gary_ext#EXT#@contoso.onmicrosoft.com',
    userType: 'Guest',
    guest: true,
    state: 'not_imported',
    eligibility: { eligible: false, reason: 'guest', explanation: 'guest account' },
  },
  deleted: {
    ...baseUser,
    id: '11111111-2222-4333-8444-000000000005',
    entraState: 'soft_deleted',
    state: 'disabled',
    disableReason: 'deleted_in_entra',
    accountEnabled: false,
    lastActivity: null,
    department: null,
  },
  active: {
    ...baseUser,
    id: '11111111-2222-4333-8444-000000000006',
    lastActivity: { at: '2026-11-23T09:00:00.000Z', source: 'sign_in_log', app: 'Salesforce' },
    expired: false,
    expiredSince: null,
    expiry: {
      status: 'active',
      explanation: 'last successful sign-in 2026-11-23 (Salesforce), 3 days ago; threshold 30',
      expiresAt: '2026-12-23T09:00:00.000Z',
    },
    billable: true,
  },
};

export const group: GroupView = {
  id: '99999999-2222-4333-8444-555555555555',
  displayName: 'Contractors',
  description: 'External staff *all* agencies',
  mail: 'contractors@contoso.com',
  kind: 'security',
  dynamic: false,
  isTeam: false,
  entraState: 'active',
  excluded: null,
  reportingEnabled: false,
  counts: { directUsers: 12, directGroups: 2, transitiveUsers: 40 },
};

export const groups: Record<string, GroupView> = {
  plain: group,
  excluded: {
    ...group,
    id: '99999999-2222-4333-8444-000000000001',
    excluded: { at: '2026-11-01T00:00:00.000Z', by: 'megan@msp.example' },
  },
  reporting: {
    ...group,
    id: '99999999-2222-4333-8444-000000000002',
    kind: 'microsoft365',
    isTeam: true,
    reportingEnabled: true,
    description: null,
    mail: null,
  },
  deleted: {
    ...group,
    id: '99999999-2222-4333-8444-000000000003',
    entraState: 'deleted',
    kind: 'distribution',
    dynamic: true,
  },
};

export const preview: ExclusionPreview = {
  token: 'A'.repeat(43),
  expiresAt: '2026-11-26T04:50:00.000Z',
  group,
  alreadyExcluded: false,
  affected: {
    count: 40,
    sample: Object.values(users).map((user, index) => ({ ...user, direct: index % 2 === 0 })),
    monthlyLicenceCost: null,
  },
  billable: { before: 1200, after: 1170, basis: 'current', readingActivity: false },
  figures: exclusionFigures({
    affected: 40,
    billableBefore: 1200,
    billableAfter: 1170,
    basis: 'current',
    readingActivity: false,
  }),
};

export const exclusionDone: ExclusionResult = {
  group: groups.excluded!,
  excludedNow: true,
  disabledUsers: 40,
  forgottenUsers: 40,
  billable: { before: 1200, after: 1170, basis: 'current', readingActivity: false },
  figures: exclusionFigures({
    affected: 40,
    billableBefore: 1200,
    billableAfter: 1170,
    basis: 'current',
    readingActivity: false,
  }),
};

const header = (kind: ReportHeader['kind'], title: string): ReportHeader => ({
  kind,
  title,
  client: { id: client.id, name: client.name, displayName: client.displayName },
  period: { from: '2026-10-28', to: '2026-11-26', days: 30 },
  filters: { group: { id: group.id, displayName: 'Contractors' }, department: null },
  usersInScope: 40,
  coverage:
    kind === 'billing'
      ? null
      : 'Covers the 40 users enabled for data collection (imported, not disabled); sign-ins of anyone else are not collected.',
  generatedAt: '2026-11-26T04:00:00.000Z',
  signInData: {
    state: 'available',
    source: 'v1.0',
    newestSignInAt: '2026-11-26T03:59:00.000Z',
    message:
      'Microsoft gives this tenant’s interactive sign-ins only, and does not say whether a sign-in satisfied MFA.',
    backfill: null,
  },
  definitions: ['Days are UTC calendar days.'],
  notes: ['The group filter counts nested members.'],
});

const person = {
  id: 'u1',
  displayName: 'Adele Vance',
  userPrincipalName: 'adele@contoso.com',
  department: 'Finance',
};

export const usageReport: ApplicationUsageReport = {
  kind: 'usage',
  header: header('usage', 'Application usage'),
  totals: { applications: 2, signIns: 100, successfulSignIns: 90, failedSignIns: 10, activeUsers: 30 },
  applications: [
    {
      appId: 'a1',
      appName: 'Salesforce',
      servicePrincipalId: 'sp1',
      ssoMode: 'saml',
      appClass: 'entra_sso',
      activeUsers: 25,
      signIns: 80,
      successfulSignIns: 75,
      failedSignIns: 5,
      firstSeenAt: '2026-10-01T00:00:00.000Z',
      lastSeenAt: '2026-11-26T00:00:00.000Z',
    },
  ],
  daily: [],
  dailyByApp: [],
};

export const ssoReport: SsoCoverageReport = {
  kind: 'sso',
  header: header('sso', 'SSO coverage'),
  totals: {
    enterpriseApplications: 10,
    bySsoMode: { saml: 3, oidc: 4, password: 1, none: 2 },
    usedApplications: 6,
    usedBySsoMode: { saml: 2, oidc: 3, password: 1, none: 0 },
    appSignIns: 500,
    ssoSignIns: 450,
    ssoShare: 0.9,
    usersWithAppSignIns: 30,
    usersFullyOnSso: 25,
    unknownAppSignIns: 3,
  },
  applications: [],
  users: [
    { ...person, appSignIns: 10, ssoSignIns: 5, nonSsoSignIns: 5, ssoShare: 0.5, nonSsoApps: ['Legacy'] },
  ],
};

export const mfaReport: MfaCoverageReport = {
  kind: 'mfa',
  header: { ...header('mfa', 'MFA coverage'), filters: { group: null, department: 'Finance' } },
  registration: {
    users: 40,
    withRegistrationData: 38,
    mfaRegistered: 30,
    mfaCapable: 32,
    passwordlessCapable: 5,
    notRegistered: 8,
    notCapable: 6,
    noRegistrationData: 2,
    registeredShare: 30 / 38,
    capableShare: 32 / 38,
    methods: [{ method: 'microsoftAuthenticatorPush', users: 28 }],
    syncedAt: '2026-11-26T00:00:00.000Z',
  },
  signIns: {
    known: false,
    successfulSignIns: 90,
    mfaSignIns: 0,
    singleFactorSignIns: 0,
    unknownRequirement: 90,
    mfaShare: null,
  },
  gaps: {
    notRegistered: Array.from({ length: 8 }, (_, index) => ({ ...person, id: `u${index}` })),
    notCapable: [person],
    noRegistrationData: [],
    singleFactorSignIns: [{ ...person, singleFactorSignIns: 3, successfulSignIns: 9 }],
  },
  users: [],
};

export const billingReport: UsersBillingReport = {
  kind: 'billing',
  header: { ...header('billing', 'Users and billing'), filters: { group: null, department: null } },
  current: {
    totalUsers: 1300,
    imported: 1200,
    notImported: 50,
    disabled: 50,
    disabledByReason: { manual: 10, excludedGroup: 35, deletedInEntra: 5 },
    expired: 25,
    blockedInEntra: 5,
    guests: 20,
    billable: 1170,
  },
  expiry: {
    thresholdDays: 30,
    activityData: 'unavailable',
    message: 'Activity unknown: the tenant has no Entra ID P1/P2.',
  },
  history: [],
  users: [],
};

const notified = { id: client.id, name: client.name, displayName: client.displayName };
const notifiedUsers = {
  total: 12,
  users: [
    {
      id: baseUser.id,
      displayName: 'Adele Vance',
      userPrincipalName: 'adele.vance@contoso.onmicrosoft.com',
      expiresAt: '2026-11-26T02:00:00.000Z',
      explanation: 'last successful sign-in 2026-10-27 (Teams), 30 days ago; threshold 30',
    },
    {
      id: 'adele@contoso.com',
      displayName: null,
      userPrincipalName: null,
      expiresAt: null,
      explanation: 'no sign-in seen',
    },
  ],
};

export const notifications: Notification[] = [
  {
    kind: 'weekly_digest',
    client: notified,
    week: '2026-11-23',
    billable: { now: 1_747, weekAgo: 1_839 },
    expiredThisWeek: 92,
    expiringSoon: 14,
    mfaRegistered: 0.762,
    ssoShare: 0.756,
    topApps: [
      { name: 'Salesforce', activeUsers: 1_712 },
      { name: 'Microsoft Office 365 Portal', activeUsers: 1_690 },
      { name: 'Trello & <Co>', activeUsers: 12 },
    ],
  },
  {
    kind: 'weekly_digest',
    client: notified,
    week: '2026-11-30',
    billable: { now: 12, weekAgo: null },
    expiredThisWeek: 0,
    expiringSoon: 0,
    mfaRegistered: null,
    ssoShare: null,
    topApps: [],
  },
  {
    kind: 'alert_digest',
    client: notified,
    alerts: [
      {
        kind: 'users_expiring',
        summary: 'Contoso: 3 users stopped being billed, 2 will within 7 days.',
        triggeredAt: '2026-11-20T10:00:00.000Z',
      },
      {
        kind: 'sync_failed',
        summary: 'Syncing Contoso is failing: *the* tenant answered 503',
        triggeredAt: '2026-11-20T11:00:00.000Z',
      },
    ],
  },
  {
    kind: 'integration_created',
    client: notified,
    tenantId: '4e042eb5-2f87-4106-9340-ecf92fb6a293',
    organizationName: 'Contoso',
    createdAt: '2026-11-26T03:00:00.000Z',
    createdBy: 'megan@msp.example',
  },
  {
    kind: 'first_sync_finished',
    client: notified,
    users: 12_345,
    groups: 678,
    finishedAt: '2026-11-26T03:05:00.000Z',
  },
  {
    kind: 'sync_failed',
    client: notified,
    since: '2026-11-26T03:00:00.000Z',
    message: describeFailure({
      status: 503,
      graphCode: 'serviceNotAvailable',
      graphMessage: 'Service unavailable',
      requestId: 'b3c5a1d2-0000-4000-8000-000000000003',
      operation: 'users.delta',
    }),
  },
  {
    kind: 'sync_recovered',
    client: notified,
    failedSince: '2026-11-26T03:00:00.000Z',
    recoveredAt: '2026-11-26T04:00:00.000Z',
  },
  {
    kind: 'users_expiring',
    client: notified,
    day: '2026-11-26',
    thresholdDays: 30,
    expiredToday: notifiedUsers,
    expiringSoon: { ...notifiedUsers, total: 2 },
  },
  {
    kind: 'users_expiring',
    client: notified,
    day: '2026-11-26',
    thresholdDays: 30,
    expiredToday: { total: 0, users: [] },
    expiringSoon: notifiedUsers,
  },
  {
    kind: 'permission_missing',
    client: notified,
    missing: ['AuditLog.Read.All', 'Team.ReadBasic.All'],
    since: '2026-11-26T03:00:00.000Z',
  },
  { kind: 'permission_restored', client: notified, restoredAt: '2026-11-26T04:00:00.000Z' },
  { kind: 'secret_expiring', client: notified, expiresAt: '2026-12-20T00:00:00.000Z', daysLeft: 24 },
  { kind: 'secret_expiring', client: notified, expiresAt: '2026-11-26T10:00:00.000Z', daysLeft: 0 },
  { kind: 'secret_expiring', client: notified, expiresAt: '2026-11-20T00:00:00.000Z', daysLeft: -6 },
  { kind: 'app_secret_expiring', secret: 'bot_password', expiresAt: '2026-12-03T00:00:00.000Z', daysLeft: 7 },
  {
    kind: 'app_secret_expiring',
    secret: 'consent_app_secret',
    expiresAt: '2026-11-26T00:00:00.000Z',
    daysLeft: 0,
  },
  {
    kind: 'app_secret_expiring',
    secret: 'bot_password',
    expiresAt: '2026-11-20T00:00:00.000Z',
    daysLeft: -6,
  },
];
