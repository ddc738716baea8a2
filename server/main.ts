import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, ownSecretsOf, type AppConfig } from '../src/config/load-config.js';
import { ownSecretStatus, type OwnSecretStatus } from '../src/domain/own-secrets.js';
import { createCore } from '../src/composition/create-core.js';
import { Telemetry } from '../src/observability/telemetry.js';
import { startTracing } from '../src/observability/tracing.js';
import { createLogger, type Logger } from '../src/shared/logger.js';
import { loadOrCreateDemoKey } from '../src/store/secret-box.js';
import { appRoot } from './app-root.js';
import { DEMO_TEAMS_APP_ID } from './demo-identities.js';
import { ensureDemoClient, startDemoTenant } from './demo-tenant.js';
import { closeHttpServer, createHttpServer } from './http-server.js';
import { startMetricsServer } from './metrics-server.js';
import { mountLegalPages } from './legal-pages.js';
import { mountTabRoutes, seedDemoRoles } from './tab-routes.js';
import { createBotEdge, mountBotRoutes } from './bot-routes.js';
import { describeLimits, RequestLimits } from './request-limits.js';

/**
 * The composition root: reads the configuration once, builds the core, mounts the bot and the tab on one restify
 * server, and shuts everything down in order on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  const secretsKey = config.secretsKey ?? loadOrCreateDemoKey(config.dataDir);
  // What has been started, stopped in reverse order on shutdown — or at once when start-up fails half-way, so a
  // failed start exits instead of leaving a scheduler running without a server.
  const started: (() => Promise<void>)[] = [];
  // What must happen the moment a stop begins, before anything is drained: long passes are told to stop.
  const firstSteps: (() => void)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const step of firstSteps) step();
    for (const stop of started.reverse()) await stop();
  };
  try {
    await start(config, logger, secretsKey, started, firstSteps);
  } catch (error) {
    logger.fatal({ err: error }, 'start-up failed');
    logger.flush();
    await stopAll();
    throw error;
  }
  installShutdown(logger, stopAll);
}

async function start(
  config: AppConfig,
  logger: Logger,
  secretsKey: Buffer,
  started: (() => Promise<void>)[],
  firstSteps: (() => void)[],
): Promise<void> {
  const version = readVersion();
  // Traces only when the OTEL_* variables ask for them; metrics always recorded, served only on METRICS_PORT.
  const tracing = startTracing(process.env);
  if (tracing !== undefined) {
    started.push(() => tracing.shutdown());
    logger.info({ exporter: tracing.exporter }, 'OpenTelemetry tracing on');
  }
  const telemetry = new Telemetry(
    tracing === undefined ? {} : { tracer: tracing.provider.getTracer('entra-teams-idm', version) },
  );
  // Demo mode: the simulated tenant stands in for Entra ID and Graph, in this process.
  const demo = config.mode === 'demo' ? await startDemoTenant(config, logger, secretsKey) : undefined;
  if (demo !== undefined) started.push(() => demo.close());
  const bot = createBotEdge(config);
  const core = await createCore({
    config,
    logger,
    secretsKey,
    notifier: bot.notifier,
    telemetry,
    ...(demo === undefined ? {} : { graphEndpoints: demo.endpoints, consentApp: demo.consentApp }),
  });
  started.push(() => core.close());
  firstSteps.push(() => {
    core.beginShutdown();
  });
  if (demo !== undefined) await seedDemoRoles(core, await ensureDemoClient(core, demo));
  await core.scheduler.start();
  const limits = RequestLimits.create(config);
  started.push(() => limits.close());
  describeLimits(config, logger);
  const limitUser = (actor: { readonly tenantId: string; readonly objectId: string }): Promise<void> =>
    limits.user(actor.tenantId, actor.objectId);
  const ownSecrets = (): OwnSecretStatus[] =>
    ownSecretsOf(config).map((secret) => ownSecretStatus(secret, core.clock.now()));
  for (const secret of ownSecrets()) {
    if (secret.warning !== null) logger.warn({ secret: secret.secret, state: secret.state }, secret.warning);
  }
  const server = createHttpServer({
    logger,
    version,
    pingStore: () => core.database.ping(),
    ownSecrets,
    mode: config.mode,
    publicHosts: [
      new URL(config.publicBaseUrl).hostname,
      ...(config.tab.domain === undefined ? [] : [config.tab.domain]),
    ],
    limits,
    trustedProxyHops: config.limits.trustedProxyHops,
    telemetry,
  });
  started.push(() => closeHttpServer(server, 3_000));
  mountLegalPages(server);
  const tab = mountTabRoutes(server, {
    core,
    logger,
    limitUser,
    ...(demo === undefined
      ? {}
      : {
          demo: {
            tabClientId: demo.consentApp.clientId,
            teamsAppId: config.teamsAppId ?? DEMO_TEAMS_APP_ID,
            authorityHost: demo.simulator.authorityHost,
            caCertPem: demo.simulator.caCertPem,
            issueToken: (person, audience) =>
              demo.simulator.issueUserToken({
                tenantId: person.tenantId,
                oid: person.objectId,
                upn: person.upn,
                name: person.displayName,
                audience,
              }),
          },
        }),
  });
  mountBotRoutes(server, {
    core,
    logger,
    edge: bot,
    isTenantAllowed: (tenantId) => tab.allowList.isAllowed(tenantId),
    limitUser,
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  if (config.metrics.port !== undefined) {
    const metrics = await startMetricsServer({
      telemetry,
      logger,
      host: config.metrics.host,
      port: config.metrics.port,
      token: config.metrics.token,
    });
    started.push(
      () =>
        new Promise<void>((resolve) => {
          metrics.close(() => {
            resolve();
          });
          metrics.closeAllConnections();
        }),
    );
  }
  const { port } = server.address();
  logger.info(
    { host: config.host, port, mode: config.mode, store: config.store.kind, version },
    'server listening',
  );
}

function readVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/** DESIGN §9: SIGTERM stops the process within 10 s, whatever it is doing. */
const SHUTDOWN_DEADLINE_MS = 9_000;

function installShutdown(logger: Logger, shutdown: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: long passes told to stop, finishing in-flight requests');
    // Every step is bounded (HTTP drain 3 s, scheduler 6 s…); this is the last resort if one is not.
    setTimeout(() => {
      logger.error('shutdown did not finish in time: exiting now (checkpoints resume on the next start)');
      logger.flush();
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    shutdown().then(
      () => {
        logger.info('stopped');
        logger.flush();
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        logger.flush();
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

main().catch((error: unknown) => {
  process.stderr.write(`Start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
