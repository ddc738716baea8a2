/**
 * Demo mode only: a same-origin page that plays Microsoft Teams around the tab (DESIGN §7, teams-tech.md §5).
 * teams-js in the framed tab posts `{ id, uuidAsString, func, args }` to its parent; this page answers
 * `initialize`, `getContext`, `authentication.getAuthToken` (with a token the server asks the simulator for, for
 * the chosen demo identity) and the configuration page's save protocol, and sends theme changes. Same-origin
 * parents skip teams-js's list of valid Teams origins, so nothing is fetched from Microsoft.
 */
import './teams-host.css';

interface DemoIdentityView {
  readonly key: string;
  readonly displayName: string;
  readonly upn: string;
  readonly role: string;
  readonly tenantId: string;
  readonly objectId: string;
}

interface TeamsRequest {
  readonly id: number;
  readonly uuidAsString?: string;
  readonly func: string;
  readonly args?: unknown[];
}

interface ChannelConfig {
  readonly entityId: string;
  readonly contentUrl: string;
  readonly suggestedDisplayName?: string;
}

type Surface = 'personal' | 'channel';
type Theme = 'default' | 'dark' | 'contrast';

const RUNTIME = JSON.stringify({
  apiVersion: 4,
  isLegacyTeams: false,
  hostVersionsInfo: { adaptiveCardSchemaVersion: { majorVersion: 1, minorVersion: 5 } },
  supports: {
    app: {},
    pages: { config: {}, tabs: {}, appButton: {} },
    authentication: {},
    dialog: { card: {}, url: {} },
  },
});
const CONFIG_KEY = 'teams-host.channel-config';
const PERSONAL_URL = '/tab/index.html#/clients';
const CONFIGURE_URL = '/tab/index.html#/configure';

let frame = element('tab', HTMLIFrameElement);
const identitySelect = element('identity', HTMLSelectElement);
const themeSelect = element('theme', HTMLSelectElement);
const surfaceSelect = element('surface', HTMLSelectElement);
const configChrome = element('config-chrome', HTMLElement);
const configSave = element('config-save', HTMLButtonElement);
const configReset = element('config-reset', HTMLButtonElement);
const configStatus = element('config-status', HTMLElement);

const params = new URLSearchParams(location.search);
const state = {
  identities: [] as DemoIdentityView[],
  identity: params.get('as') ?? 'partnerAdmin',
  theme: asTheme(params.get('theme')),
  surface: asSurface(params.get('surface')),
  frameContext: 'content' as 'content' | 'settings',
  pendingConfig: undefined as ChannelConfig | undefined,
  tokens: new Map<string, { token: string; expiresAt: number }>(),
};

/** What tests and curious developers can read: every message the tab sent. */
const log: { func: string; args: unknown[] }[] = [];
(window as unknown as { teamsHostLog: typeof log }).teamsHostLog = log;

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (event.origin !== location.origin || event.source !== frame.contentWindow) return;
  const request = event.data as TeamsRequest;
  if (typeof request !== 'object' || typeof request.func !== 'string') return;
  log.push({ func: request.func, args: request.args ?? [] });
  answer(request).catch((error: unknown) => {
    configStatus.textContent = `The host failed to answer ${request.func}: ${String(error)}`;
  });
});

async function answer(request: TeamsRequest): Promise<void> {
  const args = request.args ?? [];
  switch (request.func) {
    case 'initialize':
      reply(request, [state.frameContext, 'web', RUNTIME, '2.0.0']);
      return;
    case 'getContext':
      reply(request, [legacyContext()]);
      return;
    case 'authentication.getAuthToken':
      try {
        reply(request, [true, await tokenFor(state.identity)]);
      } catch (error) {
        reply(request, [false, error instanceof Error ? error.message : String(error)]);
      }
      return;
    case 'settings.setValidityState':
      configSave.disabled = args[0] !== true;
      return;
    case 'settings.setSettings':
      state.pendingConfig = args[0] as ChannelConfig;
      reply(request, [true]);
      return;
    case 'settings.getSettings':
      reply(request, [savedConfig() ?? {}]);
      return;
    case 'settings.save.success':
      finishConfiguration();
      return;
    case 'settings.save.failure':
      configStatus.textContent = `The tab refused to save: ${typeof args[0] === 'string' ? args[0] : 'no reason given'}`;
      configSave.disabled = false;
      return;
    default:
      // registerHandler, app.notifySuccess, logs…: nothing to answer.
      return;
  }
}

function reply(request: TeamsRequest, args: unknown[]): void {
  frame.contentWindow?.postMessage(
    { id: request.id, uuidAsString: request.uuidAsString, args },
    location.origin,
  );
}

function send(func: string, args: unknown[]): void {
  frame.contentWindow?.postMessage({ func, args }, location.origin);
}

