import type { ErrorCode } from '../contracts/errors.js';

export type { ErrorCode };

/**
 * The error hierarchy of the core. Every error the core throws on purpose is an {@link AppError}: it carries a
 * stable `code` a caller can switch on, an HTTP-like `status` for the edges (bot, tab API, CLI), whether retrying
 * could help, and the underlying `cause`. Messages are written for the admin who will read them: what was wrong
 * and what to do.
 */
export class AppError extends Error {
  override readonly name: string = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  /** Extra structured facts for the caller (field names, missing permissions…). Never secrets. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: {
      status?: number;
      retryable?: boolean;
      cause?: unknown;
      details?: Record<string, unknown>;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? 500;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
  }
}

/**
 * Whether `error` is an {@link AppError} (with `code`, when given). Compare codes through this, never as loose
 * strings: the code must be one of the catalogue's.
 */
export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}

/** One problem with one input field. `path` is the field name as the caller spelled it (`tenantId`, `--days`). */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/** Input that is malformed or out of range. Nothing was changed. */
export class ValidationError extends AppError {
  override readonly name = 'ValidationError';
  readonly problems: readonly FieldProblem[];

  constructor(message: string, problems: readonly FieldProblem[] = [], cause?: unknown) {
    super('validation_failed', message, { status: 400, cause, details: { problems } });
    this.problems = problems;
  }
}

/** The caller could not be identified (no token, bad token). */
export class UnauthenticatedError extends AppError {
  override readonly name = 'UnauthenticatedError';
  constructor(message: string, cause?: unknown) {
    super('unauthenticated', message, { status: 401, cause });
  }
}

/** The caller is known but may not do this. */
export class ForbiddenError extends AppError {
  override readonly name = 'ForbiddenError';
  constructor(message: string) {
    super('forbidden', message, { status: 403 });
  }
}

/** The object named does not exist (or is not visible to the caller). */
export class NotFoundError extends AppError {
  override readonly name = 'NotFoundError';
  constructor(what: string, id: string) {
    super('not_found', `${what} '${id}' was not found.`, { status: 404, details: { what, id } });
  }
}

/** The request conflicts with the current state (stale preview, duplicate name, rule refusal). */
export class ConflictError extends AppError {
  override readonly name = 'ConflictError';
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details === undefined ? { status: 409 } : { status: 409, details });
  }
}

/**
 * The one error for a client without a connected tenant (409 `not_connected`), whatever needed the tenant — a sync,
 * an action on users, a connection test whose integration was removed meanwhile — with the same words and remedy.
 */
export function notConnectedError(client?: { readonly displayName: string }): ConflictError {
  const who = client === undefined ? 'This client' : client.displayName;
  return new ConflictError('not_connected', `${who} has no connected tenant yet: connect its tenant first.`);
}

/** What an edge (bot, tab API, CLI) shows a person for any thrown value: never a raw stack or internal message. */
export interface UserFacingError {
  readonly code: ErrorCode;
  readonly status: number;
  readonly message: string;
  readonly correlationId: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Turns any thrown value into what a person may see. AppErrors keep their message; anything else becomes a generic
 * message with the correlation id, so the admin can quote it and the operator can find the log line.
 */
export function toUserFacingError(error: unknown, correlationId: string): UserFacingError {
  if (error instanceof AppError) {
    return {
      code: error.code,
      status: error.status,
      message: error.message,
      correlationId,
      ...(error.details === undefined ? {} : { details: error.details }),
    };
  }
  return {
    code: 'internal_error',
    status: 500,
    message: `Something went wrong on our side. Quote correlation id ${correlationId} to your administrator.`,
    correlationId,
  };
}
