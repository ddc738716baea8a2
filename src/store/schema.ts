import type { Selectable } from 'kysely';
import type {
  AuditLogTable,
  ClientsTable,
  IntegrationsTable,
  PendingActionsTable,
  RoleAssignmentsTable,
  SchedulerClaimsTable,
  SchedulerInstancesTable,
  SchedulerSlotsTable,
  TabPlacementsTable,
} from './schema/clients.js';
import type {
  DirectoryGroupsTable,
  DirectoryUsersTable,
  GroupMembersTable,
  GroupNestingTable,
  GroupUserClosureTable,
  SyncCheckpointsTable,
  SyncRunsTable,
} from './schema/directory.js';
import type {
  MfaRegistrationsTable,
  ServicePrincipalsTable,
  SignInAppsTable,
  SignInDailyTable,
  SignInEventsTable,
  SignInKeysTable,
  SignInRollupDirtyTable,
  SignInRollupsTable,
  SignInUserLastTable,
} from './schema/activity.js';
import type {
  BillingSnapshotsTable,
  ClientDailySnapshotsTable,
  LicencePricesTable,
  LicenceRemovalsTable,
  LicenceSettingsTable,
  LicenceSubscriptionsTable,
  UserLicencesTable,
} from './schema/billing.js';
import type {
  AlertSettingsTable,
  AlertTimeZonesTable,
  AlertWebhooksTable,
  AlertsTable,
  ConversationReferencesTable,
  IncidentsTable,
  NotificationsSentTable,
  WebhookDeliveriesTable,
} from './schema/notifications.js';

export type * from './schema/columns.js';
export type * from './schema/clients.js';
export type * from './schema/directory.js';
export type * from './schema/activity.js';
export type * from './schema/billing.js';
export type * from './schema/notifications.js';

/**
 * The database, as Kysely sees it: one table interface per table, grouped by area in ./schema/ (the column
 * conventions are in ./schema/columns.ts). Migrations (src/store/migrations) are the source of truth for indexes and
 * constraints.
 */
export interface Database {
  clients: ClientsTable;
  integrations: IntegrationsTable;
  directory_users: DirectoryUsersTable;
  directory_groups: DirectoryGroupsTable;
  group_members: GroupMembersTable;
  group_user_closure: GroupUserClosureTable;
  group_nesting: GroupNestingTable;
  sync_runs: SyncRunsTable;
  sync_checkpoints: SyncCheckpointsTable;
  sign_in_events: SignInEventsTable;
  sign_in_daily: SignInDailyTable;
  service_principals: ServicePrincipalsTable;
  mfa_registrations: MfaRegistrationsTable;
  sign_in_apps: SignInAppsTable;
  sign_in_user_last: SignInUserLastTable;
  sign_in_keys: SignInKeysTable;
  sign_in_rollups: SignInRollupsTable;
  sign_in_rollup_dirty: SignInRollupDirtyTable;
  role_assignments: RoleAssignmentsTable;
  audit_log: AuditLogTable;
  conversation_references: ConversationReferencesTable;
  billing_snapshots: BillingSnapshotsTable;
  incidents: IncidentsTable;
  notifications_sent: NotificationsSentTable;
  pending_actions: PendingActionsTable;
  tab_placements: TabPlacementsTable;
  scheduler_instances: SchedulerInstancesTable;
  scheduler_claims: SchedulerClaimsTable;
  scheduler_slots: SchedulerSlotsTable;
  licence_subscriptions: LicenceSubscriptionsTable;
  user_licences: UserLicencesTable;
  licence_prices: LicencePricesTable;
  licence_settings: LicenceSettingsTable;
  client_daily_snapshots: ClientDailySnapshotsTable;
  licence_removals: LicenceRemovalsTable;
  alert_settings: AlertSettingsTable;
  alert_time_zones: AlertTimeZonesTable;
  alerts: AlertsTable;
  alert_webhooks: AlertWebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export type ClientRow = Selectable<ClientsTable>;
export type IntegrationRow = Selectable<IntegrationsTable>;
export type DirectoryUserRow = Selectable<DirectoryUsersTable>;
export type DirectoryGroupRow = Selectable<DirectoryGroupsTable>;
export type SyncRunRow = Selectable<SyncRunsTable>;
export type SyncCheckpointRow = Selectable<SyncCheckpointsTable>;
export type SignInEventRow = Selectable<SignInEventsTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type RoleAssignmentRow = Selectable<RoleAssignmentsTable>;
export type ConversationReferenceRow = Selectable<ConversationReferencesTable>;
export type BillingSnapshotRow = Selectable<BillingSnapshotsTable>;
export type IncidentRow = Selectable<IncidentsTable>;
export type PendingActionRow = Selectable<PendingActionsTable>;
export type AlertSettingsRow = Selectable<AlertSettingsTable>;
export type AlertRow = Selectable<AlertsTable>;
export type AlertWebhookRow = Selectable<AlertWebhooksTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
