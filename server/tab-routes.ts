import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FetchImplementation, JWTVerifyGetKey } from 'jose';
import restify from 'restify';
import { Agent, fetch as undiciFetch } from 'undici';
import { z } from 'zod/v4';
import type { Core } from '../src/composition/create-core.js';
import { TlsTrust } from '../src/graph/tls-trust.js';
import { DEMO_SETUP_ACTOR, SYSTEM_ACTOR } from '../src/services/actor.js';
import { CONSENT_CALLBACK_PATH } from '../src/services/admin-consent.js';
import { consentCallbackInput } from '../src/services/integration-inputs.js';
import { parseInput } from '../src/services/validation.js';
import type { ErrorBody } from '../src/contracts/errors.js';
import { toUserFacingError, type ErrorCode } from '../src/shared/errors.js';
import type { Logger } from '../src/shared/logger.js';
import { SsoTokenValidator } from '../tab/api/sso-token-validator.js';
import { mountTabApi } from '../tab/api/tab-api.js';
import { tabRoutes } from '../tab/api/tab-routes-table.js';
import { TenantAllowList } from '../tab/api/tenant-allow-list.js';
import { appRoot } from './app-root.js';
import { mountSignInWindow } from './sign-in-window.js';
import { DEMO_MSP_TENANT_ID, demoIdentities, type DemoIdentity } from './demo-identities.js';
import { readJsonBody } from './json-body.js';
import { isLocalRequest } from './locality.js';
import { STATIC_PAGE_CSP, tabContentSecurityPolicy } from './security-headers.js';

const NOT_FOUND: ErrorBody = { error: { code: 'not_found', message: 'Not found.', details: {} } };

/** Demo mode only: how the local Teams host gets tokens from the in-process simulator. */
export interface DemoTabOptions {
  /**
   * The tab's SSO app in demo mode: the simulated multi-tenant app, as in production where one Entra app serves
   * tab SSO and admin consent. The audience of the tokens the simulator issues for the local host.
   */
  readonly tabClientId: string;
  /** The Teams app id the cards' deep links name: the local host follows deep links for this app only. */
  readonly teamsAppId: string;
  /** The simulator's authority host: it issues the tokens and publishes the keys. */
  readonly authorityHost: string;
  /** PEM of the simulator's CA, so its JWKS can be fetched over HTTPS. */
  readonly caCertPem?: string;
  /** Asks the simulator for a v2 delegated token of one demo identity, for the demo tab audience. */
  readonly issueToken: (identity: DemoIdentity, audience: string) => Promise<string>;
}

export interface TabRoutesOptions {
  readonly core: Core;
  readonly logger: Logger;
  /** The built tab (`npm run build:tab`). Default: tab/web/dist of this repository. */
  readonly distDir?: string;
  /** Present in demo mode only: mounts the local Teams host page and its token endpoint. */
  readonly demo?: DemoTabOptions;
  /** Test seam: the signing keys of a tenant (default: the remote JWKS of the authority host). */
  readonly keysFor?: (tenantId: string) => JWTVerifyGetKey;
  /** Counts each signed-in person's API requests (DESIGN §9); none in tests that measure speed. */
  readonly limitUser?: (actor: { readonly tenantId: string; readonly objectId: string }) => Promise<void>;
}

/** The tab API's bodies are small JSON objects (a connection form at most). */
const TAB_BODY_LIMIT = 64 * 1024;

/** What the tab routes expose to the composition root. */
export interface MountedTab {
  readonly validator: SsoTokenValidator;
  readonly allowList: TenantAllowList;
}

const defaultDist = path.join(appRoot(), 'tab/web/dist');

/**
 * Mounts the tab on the app's one server (DESIGN §4): the built web app under `/tab/`, its JSON API under
 * `/api/tab/…`, the admin-consent callback `/auth/consent/callback`, and — in demo mode only — the local Teams
 * host page `/dev/teams-host.html` with `/dev/identities` and `/dev/token`. In production those `/dev/` paths do
 * not exist (404).
 */
