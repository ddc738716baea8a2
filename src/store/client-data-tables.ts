/**
 * The per-client tables, in one place, so that removing data never forgets a table a later feature added.
 * Tenant data: everything read from the client's tenant or derived from it — emptied when its integration is
 * removed. The client's own records (its integration row, billing history) go only with the client itself; role
 * assignments and the audit log are the MSP's records and are handled by the client removal.
 */
export const tenantDataTables = [
  'sign_in_events',
  'sign_in_daily',
  'sign_in_apps',
  'sign_in_user_last',
  'sign_in_keys',
  'sign_in_rollups',
  'sign_in_rollup_dirty',
  'group_nesting',
  'group_members',
  'directory_users',
  'directory_groups',
  'service_principals',
  'mfa_registrations',
  'sync_runs',
  'sync_checkpoints',
  'incidents',
  'notifications_sent',
  'pending_actions',
  'licence_subscriptions',
  'user_licences',
  // The alerts sent about the tenant (they name its users) and their webhook deliveries.
  'webhook_deliveries',
  'alerts',
] as const;

/** Every table with a `client_id` column: emptied when the client is removed. */
export const clientTables = [
  ...tenantDataTables,
  'billing_snapshots',
  // The dashboard's daily figures (migration 0019), history like the billing snapshots.
  'client_daily_snapshots',
  'integrations',
  'tab_placements',
  // The partner's licence prices and currency for the client.
  'licence_prices',
  'licence_settings',
  // The licences the product removed from users (what their Undo gives back).
  'licence_removals',
  // The alert settings, time zone and webhooks of the client (partner-wide webhooks have no client).
  'alert_settings',
  'alert_time_zones',
  'alert_webhooks',
  // A removed client's claimed scheduler job (PostgreSQL): nothing to take over any more.
  'scheduler_claims',
  // When its jobs were last queued and run (PostgreSQL).
  'scheduler_slots',
] as const;
