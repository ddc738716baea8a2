/**
 * Graph's error envelope: `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`,
 * with the request ids repeated in response headers.
 */

/** A Graph error answer; thrown by handlers and written by the router in Graph's envelope. */
export class GraphHttpError extends Error {
  override readonly name = 'GraphHttpError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    /** Extra members of `innerError` (the 429 body carries some). */
    readonly innerError: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** Graph's `innerError.date`: UTC, no `Z`, no fraction. */
export function graphErrorDate(now: Date): string {
  return now.toISOString().slice(0, 19);
}

export function errorBody(
  error: GraphHttpError,
  requestId: string,
  clientRequestId: string,
  now: Date,
): { error: { code: string; message: string; innerError: Record<string, string> } } {
  return {
    error: {
      code: error.code,
      message: error.message,
      innerError: {
        ...error.innerError,
        date: graphErrorDate(now),
        'request-id': requestId,
        'client-request-id': clientRequestId,
      },
    },
  };
}

export const badRequest = (message: string, code = 'Request_BadRequest'): GraphHttpError =>
  new GraphHttpError(400, code, message);

export const unsupportedQuery = (message: string): GraphHttpError =>
  new GraphHttpError(400, 'Request_UnsupportedQuery', message);

export const notFound = (id: string): GraphHttpError =>
  new GraphHttpError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

export const segmentNotFound = (segment: string): GraphHttpError =>
  new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);

export const methodNotAllowed = (): GraphHttpError =>
  new GraphHttpError(
    405,
    'Request_BadRequest',
    'Specified HTTP method is not allowed for the request target.',
  );

export const directoryDenied = (): GraphHttpError =>
  new GraphHttpError(
    403,
    'Authorization_RequestDenied',
    'Insufficient privileges to complete the operation.',
  );

export const auditPermissionMissing = (permission: string): GraphHttpError =>
  new GraphHttpError(
    403,
    'Authentication_MSGraphPermissionMissing',
    `Calling principal does not have required MSGraph permissions ${permission}`,
  );

export const notPremium = (): GraphHttpError =>
  new GraphHttpError(
    403,
    'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
    "Neither tenant is B2C or tenant doesn't have premium license",
  );

/** A query option Graph supports on this endpoint but the simulator does not model (never silently ignored). */
export const simulatorGap = (what: string): GraphHttpError =>
  new GraphHttpError(501, 'NotImplemented', `The simulator does not implement ${what}.`);

export const unauthenticated = (message: string): GraphHttpError =>
  new GraphHttpError(401, 'InvalidAuthenticationToken', message, {
    'WWW-Authenticate':
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
  });
