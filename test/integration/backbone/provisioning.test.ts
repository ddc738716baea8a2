import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBotAdapter } from '../../../bot/bot-adapter.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { startTs, type RunningProcess } from '../../support/processes.js';
import { provisionAndDeploy, readRepositoryEnv, type ProvisioningRun } from '../../support/teams-toolkit.js';

const MSP_TENANT = '6b1f0c2e-3d4a-4e5f-8a9b-0c1d2e3f4a5b';
const PARTNER_ADMIN = `${MSP_TENANT}:0c8a6f2e-1d3b-4a5c-9e7f-100000000001`;

/** What the operator fills in before provisioning (README, "Teams set-up"), per environment. */
const operatorInput: Record<string, Record<string, string>> = {
  'teamsapp.yml': {
    ...readRepositoryEnv('dev'),
    BOT_ENDPOINT: 'https://idm.contoso-msp.com',
    TAB_ENDPOINT: 'https://idm.contoso-msp.com',
    TAB_DOMAIN: 'idm.contoso-msp.com',
    PARTNER_ADMINS: PARTNER_ADMIN,
    SECRET_SECRETS_KEY: crypto.randomBytes(32).toString('base64'),
    SECRET_DATABASE_URL: 'postgres://idm@db.contoso-msp.internal/idm',
  },
  'teamsapp.local.yml': {
    ...readRepositoryEnv('local'),
    BOT_ENDPOINT: 'https://k7x2p9-3978.euw.devtunnels.ms',
    BOT_DOMAIN: 'k7x2p9-3978.euw.devtunnels.ms',
    PARTNER_ADMINS: PARTNER_ADMIN,
    SECRET_SECRETS_KEY: crypto.randomBytes(32).toString('base64'),
  },
};

/**
 * Provisioning as the toolkit does it (test/support/teams-toolkit.ts: each action writes what its driver writes),
 * then the server built from the environment deploy renders: the bot must authenticate exactly as the registration
 * provisioning created — single-tenant, in the tenant of its own Entra app
 * (https://learn.microsoft.com/azure/bot-service/bot-service-quickstart-registration).
 */
