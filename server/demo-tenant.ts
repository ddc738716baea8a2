import fs from 'node:fs/promises';
import path from 'node:path';
import {
  demoTenantSpec,
  PRODUCT_PERMISSIONS,
  startSimulator,
  type SimTenant,
  type Simulator,
} from '../sim/index.js';
import type { AppConfig } from '../src/config/load-config.js';
import type { Core } from '../src/composition/create-core.js';
import { demoConsentApp, demoEndpointsFile, type GraphEndpoints } from '../src/graph/tenant-graph-factory.js';
import { DEMO_SETUP_ACTOR } from '../src/services/actor.js';
import type { Logger } from '../src/shared/logger.js';
import { CONSENT_CALLBACK_PATH } from '../src/services/admin-consent.js';
import { DEMO_MSP_TENANT_ID } from './demo-identities.js';
import { SIGN_IN_END_PATH } from './sign-in-window.js';

/** The demo client's short name. */
export const DEMO_CLIENT_NAME = 'demo';

/**
 * Our own multi-tenant app in demo mode (what CONSENT_APP_CLIENT_ID names in production): admin consent grants it
 * the six permissions in a client tenant. Its secret is made afresh at every start and never leaves the process.
 */
export { DEMO_CONSENT_APP_ID } from '../src/graph/tenant-graph-factory.js';

/** A second simulated tenant, not connected to any client: to try connecting one (admin consent) in demo mode. */
export const DEMO_SECOND_TENANT_DOMAIN = 'northwind.onmicrosoft.com';

/** The built-in simulated tenant of demo mode, and where the Graph seam must look for it. */
export interface DemoTenant {
  readonly simulator: Simulator;
  readonly tenant: SimTenant;
  /** Authority and Graph hosts of the simulator, and its CA to trust in-process. */
  readonly endpoints: GraphEndpoints;
  /** Our multi-tenant app's credentials for admin-consent integrations. */
  readonly consentApp: { readonly clientId: string; readonly clientSecret: string };
  close(): Promise<void>;
}

/**
 * Demo mode: starts the Entra ID / Graph simulator in this process (HTTPS on `DEMO_SIM_PORT`, its CA and keys in
 * `<DATA_DIR>/sim`) with the deterministic demo tenant of `DEMO_USERS` users.
 */
export async function startDemoTenant(
  config: AppConfig,
  logger: Logger,
  secretsKey: Buffer,
): Promise<DemoTenant> {
  const log = logger.child({ component: 'simulator' });
  const consentApp = {
    ...demoConsentApp(secretsKey),
    displayName: 'Entra ID Manager (demo)',
    permissions: [...PRODUCT_PERMISSIONS],
    // Its reply URLs, as aad.manifest.json registers them: the consent callback and the tab's sign-in window.
    redirectUris: [
      `${config.publicBaseUrl}${CONSENT_CALLBACK_PATH}`,
      `${config.publicBaseUrl}${SIGN_IN_END_PATH}`,
    ],
  };
  const simulator = await startSimulator({
    dataDir: path.join(config.dataDir, 'sim'),
    port: config.demo.simPort,
    tenants: [
      demoTenantSpec({ users: config.demo.users }),
      demoTenantSpec({
        seed: 2027,
        displayName: 'Northwind Traders',
        domain: DEMO_SECOND_TENANT_DOMAIN,
        users: Math.min(300, config.demo.users),
        groups: 30,
      }),
      // The MSP's own tenant, where the demo identities sign in (the tab's consent window goes through it).
      {
        seed: 2028,
        tenantId: DEMO_MSP_TENANT_ID,
        displayName: 'MSP (demo)',
        domain: 'msp-demo.onmicrosoft.com',
        users: 10,
        groups: 2,
        signInDays: 0,
      },
    ],
    multiTenantApp: consentApp,
    // As with Microsoft, an admin consent takes a moment to reach new tokens: the consent flow shows it waiting.
    consentPropagationMs: 3_000,
    // As with Microsoft, Graph throttles: 429 with Retry-After at its documented limits
    // (https://learn.microsoft.com/en-us/graph/throttling, https://learn.microsoft.com/en-us/graph/throttling-limits).
    realisticThrottling: config.demo.throttling,
    logger: {
      info: (message, details) => {
        log.debug(details ?? {}, message);
      },
      warn: (message, details) => {
        log.warn(details ?? {}, message);
      },
    },
  });
  const tenant = simulator.tenant(demoTenantSpec().domain ?? 'contoso.onmicrosoft.com');
  // The admin CLI (another process) finds this simulator through the file.
  await fs.writeFile(
    demoEndpointsFile(config.dataDir),
    `${JSON.stringify({ authorityHost: simulator.authorityHost, graphBaseUrl: simulator.graphBaseUrl, caCertPath: simulator.caCertPath })}\n`,
    { mode: 0o600 },
  );
  logger.info(
    {
      authorityHost: simulator.authorityHost,
      tenant: tenant.domain,
      users: tenant.userCount,
      groups: tenant.groupCount,
    },
    'demo tenant simulator started',
  );
  return {
    simulator,
    tenant,
    endpoints: {
      authorityHost: simulator.authorityHost,
      graphBaseUrl: simulator.graphBaseUrl,
      trustedCaPem: simulator.caCertPem,
    },
    consentApp: { clientId: consentApp.clientId, clientSecret: consentApp.clientSecret },
    close: () => simulator.close(),
  };
}

