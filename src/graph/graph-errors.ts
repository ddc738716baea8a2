import { AppError, type ErrorCode } from '../shared/errors.js';

/** Graph's error code for a tenant without Entra ID P1/P2 asking for sign-in data. */
export const NON_PREMIUM_TENANT_CODE = 'Authentication_RequestFromNonPremiumTenantOrB2CTenant';

/** What Graph told us about a failed request, as far as it said. */
export interface GraphFailureFacts {
  readonly status: number;
  /** Graph's own error code (`Authorization_RequestDenied`, `syncStateNotFound`…), when the body had one. */
  readonly graphCode: string | undefined;
  readonly graphMessage: string | undefined;
  /** `request-id` from the error body or the response headers: quote it to Microsoft support. */
  readonly requestId: string | undefined;
  /** Which of our operations failed (`users.delta`, `organization`…). */
  readonly operation: string;
}

/**
 * A Graph request that failed after our retries (or that no retry could help): carries the status, Graph's code,
 * the request id and whether a later attempt may succeed.
 */
export class GraphRequestError extends AppError {
  override readonly name: string = 'GraphRequestError';
  readonly httpStatus: number;
  readonly graphCode: string | undefined;
  /** Graph's own message, as it came (for the code that acts on it, and the logs — never shown to admins as is). */
  readonly graphMessage: string | undefined;
  readonly requestId: string | undefined;
  readonly operation: string;

  constructor(
    facts: GraphFailureFacts,
    options: { code?: ErrorCode; message?: string; cause?: unknown } = {},
  ) {
    const retryable = facts.status === 429 || facts.status >= 500 || facts.status === 0;
    super(options.code ?? 'graph_request_failed', options.message ?? describeFailure(facts), {
      status: facts.status === 0 ? 503 : 502,
      retryable,
      cause: options.cause,
      details: {
        httpStatus: facts.status,
        graphCode: facts.graphCode,
        requestId: facts.requestId,
        operation: facts.operation,
      },
    });
    this.httpStatus = facts.status;
    this.graphCode = facts.graphCode;
    this.graphMessage = facts.graphMessage;
    this.requestId = facts.requestId;
    this.operation = facts.operation;
  }
}

/**
 * The delta (or delta paging) token is no longer valid — Graph answered 400 `syncStateNotFound`, 410 Gone, or
 * `resyncRequired`. The only way on is a full round from scratch.
 */
export class DeltaTokenExpiredError extends GraphRequestError {
  override readonly name = 'DeltaTokenExpiredError';

  constructor(facts: GraphFailureFacts) {
    super(facts, {
      code: 'delta_token_expired',
      message: `Microsoft no longer remembers where the last sync of ${READS[facts.operation] ?? 'the directory'} stopped; the next sync reads everything again.`,
    });
  }
}

/** What each of our Graph operations reads, in an admin's words. */
const READS: Readonly<Record<string, string>> = {
  'users.delta': 'the users',
  'groups.delta': 'the groups',
  'users.assignedLicenses': 'the users’ licences',
  'users.signInActivity': 'the users’ last sign-in dates',
  signIns: 'the sign-in log',
  organization: 'the organisation’s details',
  subscribedSkus: 'the subscriptions',
  userRegistrationDetails: 'the MFA registrations',
  servicePrincipals: 'the enterprise applications',
  servicePrincipal: 'the enterprise application',
  appRoleAssignments: 'the app’s permissions',
};

/**
 * A failed request in an admin's words: what could not be read, the likely cause and what to do — Graph's codes
 * stay in the error's `details` (and the logs). Causes per status from Microsoft Graph's error guide
 * (https://learn.microsoft.com/en-us/graph/errors) and throttling guide
 * (https://learn.microsoft.com/en-us/graph/throttling).
 */
export function describeFailure(facts: GraphFailureFacts): string {
  const what = READS[facts.operation] ?? 'the directory';
  const reference =
    facts.requestId === undefined ? '' : ` Reference for Microsoft support: ${facts.requestId}.`;
  const status = facts.status;
  let sentence: string;
  if (status === 0) {
    sentence = `Microsoft could not be reached while reading ${what} (no answer from the network). The next sync tries again; if this lasts, check that this server can reach the internet.`;
  } else if (status === 429) {
    sentence = `Microsoft asked us to slow down while reading ${what} (too many requests to this tenant at once). Nothing to do: the next sync tries again, more slowly.`;
  } else if (status >= 500) {
    sentence = `Microsoft’s service had a temporary fault while reading ${what} (HTTP ${String(status)}). Nothing to do: the next sync tries again; if it lasts for hours, check Microsoft 365 service health.`;
  } else if (status === 401) {
    sentence = `Microsoft no longer accepts the app’s sign-in to this tenant while reading ${what}. Open Setup and run Test connection: it says whether the secret expired or consent was withdrawn.`;
  } else if (status === 403) {
    sentence = `Microsoft refused to give ${what}: the app is missing a permission, or the client’s admin withdrew it. Open Setup and run Test connection: it names the permission to grant.`;
  } else if (status === 404) {
    sentence = `Microsoft did not find ${what} in this tenant. If the tenant was deleted or moved, remove the connection on Setup and connect it again.`;
  } else {
    sentence = `Microsoft refused the request for ${what} (HTTP ${String(status)}). Sync again; if it keeps failing, report it with the reference below.`;
  }
  return `${sentence}${reference}`;
}

/** Why a token could not be acquired, by AADSTS code. */
export type AuthFailureKind =
  | 'unknown_tenant'
  | 'unknown_application'
  | 'invalid_client_secret'
  | 'expired_client_secret'
  | 'authority_unreachable'
  | 'authentication_failed';

