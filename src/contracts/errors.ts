/** How every HTTP error of the tab API answers: a stable code, a sentence to act on, and a correlation id. */
export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details: Readonly<Record<string, unknown>>;
    readonly correlationId?: string;
  };
}
