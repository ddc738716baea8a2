import type { Command } from 'commander';
import type { RoleAssignmentInput } from '../../services/role-service.js';
import { formatTable, type CliContext } from '../cli-context.js';

interface RoleOptions {
  tenant: string;
  object: string;
  role: string;
  client?: string;
  name?: string;
  json?: boolean;
}

/** `roles list|assign|revoke`: who may do what (partner admins assign). */
export function registerRolesCommand(program: Command, context: CliContext): void {
  const roles = program.command('roles').description('list, assign and revoke roles');

  roles
    .command('list')
    .description('list role assignments (all, or those on one client)')
    .option('--client <client>', 'only assignments on this client')
    .option('--json', 'one JSON line per assignment')
    .action(async (options: { client?: string; json?: boolean }) => {
      const core = await context.core();
      const rows = await core.roles.list(context.actor, options.client);
      if (options.json === true) {
        for (const row of rows) context.out(JSON.stringify(row));
        return;
      }
      context.out(
        formatTable(
          ['ROLE', 'CLIENT', 'PRINCIPAL', 'NAME', 'FROM'],
          rows.map((row) => [
            row.role,
            row.clientScope === '*' ? 'all clients' : (row.clientName ?? row.clientScope),
            `${row.principalTenantId}/${row.principalObjectId}`,
            row.principalName,
            row.source,
          ]),
        ),
      );
    });

  for (const verb of ['assign', 'revoke'] as const) {
    roles
      .command(verb)
      .description(
        verb === 'assign'
          ? 'give a role: partner_admin (all clients), client_admin (one client), viewer (one client or all)'
          : 'take a stored role away',
      )
      .requiredOption('--tenant <guid>', "the person's Entra tenant id")
      .requiredOption('--object <guid>', "the person's Entra object id")
      .requiredOption('--role <role>', 'partner_admin | client_admin | viewer')
      .option('--client <client>', 'the client the role is scoped to (required for client_admin)')
      .option('--name <upn>', 'display name or UPN, for lists and the audit log')
      .option('--json', 'print the result as JSON')
      .action(async (options: RoleOptions) => {
        const core = await context.core();
        const input: RoleAssignmentInput = {
          principalTenantId: options.tenant,
          principalObjectId: options.object,
          role: options.role as RoleAssignmentInput['role'],
          ...(options.client === undefined ? {} : { client: options.client }),
          ...(options.name === undefined ? {} : { principalName: options.name }),
        };
        if (verb === 'assign') {
          const view = await core.roles.assign(context.actor, input);
          context.out(
            options.json === true
              ? JSON.stringify(view)
              : `Assigned ${view.role} on ${view.clientScope === '*' ? 'all clients' : (view.clientName ?? view.clientScope)}.`,
          );
          return;
        }
        await core.roles.revoke(context.actor, input);
        context.out(options.json === true ? JSON.stringify({ revoked: true }) : `Revoked ${options.role}.`);
      });
  }
}
