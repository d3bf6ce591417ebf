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
import type { JobTotals, Sink, Store } from './storage/sink.ts';
import { SqliteStore } from './storage/sqlite.ts';
import { SqliteThreadStore } from './storage/sqlite-thread.ts';
import { JobRegistryStore } from './jobs/registry.ts';
import { BaselineLearner } from './attribution/baseline.ts';
import { DEFAULT_POLICY, type AttributionContext, type HostBaseline, type IdlePolicy } from './attribution/attribute.ts';
import type { Report } from '@wattprint/proto';
import { loadTokens } from './api/auth.ts';
import { createSelfTelemetry } from './telemetry/metrics.ts';
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

export async function startCollector(cfg: CollectorConfig, log: (m: string) => void = (m) => console.error(m)): Promise<RunningCollector> {
  if (!cfg.tls && !cfg.plaintext) throw new Error('collector: set TLS files (ca, cert, key) or, for loopback and trusted networks only, plaintext');
  // A bad carbon config stops the start, before anything listens.
  const stage = buildCarbonStage(carbonSection(cfg), { log });
  // SQLite in worker threads (sqlite-thread.ts): no read or write runs on the thread that acks and serves HTTP.
  const store: Sink & Store = cfg.influx ? await InfluxStore.open({ log, ...cfg.influx }) : cfg.dbPath === ':memory:' ? new SqliteStore(cfg.dbPath) : await SqliteThreadStore.open(cfg.dbPath);
  const carbon = new CarbonPipeline({ stage, write: (c) => store.writeCarbon!(c), store, log });
  const creds = cfg.tls
    ? grpc.ServerCredentials.createSsl(fs.readFileSync(cfg.tls.ca), [{ private_key: fs.readFileSync(cfg.tls.key), cert_chain: fs.readFileSync(cfg.tls.cert) }], true)
    : grpc.ServerCredentials.createInsecure();
  // The store, with each Hello's inventory noted for the carbon stage on the way.
  const ingestSink: Sink = {
    name: store.name,
    concurrentWrites: store.concurrentWrites,
    write: (results) => store.write(results),
    upsertHost: (h) => {
      carbon.noteHost(h);
      return store.upsertHost(h);
    },
    close: () => store.close(),
  };
  const registry = new JobRegistryStore(cfg.registryPath ?? cfg.dbPath);
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
  const context = (r: Report): AttributionContext => {
    learner.observe(r);
    return attributionContext(r);
  };
  const attributionContext = (r: Report): AttributionContext => ({
    policy,
    baseline: cfg.baselines?.[r.host ?? ''],
    registrations: registry.processesFor(r.host ?? '').map((p) => ({ host: p.host, pid: p.pid, startTimeUs: p.startTimeUs || undefined, fromUs: p.fromUs, toUs: p.toUs, jobId: p.jobId, labels: registry.get(p.jobId)?.labels })),
  });
  // With mTLS the host an agent speaks for is the one its client certificate names.
  const ingest = await startIngestServer(cfg.grpcAddress, creds, {
    sink: ingestSink,
    log,
    context,
    identityOf: cfg.tls ? peerCertificateIdentity : undefined,
    onStored: (results) => carbon.onStored(results),
  });
  carbon.start();
  const tokens = cfg.tokensFile ? loadTokens(cfg.tokensFile) : [];
  if (tokens.length === 0 && !['127.0.0.1', '::1', 'localhost'].includes(cfg.httpHost)) log(`collector: the HTTP API on ${cfg.httpHost} has no tokens configured: anyone who reaches it can read and register jobs`);
  const telemetry = createSelfTelemetry(() => ingest.counters);
  const carbonFor = async (job: JobTotals): Promise<CarbonSummary | undefined> => {
    try {
      const t = await store.jobCarbon(job.jobId);
      return t ? carbonSummary(t) : undefined;
    } catch (err) {
      // The energy report stands without its carbon.
      log(`collector: cannot read carbon of job ${job.jobId}: ${(err as Error).message}`);
      return undefined;
    }
  };
  const carbonForMany = async (jobs: JobTotals[]): Promise<Map<string, CarbonSummary>> => {
    try {
      const all = await store.jobCarbonMany(jobs.map((j) => j.jobId));
      return new Map([...all].map(([id, t]) => [id, carbonSummary(t)]));
    } catch (err) {
      log(`collector: cannot read carbon of ${jobs.length} jobs: ${(err as Error).message}`);
      return new Map();
    }
  };
  const api = await buildApi({ store, registry, tokens, telemetry, carbonFor, carbonForMany, idleBaseline: (host) => learner.describe(host) });
  await api.listen({ host: cfg.httpHost, port: cfg.httpPort });
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
