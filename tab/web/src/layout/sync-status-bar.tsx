import {
  Button,
  Caption1,
  ProgressBar,
  Text,
  makeStyles,
  mergeClasses,
  shorthands,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowSyncRegular,
  CheckmarkCircleFilled,
  ErrorCircleFilled,
  PlugDisconnectedRegular,
} from '@fluentui/react-icons';
import { useEffect, useRef, useState } from 'react';
import type { SyncRunView, SyncStatusView } from '../api/types.js';
import { SYNC_TRIGGER_WORDS } from '../../../../src/contracts/sync-words.js';
import { canOperate, useApp } from '../app-context.js';
import { formatDateTime, formatElapsed, formatRelative, plural } from '../format.js';

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    minHeight: '40px',
  },
  running: { ...shorthands.borderColor(tokens.colorBrandStroke2) },
  failed: { ...shorthands.borderColor(tokens.colorStatusDangerBorder1) },
  text: {
    display: 'flex',
    flexDirection: 'column',
    flexGrow: 1,
    gap: tokens.spacingVerticalXXS,
    minWidth: 0,
  },
  progress: { maxWidth: '420px' },
  ok: { color: tokens.colorStatusSuccessForeground1, fontSize: '20px' },
  bad: { color: tokens.colorPaletteRedForeground1, fontSize: '20px' },
  idle: { color: tokens.colorNeutralForeground3, fontSize: '20px' },
  spin: { color: tokens.colorBrandForeground1, fontSize: '20px' },
  muted: { color: tokens.colorNeutralForeground3 },
});

const RUNNING_POLL_MS = 1500;
const IDLE_POLL_MS = 20_000;

/**
 * Where the client's directory sync stands, live: progress while it runs (polled every 1.5 s), the outcome of the
 * last run otherwise, and "Sync now" for those who may operate the client.
 */
