import { useState } from 'react';

/**
 * A change sent to the API from a screen that stays open (unlike a dialog's): busy while it runs, ready again after
 * a success (`onSuccess` reloads), the failure kept in `error` until the next try.
 */
export function useAction<T, A extends readonly unknown[] = []>(
  send: (...args: A) => Promise<T>,
  onSuccess: (answer: T) => void,
): { readonly busy: boolean; readonly error: unknown; readonly run: (...args: A) => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = (...args: A): void => {
    setBusy(true);
    setError(undefined);
    send(...args).then(
      (answer) => {
        setBusy(false);
        onSuccess(answer);
      },
      (failure: unknown) => {
        setError(failure);
        setBusy(false);
      },
    );
  };
  return { busy, error, run };
}