export function mountTabRoutes(server: restify.Server, options: TabRoutesOptions): MountedTab {
  const { core, logger, demo } = options;
  const config = core.config;
  const distDir = options.distDir ?? defaultDist;

  const allowList = new TenantAllowList({
    fixed: demo === undefined ? config.allowedTenantIds : [...config.allowedTenantIds, DEMO_MSP_TENANT_ID],
    // The status service is the core's read of every client and its tenant (the system actor sees them all).
    connectedTenants: async () =>
      (await core.status.list(SYSTEM_ACTOR)).flatMap((client) =>
        client.tenantId === null ? [] : [client.tenantId],
      ),
  });
  const clientId = config.tab.ssoClientId;
  const audiences = [
    ...(clientId === undefined
      ? []
      : [clientId, ...(config.tab.domain === undefined ? [] : [`api://${config.tab.domain}/${clientId}`])]),
    ...(demo === undefined ? [] : [demo.tabClientId]),
  ];
  const caPem = demo?.caCertPem ?? readCa(config.graph.trustedCaPath);
  const validator = new SsoTokenValidator({
    audiences,
    authorityHost: demo?.authorityHost ?? config.graph.authorityHost,
    isTenantAllowed: (tenantId) => allowList.isAllowed(tenantId),
    ...(options.keysFor === undefined ? {} : { keysFor: options.keysFor }),
    ...(caPem === undefined ? {} : { fetch: trustingFetch(caPem) }),
  });

  mountTabApi(server, {
    validator,
    routes: tabRoutes(core, { allowList }),
    logger,
    readBody: (req) => readJsonBody(req, TAB_BODY_LIMIT),
    ...(options.limitUser === undefined ? {} : { limitUser: options.limitUser }),
    downloadLinks: core.downloadLinks,
  });
  mountConsentCallback(server, core, allowList, logger);
  const ssoClientId = demo?.tabClientId ?? clientId;
  if (ssoClientId !== undefined) {
    mountSignInWindow(server, {
      authorityHost: demo?.authorityHost ?? config.graph.authorityHost,
      clientId: ssoClientId,
      apiDomain: config.tab.domain ?? new URL(config.publicBaseUrl).host,
      publicBaseUrl: config.publicBaseUrl,
    });
  }
  mountStaticTab(server, distDir, logger);
  if (demo !== undefined) mountDemoHost(server, distDir, demo, logger);
  // A newcomer's first click (`npm start` prints the address): the tab — in demo mode, on this machine, inside the
  // local Teams host page that plays Teams around it.
  server.get('/', (req: restify.Request, res: restify.Response, next: restify.Next) => {
    res.header(
      'location',
      demo !== undefined && isLocalRequest(req) ? '/dev/teams-host.html' : '/tab/index.html',
    );
    res.send(302);
    next();
  });
  return { validator, allowList };
}

/**
 * Where Entra sends the client's admin after admin consent (`tenant`, `admin_consent`, `state`, or `error`). The
 * integration service checks the signed state and connects; this page says what happened, in a browser window.
 */
function mountConsentCallback(
  server: restify.Server,
  core: Core,
  allowList: TenantAllowList,
  logger: Logger,
): void {
  server.get(CONSENT_CALLBACK_PATH, async (req: restify.Request, res: restify.Response) => {
    let title: string;
    let message: string;
    let ok = false;
    let waiting: { refreshSeconds: number; cancelUrl: string } | undefined;
    try {
      const query = parseInput(consentCallbackInput, req.query ?? {});
      const outcome = await core.integrations.completeConsent(query);
      if (outcome.outcome === 'waiting') {
        ok = true;
        title = 'Waiting for Microsoft to apply the consent';
        message = `${outcome.message} It gives up at ${outcome.until}.`;
        waiting = {
          refreshSeconds: outcome.retryAfterSeconds,
          cancelUrl: `${CONSENT_CALLBACK_PATH}?state=${encodeURIComponent(query.state ?? '')}&cancel=1`,
        };
      } else if (outcome.outcome === 'connected') {
        allowList.invalidate();
        // The first sync starts now rather than at the scheduler's next look (a lane of its own: see the scheduler).
        void core.scheduler.tick();
        ok = true;
        title = 'Connected';
        const domains = outcome.organization.verifiedDomains.map((domain) => domain.name);
        // The organisation as Microsoft Graph describes it, for the admin to confirm it is the one they meant.
        message = `Client ${outcome.integration.clientName} is now connected to the Entra tenant of ${outcome.organization.displayName ?? outcome.integration.tenantId} (tenant id ${outcome.integration.tenantId}${domains.length === 0 ? '' : `; verified domains: ${domains.join(', ')}`}). If this is not the organisation you meant, remove the connection in the app's Setup screen. The first sync starts now; you can close this window and return to Teams.`;
      } else {
        title = 'Consent was not granted';
        message = outcome.message;
      }
    } catch (error) {
      const answer = toUserFacingError(error, crypto.randomUUID());
      if (answer.status >= 500) logger.error({ err: error }, 'admin-consent callback failed');
      title = 'The connection could not be completed';
      message = answer.message;
    }
    res.writeHead(ok ? 200 : 400, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': STATIC_PAGE_CSP,
    });
    res.end(consentPage(title, message, ok, waiting));
  });
}

