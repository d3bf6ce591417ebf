// Ingest throughput and latency of one collector, end to end on loopback:
// decode, validate, attribute, store in SQLite (WAL, synchronous=FULL) and ack,
// for 100 and 1,000 simulated agents (one stream each), against a bare
// grpc-js server that only decodes the same stream and acks at once, in the
// same run. The agents run in a worker thread so they do not share the
// collector's event loop. Prints one JSON line per run.
//
// With --store influx, the cluster path: the collector as its own process
// storing in a real influxd (`wattprint collector --influx`), against
// influxd accepting the same points written raw (line protocol, 5,000 per
// request, two in flight) in the same run.
//   node --disable-warning=ExperimentalWarning test/bench/ingest.bench.ts [--seconds 6] [--streams 100,1000] [--store sqlite|influx]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as grpc from '@grpc/grpc-js';
import { Domain, IngestService, Quality, Source, type AgentMessage, type CollectorMessage, type Report } from '@wattprint/proto';
import { startIngestServer } from '@wattprint/collector/ingest/server.ts';
import { SqliteThreadStore } from '@wattprint/collector/storage/sqlite-thread.ts';
import { attribute } from '@wattprint/collector/attribution/attribute.ts';
import { resultToPoints } from '@wattprint/collector/storage/influx-schema.ts';
import { startInfluxd } from '../helpers/influxd.ts';
import { nodeProcess, REPO, waitForLine, wattprint } from '../helpers/processes.ts';
import { line, post } from './lib/line-protocol.ts';

interface LoadSpec {
  port: number;
  streams: number;
  warmupS: number;
  seconds: number;
  window: number;
  processes: number;
}

interface LoadResult {
  acked: number;
  seconds: number;
  latenciesMs: number[];
  errors: string[];
}

const Client = grpc.makeGenericClientConstructor(IngestService, 'Ingest');

/** A report like a busy GPU host's: RAPL zones, one GPU, a few dozen processes. */
function makeReport(host: string, seq: number, processes: number): Report {
  const end = Date.now() * 1000;
  return {
    host,
    seq,
    startUs: end - 1_000_000,
    endUs: end,
    energy: [
      { domain: Domain.DOMAIN_PACKAGE, device: 'package-0', source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 150 },
      { domain: Domain.DOMAIN_DRAM, device: 'package-0/dram', source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 20 },
      { domain: Domain.DOMAIN_GPU, device: 'GPU-0000', source: Source.SOURCE_NVML, quality: Quality.QUALITY_COUNTER, joules: 300 },
    ],
    processes: Array.from({ length: processes }, (_, i) => ({ pid: 1000 + i, startTimeUs: 1e15 + i, ppid: 1, uid: 1000, command: `python train.py --rank ${i}`, jobId: i < processes / 2 ? 'job-1' : '', cpuSeconds: 0.02 * (i % 5), rssBytes: 1e8 })),
    gpuProcesses: [{ gpuUuid: 'GPU-0000', pid: 1000, smUtil: 80, memUtil: 40, sampleCount: 6 }],
    cpuBusySeconds: 10,
    cpuIdleSeconds: 22,
    cpuCount: 32,
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Worker side: `streams` agents, each keeping `window` reports in flight. */
async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  const errors: string[] = [];
  let acked = 0;
  let measuring = false;
  let stopping = false;
  const clients: grpc.Client[] = [];
  const agents = Array.from({ length: spec.streams }, (_, i) => {
    const host = `bench-${i}`;
    const client = new Client(`127.0.0.1:${spec.port}`, grpc.credentials.createInsecure());
    clients.push(client);
    const call = (client as unknown as { stream: () => grpc.ClientDuplexStream<AgentMessage, CollectorMessage> }).stream();
    const sentAt = new Map<number, number>();
    let next = 1;
    let settled = 0;
    const send = () => {
      while (!stopping && next - settled - 1 < spec.window) {
        sentAt.set(next, performance.now());
        call.write({ report: makeReport(host, next, spec.processes) });
        next++;
      }
    };
    call.on('data', (m: CollectorMessage) => {
      const seq = Number(m.ack?.seq ?? 0);
      const now = performance.now();
      for (let s = settled + 1; s <= seq; s++) {
        const t = sentAt.get(s);
        sentAt.delete(s);
        if (t !== undefined && measuring) {
          latencies.push(now - t);
          acked++;
        }
      }
      settled = Math.max(settled, seq);
      send();
    });
    call.on('error', (e: grpc.ServiceError) => !stopping && errors.push(e.details ?? e.message));
    call.write({ hello: { host, agentVersion: 'bench', resumeSeq: 1 } });
    send();
    return call;
  });
  await new Promise((r) => setTimeout(r, spec.warmupS * 1000));
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, spec.seconds * 1000));
  measuring = false;
  const seconds = (performance.now() - t0) / 1000;
  stopping = true;
  for (const c of agents) c.cancel();
  for (const c of clients) c.close();
  return { acked, seconds, latenciesMs: latencies, errors: [...new Set(errors)].slice(0, 5) };
}

