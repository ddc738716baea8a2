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
import type { SyncRunView, SyncStatus } from '../api/types.js';
import { canOperate, useApp } from '../app-context.js';
import { formatDateTime, formatNumber, formatRelative } from '../format.js';

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
  bad: { color: tokens.colorStatusDangerForeground1, fontSize: '20px' },
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
  const [status, setStatus] = useState<SyncStatus | undefined>();
  const [unavailable, setUnavailable] = useState(false);
  const [starting, setStarting] = useState(false);
  const [tick, setTick] = useState(0);
  const wasRunning = useRef(false);
  const onFinished = useRef(props.onFinished);
  onFinished.current = props.onFinished;

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = (): void => {
      api.get<SyncStatus>(`/clients/${encodeURIComponent(props.clientRef)}/sync`).then(
        (next) => {
          if (cancelled) return;
          setStatus(next);
          setUnavailable(false);
          const running = next.running !== null;
          if (wasRunning.current && !running) onFinished.current();
          wasRunning.current = running;
          timer = setTimeout(poll, running ? RUNNING_POLL_MS : IDLE_POLL_MS);
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
              {progressText(last)}
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

function progressText(run: SyncRunView): string {
  const parts: string[] = [];
  const progress = run.progress;
  if (progress.phase !== undefined) parts.push(progress.phase);
  if (progress.users !== undefined) parts.push(`${formatNumber(progress.users)} users`);
  if (progress.groups !== undefined) parts.push(`${formatNumber(progress.groups)} groups`);
  if (progress.pages !== undefined) parts.push(`${formatNumber(progress.pages)} pages`);
  if (progress.requests !== undefined) parts.push(`${formatNumber(progress.requests)} Graph requests`);
  return parts.length === 0 ? `${run.trigger} sync` : parts.join(' · ');
}

function duration(from: string, to: string): string {
  const seconds = Math.max(0, Math.round((new Date(to).getTime() - new Date(from).getTime()) / 1000));
  return seconds < 90 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}