function consentPage(
  title: string,
  message: string,
  ok: boolean,
  waiting?: { refreshSeconds: number; cancelUrl: string },
): string {
  const colour = waiting !== undefined ? '#605e5c' : ok ? '#107c10' : '#c50f1f';
  // While waiting, the page asks again by itself (the same answer, whose state stays valid) and offers to cancel.
  const refresh =
    waiting === undefined ? '' : `<meta http-equiv="refresh" content="${String(waiting.refreshSeconds)}">`;
  const cancel =
    waiting === undefined
      ? ''
      : `<p><a href="${escapeHtml(waiting.cancelUrl)}">Cancel the connection</a></p>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">${refresh}<title>${escapeHtml(title)} — Identity Manager</title></head>
<body style="font-family:'Segoe UI',system-ui,sans-serif;background:#f5f5f5;margin:0;display:grid;place-items:center;min-height:100vh">
<main style="background:#fff;border-radius:8px;padding:32px 40px;max-width:520px;box-shadow:0 2px 8px rgba(0,0,0,.12)">
<h1 style="font-size:20px;color:${colour};margin-top:0">${escapeHtml(title)}</h1><p style="line-height:1.5">${escapeHtml(message)}</p>${cancel}
</main></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * Demo mode: gives the demo identities their roles — partner admin, client admin and viewer of the demo client,
 * and nothing for the outsider — so a local run shows every role. Assigning a role held already changes nothing.
 */
export async function seedDemoRoles(core: Core, demoClientId: string): Promise<void> {
  for (const person of Object.values(demoIdentities)) {
    if (person.role === 'none') continue;
    await core.roles.assign(DEMO_SETUP_ACTOR, {
      principalTenantId: person.tenantId,
      principalObjectId: person.objectId,
      principalName: person.upn,
      role: person.role,
      ...(person.role === 'partner_admin' ? {} : { client: demoClientId }),
    });
  }
}

function mountStaticTab(server: restify.Server, distDir: string, logger: Logger): void {
  if (!fs.existsSync(path.join(distDir, 'index.html'))) {
    logger.warn({ distDir }, 'the tab is not built: run `npm run build:tab` (npm start does it first)');
  }
  const serve = restify.plugins.serveStaticFiles(distDir, {
    maxAge: 0,
    setHeaders: (res: { setHeader(name: string, value: string): void }, file: string) => {
      // Hashed assets never change; the page itself is always revalidated so a deploy shows at once.
      res.setHeader(
        'cache-control',
        file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
      res.setHeader('content-security-policy', tabContentSecurityPolicy());
    },
  });
  // The host page is built next to the tab but is only ever served, in demo mode, at /dev/teams-host.html. Paths
  // arrive here in their canonical spelling (server/canonical-path.ts), so `/tab//dev/…`, `/tab/./dev/…` and
  // `/tab/assets/../dev/…` are this path too.
  const notFound = (_req: restify.Request, res: restify.Response, next: restify.Next): void => {
    res.json(404, NOT_FOUND);
    next(false);
  };
  server.get('/tab/dev/*', notFound);
  server.get('/tab', (_req: restify.Request, res: restify.Response, next: restify.Next) => {
    res.header('location', '/tab/index.html');
    res.send(302);
    next();
  });
  server.get('/tab/*', (req: restify.Request, res: restify.Response, next: restify.Next) => {
    if (req.getPath().startsWith('/tab/dev/')) {
      notFound(req, res, next);
      return;
    }
    serve(req, res, next);
  });
}

