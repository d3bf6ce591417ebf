// The collector: gRPC ingest -> attribution -> storage -> carbon, plus the HTTP API.
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import { buildApi } from './api/http.ts';
import type { CarbonSummary } from './api/report.ts';
import { buildCarbonStage } from './carbon/config.ts';
import { CarbonPipeline } from './carbon/pipeline.ts';
import { carbonSummary } from './carbon/records.ts';
import { peerCertificateIdentity, startIngestServer, type IngestServer } from './ingest/server.ts';
import { InfluxStore, type InfluxConfig } from './storage/influx.ts';
import { hasDeadLetters } from './storage/dead-letters.ts';
import { connectInfluxStore, influxFlagValue, type InfluxConnection } from './storage/influx-connect.ts';
import type { JobTotals, Sink, Store } from './storage/sink.ts';
import { SqliteStore } from './storage/sqlite.ts';
import { JobRegistryStore, type JobRegistry } from './jobs/registry.ts';
import { InfluxJobRegistry } from './jobs/influx-registry.ts';
import { DEFAULT_RETENTION } from './storage/influx-schema.ts';
import { SqliteThreadStore } from './storage/sqlite-thread.ts';
import { BaselineLearner } from './attribution/baseline.ts';
import { DEFAULT_POLICY, type AttributionContext, type HostBaseline, type IdlePolicy } from './attribution/attribute.ts';
import { redactingLog, type Report } from '@wattprint/proto';
import { loadTokens } from './api/auth.ts';
import { createSelfTelemetry } from './telemetry/metrics.ts';
import { EnergyMetrics } from './telemetry/energy.ts';
import { AlertEvaluator } from './alerts/evaluator.ts';
import type { AlertConfig } from './alerts/rules.ts';

export interface CollectorConfig {
  grpcAddress: string;
  httpHost: string;
  httpPort: number;
  dbPath: string;
  /** Store in InfluxDB instead of the SQLite file at dbPath. */
  influx?: InfluxConfig;
  plaintext: boolean;
  tls?: { ca: string; cert: string; key: string };
  /** SQLite file for job registrations made through the API (defaults to dbPath). */
  registryPath?: string;
  /** Bearer tokens file; without one the API is open (bind it to loopback). */
  tokensFile?: string;
  /** Where a host's idle power goes (docs/ATTRIBUTION.md); default "share". */
  idlePolicy?: IdlePolicy;
  /** Idle power per host and "domain/device", watts, e.g. {"node1": {"package/package-0": 42}}. */
  baselines?: Record<string, HostBaseline>;
  /**
   * The "carbon" section (docs/CARBON.md). Default: the embedded static
   * dataset only, no network; the intensity cache sits next to dbPath.
   */
  carbon?: unknown;
  /** Grid zone for hosts whose agent names none (overrides carbon.defaultZone). */
  zone?: string;
  /** Alert rules and notifiers (docs/ALERTS.md); none: no evaluator runs. */
  alerts?: AlertConfig;
  /** A finished job's series leave /metrics this long after its last interval (docs/PROMETHEUS.md); default 900. */
  metricsJobRetentionS?: number;
  /** Host header names the API answers without tokens, besides loopback and httpHost. */
  allowedHosts?: string[];
}

export interface RunningCollector {
  ingest: IngestServer;
  api: FastifyInstance;
  store: Sink & Store;
  carbon: CarbonPipeline;
  /** A job's carbon as its report shows it; undefined while none is stored. */
  carbonFor(job: JobTotals): Promise<CarbonSummary | undefined>;
  alerts: AlertEvaluator | undefined;
  grpcPort: number;
  httpPort: number;
  stop(): Promise<void>;
}

