import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/** The first schema: every table of src/store/schema.ts with its keys and indexes. */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const autoId = dialect === 'postgres' ? 'serial' : 'integer';
  // Composite-key tables are clustered on their key in SQLite (no hidden rowid): smaller and faster.
  const clustered = <T extends string, C extends string>(
    builder: CreateTableBuilder<T, C>,
  ): CreateTableBuilder<T, C> => (dialect === 'sqlite' ? builder.modifyEnd(sql`without rowid`) : builder);

  await db.schema
    .createTable('clients')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull().unique())
    .addColumn('display_name', 'text', (col) => col.notNull())
    .addColumn('expiry_days', 'integer', (col) => col.notNull().defaultTo(30))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('integrations')
    .addColumn('client_id', 'text', (col) => col.primaryKey())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('tenant_id', 'text', (col) => col.notNull())
    .addColumn('tenant_input', 'text', (col) => col.notNull())
    .addColumn('app_client_id', 'text', (col) => col.notNull())
    .addColumn('secret_ciphertext', 'text')
    .addColumn('secret_expires_at', 'text')
    .addColumn('organization_name', 'text')
    .addColumn('verified_domains', 'text', (col) => col.notNull().defaultTo('[]'))
    .addColumn('permission_checks', 'text', (col) => col.notNull().defaultTo('[]'))
    .addColumn('activity_data', 'text', (col) => col.notNull().defaultTo('unknown'))
    .addColumn('activity_data_checked_at', 'text')
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('status_message', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('integrations_tenant').on('integrations').column('tenant_id').execute();

  await clustered(
    db.schema
      .createTable('directory_users')
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('id', 'text', (col) => col.notNull())
      .addColumn('display_name', 'text')
      .addColumn('user_principal_name', 'text')
      .addColumn('mail', 'text')
      .addColumn('user_type', 'text')
      .addColumn('account_enabled', 'integer', (col) => col.notNull().defaultTo(1))
      .addColumn('department', 'text')
      .addColumn('job_title', 'text')
      .addColumn('created_date_time', 'text')
      .addColumn('entra_state', 'text', (col) => col.notNull().defaultTo('active'))
      .addColumn('collection_state', 'text', (col) => col.notNull().defaultTo('not_imported'))
      .addColumn('disable_reason', 'text')
      .addColumn('imported_at', 'text')
      .addColumn('last_sign_in_at', 'text')
      .addColumn('last_sign_in_app', 'text')
      .addColumn('sign_in_activity_at', 'text')
      .addColumn('search_text', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('seen_generation', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('updated_at', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('directory_users_pk', ['client_id', 'id']),
  ).execute();
  for (const [name, columns] of [
    ['directory_users_state', ['client_id', 'collection_state', 'display_name']],
    ['directory_users_name', ['client_id', 'display_name']],
    ['directory_users_upn', ['client_id', 'user_principal_name']],
    ['directory_users_department', ['client_id', 'department']],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on('directory_users')
      .columns([...columns])
      .execute();
  }

  await clustered(
    db.schema
      .createTable('directory_groups')
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('id', 'text', (col) => col.notNull())
      .addColumn('display_name', 'text')
      .addColumn('description', 'text')
      .addColumn('mail', 'text')
      .addColumn('mail_enabled', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('security_enabled', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('group_types', 'text', (col) => col.notNull().defaultTo('[]'))
      .addColumn('is_team', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('entra_state', 'text', (col) => col.notNull().defaultTo('active'))
      .addColumn('excluded_at', 'text')
      .addColumn('excluded_by', 'text')
      .addColumn('reporting_enabled', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('search_text', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('seen_generation', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('updated_at', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('directory_groups_pk', ['client_id', 'id']),
  ).execute();
  await db.schema
    .createIndex('directory_groups_name')
    .on('directory_groups')
    .columns(['client_id', 'display_name'])
    .execute();

  await clustered(
    db.schema
      .createTable('group_members')
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('group_id', 'text', (col) => col.notNull())
      .addColumn('member_id', 'text', (col) => col.notNull())
      .addColumn('member_type', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('group_members_pk', ['client_id', 'group_id', 'member_id']),
  ).execute();
  await db.schema
    .createIndex('group_members_member')
    .on('group_members')
    .columns(['client_id', 'member_id'])
    .execute();

  await clustered(
    db.schema
      .createTable('group_user_closure')
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('group_id', 'text', (col) => col.notNull())
      .addColumn('user_id', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('group_user_closure_pk', ['client_id', 'group_id', 'user_id']),
  ).execute();
  await db.schema
    .createIndex('group_user_closure_user')
    .on('group_user_closure')
    .columns(['client_id', 'user_id', 'group_id'])
    .execute();

  await db.schema
    .createTable('sync_runs')
    .addColumn('id', autoId, (col) =>
      dialect === 'sqlite' ? col.primaryKey().autoIncrement() : col.primaryKey(),
    )
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('trigger', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('started_at', 'text', (col) => col.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('users_added', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('users_updated', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('users_removed', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('groups_added', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('groups_updated', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('groups_removed', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('edges_added', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('edges_removed', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('items_written', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('pages', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('graph_requests', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('retries', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('throttled_ms', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('error_request_id', 'text')
    .addColumn('progress', 'text', (col) => col.notNull().defaultTo('{}'))
    .execute();
  await db.schema
    .createIndex('sync_runs_client')
    .on('sync_runs')
    .columns(['client_id', 'kind', 'started_at'])
    .execute();

  await clustered(
    db.schema
      .createTable('sync_checkpoints')
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('stream', 'text', (col) => col.notNull())
      .addColumn('next_link', 'text')
      .addColumn('delta_link', 'text')
      .addColumn('generation', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('round_kind', 'text', (col) => col.notNull().defaultTo('full'))
      .addColumn('watermark', 'text')
      .addColumn('state', 'text', (col) => col.notNull().defaultTo('{}'))
      .addColumn('updated_at', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('sync_checkpoints_pk', ['client_id', 'stream']),
  ).execute();

  await clustered(
    db.schema
      .createTable('sign_in_events')
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('id', 'text', (col) => col.notNull())
      .addColumn('created_at', 'text', (col) => col.notNull())
      .addColumn('user_id', 'text', (col) => col.notNull())
      .addColumn('app_id', 'text', (col) => col.notNull())
      .addColumn('app_display_name', 'text')
      .addColumn('succeeded', 'integer', (col) => col.notNull())
      .addColumn('error_code', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('is_interactive', 'integer', (col) => col.notNull().defaultTo(1))
      .addColumn('authentication_requirement', 'text')
      .addColumn('conditional_access_status', 'text')
      .addColumn('client_app_used', 'text')
      .addPrimaryKeyConstraint('sign_in_events_pk', ['client_id', 'id']),
  ).execute();
  await db.schema
    .createIndex('sign_in_events_time')
    .on('sign_in_events')
    .columns(['client_id', 'created_at'])
    .execute();

  await clustered(
    db.schema
      .createTable('sign_in_daily')
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('day', 'text', (col) => col.notNull())
      .addColumn('user_id', 'text', (col) => col.notNull())
      .addColumn('app_id', 'text', (col) => col.notNull())
      .addColumn('sign_ins', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('successes', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('mfa_sign_ins', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('single_factor_sign_ins', 'integer', (col) => col.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('sign_in_daily_pk', ['client_id', 'day', 'user_id', 'app_id']),
  ).execute();
  await db.schema
    .createIndex('sign_in_daily_user')
    .on('sign_in_daily')
    .columns(['client_id', 'user_id', 'day'])
    .execute();

  await clustered(
    db.schema
      .createTable('service_principals')
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('id', 'text', (col) => col.notNull())
      .addColumn('app_id', 'text', (col) => col.notNull())
      .addColumn('display_name', 'text')
      .addColumn('preferred_single_sign_on_mode', 'text')
      .addColumn('service_principal_type', 'text')
      .addColumn('account_enabled', 'integer', (col) => col.notNull().defaultTo(1))
      .addColumn('updated_at', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('service_principals_pk', ['client_id', 'id']),
  ).execute();
  await db.schema
    .createIndex('service_principals_app')
    .on('service_principals')
    .columns(['client_id', 'app_id'])
    .execute();

  await clustered(
    db.schema
      .createTable('mfa_registrations')
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('user_id', 'text', (col) => col.notNull())
      .addColumn('user_principal_name', 'text')
      .addColumn('user_display_name', 'text')
      .addColumn('user_type', 'text')
      .addColumn('is_admin', 'integer')
      .addColumn('is_mfa_registered', 'integer', (col) => col.notNull())
      .addColumn('is_mfa_capable', 'integer', (col) => col.notNull())
      .addColumn('is_passwordless_capable', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('is_sspr_registered', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('methods_registered', 'text', (col) => col.notNull().defaultTo('[]'))
      .addColumn('last_updated_at', 'text')
      .addColumn('synced_at', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('mfa_registrations_pk', ['client_id', 'user_id']),
  ).execute();

  await db.schema
    .createTable('role_assignments')
    .addColumn('id', autoId, (col) =>
      dialect === 'sqlite' ? col.primaryKey().autoIncrement() : col.primaryKey(),
    )
    .addColumn('principal_tenant_id', 'text', (col) => col.notNull())
    .addColumn('principal_object_id', 'text', (col) => col.notNull())
    .addColumn('principal_name', 'text')
    .addColumn('role', 'text', (col) => col.notNull())
    .addColumn('client_scope', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addUniqueConstraint('role_assignments_unique', [
      'principal_tenant_id',
      'principal_object_id',
      'role',
      'client_scope',
    ])
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', autoId, (col) =>
      dialect === 'sqlite' ? col.primaryKey().autoIncrement() : col.primaryKey(),
    )
    .addColumn('at', 'text', (col) => col.notNull())
    .addColumn('actor_tenant_id', 'text', (col) => col.notNull())
    .addColumn('actor_object_id', 'text', (col) => col.notNull())
    .addColumn('actor_name', 'text')
    .addColumn('client_id', 'text')
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('channel', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('audit_log_client').on('audit_log').columns(['client_id', 'at']).execute();

  await db.schema
    .createTable('conversation_references')
    .addColumn('conversation_id', 'text', (col) => col.primaryKey())
    .addColumn('reference', 'text', (col) => col.notNull())
    .addColumn('conversation_type', 'text', (col) => col.notNull())
    .addColumn('tenant_id', 'text')
    .addColumn('user_object_id', 'text')
    .addColumn('notifications_enabled', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('client_id', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();

  await clustered(
    db.schema
      .createTable('billing_snapshots')
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('day', 'text', (col) => col.notNull())
      .addColumn('total_users', 'integer', (col) => col.notNull())
      .addColumn('imported', 'integer', (col) => col.notNull())
      .addColumn('disabled', 'integer', (col) => col.notNull())
      .addColumn('expired', 'integer', (col) => col.notNull())
      .addColumn('guests', 'integer', (col) => col.notNull())
      .addColumn('billable', 'integer', (col) => col.notNull())
      .addColumn('created_at', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('billing_snapshots_pk', ['client_id', 'day']),
  ).execute();

  await db.schema
    .createTable('incidents')
    .addColumn('id', autoId, (col) =>
      dialect === 'sqlite' ? col.primaryKey().autoIncrement() : col.primaryKey(),
    )
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('opened_at', 'text', (col) => col.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('last_seen_at', 'text', (col) => col.notNull())
    .addColumn('message', 'text', (col) => col.notNull())
    .addColumn('occurrences', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('notified_open', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('notified_resolved', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('incidents_client').on('incidents').columns(['client_id', 'kind']).execute();

  await clustered(
    db.schema
      .createTable('notifications_sent')
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('key', 'text', (col) => col.notNull())
      .addColumn('sent_at', 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('notifications_sent_pk', ['client_id', 'key']),
  ).execute();

  await db.schema
    .createTable('pending_actions')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('actor_tenant_id', 'text', (col) => col.notNull())
    .addColumn('actor_object_id', 'text', (col) => col.notNull())
    .addColumn('payload', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema
    .createIndex('pending_actions_client')
    .on('pending_actions')
    .columns(['client_id', 'kind'])
    .execute();
}
