/**
 * The last page of the tab's consent window: Entra sends the person back here after the consent prompt
 * (`redirect_uri` of server/sign-in-window.ts), with `state` and a `code` or an `error`. The page tells the tab
 * through teams-js — `authentication.notifySuccess(state)`, which the tab compares with the state it sent, or
 * `notifyFailure(reason)` — and the host closes the window. The code is never used: consent was the point.
 * https://learn.microsoft.com/javascript/api/@microsoft/teams-js/authentication#@microsoft-teams-js-authentication-notifysuccess
 */
import { app, authentication } from '@microsoft/teams-js';

const query = new URLSearchParams(location.search);
// The code and state have no business staying in the address bar or the history.
history.replaceState(null, '', location.pathname);
const status = document.getElementById('status');

app.initialize().then(
  () => {
    const error = query.get('error');
    const state = query.get('state');
    if (error !== null) {
      authentication.notifyFailure(query.get('error_description') ?? error);
    } else if (state === null || query.get('code') === null) {
      authentication.notifyFailure('The sign-in page answered without a result.');
    } else {
      authentication.notifySuccess(state);
    }
  },
  (error: unknown) => {
    if (status !== null) {
      status.textContent = `This window belongs to Identity Manager's sign-in in Teams; close it and try again there (${error instanceof Error ? error.message : String(error)}).`;
    }
  },
);
