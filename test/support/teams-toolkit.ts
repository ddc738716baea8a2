import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import YAML from 'yaml';
import { repoRoot } from './processes.js';

/**
 * A stand-in for the Microsoft 365 Agents Toolkit's `provision` and `deploy` of `teamsapp.yml`, offline: each action
 * writes exactly what the toolkit's driver writes (read from @microsoft/m365agentstoolkit-cli 1.1.17's bundled
 * drivers and yaml schema v1.11), and what it creates in Entra and the Bot Framework is recorded for the test to
 * look at. `script` steps really run, as the toolkit runs them; their `::set-teamsfx-env` lines are written back.
 */

interface Step {
  readonly uses: string;
  readonly with?: Record<string, unknown>;
  readonly writeToEnvironmentFile?: Record<string, string>;
}

/** An Entra app registration created by `aadApp/create` / `botAadApp/create`. */
export interface CreatedEntraApp {
  readonly name: string;
  readonly clientId: string;
  readonly tenantId: string;
  readonly signInAudience: string;
  /** `aadApp/create` with `generateServicePrincipal: true`; `botAadApp/create` creates none. */
  readonly servicePrincipal: boolean;
  /** The generated secret's end, when one was generated. */
  readonly secretExpiresAt: string | undefined;
}

/** A Bot Framework registration created by `botFramework/create`. */
export interface CreatedBotRegistration {
  readonly botId: string;
  readonly messagingEndpoint: string;
  /** The CLI's driver always registers `isSingleTenant: true` (reference/teams-fidelity-review §3). */
  readonly isSingleTenant: true;
}

export interface ProvisioningRun {
  /** env/.env.<env> after provisioning (what the toolkit writes back). */
  readonly environment: Record<string, string>;
  readonly entraApps: readonly CreatedEntraApp[];
  readonly botRegistrations: readonly CreatedBotRegistration[];
  /** The server's settings that deploy's `file/createOrUpdateEnvironmentFile` writes. */
  readonly serverEnvironment: Record<string, string>;
}

export interface ProvisioningOptions {
  /** `teamsapp.yml` or `teamsapp.local.yml`. */
  readonly ymlFile: string;
  /** The environment before provisioning: env/.env.<env>, env/.env.<env>.user and what the operator filled in. */
  readonly environment: Readonly<Record<string, string>>;
  /** The tenant of the Microsoft 365 account the toolkit is signed in to. */
  readonly tenantId: string;
  readonly now: Date;
}

/** Reads `env/.env.<env>` of the repository as the toolkit does. */
export function readRepositoryEnv(env: string): Record<string, string> {
  return { ...parseEnv(fs.readFileSync(path.join(repoRoot, 'env', `.env.${env}`), 'utf8')) } as Record<
    string,
    string
  >;
}

/** Runs `provision` then renders `deploy`'s environment file, as `atk provision` + `atk deploy` would. */
export function provisionAndDeploy(options: ProvisioningOptions): ProvisioningRun {
  const document = YAML.parse(fs.readFileSync(path.join(repoRoot, options.ymlFile), 'utf8')) as {
    provision?: Step[];
    deploy?: Step[];
  };
  const env: Record<string, string> = { ...options.environment };
  const entraApps: CreatedEntraApp[] = [];
  const botRegistrations: CreatedBotRegistration[] = [];
  const empty = (name: string | undefined): boolean => name === undefined || (env[name] ?? '') === '';

  for (const step of document.provision ?? []) {
    const args = render(step.with ?? {}, env) as Record<string, unknown>;
    const out = step.writeToEnvironmentFile ?? {};
    switch (step.uses) {
      case 'teamsApp/create':
        if (empty(out.teamsAppId)) {
          set(env, out.teamsAppId, crypto.randomUUID());
          set(env, out.teamsAppTenantId ?? 'TEAMS_APP_TENANT_ID', options.tenantId);
        }
        break;
      case 'aadApp/create':
      case 'botAadApp/create': {
        const bot = step.uses === 'botAadApp/create';
        const clientIdVar = bot ? out.botId : out.clientId;
        const secretVar = bot ? out.botPassword : out.clientSecret;
        let secretExpiresAt: string | undefined;
        if ((bot || args.generateClientSecret === true) && empty(secretVar)) {
          // The driver's default lifetime when the yml states none (`clientSecretExpireDays ?? 180`).
          const days = typeof args.clientSecretExpireDays === 'number' ? args.clientSecretExpireDays : 180;
          secretExpiresAt = new Date(options.now.getTime() + days * 86_400_000).toISOString();
          set(env, secretVar, crypto.randomBytes(30).toString('base64url'));
        }
        if (empty(clientIdVar)) {
          const clientId = crypto.randomUUID();
          set(env, clientIdVar, clientId);
          set(env, out.objectId, crypto.randomUUID());
          set(env, out.tenantId, options.tenantId);
          set(env, out.authority, `https://login.microsoftonline.com/${options.tenantId}`);
          set(env, out.authorityHost, 'https://login.microsoftonline.com');
          entraApps.push({
            name: String(args.name),
            clientId,
            tenantId: options.tenantId,
            // botAadApp/create: `createAadApp(name, AzureADMultipleOrgs)`, no service principal.
            signInAudience: bot
              ? 'AzureADMultipleOrgs'
              : typeof args.signInAudience === 'string'
                ? args.signInAudience
                : 'AzureADMyOrg',
            servicePrincipal: !bot && args.generateServicePrincipal === true,
            secretExpiresAt,
          });
        }
        break;
      }
      case 'botFramework/create':
        botRegistrations.push({
          botId: String(args.botId),
          messagingEndpoint: String(args.messagingEndpoint),
          isSingleTenant: true,
        });
        break;
      case 'script': {
        const output = execFileSync('sh', ['-c', String(args.run)], { cwd: repoRoot, encoding: 'utf8' });
        for (const line of output.split('\n')) {
          const match = /^::set-teamsfx-env ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
          if (match?.[1] !== undefined) env[match[1]] = match[2] ?? '';
        }
        break;
      }
      default:
        // aadApp/update, teamsApp/validate*, zipAppPackage, update: they change nothing in the environment.
        break;
    }
  }

  const writer = (document.deploy ?? []).find((step) => step.uses === 'file/createOrUpdateEnvironmentFile');
  const envs = (writer?.with?.envs ?? {}) as Record<string, unknown>;
  const serverEnvironment = Object.fromEntries(
    Object.entries(render(envs, env) as Record<string, unknown>).map(([name, value]) => [
      name,
      String(value),
    ]),
  );
  return { environment: env, entraApps, botRegistrations, serverEnvironment };
}

function set(env: Record<string, string>, name: string | undefined, value: string): void {
  if (name !== undefined) env[name] = value;
}

/**
 * Replaces every `${{NAME}}` with its value; a name with no value is an error, as an unresolved placeholder is for
 * the toolkit.
 */
function render(value: unknown, env: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_match, name: string) => {
      const found = env[name];
      if (found === undefined) throw new Error(`unresolved placeholder \${{${name}}}`);
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item) => render(item, env));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, render(item, env)]));
  }
  return value;
}