describe('provisioning with teamsapp.yml, then the server built from what it wrote', function () {
  this.timeout(60_000);

  for (const ymlFile of ['teamsapp.yml', 'teamsapp.local.yml']) {
    describe(ymlFile, () => {
      let run: ProvisioningRun;

      before(() => {
        run = provisionAndDeploy({
          ymlFile,
          environment: operatorInput[ymlFile] ?? {},
          tenantId: MSP_TENANT,
          now: new Date(),
        });
      });

      it('registers the bot single-tenant, with a service principal in the signed-in tenant', () => {
        const [registration] = run.botRegistrations;
        const botApp = run.entraApps.find((app) => app.clientId === registration?.botId);

        assert.equal(run.botRegistrations.length, 1);
        assert.ok(botApp, 'the bot registration uses an Entra app provisioning created');
        assert.equal(
          botApp.servicePrincipal,
          true,
          'a single-tenant token request needs the service principal',
        );
        assert.equal(botApp.signInAudience, 'AzureADMyOrg');
        assert.equal(botApp.tenantId, MSP_TENANT);
      });

      it('writes a consistent pair for the server: BOT_APP_TYPE SingleTenant and the bot app’s tenant', () => {
        assert.equal(run.serverEnvironment.BOT_APP_TYPE, 'SingleTenant');
        assert.equal(run.serverEnvironment.BOT_TENANT_ID, MSP_TENANT);
        assert.equal(run.serverEnvironment.BOT_ID, run.botRegistrations[0]?.botId);
        assert.equal(run.serverEnvironment.TEAMS_APP_ID, run.environment.TEAMS_APP_ID);
        assert.match(run.serverEnvironment.TEAMS_APP_ID ?? '', /^[0-9a-f-]{36}$/);
      });

      it('builds an adapter that gets its outbound tokens from the bot’s own tenant, not botframework.com', () => {
        const config = loadConfig(run.serverEnvironment);
        const { adapter, appId, anonymous } = createBotAdapter(config);

        // What the adapter asks for before every outbound call on the public cloud (botframework-connector's
        // AuthenticationConstants.ToChannelFromBotOAuthScope and ToChannelFromBotLoginUrl).
        const credentials = adapter.credentialsFactory.createCredentials(
          appId,
          'https://api.botframework.com',
          'https://login.microsoftonline.com/botframework.com',
          true,
        );

        assert.equal(anonymous, false);
        assert.equal(config.bot.appType, 'SingleTenant');
        return credentials.then((created) => {
          assert.equal(
            (created as unknown as { oAuthEndpoint: string }).oAuthEndpoint,
            `https://login.microsoftonline.com/${MSP_TENANT}`,
          );
        });
      });

      it('records when the generated secrets expire, and the server reads those dates', () => {
        const byName = new Map(run.entraApps.map((app) => [app.clientId, app]));
        const botSecretEnd = byName.get(run.environment.BOT_ID ?? '')?.secretExpiresAt;
        const consentSecretEnd = byName.get(run.environment.AAD_APP_CLIENT_ID ?? '')?.secretExpiresAt;

        const config = loadConfig(run.serverEnvironment);

        assert.equal(run.serverEnvironment.BOT_PASSWORD_EXPIRES_ON, botSecretEnd?.slice(0, 10));
        assert.equal(run.serverEnvironment.CONSENT_APP_SECRET_EXPIRES_ON, consentSecretEnd?.slice(0, 10));
        assert.equal(
          config.ownSecretsExpireAt.botPassword,
          `${botSecretEnd?.slice(0, 10) ?? ''}T00:00:00.000Z`,
        );
        assert.equal(
          config.ownSecretsExpireAt.consentAppSecret,
          `${consentSecretEnd?.slice(0, 10) ?? ''}T00:00:00.000Z`,
        );
      });

      it('provisioning again reuses the apps and their secrets, and keeps the recorded dates', () => {
        const again = provisionAndDeploy({
          ymlFile,
          environment: run.environment,
          tenantId: MSP_TENANT,
          now: new Date(Date.now() + 40 * 86_400_000),
        });

        assert.equal(again.entraApps.length, 0);
        assert.deepEqual(again.serverEnvironment, run.serverEnvironment);
      });
    });
  }

  describe('the server started from the rendered environment (teamsapp.local.yml, SQLite)', () => {
    let dataDir: string;
    let server: RunningProcess | undefined;
    let rendered: Record<string, string>;

    before(() => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-provisioned-'));
      rendered = provisionAndDeploy({
        ymlFile: 'teamsapp.local.yml',
        environment: operatorInput['teamsapp.local.yml'] ?? {},
        tenantId: MSP_TENANT,
        now: new Date(),
      }).serverEnvironment;
    });

    afterEach(async () => {
      if (server?.child.exitCode === null) {
        server.child.kill('SIGTERM');
        await server.exited();
      }
      server = undefined;
    });

    after(() => {
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    /** Starts the server with the rendered settings (and `changes`), and reads its /healthz. */
    async function startAndCheckHealth(changes: Record<string, string> = {}): Promise<{
      output: () => string;
      health: Response;
      body: {
        status: string;
        secrets: { secret: string; state: string; expiresOn: string }[];
        warnings: string[];
      };
    }> {
      const started = startTs('server/main.ts', [], {
        ...rendered,
        ...changes,
        PORT: '0',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
      });
      server = started;
      const line = await started.waitForLine(/"msg":"server listening"/, 30_000);
      const port = (JSON.parse(line) as { port: number }).port;
      const health = await fetch(`http://127.0.0.1:${String(port)}/healthz`);
      return {
        output: () => started.stdout(),
        health,
        body: (await health.json()) as Awaited<ReturnType<typeof startAndCheckHealth>>['body'],
      };
    }

    it('starts in production mode with the single-tenant bot', async () => {
      const { output, health, body } = await startAndCheckHealth();

      assert.equal(health.status, 200);
      assert.equal(body.status, 'ok');
      assert.deepEqual(
        body.secrets.map(({ secret, state }) => [secret, state]),
        [
          ['bot_password', 'ok'],
          ['consent_app_secret', 'ok'],
        ],
      );
      const registration = output()
        .split('\n')
        .find((entry) => entry.includes('"msg":"bot authenticates as its registration"'));
      assert.match(
        registration ?? '',
        /"appType":"SingleTenant","tenantId":"6b1f0c2e-3d4a-4e5f-8a9b-0c1d2e3f4a5b"/,
      );
    });

    it('warns on /healthz and in its log when its own secrets are about to expire, or have', async () => {
      const inFiveDays = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);

      const { output, health, body } = await startAndCheckHealth({
        BOT_PASSWORD_EXPIRES_ON: inFiveDays,
        CONSENT_APP_SECRET_EXPIRES_ON: '2026-01-31',
      });

      assert.equal(health.status, 200, 'a restart would not help: the check does not fail');
      assert.equal(body.status, 'degraded');
      assert.deepEqual(
        body.secrets.map(({ secret, state, expiresOn }) => [secret, state, expiresOn]),
        [
          ['bot_password', 'expiring', inFiveDays],
          ['consent_app_secret', 'expired', '2026-01-31'],
        ],
      );
      assert.match(
        body.warnings[0] ?? '',
        /^BOT_PASSWORD expires on .* \(in [45] days\): create a new secret/,
      );
      assert.match(body.warnings[1] ?? '', /^CONSENT_APP_CLIENT_SECRET expired on 2026-01-31/);
      assert.match(output(), /"level":"warn".*BOT_PASSWORD expires on/);
      assert.ok(!JSON.stringify(body).includes(rendered.BOT_PASSWORD ?? '-'), 'a secret itself is shown');
    });

    it('refuses to start when the app type and the tenant id disagree, naming the setting', async () => {
      for (const inconsistent of [
        { ...rendered, BOT_APP_TYPE: 'MultiTenant' },
        { ...rendered, BOT_TENANT_ID: '' },
      ]) {
        server = startTs('server/main.ts', [], { ...inconsistent, PORT: '0', DATA_DIR: dataDir });

        const { code } = await server.exited();

        assert.equal(code, 1);
        assert.match(
          server.stderr(),
          /BOT_TENANT_ID: (must be empty for a MultiTenant|required for a SingleTenant) bot/,
        );
      }
    });
  });
});
