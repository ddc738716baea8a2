import cliProgress from 'cli-progress';
import { Option, type Command } from 'commander';
import type { ClientSyncView, SyncPartRunView } from '../../contracts/sync.js';
import { SYNC_TRIGGER_WORDS } from '../../contracts/sync-words.js';
import { SYNC_PARTS, type ActivityDataState, type SyncPart } from '../../domain/vocabulary.js';
import { AppError } from '../../shared/errors.js';
import { plural } from '../../shared/plural.js';
import type { CliContext } from '../cli-context.js';

interface SyncOptions {
  json?: boolean;
  only?: SyncPart[];
}

/** What `sync --json` prints: exactly one JSON document. */
export interface SyncSummary extends ClientSyncView {
  readonly client: string;
  /** Billing as it stands after the sync (rule 9), expiry as of now. */
  readonly billing: {
    /** `unknown`: the tenant's activity has not been read yet ("reading activity…"): nobody is expired yet. */
    readonly activityData: ActivityDataState;
    readonly imported: number;
    readonly expired: number;
    readonly billable: number;
  };
}

/**
 * `sync <client> [--only directory|activity|sign-ins|mfa …] [--json]`: everything a sync of the client means, as
 * the scheduler runs it (directory, activity, MFA registration, sign-ins, in that order), joining runs under way.
 */
export function registerSyncCommand(program: Command, context: CliContext): void {
  program
    .command('sync')
    .description(
      'synchronise a client with its tenant now, as the schedule does: directory (and enterprise apps), activity (each user’s last sign-in), MFA registration, sign-ins — joining runs in progress',
    )
    .argument('<client>', 'client name or id')
    .addOption(
      new Option('--only <part...>', 'run only these parts (repeat or list several)').choices([
        ...SYNC_PARTS,
      ]),
    )
    .option(
      '--json',
      'print one JSON document with every run and the billing after, instead of progress and text',
    )
    .action(async (clientRef: string, options: SyncOptions) => {
      const core = await context.core();
      const bar = options.json !== true && process.stderr.isTTY ? progressBar() : undefined;
      // Without a terminal for the bar, a line says why the command waits when it joins another process's run.
      const joinedParts = new Set<SyncPart>();
      const onProgress = (part: SyncPart, progress: Readonly<Record<string, unknown>>): void => {
        if (progress.joined === true && !joinedParts.has(part)) {
          joinedParts.add(part);
          if (bar === undefined && options.json !== true)
            context.err(`Joining the ${part} sync already under way (started elsewhere); waiting for it…`);
        }
        bar?.update(part, progress);
      };
      let outcome;
      let client;
      try {
        const started = await core.sync.start(context.actor, clientRef, {
          ...(options.only === undefined ? {} : { parts: options.only }),
          onProgress,
        });
        client = started.client;
        outcome = await started.finished;
      } finally {
        bar?.stop();
      }
      const billing = await core.billing.summary(context.actor, client.id);
      const summary: SyncSummary = {
        client: client.name,
        ...outcome,
        billing: {
          activityData: billing.activityData,
          imported: billing.counts.imported,
          expired: billing.counts.expired,
          billable: billing.counts.billable,
        },
      };
      context.out(options.json === true ? JSON.stringify(summary) : describe(summary));
      const failed = outcome.runs.find((run) => run.status !== 'succeeded');
      if (failed !== undefined) {
        throw new AppError(failed.error?.code ?? 'sync_failed', failureText(failed), { status: 502 });
      }
    });
}

function progressBar(): {
  update: (part: SyncPart, progress: Readonly<Record<string, unknown>>) => void;
  stop: () => void;
} {
  const bar = new cliProgress.SingleBar(
    {
      format: ' {part} {phase} |{bar}| pages {pages} · requests {requests}',
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  // Graph does not say how many pages a round has: the bar's end moves ahead of the pages seen.
  let total = 20;
  bar.start(total, 0, { part: '', phase: 'starting', pages: 0, requests: 0 });
  return {
    update: (part, progress) => {
      const pages = Number(progress.pages ?? 0);
      if (pages >= total) {
        total = Math.ceil(pages * 1.5) + 1;
        bar.setTotal(total);
      }
      if (progress.done === true) bar.setTotal(Math.max(pages, 1));
      bar.update(progress.done === true ? Math.max(pages, 1) : pages, {
        part: `${part}${progress.joined === true ? ' (joined)' : ''}`.padEnd(18),
        phase: (typeof progress.phase === 'string' ? progress.phase : '').padEnd(14),
        pages,
        requests: Number(progress.requests ?? 0),
      });
    },
    stop: () => {
      bar.stop();
    },
  };
}

const KIND_TEXT: Readonly<Record<string, string>> = {
  directory: 'directory',
  service_principals: 'enterprise apps',
  sign_in_activity: 'last sign-ins',
  sign_ins: 'sign-ins',
  mfa_registration: 'MFA registration',
};

function describe(summary: SyncSummary): string {
  const n = (value: number): string => value.toLocaleString('en-US');
  const lines = [
    `Synced ${summary.client} (${summary.parts.join(', ')}): ${summary.succeeded ? 'succeeded' : 'failed'}.`,
  ];
  for (const run of summary.runs) {
    const what = KIND_TEXT[run.kind] ?? run.kind;
    const detail =
      run.skipped !== null
        ? `nothing to do (${run.skipped})`
        : `${n(run.itemsWritten)} written, ${plural(run.requests, 'request')} over ${plural(run.pages, 'page')}`;
    lines.push(
      `  ${what.padEnd(17)}${run.joined ? 'joined ' : ''}run ${run.runId} (${SYNC_TRIGGER_WORDS[run.trigger]}): ${run.status} in ${(run.durationMs / 1000).toFixed(1)} s — ${detail}` +
        (run.error === undefined ? '' : `; ${run.error.code}: ${run.error.message}`),
    );
  }
  const directory = summary.directory;
  if (directory !== null) {
    lines.push(
      `  users        ${n(directory.users)} (+${n(directory.usersAdded)} added, ${n(directory.usersUpdated)} updated, ${n(directory.usersRemoved)} removed)`,
      `  groups       ${n(directory.groups)} (+${n(directory.groupsAdded)} added, ${n(directory.groupsUpdated)} updated, ${n(directory.groupsRemoved)} removed)`,
      `  memberships  ${n(directory.memberships)} direct (+${n(directory.edgesAdded)} / -${n(directory.edgesRemoved)}), ${n(directory.transitiveMemberships)} transitive`,
    );
  }
  const billing = summary.billing;
  lines.push(
    billing.activityData === 'unknown'
      ? `  billing      ${n(billing.billable)} billable of ${n(billing.imported)} imported — reading activity…: nobody is expired until the tenant's activity has been read`
      : `  billing      ${n(billing.billable)} billable, ${n(billing.expired)} expired, of ${n(billing.imported)} imported${billing.activityData === 'unavailable' ? ' (activity unknown: no Entra ID P1/P2, nobody expires)' : ''}`,
  );
  return lines.join('\n');
}

function failureText(run: SyncPartRunView): string {
  const requestId =
    run.error?.requestId === null || run.error?.requestId === undefined
      ? ''
      : ` (Graph request id ${run.error.requestId})`;
  const why =
    run.error === undefined ? 'unknown error' : run.error.message === '' ? run.error.code : run.error.message;
  return `The ${KIND_TEXT[run.kind] ?? run.kind} sync failed: ${why}${requestId}`;
}
