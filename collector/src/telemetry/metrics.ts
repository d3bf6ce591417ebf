// The collector's own telemetry through OpenTelemetry, exposed as Prometheus
// text on the API's /metrics route (no second port to open), followed by the
// energy and carbon counters (energy.ts), which keep their own series so a
// finished job's can leave.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { IngestCounters } from '../ingest/server.ts';
import type { EnergyMetrics } from './energy.ts';

export const SERVICE_NAME = 'wattprint-collector';

export interface SelfTelemetry {
  handle(req: IncomingMessage, res: ServerResponse): void;
  httpRequest(route: string, status: number): void;
  shutdown(): Promise<void>;
}

export function createSelfTelemetry(ingest: () => IngestCounters | undefined, energy?: EnergyMetrics, storage?: () => { deadLettered: number } | undefined): SelfTelemetry {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const serializer = new PrometheusSerializer();
  const provider = new MeterProvider({ readers: [exporter], resource: resourceFromAttributes({ 'service.name': SERVICE_NAME }) });
  const meter = provider.getMeter('wattprint-collector');

  meter.createObservableCounter('wattprint_ingest_reports_accepted', { description: 'Reports validated, attributed and durably stored' }).addCallback((r) => {
    const c = ingest();
    if (c) r.observe(c.reportsAccepted);
  });
  meter.createObservableCounter('wattprint_ingest_reports_rejected', { description: 'Reports rejected, by reason code' }).addCallback((r) => {
    for (const [code, n] of Object.entries(ingest()?.reportsRejected ?? {})) r.observe(n, { code });
  });
  meter.createObservableCounter('wattprint_ingest_readings_quarantined', { description: 'Readings stored apart (flagged, joules unattributed) in otherwise stored reports, by reason code' }).addCallback((r) => {
    for (const [code, n] of Object.entries(ingest()?.readingsQuarantined ?? {})) r.observe(n, { code });
  });
  meter.createObservableCounter('wattprint_ingest_write_failures', { description: 'Storage writes that failed (reports left unacknowledged)' }).addCallback((r) => {
    const c = ingest();
    if (c) r.observe(c.writeFailures);
  });
  meter.createObservableGauge('wattprint_ingest_streams_open', { description: 'Agent streams currently open' }).addCallback((r) => {
    const c = ingest();
    if (c) r.observe(c.streamsOpen);
  });
  meter.createObservableCounter('wattprint_storage_dead_letters', { description: 'Points the store refused for good, kept as dead letters (GET /v1/admin/dead-letters)' }).addCallback((r) => {
    const c = storage?.();
    if (c) r.observe(c.deadLettered);
  });
  const requests = meter.createCounter('wattprint_http_requests', { description: 'HTTP API requests by route and status' });

  return {
    handle: (_req, res) => {
      exporter.collect().then(
        ({ resourceMetrics }) => {
          res.statusCode = 200;
          res.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8');
          res.end(serializer.serialize(resourceMetrics) + (energy ? energy.render() : ''));
        },
        (err: unknown) => {
          res.statusCode = 500;
          res.end(`# failed to export metrics: ${(err as Error).message}`);
        },
      );
    },
    httpRequest: (route, status) => requests.add(1, { route, status: String(status) }),
    shutdown: () => provider.shutdown(),
  };
}
