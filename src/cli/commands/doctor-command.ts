import type { Command } from 'commander';
import { AppError } from '../../shared/errors.js';
import { formatTable, printable, type CliContext } from '../cli-context.js';

/**
 * `doctor <client> [--record DIR] [--json]`: sends every kind of request the product makes to the client's tenant
 * (one small page each, read-only) and reports, per request, OK or Microsoft's refusal with the fix. With `--record`
 * the answers are saved pseudonymised (ids, names, addresses replaced) — fixtures for test/fixtures/recorded/.
 * Exits 1 when any request was refused.
 */
export function registerDoctorCommand(program: Command, context: CliContext): void {
  program
    .command('doctor')
    .description("check that the client's tenant answers every request the product sends (read-only)")
    .argument('<client>', 'client name or id')
    .option('--record <dir>', 'save the answers, pseudonymised, in this folder')
    .option('--json', 'one JSON document')
    .action(async (clientRef: string, options: { record?: string; json?: boolean }) => {
      const core = await context.core();
      const { report } = await core.doctor.check(context.actor, clientRef, { recordDir: options.record });
      if (options.json === true) {
        context.out(JSON.stringify(report));
      } else {
        context.out(
          formatTable(
            ['REQUEST', 'RESULT', 'DETAIL'],
            report.findings.map((finding) => [
              finding.request,
              finding.ok
                ? 'OK'
                : `REFUSED ${String(finding.status)}${finding.graphCode === undefined ? '' : ` ${finding.graphCode}`}`,
              finding.ok
                ? finding.detail
                : `${finding.fix ?? finding.detail}${finding.requestId === undefined ? '' : ` (request id ${finding.requestId})`}`,
            ]),
          ),
        );
        for (const file of report.recorded) context.out(`recorded ${printable(file)}`);
      }
      const refused = report.findings.filter((finding) => !finding.ok).length;
      if (refused > 0) {
        throw new AppError(
          'doctor_refusals',
          `Microsoft refused ${String(refused)} of ${String(report.findings.length)} requests (see above).`,
          { status: 502 },
        );
      }
    });
}
