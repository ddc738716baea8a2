import fs from 'node:fs';
import type { Command } from 'commander';
import type { IntegrationView } from '../../services/integration-views.js';
import { AppError, ValidationError } from '../../shared/errors.js';
import type { CliContext } from '../cli-context.js';
import { permissionWords } from '../../contracts/permission-words.js';

interface SecretOptions {
  secretFile?: string;
  secretStdin?: boolean;
  secretExpires?: string;
  json?: boolean;
}

/**
 * `integrations show|connect|consent|test|rotate|remove|start-import|threshold`: a client's Entra integration.
 * Secrets are read from a file or stdin, never from the command line (shell history, process lists).
 */
export function registerIntegrationsCommand(program: Command, context: CliContext): void {
  const integrations = program
    .command('integrations')
    .description("connect, test, rotate and remove a client's Entra ID integration");

  integrations
    .command('show')
    .description("show a client's integration (never its secret)")
    .argument('<client>', 'client name or id')
    .option('--json', 'print it as JSON')
    .action(async (clientRef: string, options: { json?: boolean }) => {
      const core = await context.core();
      const view = await core.integrations.get(context.actor, clientRef);
      if (options.json === true) {
        context.out(JSON.stringify(view));
        return;
      }
      context.out(view === null ? `Client ${clientRef} has no integration yet.` : describeIntegration(view));
    });

  integrations
    .command('connect')
    .description("connect a client's tenant with its own app registration (client credentials)")
    .argument('<client>', 'client name or id')
    .requiredOption('--tenant <tenant>', 'tenant id (GUID) or verified domain, e.g. contoso.onmicrosoft.com')
    .requiredOption('--client-id <guid>', 'application (client) id of the app registration')
    .option('--secret-file <path>', "file holding the client secret's value")
    .option('--secret-stdin', "read the client secret's value from stdin")
    .option('--secret-expires <date>', 'when the secret expires, e.g. 2027-06-30')
    .option('--json', 'print the outcome as JSON')
    .action(async (clientRef: string, options: SecretOptions & { tenant: string; clientId: string }) => {
      const core = await context.core();
      const outcome = await core.integrations.connect(context.actor, clientRef, {
        tenant: options.tenant,
        clientId: options.clientId,
        clientSecret: await readSecret(options),
        ...(options.secretExpires === undefined ? {} : { secretExpiresAt: options.secretExpires }),
      });
      if (options.json === true) {
        context.out(JSON.stringify(outcome));
        return;
      }
      context.out(describeChecks(outcome.checks));
      context.out(
        `Connected ${outcome.integration.clientName} to ${outcome.organization.displayName ?? outcome.organization.tenantId}.`,
      );
      context.out(
        `Review its groups (groups list ${outcome.integration.clientName}), exclude any, then: integrations start-import ${outcome.integration.clientName}`,
      );
    });

  integrations
    .command('consent')
    .description(
      'start an admin-consent connection: prints the link the client’s admin opens (valid 10 minutes)',
    )
    .argument('<client>', 'client name or id')
    .requiredOption(
      '--tenant <tenant>',
      "the client's tenant id or verified domain: only that tenant's consent will be accepted",
    )
    .option('--json', 'print the link as JSON')
    .action(async (clientRef: string, options: { tenant: string; json?: boolean }) => {
      const core = await context.core();
      const started = await core.integrations.startConsent(context.actor, clientRef, {
        tenant: options.tenant,
      });
      context.out(
        options.json === true
          ? JSON.stringify(started)
          : `Send this link to the administrator of tenant ${started.tenantId} (${started.tenantInput}), valid until ${started.expiresAt}:\n${started.url}`,
      );
    });

  integrations
    .command('test')
    .description('check the saved integration again: token, the six permissions, organization')
    .argument('<client>', 'client name or id')
    .option('--json', 'print the result as JSON')
    .action(async (clientRef: string, options: { json?: boolean }) => {
      const core = await context.core();
      const result = await core.integrations.test(context.actor, clientRef);
      if (options.json === true) {
        context.out(JSON.stringify(result));
      } else {
        context.out(describeChecks(result.checks));
        context.out(result.passed ? 'All checks passed.' : 'Some checks failed; see above.');
      }
      if (!result.passed) {
        const failed = result.checks.filter((check) => !check.passed).map((check) => check.name);
        throw new AppError('connection_test_failed', `The connection test failed: ${failed.join(', ')}.`, {
          status: 502,
        });
      }
    });

  integrations
    .command('rotate')
    .description('replace the client secret (checked before it is saved)')
    .argument('<client>', 'client name or id')
    .option('--secret-file <path>', "file holding the new secret's value")
    .option('--secret-stdin', "read the new secret's value from stdin")
    .option('--secret-expires <date>', 'when the new secret expires, e.g. 2027-06-30')
    .option('--json', 'print the outcome as JSON')
    .action(async (clientRef: string, options: SecretOptions) => {
      const core = await context.core();
      const outcome = await core.integrations.rotateSecret(context.actor, clientRef, {
        clientSecret: await readSecret(options),
        ...(options.secretExpires === undefined ? {} : { secretExpiresAt: options.secretExpires }),
      });
      context.out(
        options.json === true
          ? JSON.stringify(outcome)
          : `Secret rotated for ${outcome.integration.clientName}: ${outcome.integration.secret.text}.`,
      );
    });

  integrations
    .command('remove')
    .description('remove the integration and ALL tenant data held for the client (cannot be undone)')
    .argument('<client>', 'client name or id')
    .requiredOption('--confirm <name>', "repeat the client's name to confirm")
    .option('--json', 'print what was deleted as JSON')
    .action(async (clientRef: string, options: { confirm: string; json?: boolean }) => {
      const core = await context.core();
      const removed = await core.integrations.remove(context.actor, clientRef, options.confirm);
      context.out(
        options.json === true
          ? JSON.stringify(removed)
          : `Removed the integration of ${clientRef} and its data (${removed.deleted.directory_users ?? 0} users, ${removed.deleted.directory_groups ?? 0} groups).`,
      );
    });

  integrations
    .command('start-import')
    .description('start the initial import: every eligible user now, new ones after each sync')
    .argument('<client>', 'client name or id')
    .option('--json', 'print the outcome as JSON')
    .action(async (clientRef: string, options: { json?: boolean }) => {
      const core = await context.core();
      const started = await core.integrations.startImport(context.actor, clientRef);
      context.out(
        options.json === true
          ? JSON.stringify(started)
          : started.alreadyStarted
            ? `The import started on ${started.startedAt}; ${started.reconciled.imported} more users imported now.`
            : `Import started: ${started.reconciled.imported} users imported, ${started.reconciled.disabledExcludedGroup} disabled by excluded groups.`,
      );
    });

  integrations
    .command('threshold')
    .description('set after how many days without activity a user expires (7–365; default 30)')
    .argument('<client>', 'client name or id')
    .argument('<days>', 'whole days, 7–365')
    .option('--json', 'print the outcome as JSON')
    .action(async (clientRef: string, days: string, options: { json?: boolean }) => {
      const core = await context.core();
      const result = await core.integrations.setExpiryThreshold(context.actor, clientRef, days);
      context.out(
        options.json === true
          ? JSON.stringify(result)
          : `Threshold set to ${result.thresholdDays} days: ${result.newlyExpired} users newly expired, ${result.noLongerExpired} no longer expired.`,
      );
    });
}