export function SyncStatusBar(props: {
  readonly clientRef: string;
  readonly connected: boolean;
  readonly onFinished: () => void;
}) {
  const styles = useStyles();
  const { api, me, notify } = useApp();
  const [status, setStatus] = useState<SyncStatusView | undefined>();
  const [unavailable, setUnavailable] = useState(false);
  const [starting, setStarting] = useState(false);
  const [tick, setTick] = useState(0);
  const wasRunning = useRef(false);
  // Right after "Sync now" the run may not have recorded itself yet: poll fast for a while so it shows at once.
  const fastUntil = useRef(0);
  const onFinished = useRef(props.onFinished);
  onFinished.current = props.onFinished;

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = (): void => {
      api.get<SyncStatusView>(`/clients/${encodeURIComponent(props.clientRef)}/sync`).then(
        (next) => {
          if (cancelled) return;
          setStatus(next);
          setUnavailable(false);
          const running = next.running !== null;
          if (wasRunning.current && !running) onFinished.current();
          wasRunning.current = running;
          const fast = running || Date.now() < fastUntil.current;
          timer = setTimeout(poll, fast ? RUNNING_POLL_MS : IDLE_POLL_MS);
        },
        () => {
          if (cancelled) return;
          setUnavailable(true);
          timer = setTimeout(poll, IDLE_POLL_MS);
        },
      );
    };
    poll();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, props.clientRef, tick]);

  const client = me.clients.find((candidate) => candidate.name === props.clientRef);
  const mayOperate = client !== undefined && canOperate(me, client.id);
  const running = status?.running ?? null;
  const last = status?.last ?? null;

  const syncNow = (): void => {
    setStarting(true);
    api
      .post<{ run: SyncRunView | null }>(`/clients/${encodeURIComponent(props.clientRef)}/sync`, {})
      .then(
        () => {
          notify('info', 'Sync started', 'Progress shows here as it runs.');
          fastUntil.current = Date.now() + 15_000;
          setTick((value) => value + 1);
        },
        (error: unknown) => {
          notify('error', 'Could not start the sync', error instanceof Error ? error.message : String(error));
        },
      )
      .finally(() => {
        setStarting(false);
      });
  };

  if (!props.connected) {
    return (
      <div className={styles.bar} role="status">
        <PlugDisconnectedRegular className={styles.idle} aria-hidden />
        <Text>Not connected yet — connect the client&apos;s Entra tenant under Setup to start syncing.</Text>
      </div>
    );
  }

  return (
    <section
      className={mergeClasses(
        styles.bar,
        running !== null && styles.running,
        running === null && last?.status === 'failed' && styles.failed,
      )}
      aria-label="Directory sync"
      data-testid="sync-status"
    >
      {running !== null ? (
        <ArrowSyncRegular className={styles.spin} aria-hidden />
      ) : last?.status === 'failed' ? (
        <ErrorCircleFilled className={styles.bad} aria-hidden />
      ) : last === null ? (
        <ArrowSyncRegular className={styles.idle} aria-hidden />
      ) : (
        <CheckmarkCircleFilled className={styles.ok} aria-hidden />
      )}
      <div className={styles.text} role="status" aria-live="polite">
        {running !== null ? (
          <>
            <Text weight="semibold">Syncing with Entra ID…</Text>
            <ProgressBar className={styles.progress} thickness="medium" aria-label="Sync progress" />
            <Caption1 className={styles.muted}>{progressText(running)}</Caption1>
          </>
        ) : last === null ? (
          <Text>{unavailable ? 'Sync status is not available right now.' : 'No sync has run yet.'}</Text>
        ) : last.status === 'failed' ? (
          <>
            <Text weight="semibold">
              Last sync failed {formatRelative(last.finishedAt ?? last.startedAt)}
            </Text>
            <Caption1 className={styles.muted}>{last.error?.message ?? 'No reason was recorded.'}</Caption1>
          </>
        ) : (
          <>
            <Text>
              Last sync <Text weight="semibold">{formatRelative(last.finishedAt ?? last.startedAt)}</Text>
              {last.finishedAt !== null && ` · took ${duration(last.startedAt, last.finishedAt)}`}
            </Text>
            <Caption1 className={styles.muted} title={formatDateTime(last.finishedAt)}>
              {outcomeText(last)}
            </Caption1>
          </>
        )}
      </div>
      {mayOperate && (
        <Button
          icon={<ArrowSyncRegular />}
          onClick={syncNow}
          disabled={starting || running !== null}
          appearance={running === null ? 'secondary' : 'subtle'}
        >
          {running !== null ? 'Syncing…' : 'Sync now'}
        </Button>
      )}
    </section>
  );
}

const phaseText: Readonly<Record<string, string>> = {
  users: 'Reading users',
  groups: 'Reading groups and memberships',
  closure: 'Working out nested memberships',
  organization: 'Reading the organization',
  signIns: 'Reading sign-ins',
  signInActivity: 'Reading last sign-in dates',
  mfa_registrations: 'Reading MFA registrations',
  licences: 'Reading licences',
};

/** While running: the phase and what has been read so far. */
function progressText(run: SyncRunView): string {
  const progress = run.progress;
  const parts: string[] = [];
  if (progress.phase !== undefined) parts.push(phaseText[progress.phase] ?? 'Reading');
  const read: string[] = [];
  if (progress.users !== undefined) read.push(plural(progress.users, 'user'));
  if (progress.groups !== undefined) read.push(plural(progress.groups, 'group'));
  if (read.length > 0) parts.push(`${read.join(', ')} so far`);
  return parts.length === 0 ? 'Starting…' : parts.join(' · ');
}

/** Once finished: what the run changed. */
function outcomeText(run: SyncRunView): string {
  const counts = run.counts;
  const users = counts.usersAdded + counts.usersUpdated + counts.usersRemoved;
  const groups = counts.groupsAdded + counts.groupsUpdated + counts.groupsRemoved;
  const changes =
    users + groups === 0
      ? 'no changes'
      : `${plural(users, 'user')} and ${plural(groups, 'group')} added, changed or removed`;
  return `${SYNC_TRIGGER_WORDS[run.trigger]} sync · ${changes}`;
}

function duration(from: string, to: string): string {
  return formatElapsed(new Date(to).getTime() - new Date(from).getTime());
}
