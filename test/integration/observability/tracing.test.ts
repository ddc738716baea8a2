import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import type restify from 'restify';
import { closeHttpServer, createHttpServer } from '../../../server/http-server.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { createCore, type Core } from '../../../src/composition/create-core.js';
import { REPORTS_PACE_KEY } from '../../../src/graph/tenant-gate.js';
import { Telemetry } from '../../../src/observability/telemetry.js';
import { startTracing } from '../../../src/observability/tracing.js';
import { SYSTEM_ACTOR } from '../../../src/services/actor.js';
import { createLogger } from '../../../src/shared/logger.js';
import { simulatorIntegration, startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';

/**
 * OpenTelemetry: off unless the standard OTEL_* variables ask for it; when on, an API request is a server span and
 * the sync run it starts is its child, with the run's Graph requests on it. Spans go to an in-memory exporter here
 * (nothing leaves the machine).
 */
describe('tracing: a sync run and an API request (OpenTelemetry, in-memory exporter)', function () {
  this.timeout(60_000);

  describe('started from the standard variables', () => {
    afterEach(() => {
      trace.disable();
      context.disable();
      propagation.disable();
    });

    it('is off by default, off when disabled, on with an exporter or an OTLP endpoint', async () => {
      assert.equal(startTracing({}), undefined);
      assert.equal(startTracing({ OTEL_SERVICE_NAME: 'idm' }), undefined);
      assert.equal(startTracing({ OTEL_TRACES_EXPORTER: 'none' }), undefined);
      assert.equal(
        startTracing({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }),
        undefined,
      );
      assert.throws(() => startTracing({ OTEL_TRACES_EXPORTER: 'zipkin' }), /OTEL_TRACES_EXPORTER: 'zipkin'/);
      const console = startTracing({ OTEL_TRACES_EXPORTER: 'console' });
      assert.equal(console?.exporter, 'console');
      await console.shutdown();
      // An endpoint alone means OTLP (sent only when a span ends and the batch flushes: none here).
      const otlp = startTracing({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
        OTEL_SERVICE_NAME: 'idm-test',
      });
      assert.equal(otlp?.exporter, 'otlp');
      await otlp.shutdown();
    });
  });

  describe('spans', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    let harness: TestSimulator;
    let dataDir: string;
    let core: Core;
    let server: restify.Server;
    let baseUrl: string;
    let clientId: string;

    before(async () => {
      provider.register();
      harness = await startTestSimulator({ users: 40, groups: 5 });
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-tracing-'));
      const telemetry = new Telemetry({ tracer: provider.getTracer('test'), processMetrics: false });
      core = await createCore({
        config: loadConfig({ DATA_DIR: dataDir, APP_MODE: 'demo' }),
        logger: createLogger({ level: 'silent' }),
        secretsKey: crypto.randomBytes(32),
        graphEndpoints: harness.endpoints,
        reportsPace: { key: REPORTS_PACE_KEY, minIntervalMs: 0 },
        telemetry,
      });
      const client = await core.clients.add(SYSTEM_ACTOR, { name: 'traced' });
      clientId = client.id;
      await core.integrationStore.save(simulatorIntegration(harness, clientId, new Date()));
      server = createHttpServer({
        logger: createLogger({ level: 'silent' }),
        version: 'test',
        pingStore: () => core.database.ping(),
        mode: 'demo',
        telemetry,
      });
      // A request whose handler runs a directory sync to its end (the real SyncRunner, the real Graph client).
      server.post(
        '/api/tab/clients/:client/sync-and-wait',
        async (req: restify.Request, res: restify.Response) => {
          const outcome = await core.clientSync.run(String((req.params as Record<string, unknown>).client), {
            trigger: 'manual',
            parts: ['directory'],
          });
          res.json(200, { runs: outcome.runs.map((entry) => entry.run.status) });
        },
      );
      await new Promise<void>((resolve) => {
        server.listen(0, '127.0.0.1', resolve);
      });
      baseUrl = `http://127.0.0.1:${String(server.address().port)}`;
    });
    after(async () => {
      await closeHttpServer(server, 1_000);
      await core.close();
      await harness.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    });

    it('records the API request as a server span and the sync run it caused as its child, with its Graph requests', async () => {
      exporter.reset();
      const response = await fetch(`${baseUrl}/api/tab/clients/${clientId}/sync-and-wait`, {
        method: 'POST',
      });
      assert.equal(response.status, 200);
      const { runs } = (await response.json()) as { runs: string[] };
      assert.ok(runs.length >= 1 && runs.every((status) => status === 'succeeded'), runs.join(', '));
      const spans = exporter.getFinishedSpans();
      const request = spans.find((span) => span.name === 'HTTP POST /api/tab/clients/:client/sync-and-wait');
      assert.ok(request, `an HTTP span; got ${spans.map((span) => span.name).join(', ')}`);
      assert.equal(request.attributes['http.response.status_code'], 200);
      assert.equal(request.attributes['http.route'], '/api/tab/clients/:client/sync-and-wait');
      const run = spans.find(
        (span) => span.name === 'sync.run' && span.attributes['idm.sync.kind'] === 'directory',
      );
      assert.ok(run);
      assert.equal(
        run.parentSpanContext?.spanId,
        request.spanContext().spanId,
        'the run is the request’s child',
      );
      assert.equal(run.spanContext().traceId, request.spanContext().traceId);
      assert.equal(run.attributes['idm.client.id'], clientId);
      assert.equal(run.attributes['idm.sync.kind'], 'directory');
      assert.equal(run.attributes['idm.sync.status'], 'succeeded');
      assert.ok(Number(run.attributes['idm.graph.requests']) >= 2, 'users and groups pages at least');
      assert.ok(Number(run.attributes['idm.sync.items_written']) >= 40);
    });

    it('records /healthz and a request no route matches', async () => {
      exporter.reset();
      assert.equal((await fetch(`${baseUrl}/healthz`)).status, 200);
      assert.equal((await fetch(`${baseUrl}/nowhere`)).status, 404);
      const names = exporter.getFinishedSpans().map((span) => span.name);
      assert.ok(names.includes('HTTP GET /healthz'), names.join(', '));
      assert.ok(names.includes('HTTP GET unmatched'), names.join(', '));
    });
  });
});
