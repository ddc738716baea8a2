import { useEffect, useState } from 'react';

/**
 * Gives focus back to whatever had it when a dialog opened (the button that opened it), once the dialog closes.
 * Fluent's Dialog does this itself only when it is opened through its own trigger; our dialogs are opened from
 * table rows. The element is captured during the first render, before the dialog moves focus inside.
 */
export function useReturnFocus(): void {
  const [opener] = useState(() =>
    document.activeElement instanceof HTMLElement ? document.activeElement : null,
  );
  useEffect(
    () => () => {
      // After the dialog's own clean-up, so its focus trap has let go.
      setTimeout(() => {
        if (opener?.isConnected === true) opener.focus();
      }, 0);
    },
    [opener],
  );
}
