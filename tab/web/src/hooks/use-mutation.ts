import { useState } from 'react';

export interface Mutation<A extends readonly unknown[]> {
  /** True from the start of a change until it fails; after a success the caller closes or reloads. */
  readonly busy: boolean;
  /** The last failure, for an `ErrorBar`; undefined until one. */
  readonly error: unknown;
  /** Sends the change. */
  readonly run: (...args: A) => void;
}

/**
 * A change sent to the API, the way every dialog of the tab does it: busy while it runs, then `onSuccess` with the
 * answer (usually a notice and closing the dialog), or the failure kept in `error` and no longer busy, so the
 * person can correct and send again.
 */
export function useMutation<T, A extends readonly unknown[] = []>(
  send: (...args: A) => Promise<T>,
  onSuccess: (answer: T) => void,
): Mutation<A> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = (...args: A): void => {
    setBusy(true);
    send(...args).then(onSuccess, (failure: unknown) => {
      setError(failure);
      setBusy(false);
    });
  };
  return { busy, error, run };
}