const tokenRequest = z.object({
  identity: z.enum(
    Object.keys(demoIdentities) as [keyof typeof demoIdentities, ...(keyof typeof demoIdentities)[]],
    {
      error: `must be one of: ${Object.keys(demoIdentities).join(', ')}`,
    },
  ),
});

/**
 * Demo mode only — never registered in production: the local Teams host page and the token endpoint behind it.
 * Whoever reaches /dev/token signs in as any demo identity, so every /dev route answers only requests from this
 * machine, decided from the socket (server/locality.ts) — the guard is part of each route, so whatever spelling
 * reached the route passed it.
 */
function mountDemoHost(server: restify.Server, distDir: string, demo: DemoTabOptions, logger: Logger): void {
  const localOnly = (req: restify.Request, res: restify.Response, next: restify.Next): void => {
    if (!isLocalRequest(req)) {
      res.json(404, NOT_FOUND);
      next(false);
      return;
    }
    next();
  };
  server.get('/dev/teams-host.html', localOnly, async (_req: restify.Request, res: restify.Response) => {
    const file = path.join(distDir, 'dev', 'teams-host.html');
    let page: Buffer;
    try {
      page = await fs.promises.readFile(file);
    } catch {
      res.json(503, {
        error: {
          code: 'tab_not_built' satisfies ErrorCode,
          message: 'Run `npm run build:tab` first.',
          details: {},
        },
      });
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      // The host page frames the tab (same origin) and nothing else.
      'content-security-policy': tabContentSecurityPolicy({ frameSources: ["'self'"] }),
    });
    res.end(page);
  });
  server.get(
    '/dev/identities',
    localOnly,
    (_req: restify.Request, res: restify.Response, next: restify.Next) => {
      res.json(200, {
        teamsAppId: demo.teamsAppId,
        identities: Object.entries(demoIdentities).map(([key, person]) => ({
          key,
          displayName: person.displayName,
          upn: person.upn,
          role: person.role,
          tenantId: person.tenantId,
          objectId: person.objectId,
        })),
      });
      next();
    },
  );
  server.post('/dev/token', localOnly, async (req: restify.Request, res: restify.Response) => {
    try {
      const { identity } = parseInput(tokenRequest, (await readJsonBody(req, 4096)) ?? {});
      const token = await demo.issueToken(demoIdentities[identity], demo.tabClientId);
      res.header('cache-control', 'no-store');
      res.json(200, { token, expiresAt: expiryOf(token) });
    } catch (error) {
      const answer = toUserFacingError(error, 'demo-token');
      if (answer.status >= 500) logger.error({ err: error }, 'demo token endpoint failed');
      res.json(answer.status, {
        error: { code: answer.code, message: answer.message, details: answer.details ?? {} },
      });
    }
  });
}

function expiryOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    exp?: number;
  };
  return new Date((payload.exp ?? Math.floor(Date.now() / 1000) + 600) * 1000).toISOString();
}

function readCa(caPath: string | undefined): string | undefined {
  return caPath === undefined ? undefined : fs.readFileSync(caPath, 'utf8');
}

/** fetch for the JWKS that also trusts an extra CA (the simulator's, or a corporate proxy's). */
function trustingFetch(caPem: string): FetchImplementation {
  const dispatcher = new Agent({ connect: new TlsTrust(caPem).connectOptions() });
  return async (url, options) => {
    const response = await undiciFetch(url, { ...options, dispatcher });
    // Re-wrapped: undici's Response class is not the global one jose expects (the JWKS is a few kB).
    return new Response(await response.arrayBuffer(), {
      status: response.status,
      headers: Object.fromEntries(response.headers),
    });
  };
}