if (!isMainThread) {
  const result = await runLoad(workerData as LoadSpec);
  parentPort!.postMessage(result);
} else {
  const { values } = parseArgs({ options: { seconds: { type: 'string' }, streams: { type: 'string' }, processes: { type: 'string' }, store: { type: 'string' } } });
  const onInflux = values.store === 'influx';
  const seconds = Number(values.seconds ?? 6);
  const streamCounts = (values.streams ?? '100,1000').split(',').map(Number);
  const processes = Number(values.processes ?? 40);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-ingest-bench-'));

  const load = (spec: LoadSpec) =>
    new Promise<LoadResult>((resolve, reject) => {
      const w = new Worker(new URL(import.meta.url), { workerData: spec, execArgv: ['--disable-warning=ExperimentalWarning'] });
      w.once('message', resolve);
      w.once('error', reject);
    });

  const report = (server: string, streams: number, r: LoadResult, extra: Record<string, unknown> = {}) => {
    const sorted = r.latenciesMs.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        bench: 'ingest',
        server,
        streams,
        processesPerReport: processes,
        seconds: Number(r.seconds.toFixed(2)),
        acked: r.acked,
        reportsPerSec: Math.round(r.acked / r.seconds),
        p50Ms: Number(percentile(sorted, 50).toFixed(2)),
        p99Ms: Number(percentile(sorted, 99).toFixed(2)),
        errors: r.errors,
        ...extra,
      }),
    );
  };

  if (onInflux) {
    const influxd = await startInfluxd();
    try {
      for (const streams of streamCounts) {
        const spec = { streams, warmupS: streams >= 1000 ? 4 : 2, seconds, window: 4, processes, port: 0 };
        // Raw: the points the collector writes for the same reports, as line protocol, two requests in flight.
        const reports = Array.from({ length: 4000 }, (_, i) => makeReport(`bench-${i % streams}`, Math.floor(i / streams) + 1, processes));
        const points = reports.flatMap((r) => resultToPoints(attribute(r)));
        const lines = points.map(line);
        const db = `wp_raw_${streams}`;
        await post(influxd.port, `/query?q=${encodeURIComponent(`CREATE DATABASE ${db}`)}`, '');
        const t = performance.now();
        let next = 0;
        const writer = async () => {
          for (let i = next; i < lines.length; i = next) {
            next += 5000;
            const status = await post(influxd.port, `/write?db=${db}&precision=u`, lines.slice(i, i + 5000).join('\n'));
            if (status !== 204) throw new Error(`raw write answered ${status}`);
          }
        };
        await Promise.all([writer(), writer()]);
        const rawS = (performance.now() - t) / 1000;
        const pointsPerReport = points.length / reports.length;
        console.log(JSON.stringify({ bench: 'ingest', server: 'influxd-raw-line-protocol', streams, processesPerReport: processes, points: points.length, pointsPerReport, seconds: Number(rawS.toFixed(2)), pointsPerSec: Math.round(points.length / rawS), reportsPerSec: Math.round(reports.length / rawS) }));

        // The collector as operators run it: the wattprint command with --influx.
        const collector = wattprint(['collector', '--plaintext', '--grpc', '127.0.0.1:0', '--http-port', '0', '--influx', `${influxd.url}/wp_ingest_${streams}`], { WATTPRINT_STATE_DIR: dir });
        try {
          const m = await waitForLine(collector, /^\{"event":"listening".*\}$/, 60_000);
          const port = (JSON.parse(m[0]) as { grpcPort: number }).grpcPort;
          const r = await load({ ...spec, port });
          report('wattprint-ingest-influxdb', streams, r, { rawReportsPerSec: Math.round(reports.length / rawS) });
          // One figure for the goals (which compare with < only): raw ÷ collector, and µs per report.
          const rate = r.acked / r.seconds;
          const rawRate = reports.length / rawS;
          const sorted = r.latenciesMs.sort((a, b) => a - b);
          console.log(JSON.stringify({ name: `ingest_influx_${streams}`, reportsPerSec: Math.round(rate), baselineName: 'influxd accepting the same points raw', baselineReportsPerSec: Math.round(rawRate), ratio: Number((rate / rawRate).toFixed(3)), rawPerCollector: Number((rawRate / Math.max(rate, 1e-9)).toFixed(2)), usPerReport: Math.round(1e6 / Math.max(rate, 1e-9)), p99Ms: Number(percentile(sorted, 99).toFixed(1)), loadAverage1m: Number(os.loadavg()[0]!.toFixed(1)) }));
        } finally {
          await collector.stop();
        }
      }
    } finally {
      await influxd.close();
    }
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }

  for (const streams of streamCounts) {
    const spec = { streams, warmupS: streams >= 1000 ? 4 : 2, seconds, window: 4, processes, port: 0 };

    // Bare grpc-js: decode (the service definition does that) and ack at once.
    const bare = new grpc.Server({ 'grpc.max_receive_message_length': 4 * 1024 * 1024 });
    bare.addService(IngestService, {
      stream: (call: grpc.ServerDuplexStream<AgentMessage, CollectorMessage>) => {
        call.on('data', (m: AgentMessage) => {
          if (m.report) call.write({ ack: { seq: m.report.seq, rejected: [] } });
        });
        call.on('end', () => call.end());
        call.on('error', () => {});
      },
    });
    const barePort = await new Promise<number>((res, rej) => bare.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
    report('bare-grpc-decode', streams, await load({ ...spec, port: barePort }));
    bare.forceShutdown();

    // As the collector runs it: SQLite in its writer and reader threads.
    const store = await SqliteThreadStore.open(path.join(dir, `bench-${streams}.db`));
    const full = await startIngestServer('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), { sink: store, log: () => {} });
    const r = await load({ ...spec, port: full.port });
    const c = full.counters;
    console.log(JSON.stringify({ name: `ingest_sqlite_${streams}`, reportsPerSec: Math.round(r.acked / r.seconds), usPerReport: Math.round(1e6 / Math.max(r.acked / r.seconds, 1e-9)), p99Ms: Number(percentile([...r.latenciesMs].sort((a, b) => a - b), 99).toFixed(1)), loadAverage1m: Number(os.loadavg()[0]!.toFixed(1)) }));
    report('wattprint-ingest-sqlite', streams, r, { rejected: c.reportsRejected, writeFailures: c.writeFailures, sinkWrites: full.writer.writes, resultsPerWrite: Math.round(full.writer.results / Math.max(1, full.writer.writes)) });
    await full.stop();
    await store.close();
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
