/**
 * The one catalogue of error codes: every code the core throws, the edges answer and the tab reads. An `AppError`
 * (src/shared/errors.ts) takes only these, so `tsc` refuses a code that is not listed here. Codes are stable: a
 * caller may switch on them (the messages are for people and may be reworded).
 */
export type ErrorCode =
  // Input, identity and rights
  | 'validation_failed'
  | 'invalid_body'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'unauthenticated'
  | 'sign_in_unavailable'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'rate_limited'
  // Clients, users, groups, roles and exports
  | 'client_exists'
  | 'concurrent_change'
  | 'user_not_eligible'
  | 'user_not_collected'
  | 'user_excluded'
  | 'user_deleted'
  | 'group_deleted'
  | 'preview_not_found'
  | 'preview_not_yours'
  | 'preview_used'
  | 'preview_expired'
  | 'preview_stale'
  | 'role_from_configuration'
  | 'export_busy'
  | 'download_link_invalid'
  | 'download_link_used'
  | 'download_link_expired'
  // Integrations and admin consent
  | 'not_connected'
  | 'integration_exists'
  | 'tenant_already_connected'
  | 'not_a_secret_integration'
  | 'secret_missing'
  | 'connection_check_failed'
  | 'connection_test_failed'
  | 'consent_app_not_configured'
  | 'consent_state_invalid'
  | 'consent_state_used'
  | 'consent_state_expired'
  | 'consent_tenant_mismatch'
  | 'organization_missing'
  // Microsoft Graph and Entra ID (the sign-in codes are `AuthFailureKind`, src/graph/graph-errors.ts)
  | 'graph_request_failed'
  | 'delta_token_expired'
  | 'permission_missing'
  | 'unknown_tenant'
  | 'unknown_application'
  | 'invalid_client_secret'
  | 'expired_client_secret'
  | 'authority_unreachable'
  | 'authentication_failed'
  // Syncs and the doctor
  | 'sync_failed'
  | 'interrupted'
  | 'doctor_refusals'
  // Notifications
  | 'conversation_gone'
  | 'delivery_failed'
  // The bot's endpoint
  | 'local_only'
  | 'invalid_activity'
  | 'service_url_refused'
  | 'unsupported_invoke'
  | 'unavailable'
  | 'bot_auth_unavailable'
  | 'bot_credentials_missing'
  | 'bot_registration_inconsistent'
  // The server, its configuration and its store
  | 'invalid_configuration'
  | 'invalid_secrets_key'
  | 'secret_unreadable'
  | 'store_unavailable'
  | 'shutting_down'
  | 'run_taken_over'
  | 'tab_not_built'
  | 'internal_error'
  // The app package build (scripts/app-package.ts)
  | 'unknown_environment'
  | 'unresolved_placeholders'
  | 'not_png'
  | 'invalid_app_package'
  // The tab's own: the answer was not the API's error shape (a proxy answered, or the body was not JSON)
  | 'http_error';

/** How every HTTP error of the tab API answers: a stable code, a sentence to act on, and a correlation id. */
export interface ErrorBody {
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    readonly details: Readonly<Record<string, unknown>>;
    readonly correlationId?: string;
  };
}