/**
 * Makes sure the `demo` client exists and is connected to the simulated tenant with its app's client credentials
 * (the credentials are re-saved when the simulator's differ, e.g. after the data folder was reset), starts its
 * initial import (unless DEMO_AUTO_IMPORT=false), then starts its first sync — directory, activity, MFA, sign-ins —
 * without waiting for the scheduler. Returns the client id.
 */
export async function ensureDemoClient(core: Core, demo: DemoTenant): Promise<string> {
  const app = demo.tenant.registeredApps()[0];
  if (app === undefined) throw new Error('The demo tenant has no registered app.');
  const client =
    (await core.store.read.clients.find(DEMO_CLIENT_NAME)) ??
    (await core.clients.add(DEMO_SETUP_ACTOR, {
      name: DEMO_CLIENT_NAME,
      displayName: demo.tenant.displayName,
    }));
  const integration = await core.integrationStore.find(client.id);
  const sameApp =
    integration?.tenantId === demo.tenant.tenantId && integration.appClientId === app.clientId.toLowerCase();
  const current =
    sameApp &&
    (await core.integrationStore.credentials(client.id).then(
      (credentials) => credentials.clientSecret === app.clientSecret,
      () => false,
    ));
  if (!current) {
    await core.integrationStore.save({
      clientId: client.id,
      kind: 'client_credentials',
      tenantId: demo.tenant.tenantId,
      tenantInput: demo.tenant.domain,
      appClientId: app.clientId,
      clientSecret: app.clientSecret,
      organizationName: demo.tenant.displayName,
      actor: 'demo-mode',
      at: core.clock.now(),
    });
    core.logger.info({ clientId: client.id }, 'demo client connected to the simulated tenant');
  }
  const clientId = client.id;
  // As a connection made in the tab or the CLI is: checked (token, the six permissions, organization) and the
  // result kept, so that Setup says which permissions are granted.
  if (!current || (await core.integrationStore.find(clientId))?.permissionChecks.length === 0)
    await core.integrations.test(DEMO_SETUP_ACTOR, clientId);
  // This simulator was generated afresh in this process: links saved against the previous one mean nothing to it.
  await core.store.read.checkpoints.forgetLinks(clientId, core.clock.now());
  // By default the demo shows an imported tenant at once: the admin's "start the initial import" step is taken.
  if (core.config.demo.autoImport) await core.integrations.startImport(DEMO_SETUP_ACTOR, clientId);
  // Everything a sync means, at once: the directory (logged when done), then the activity that ends
  // "reading activity…", MFA registration and the sign-ins — as the scheduler's first run does, which joins these.
  // Nobody asked for it: it is the app's own run (initial on the first start, then scheduled), not a manual one.
  void core.directorySync
    .run(clientId, { trigger: 'schedule' })
    .then(
      async (outcome) => {
        core.logger.info(
          { clientId, runId: outcome.run.id, status: outcome.run.status },
          'demo tenant synced',
        );
        if (outcome.run.status === 'succeeded') {
          await core.clientSync.run(clientId, {
            trigger: 'schedule',
            parts: ['activity', 'mfa', 'sign-ins'],
          });
        }
      },
      (error: unknown) => {
        core.logger.error({ err: error, clientId }, 'demo tenant sync failed');
      },
    )
    .catch((error: unknown) => {
      core.logger.error({ err: error, clientId }, 'demo tenant activity or sign-ins failed');
    });
  return clientId;
}
