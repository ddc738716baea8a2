import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { ApiError } from '../api/api-client.js';

/** Says what went wrong in words, with the correlation id to quote for server-side failures. */
export function ErrorBar({ error, title }: { readonly error: unknown; readonly title?: string }) {
  if (error === undefined || error === null) return null;
  const message = error instanceof Error ? error.message : 'An unexpected error occurred.';
  // Worth quoting only when the server failed; a refusal explains itself.
  const correlationId = error instanceof ApiError && error.status >= 500 ? error.correlationId : null;
  return (
    <MessageBar intent="error" layout="multiline" role="alert">
      <MessageBarBody>
        <MessageBarTitle>{title ?? titleFor(error)}</MessageBarTitle>
        {message}
        {correlationId !== null && ` (correlation id ${correlationId})`}
      </MessageBarBody>
    </MessageBar>
  );
}

function titleFor(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong';
  if (error.status === 401) return 'Sign-in problem';
  if (error.status === 403) return 'Not allowed';
  if (error.status === 404) return 'Not found';
  if (error.status === 400) return 'Please check your input';
  if (error.status === 409) return 'Cannot do that now';
  return 'Something went wrong';
}
