/**
 * Teams for iOS and Android, as teams-js sees them: the tab is the top-level page of a webview (no parent frame, no
 * opener) and talks to the app through `window.nativeInterface.framelessPostMessage(json)`; the app answers by
 * calling `window.onNativeMessage({ data: { id, uuidAsString, args } })`. teams-js 2.x takes this path when there is
 * no parent window but `nativeInterface` exists (`isFramelessWindow`, internal/communication.js). This script is
 * installed before the tab's own scripts (playwright `addInitScript`) and answers like the mobile apps: the
 * handshake, the context, and SSO tokens for a demo identity from the demo token endpoint. Every request is logged
 * in `window.mobileHostLog`.
 */
export function mobileHostScript(options: {
  readonly identity: string;
  readonly clientType: 'android' | 'ios';
}): string {
  return `(() => {
  const identity = ${JSON.stringify(options.identity)};
  const clientType = ${JSON.stringify(options.clientType)};
  const runtime = JSON.stringify({
    apiVersion: 4,
    isLegacyTeams: false,
    hostVersionsInfo: { adaptiveCardSchemaVersion: { majorVersion: 1, minorVersion: 5 } },
    supports: { app: {}, pages: { tabs: {}, appButton: {} }, authentication: {} },
  });
  const log = [];
  window.mobileHostLog = log;
  let person;
  async function who() {
    if (person === undefined) {
      const list = await (await fetch('/dev/identities')).json();
      person = list.identities.find((candidate) => candidate.key === identity);
    }
    return person;
  }
  async function answer(message) {
    switch (message.func) {
      case 'initialize':
        return ['content', clientType, runtime, '2.0.0'];
      case 'getContext': {
        const me = await who();
        return [{
          locale: 'en-us', theme: 'default', entityId: 'clients', frameContext: 'content',
          userObjectId: me.objectId, tid: me.tenantId, loginHint: me.upn, userPrincipalName: me.upn,
          userDisplayName: me.displayName, hostName: 'Teams', hostClientType: clientType,
          appSessionId: 'mobile-session',
        }];
      }
      case 'authentication.getAuthToken': {
        const issued = await fetch('/dev/token', {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity }),
        });
        if (!issued.ok) return [false, 'token endpoint answered ' + issued.status];
        return [true, (await issued.json()).token];
      }
      case 'executeDeepLink':
        log.push('opened ' + message.args[0]);
        return [true];
      default:
        return undefined;
    }
  }
  window.nativeInterface = {
    framelessPostMessage(json) {
      const message = JSON.parse(json);
      log.push(message.func);
      answer(message).then((args) => {
        if (args === undefined) return;
        window.onNativeMessage({ data: { id: message.id, uuidAsString: message.uuidAsString, args } });
      });
    },
  };
})();`;
}
