import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startDemoApp, waitFor, type DemoApp } from '../../e2e/tab/support/demo-app.js';
import { freePort } from '../../support/ports.js';

/** One sample of the Prometheus text format: `name{label="value",…} number`. */
interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    assert.ok(match, `a well-formed sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[pair[1] ?? ''] = pair[2] ?? '';
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of a metric's samples whose labels include `labels`. */
function total(
  samples: readonly Sample[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  return samples
    .filter(
      (sample) =>
        sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    )
    .reduce((sum, sample) => sum + sample.value, 0);
}

/**
 * `/metrics` of the real server (demo mode, its simulated tenant): on its own port behind a bearer token, never on
 * the public port; scraped while a *Sync now* runs against a slowed, throttling Graph, its series move — sync runs
 * and durations per stream, Graph requests, throttled answers and the time waited, rows written (the ingestion
 * rate), bot and tab latency, the queue, and the client's health.
 */
describe('metrics: /metrics scraped during a sync (the real server)', function () {
  this.timeout(180_000);
  const token = crypto.randomBytes(24).toString('base64url');
  let app: DemoApp;
  let metricsUrl: string;

  before(async function () {
    this.timeout(150_000);
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${String(metricsPort)}/metrics`;
    app = await startDemoApp({
      users: 300,
      env: { METRICS_PORT: String(metricsPort), METRICS_TOKEN: token },
    });
  });
  after(async () => {
    await app.stop();
  });

  async function scrape(): Promise<Sample[]> {
    const response = await fetch(metricsUrl, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return parseExposition(await response.text());
  }

  it('answers only GET /metrics with the token, on its own port; the public port has no /metrics', async () => {
    assert.equal((await fetch(metricsUrl)).status, 401);
    assert.equal((await fetch(metricsUrl, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    assert.equal(
      (
        await fetch(metricsUrl.replace('/metrics', '/healthz'), {
          headers: { authorization: `Bearer ${token}` },
        })
      ).status,
      404,
    );
    assert.equal((await fetch(`${app.baseUrl}/metrics`)).status, 404);
  });

  it('shows the series changing while a Sync now runs', async () => {
    const before = await scrape();
    // A slow Graph (the run lasts seconds) that throttles twice (Retry-After 1 s).
    const latency = (await app.simControl('POST', '/faults/latency', { ms: 250, target: 'graph' })) as {
      id: string;
    };
    await app.simControl('POST', '/faults/throttle', { next: 2, retryAfter: 1, target: 'graph' });
    let duringRun: Sample[] | undefined;
    const requests = (samples: Sample[]): number => total(samples, 'idm_graph_requests_total');
    try {
      const started = await app.api('partnerAdmin', 'POST', '/clients/demo/sync');
      assert.equal(started.status, 202, JSON.stringify(started.body));
      await waitFor(
        async () => {
          const now = await scrape();
          // The first scrape during the run after its first Graph answer (the run's first requests are in
          // flight for the slowed Graph's 250 ms when it starts).
          const inProgress = total(now, 'idm_sync_runs_in_progress', { kind: 'directory' }) >= 1;
          if (inProgress && requests(now) > requests(before)) duringRun ??= now;
          return (
            total(now, 'idm_sync_runs_total', { kind: 'directory', trigger: 'manual', status: 'succeeded' }) >
            total(before, 'idm_sync_runs_total', {
              kind: 'directory',
              trigger: 'manual',
              status: 'succeeded',
            })
          );
        },
        120_000,
        150,
      );
    } finally {
      await app.simControl('DELETE', `/faults/${latency.id}`);
    }
    const after = await scrape();

    // During the run: the run is in progress, and its Graph requests are already counted.
    assert.ok(
      duringRun,
      'a scrape saw the directory run in progress with its Graph requests already counted',
    );
    assert.ok(requests(after) > requests(duringRun), 'and more by the end');
    // Throttled answers and the time waited for Retry-After.
    assert.ok(
      total(after, 'idm_graph_throttled_responses_total') >=
        total(before, 'idm_graph_throttled_responses_total') + 2,
    );
    assert.ok(
      total(after, 'idm_graph_throttle_wait_seconds_total') >
        total(before, 'idm_graph_throttle_wait_seconds_total'),
    );
    // The run's duration, per stream.
    const durations = (samples: Sample[]): number =>
      total(samples, 'idm_sync_run_duration_seconds_count', { kind: 'directory', status: 'succeeded' });
    assert.equal(durations(after), durations(before) + 1);
    // It waited for a 1-second Retry-After (the two waits may overlap: users and groups are read side by side).
    assert.ok(
      total(after, 'idm_sync_run_duration_seconds_sum', { kind: 'directory' }) -
        total(before, 'idm_sync_run_duration_seconds_sum', { kind: 'directory' }) >=
        1,
    );
    // The tab's request latency (the Sync now request itself and the status polls), by route pattern.
    assert.ok(
      total(after, 'idm_http_request_duration_seconds_count', {
        surface: 'tab',
        method: 'POST',
        status: '202',
      }) >
        total(before, 'idm_http_request_duration_seconds_count', {
          surface: 'tab',
          method: 'POST',
          status: '202',
        }),
    );
    assert.ok(
      after.some((sample) => sample.labels.route === '/api/tab/clients/:client/sync'),
      'routes are labelled by pattern, not by concrete path',
    );
    assert.ok(!after.some((sample) => sample.labels.route?.includes('/demo/') === true), 'no concrete path');
    // The client's health per stream, and the queue.
    assert.equal(total(after, 'idm_client_sync_healthy', { client: 'demo', kind: 'directory' }), 1);
    assert.ok(
      total(after, 'idm_client_last_success_timestamp_seconds', { client: 'demo', kind: 'directory' }) > 0,
    );
    assert.ok(after.some((sample) => sample.name === 'idm_queue_jobs' && sample.labels.state === 'waiting'));
    assert.ok(after.some((sample) => sample.name === 'idm_queue_oldest_waiting_job_age_seconds'));
    // The process itself.
    assert.ok(total(after, 'idm_process_resident_memory_bytes') > 0);
  });

  it('counts the rows the sync runs wrote (the ingestion rate) and the bot’s request latency', async () => {
    const before = await scrape();
    await app
      .simControl('POST', '/tenants/contoso.onmicrosoft.com/users', {
        displayName: 'Metrics Newcomer',
        userPrincipalName: 'metrics.newcomer@contoso.onmicrosoft.com',
      })
      .catch(() => undefined);
    const started = await app.api('partnerAdmin', 'POST', '/clients/demo/sync');
    assert.equal(started.status, 202);
    await waitFor(
      async () =>
        total(await scrape(), 'idm_sync_runs_total', { kind: 'directory', trigger: 'manual' }) >
        total(before, 'idm_sync_runs_total', { kind: 'directory', trigger: 'manual' }),
      60_000,
      200,
    );
    const bot = await fetch(`${app.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    await bot.text();
    await waitFor(
      async () => {
        const now = await scrape();
        return (
          total(now, 'idm_http_request_duration_seconds_count', { surface: 'bot', route: '/api/messages' }) >
          total(before, 'idm_http_request_duration_seconds_count', { surface: 'bot', route: '/api/messages' })
        );
      },
      10_000,
      100,
    );
    const after = await scrape();
    assert.ok(total(after, 'idm_sync_rows_written_total') > total(before, 'idm_sync_rows_written_total'));
  });
});
