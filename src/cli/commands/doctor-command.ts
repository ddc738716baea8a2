import type { Command } from 'commander';
import { AppError } from '../../shared/errors.js';
import type { DoctorFinding } from '../../services/doctor-service.js';
import { printable, type CliContext } from '../cli-context.js';

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
        context.out(formatFindings(report.findings));
        for (const file of report.recorded) context.out(`recorded ${printable(file)}`);
      }
      const throttled = report.findings.filter(isThrottled).length;
      const refused = report.findings.filter((finding) => !finding.ok).length - throttled;
      const of = `of ${String(report.findings.length)} requests`;
      if (refused > 0) {
        throw new AppError(
          'doctor_refusals',
          `Microsoft refused ${String(refused)} ${of}${throttled > 0 ? `, and throttled ${String(throttled)} more, which were not checked` : ''} (see above).`,
          { status: 502 },
        );
      }
      if (throttled > 0) {
        throw new AppError(
          'doctor_refusals',
          `Microsoft throttled ${String(throttled)} ${of}, so they were not checked: run doctor again in a few minutes.`,
          { status: 502 },
        );
      }
    });
}

/**
 * One block per request: the result and the request on one line, what came back (or the fix) indented under it. Not a
 * table: the requests are too long for a column (a sign-in filter alone is some 200 characters), and a table padded
 * to the longest one wrapped every row of a terminal. Queries are shown decoded (`ge 2026-…`, not `%20ge%20`).
 */
function formatFindings(findings: readonly DoctorFinding[]): string {
  const results = findings.map((finding) =>
    finding.ok
      ? 'OK'
      : `${isThrottled(finding) ? 'THROTTLED' : 'REFUSED'} ${String(finding.status)}${finding.graphCode === undefined ? '' : ` ${finding.graphCode}`}`,
  );
  const width = Math.max(...results.map((result) => result.length));
  const lines = findings.flatMap((finding, index) => [
    `${(results[index] ?? '').padEnd(width)}  ${printable(decoded(finding.request))}`,
    `${' '.repeat(width + 2)}${printable(
      finding.ok
        ? finding.detail
        : `${finding.fix ?? finding.detail}${finding.requestId === undefined ? '' : ` (request id ${finding.requestId})`}`,
    )}`,
  ]);
  const refused = findings.filter((finding) => !finding.ok).length;
  if (refused === 0) lines.push('', `All ${String(findings.length)} requests were answered.`);
  return lines.join('\n');
}

function decoded(request: string): string {
  try {
    return decodeURIComponent(request);
  } catch {
    return request;
  }
}

/**
 * Throttled even after the retries (429): Microsoft said nothing about the request itself, and the tenant's quota is
 * shared with the server's own reading of it (the identity and access reports allow 5 requests per 10 seconds per
 * app and tenant: https://learn.microsoft.com/graph/throttling-limits), so it is not a refusal to fix — only a check
 * to run again.
 */
function isThrottled(finding: DoctorFinding): boolean {
  return !finding.ok && finding.status === 429;
}