function legacyContext(): Record<string, unknown> {
  const person = state.identities.find((candidate) => candidate.key === state.identity);
  const config = savedConfig();
  const channel = state.surface === 'channel';
  return {
    locale: 'en-us',
    theme: state.theme,
    entityId: channel ? (config?.entityId ?? '') : 'clients',
    frameContext: state.frameContext,
    userObjectId: person?.objectId,
    tid: person?.tenantId,
    loginHint: person?.upn,
    userPrincipalName: person?.upn,
    userDisplayName: person?.displayName,
    hostName: 'Teams',
    hostClientType: 'web',
    appSessionId: 'local-session',
    ...(channel
      ? {
          teamId: '19:demo-team@thread.tacv2',
          teamName: 'MSP Operations',
          channelId: '19:demo-channel@thread.tacv2',
          channelName: 'Clients',
        }
      : {}),
  };
}

async function tokenFor(identity: string): Promise<string> {
  const cached = state.tokens.get(identity);
  if (cached !== undefined && cached.expiresAt - 60_000 > Date.now()) return cached.token;
  const response = await fetch('/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identity }),
  });
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
  const body = (await response.json()) as { token: string; expiresAt: string };
  state.tokens.set(identity, { token: body.token, expiresAt: Date.parse(body.expiresAt) });
  return body.token;
}

function savedConfig(): ChannelConfig | undefined {
  const text = sessionStorage.getItem(CONFIG_KEY);
  return text === null ? undefined : (JSON.parse(text) as ChannelConfig);
}

function finishConfiguration(): void {
  if (state.pendingConfig === undefined) {
    configStatus.textContent = 'The tab said it saved, but never called setConfig.';
    return;
  }
  sessionStorage.setItem(CONFIG_KEY, JSON.stringify(state.pendingConfig));
  load();
}

function load(): void {
  const config = savedConfig();
  const configuring = state.surface === 'channel' && config === undefined;
  state.frameContext = configuring ? 'settings' : 'content';
  configChrome.hidden = !configuring;
  configSave.disabled = true;
  configStatus.textContent = '';
  const url = state.surface === 'personal' ? PERSONAL_URL : configuring ? CONFIGURE_URL : relative(config);
  // A new frame each time, so teams-js starts over in a fresh page (a hash change alone would not re-initialize).
  const next = document.createElement('iframe');
  next.id = 'tab';
  next.title = frame.title;
  next.src = url;
  frame.replaceWith(next);
  frame = next;
  document.body.dataset.surface = state.surface;
  document.body.dataset.theme = state.theme;
  const query = new URLSearchParams({ as: state.identity, theme: state.theme, surface: state.surface });
  history.replaceState(null, '', `${location.pathname}?${query.toString()}`);
}

function relative(config: ChannelConfig | undefined): string {
  if (config === undefined) return CONFIGURE_URL;
  const url = new URL(config.contentUrl, location.origin);
  return `${url.pathname}${url.search}${url.hash}`;
}

function asSurface(value: string | null): Surface {
  return value === 'channel' ? 'channel' : 'personal';
}

function asTheme(value: string | null): Theme {
  return value === 'dark' || value === 'contrast' ? value : 'default';
}

function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`#${id} missing from the host page`);
  return found;
}

async function start(): Promise<void> {
  const response = await fetch('/dev/identities');
  state.identities = ((await response.json()) as { identities: DemoIdentityView[] }).identities;
  for (const person of state.identities) {
    identitySelect.add(new Option(`${person.displayName} — ${person.role.replace('_', ' ')}`, person.key));
  }
  if (!state.identities.some((person) => person.key === state.identity)) {
    state.identity = state.identities[0]?.key ?? '';
  }
  identitySelect.value = state.identity;
  themeSelect.value = state.theme;
  surfaceSelect.value = state.surface;

  identitySelect.addEventListener('change', () => {
    state.identity = identitySelect.value;
    load();
  });
  themeSelect.addEventListener('change', () => {
    state.theme = asTheme(themeSelect.value);
    document.body.dataset.theme = state.theme;
    send('themeChange', [state.theme]);
    history.replaceState(
      null,
      '',
      `${location.pathname}?${new URLSearchParams({ as: state.identity, theme: state.theme, surface: state.surface }).toString()}`,
    );
  });
  surfaceSelect.addEventListener('change', () => {
    state.surface = asSurface(surfaceSelect.value);
    load();
  });
  configSave.addEventListener('click', () => {
    configSave.disabled = true;
    configStatus.textContent = 'Saving…';
    send('settings.save', [{}]);
  });
  configReset.addEventListener('click', () => {
    sessionStorage.removeItem(CONFIG_KEY);
    load();
  });
  if (params.get('reset') === '1') sessionStorage.removeItem(CONFIG_KEY);
  load();
}

void start();