/** @throws {ValidationError} (exit 2) when neither or both sources are given, or the file cannot be read. */
async function readSecret(options: SecretOptions): Promise<string> {
  if ((options.secretFile === undefined) === (options.secretStdin !== true)) {
    throw new ValidationError(
      'Give the client secret with exactly one of --secret-file <path> or --secret-stdin.',
      [{ path: '--secret-file', message: 'or --secret-stdin, exactly one' }],
    );
  }
  if (options.secretFile !== undefined) {
    try {
      return fs.readFileSync(options.secretFile, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new ValidationError(
        `Cannot read the secret file ${options.secretFile}.`,
        [{ path: '--secret-file', message: 'cannot be read' }],
        error,
      );
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function describeChecks(checks: IntegrationView['permissionChecks']): string {
  return checks.map((check) => `${check.passed ? '✔' : '✘'} ${check.name}: ${check.reason}`).join('\n');
}

function describeIntegration(view: IntegrationView): string {
  return [
    `Client:        ${view.clientName}`,
    `Kind:          ${view.kind === 'admin_consent' ? 'admin consent' : 'client credentials'}`,
    `Tenant:        ${view.tenantId}${view.tenantInput === view.tenantId ? '' : ` (${view.tenantInput})`}`,
    `Organization:  ${view.organizationName ?? '—'}`,
    `Application:   ${view.appClientId}`,
    `Secret:        ${view.secret.text}`,
    `Permissions:   ${permissionWords(view.permissionChecks, 'with `integrations test`')}`,
    `Status:        ${view.status}${view.statusMessage === null ? '' : ` — ${view.statusMessage}`}`,
    `Activity data: ${view.activityData}`,
    `Import:        ${view.importStartedAt === null ? 'not started (review groups, then start-import)' : `started ${view.importStartedAt}`}`,
    `Expiry:        ${view.expiryThresholdDays} days without activity`,
  ].join('\n');
}
