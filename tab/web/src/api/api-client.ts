import type { ErrorBody, ErrorCode } from './types.js';

/** One problem with one field, as the API reports it (`details.problems`). */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/** An error answer of the tab API: `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  /** One of the core's catalogue (src/contracts/errors.ts): comparing with a code not listed there fails to compile. */
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;
  /** Quote it to the operator: it names the server's log line. */
  readonly correlationId: string | null;

  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    details: Readonly<Record<string, unknown>> = {},
    correlationId: string | null = null,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.correlationId = correlationId;
  }

  /** Field problems of a 400, by field name (first message per field). */
  fieldProblems(): Record<string, string> {
    const problems = this.details.problems;
    const out: Record<string, string> = {};
    if (!Array.isArray(problems)) return out;
    for (const problem of problems as FieldProblem[]) out[problem.path] ??= problem.message;
    return out;
  }
}

export type QueryValue = string | number | boolean | undefined | null | readonly string[];

export interface ApiClientOptions {
  readonly getToken: () => Promise<string>;
  /** Opens a link outside the tab, through the host (`app.openLink`). */
  readonly openLink: (url: string) => Promise<void>;
  /** Default `/api/tab`. */
  readonly baseUrl?: string;
}

/** The tab API, with the SSO token on every request and errors turned into {@link ApiError}. */
export class ApiClient {
  private readonly getToken: () => Promise<string>;
  private readonly openLink: (url: string) => Promise<void>;
  private readonly baseUrl: string;

  constructor(options: ApiClientOptions) {
    this.getToken = options.getToken;
    this.openLink = options.openLink;
    this.baseUrl = options.baseUrl ?? '/api/tab';
  }

  get<T>(path: string, query?: Record<string, QueryValue>): Promise<T> {
    return this.request<T>('GET', withQuery(path, query));
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body ?? {});
  }

  put<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PUT', path, body ?? {});
  }

  patch<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body ?? {});
  }

  delete<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('DELETE', path, body);
  }

  /**
   * Downloads an export (CSV). The server issues a one-minute, single-use signed link to it, and the host opens the
   * link outside the tab (the system browser on desktop and mobile: `app.openLink`), where the file downloads with
   * no token needed. A blob handed to the browser from the tab downloads only once per start in new Teams and never
   * on mobile (https://github.com/MicrosoftDocs/msteams-docs/issues/10342). Should the host refuse the link, the
   * tab's own frame downloads it (the server sends it as an attachment).
   */
  async download(path: string, query: Record<string, QueryValue>): Promise<void> {
    const link = await this.post<{ url: string; expiresAt: string }>('/downloads', {
      path: withQuery(path, query),
    });
    try {
      await this.openLink(link.url);
    } catch {
      const anchor = document.createElement('a');
      anchor.href = link.url;
      anchor.download = '';
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
    }
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    const token = await this.getToken();
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.ok) return response;
    throw await toApiError(response);
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  try {
    // Any proxy on the way may answer instead of the API: read the error shape defensively.
    const body = (await response.json()) as { error?: Partial<ErrorBody['error']> };
    if (body.error?.message !== undefined) {
      return new ApiError(
        response.status,
        body.error.code ?? 'http_error',
        body.error.message,
        body.error.details,
        body.error.correlationId ?? null,
      );
    }
  } catch {
    // not JSON: fall through to a generic message
  }
  return new ApiError(
    response.status,
    'http_error',
    `The server answered ${response.status} ${response.statusText}.`,
  );
}

function withQuery(path: string, query: Record<string, QueryValue> | undefined): string {
  if (query === undefined) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'object') for (const item of value) params.append(key, item);
    else params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}