/** Reads a carbon config file (JSON, the "carbon" section); errors name the file. */
export function loadCarbonConfig(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read carbon config ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`carbon config ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function carbonSection(cfg: CollectorConfig): Record<string, unknown> {
  const raw = cfg.carbon ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('carbon config: expected an object');
  const defaults = cfg.dbPath === ':memory:' ? {} : { cacheDir: path.join(path.dirname(cfg.dbPath), 'carbon-cache') };
  return { ...defaults, ...raw, ...(cfg.zone ? { defaultZone: cfg.zone } : {}) };
}

/** A listener could not bind its address (busy port, no such interface, no permission). */
export class BindError extends Error {
  readonly listener: 'grpc' | 'http';
  readonly address: string;
  constructor(listener: 'grpc' | 'http', address: string, cause: Error) {
    const busy = /EADDRINUSE|address already in use|No address added/i.test(cause.message) || (cause as NodeJS.ErrnoException).code === 'EADDRINUSE';
    super(`${listener === 'grpc' ? 'gRPC' : 'HTTP'} cannot listen on ${address}: ${busy ? 'the port is in use' : cause.message}`);
    this.listener = listener;
    this.address = address;
  }
}

export async function startCollector(cfg: CollectorConfig, log: (m: string) => void = (m) => console.error(m)): Promise<RunningCollector> {
  // Every line the collector and its parts log goes through the one redaction rule.
  log = redactingLog(log);
  if (!cfg.tls && !cfg.plaintext) throw new Error('collector: set TLS files (ca, cert, key) or, for loopback and trusted networks only, plaintext');
  // A bad carbon config stops the start, before anything listens.
  const stage = buildCarbonStage(carbonSection(cfg), { log });
  // InfluxDB may come up after us (systemd ordering is no guarantee): an
  // unreachable server keeps the collector starting with /readyz false.
  let influxConnection: InfluxConnection | undefined;
  let store: Sink & Store;
  // Registrations made through the API live in the store every collector
  // shares: InfluxDB on a cluster (events in the long policy), else SQLite.
  let registry: JobRegistry;
  let sharedRegistry: InfluxJobRegistry | undefined;
  if (cfg.influx) {
    const influx = InfluxStore.create({ log, ...cfg.influx });
    influxConnection = await connectInfluxStore(influx, influxFlagValue(cfg.influx), log);
    store = influx;
    const rp = cfg.influx.manageSchema === false ? influx.rp : (cfg.influx.retention ?? DEFAULT_RETENTION).hourly.name;
    registry = sharedRegistry = new InfluxJobRegistry(influx, { retentionPolicy: rp });
  } else {
    // SQLite in worker threads (sqlite-thread.ts): no read or write runs on the thread that acks and serves HTTP.
    store = cfg.dbPath === ':memory:' ? new SqliteStore(cfg.dbPath) : await SqliteThreadStore.open(cfg.dbPath);
    registry = new JobRegistryStore(cfg.registryPath ?? cfg.dbPath);
  }
  const energyMetrics = new EnergyMetrics({ jobRetentionS: cfg.metricsJobRetentionS });
  const carbon = new CarbonPipeline({ stage, write: (c) => store.writeCarbon!(c).then(() => energyMetrics.onCarbon(c)), store, log });
  const creds = cfg.tls
    ? grpc.ServerCredentials.createSsl(fs.readFileSync(cfg.tls.ca), [{ private_key: fs.readFileSync(cfg.tls.key), cert_chain: fs.readFileSync(cfg.tls.cert) }], true)
    : grpc.ServerCredentials.createInsecure();
  // The store, with each Hello's inventory noted for the carbon stage on the way.
  const ingestSink: Sink = {
    name: store.name,
    concurrentWrites: store.concurrentWrites,
    write: (results) => store.write(results),
    // One agent per host is checked against the store, so every collector agrees.
    otherInstanceOverlapping: store.otherInstanceOverlapping?.bind(store),
    upsertHost: (h) => {
      carbon.noteHost(h);
      return store.upsertHost(h);
    },
    close: () => store.close(),
  };
  // Attribution depends on the report and on this context only. Idle baselines
  // are configured, not learnt in memory: two collectors, or a replay, must
  // attribute the same report the same way.
  const policy = { idle: cfg.idlePolicy ?? DEFAULT_POLICY.idle };
  // The learner only suggests baselines (GET /v1/hosts/:host) for operators to pin.
  const learner = new BaselineLearner();
  for (const [host, b] of Object.entries(cfg.baselines ?? {})) {
    for (const [key, watts] of Object.entries(b)) {
      const slash = key.indexOf('/');
      learner.configure(host, key.slice(0, slash), key.slice(slash + 1), watts);
    }
  }
  const context = (r: Report): AttributionContext | Promise<AttributionContext> => {
    learner.observe(r);
    return sharedRegistry ? sharedContext(r, sharedRegistry) : attributionContext(r, registry as JobRegistryStore);
  };
  const attributionContext = (r: Report, reg: JobRegistryStore): AttributionContext => ({
    policy,
    baseline: cfg.baselines?.[r.host ?? ''],
    registrations: reg.processesFor(r.host ?? '').map((p) => ({ host: p.host, pid: p.pid, startTimeUs: p.startTimeUs || undefined, fromUs: p.fromUs, toUs: p.toUs, jobId: p.jobId, labels: reg.get(p.jobId)?.labels })),
  });
  // The shared registry answers after at most one query a second (refreshMs): registrations made on another collector reach attribution here.
  const sharedContext = async (r: Report, reg: InfluxJobRegistry): Promise<AttributionContext> => ({
    policy,
    baseline: cfg.baselines?.[r.host ?? ''],
    registrations: (await reg.processesFor(r.host ?? '')).map((p) => ({ host: p.host, pid: p.pid, startTimeUs: p.startTimeUs || undefined, fromUs: p.fromUs, toUs: p.toUs, jobId: p.jobId, labels: reg.labelsOf(p.jobId) })),
  });
  // Read before anything listens: a bad file must not leave a port bound.
  const tokens = cfg.tokensFile ? loadTokens(cfg.tokensFile) : [];
  // A failed start releases what it had opened, so the process can exit.
  const release = async (...steps: Array<() => unknown>) => {
    for (const step of steps) await Promise.resolve().then(step).catch(() => undefined);
  };
  let ingest: Awaited<ReturnType<typeof startIngestServer>>;
  try {
    ingest = await startIngestServer(cfg.grpcAddress, creds, {
      sink: ingestSink,
      log,
      context,
      // With mTLS the host an agent speaks for is the one its client certificate names.
      identityOf: cfg.tls ? peerCertificateIdentity : undefined,
      onStored: (results) => {
        energyMetrics.onStored(results);
        carbon.onStored(results);
      },
    });
  } catch (err) {
    await release(() => registry.close(), () => store.close());
    throw new BindError('grpc', cfg.grpcAddress, err as Error);
  }
  carbon.start();
  if (tokens.length === 0 && !['127.0.0.1', '::1', 'localhost'].includes(cfg.httpHost)) log(`collector: the HTTP API on ${cfg.httpHost} has no tokens configured: anyone who reaches it can read and register jobs`);
  const telemetry = createSelfTelemetry(() => ingest.counters, energyMetrics, () => (hasDeadLetters(store) ? { deadLettered: store.deadLettered() } : undefined));
  const carbonFor = async (job: JobTotals): Promise<CarbonSummary | undefined> => {
    try {
      const t = await store.jobCarbon(job.jobId, job.window);
      return t ? carbonSummary(t) : undefined;
    } catch (err) {
      // The energy report stands without its carbon.
      log(`collector: cannot read carbon of job ${job.jobId}: ${(err as Error).message}`);
      return undefined;
    }
  };
  const allowedHosts = ['localhost', '127.0.0.1', '[::1]', cfg.httpHost.includes(':') ? `[${cfg.httpHost}]` : cfg.httpHost, ...(cfg.allowedHosts ?? [])];
  const api = await buildApi({ store, registry, tokens, telemetry, carbonFor, idleBaseline: (host) => learner.describe(host), allowedHosts, ready: () => influxConnection?.ready() ?? true });
  try {
    await api.listen({ host: cfg.httpHost, port: cfg.httpPort });
  } catch (err) {
    await release(() => api.close(), () => ingest.stop(), () => carbon.stop(), () => telemetry.shutdown(), () => registry.close(), () => store.close());
    throw new BindError('http', `${cfg.httpHost}:${cfg.httpPort}`, err as Error);
  }
  const addr = api.server.address();
  const httpPort = typeof addr === 'object' && addr ? addr.port : cfg.httpPort;
  // Alerts read the SQLite file directly (their claim log and carbon reader): their own connection on this thread.
  const alertStore = cfg.alerts && cfg.alerts.rules.length > 0 && store instanceof SqliteThreadStore ? new SqliteStore(store.file) : store;
  const alerts = cfg.alerts && cfg.alerts.rules.length > 0 ? new AlertEvaluator({ store: alertStore, config: cfg.alerts, log }) : undefined;
  alerts?.start();
  return {
    ingest,
    api,
    store,
    carbon,
    carbonFor,
    alerts,
    grpcPort: ingest.port,
    httpPort,
    async stop() {
      influxConnection?.stop();
      await alerts?.stop();
      await api.close();
      await ingest.stop();
      await carbon.stop(); // what ingest stored gets its carbon before the store closes
      await telemetry.shutdown();
      registry.close();
      if (alertStore !== store) await alertStore.close();
      await store.close();
    },
  };
}