const aadstsKinds: Readonly<Record<number, AuthFailureKind>> = {
  90002: 'unknown_tenant',
  700016: 'unknown_application',
  7000215: 'invalid_client_secret',
  7000222: 'expired_client_secret',
};

/**
 * Entra ID refused to issue an app-only token. The `code` names the cause (from the AADSTS number) and the message
 * says how to fix it, in words an admin can act on.
 */
export class AuthError extends AppError {
  override readonly name = 'AuthError';
  readonly kind: AuthFailureKind;
  /** The AADSTS number, when Entra gave one. */
  readonly aadsts: number | undefined;

  constructor(
    kind: AuthFailureKind,
    context: {
      tenant: string;
      appClientId: string;
      aadsts?: number | undefined;
      detail?: string | undefined;
    },
    cause?: unknown,
  ) {
    super(kind, authMessage(kind, context), {
      status: kind === 'authority_unreachable' ? 503 : 400,
      retryable: kind === 'authority_unreachable',
      cause,
      details: { tenant: context.tenant, appClientId: context.appClientId, aadsts: context.aadsts },
    });
    this.kind = kind;
    this.aadsts = context.aadsts;
  }

  /** Classifies whatever @azure/identity threw, by the AADSTS code in it. */
  static fromCredentialError(error: unknown, context: { tenant: string; appClientId: string }): AuthError {
    const aadsts = aadstsCodeOf(error);
    if (aadsts !== undefined) {
      return new AuthError(aadstsKinds[aadsts] ?? 'authentication_failed', { ...context, aadsts }, error);
    }
    const text = error instanceof Error ? error.message : String(error);
    const unreachable =
      (error instanceof Error && error.name === 'CredentialUnavailableError') ||
      /endpoints_resolution_error|ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|network|fetch failed/i.test(
        text,
      );
    return new AuthError(
      unreachable ? 'authority_unreachable' : 'authentication_failed',
      { ...context, detail: firstLine(text) },
      error,
    );
  }
}

/** The AADSTS number inside an identity error: MSAL's `errorNo`, the OAuth `error_codes`, or the message text. */
export function aadstsCodeOf(error: unknown): number | undefined {
  for (let current: unknown = error, depth = 0; current !== undefined && depth < 5; depth++) {
    if (typeof current !== 'object' || current === null) break;
    const record = current as {
      errorNo?: unknown;
      errorResponse?: { errorCodes?: unknown };
      message?: unknown;
      cause?: unknown;
    };
    const errorNo = Number(record.errorNo);
    if (Number.isInteger(errorNo) && errorNo > 0) return errorNo;
    const codes = record.errorResponse?.errorCodes;
    if (Array.isArray(codes) && typeof codes[0] === 'number') return codes[0];
    if (typeof record.message === 'string') {
      const match = /AADSTS(\d+)/.exec(record.message);
      if (match?.[1] !== undefined) return Number(match[1]);
    }
    current = record.cause;
  }
  return undefined;
}

function authMessage(
  kind: AuthFailureKind,
  context: { tenant: string; appClientId: string; aadsts?: number | undefined; detail?: string | undefined },
): string {
  const code = context.aadsts === undefined ? '' : ` (AADSTS${context.aadsts})`;
  switch (kind) {
    case 'unknown_tenant':
      return `Tenant '${context.tenant}' was not found in Entra ID${code}. Check the tenant id or domain — it is shown in the Entra admin center under Overview → Tenant ID — and that the tenant is in the public cloud.`;
    case 'unknown_application':
      return `Application '${context.appClientId}' was not found in tenant '${context.tenant}'${code}. Check the application (client) id under App registrations → Overview, and that the app is registered in this tenant (or that its admin has consented to it).`;
    case 'invalid_client_secret':
      return `The client secret for application '${context.appClientId}' is wrong${code}. Enter the secret's Value — not its Secret ID — from App registrations → Certificates & secrets.`;
    case 'expired_client_secret':
      return `The client secret for application '${context.appClientId}' has expired${code}. Create a new secret under App registrations → Certificates & secrets and update the integration with it.`;
    case 'authority_unreachable':
      return `Entra ID could not be reached to sign in for tenant '${context.tenant}'${context.detail === undefined ? '' : ` (${context.detail})`}. Check the network; it will be retried.`;
    case 'authentication_failed':
      return `Entra ID refused to sign in application '${context.appClientId}' to tenant '${context.tenant}'${code}${context.detail === undefined ? '' : `: ${context.detail}`}. Check the tenant, application id and secret.`;
  }
}

function firstLine(text: string): string {
  return (text.split(/\r?\n/)[0] ?? text).slice(0, 300);
}

/**
 * The app lacks application permissions (or Graph refused an operation for want of one). Names each missing
 * permission and how to grant it.
 */
export class PermissionError extends AppError {
  override readonly name = 'PermissionError';
  readonly missing: readonly string[];
  readonly requestId: string | undefined;

  constructor(missing: readonly string[], options: { requestId?: string | undefined; cause?: unknown } = {}) {
    const list = missing.join(', ');
    super(
      'permission_missing',
      `The application is missing the Microsoft Graph application permission${missing.length === 1 ? '' : 's'} ${list}. ` +
        'In the Entra admin center open App registrations → the app → API permissions, add ' +
        `${missing.length === 1 ? 'it' : 'them'} as Application permissions of Microsoft Graph, then click "Grant admin consent".` +
        (options.requestId === undefined ? '' : ` (request id ${options.requestId})`),
      { status: 403, cause: options.cause, details: { missing, requestId: options.requestId } },
    );
    this.missing = missing;
    this.requestId = options.requestId;
  }
}
