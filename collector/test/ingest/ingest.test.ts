// The ingest stream against a real SQLite store, spoken to by a plain grpc-js
// client with the wire protocol (no agent code involved).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import * as grpc from '@grpc/grpc-js';
import { Domain, IngestService, Quality, Source, type CollectorMessage, type Report } from '@wattprint/proto';
import { startIngestServer, certificateHostNames, type IngestServer } from '../../src/ingest/server.ts';
import { DEFAULT_LIMITS, screenReadings, validateReport } from '../../src/ingest/validate.ts';
import { SqliteStore } from '../../src/storage/sqlite.ts';
import type { AttributionResult } from '../../src/attribution/types.ts';

const NOW = Date.now() * 1000;
const Client = grpc.makeGenericClientConstructor(IngestService, 'Ingest');

function report(seq: number, over: Partial<Report> = {}): Report {
  const start = NOW - 100_000_000 + seq * 1_000_000;
  return {
    host: 'h1',
    seq,
    startUs: start,
    endUs: start + 1_000_000,
    energy: [{ domain: Domain.DOMAIN_PACKAGE, device: 'package-0', source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 100 + seq, flags: [] }],
    processes: [],
    cpuBusySeconds: 1,
    cpuIdleSeconds: 3,
    cpuCount: 4,
    ...over,
  };
}

test('screenReadings: a bad reading is named by its code and place; a gap reading is judged over its span', () => {
  const cases: [string, Report, string, RegExp][] = [
    ['NaN joules', report(1, { energy: [{ domain: Domain.DOMAIN_PACKAGE, device: 'package-0', joules: NaN }] }), 'invalid_energy', /energy\[0\] \(package package-0\) has joules NaN/],
    ['negative joules', report(1, { energy: [{ domain: Domain.DOMAIN_DRAM, device: 'd', joules: -1 }] }), 'invalid_energy', /joules -1/],
    ['3 kW package', report(1, { energy: [{ domain: Domain.DOMAIN_PACKAGE, device: 'package-0', joules: 3000 }] }), 'implausible_power', /averages 3000\.0 W, above the 2000 W bound/],
  ];
  for (const [name, r, code, message] of cases) {
    const q = screenReadings(r, DEFAULT_LIMITS);
    assert.equal(q.length, 1, name);
    assert.equal(q[0]!.code, code, name);
    assert.match(q[0]!.message, message, name);
    assert.equal(validateReport(r, NOW, DEFAULT_LIMITS), undefined, `${name}: the report itself stands`);
  }
  // 3000 J over a 1 s interval but a 3 s span (read again after failed reads): 1000 W, plausible.
  const r = report(1);
  assert.deepEqual(screenReadings({ ...r, energy: [{ domain: Domain.DOMAIN_PACKAGE, device: 'package-0', joules: 3000, spanStartUs: Number(r.startUs) - 2_000_000 }] }), []);
});

test('validateReport: each kind of broken report gets its code and says where', () => {
  const cases: [string, Report, string, RegExp][] = [
    ['empty interval', report(1, { endUs: NOW - 100_000_000 + 1_000_000 }), 'bad_interval', /lasts 0s/],
    ['two-hour interval', report(1, { startUs: NOW - 7200e6, endUs: NOW }), 'bad_interval', /lasts 7200s/],
    ['clock ahead', report(1, { startUs: NOW + 600e6, endUs: NOW + 601e6 }), 'clock_skew', /601\.0s in the collector's future \(bound 300s\)/],
    ['clock in 1970', report(1, { startUs: 1e6, endUs: 2e6 }), 'clock_skew', /days before the collector's clock/],
    ['negative cpu time', report(1, { processes: [{ pid: 7, cpuSeconds: -2 }] }), 'invalid_energy', /processes\[0\] \(pid 7\) has cpu_seconds -2/],
  ];
  for (const [name, r, code, message] of cases) {
    const bad = validateReport(r, NOW, DEFAULT_LIMITS);
    assert.equal(bad?.code, code, name);
    assert.match(bad!.message, message, name);
  }
  assert.equal(validateReport(report(1), NOW), undefined);
  assert.equal(validateReport(report(1, { processes: new Array(11).fill({ pid: 1 }) }), NOW, { ...DEFAULT_LIMITS, maxProcesses: 10 })?.code, 'too_large');
});

test('certificateHostNames takes the DNS SANs of a clientAuth certificate, nothing else', () => {
  const clientAuth = ['1.3.6.1.5.5.7.3.2'];
  assert.deepEqual(certificateHostNames({ subject: { CN: 'gpu-01' }, subjectaltname: 'DNS:gpu-01.lab, IP Address:10.0.0.1, DNS:gpu-01', ext_key_usage: clientAuth }), ['gpu-01.lab', 'gpu-01']);
  assert.deepEqual(certificateHostNames({ subject: { CN: 'gpu-02' }, subjectaltname: 'DNS:gpu-01', ext_key_usage: clientAuth }), ['gpu-01'], 'the CN is no host name');
  assert.deepEqual(certificateHostNames({ subject: { CN: 'gpu-01' }, ext_key_usage: clientAuth }), [], 'a CN alone vouches for nothing');
  assert.deepEqual(certificateHostNames({ subjectaltname: 'DNS:gpu-01', ext_key_usage: ['1.3.6.1.5.5.7.3.1'] }), [], 'a serverAuth-only certificate speaks for no host');
  assert.deepEqual(certificateHostNames({ subjectaltname: 'DNS:gpu-01' }), [], 'no EKU at all: no host');
  assert.deepEqual(certificateHostNames(undefined), []);
});

/** The real store, with a gate in front of write() so a test can hold a write open. */
class GatedStore extends SqliteStore {
  gate: Promise<void> | undefined;
  writes: number[] = [];
  override async write(results: AttributionResult[]): Promise<void> {
    await this.gate;
    await super.write(results);
    this.writes.push(results.length);
  }
}

const servers: IngestServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

async function serve(store: SqliteStore, extra: { maxMessageBytes?: number } = {}) {
  const log: string[] = [];
  const s = await startIngestServer('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), { sink: store, log: (m) => log.push(m), ...extra });
  servers.push(s);
  return { ...s, log };
}

function tmpDb(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wp-ingest-')), 'c.db');
}

/** A raw protocol client: send messages, collect answers and the final status. */
function open(port: number) {
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = (client as unknown as { stream: () => grpc.ClientDuplexStream<unknown, CollectorMessage> }).stream();
  const acks: CollectorMessage['ack'][] = [];
  let status: grpc.StatusObject | undefined;
  call.on('data', (m: CollectorMessage) => acks.push(m.ack));
  call.on('error', () => {});
  call.on('status', (s: grpc.StatusObject) => (status = s));
  const until = async (what: string, f: () => boolean) => {
    for (let i = 0; i < 400 && !f(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(f(), `timed out waiting for ${what}; acks ${JSON.stringify(acks)}`);
  };
  return { call, acks, status: () => status, until, close: () => (call.end(), client.close()) };
}

test('a good stream: the Hello is answered, every report is acked after it is stored', async () => {
  const db = tmpDb();
  const store = new SqliteStore(db);
  const srv = await serve(store);
  const c = open(srv.port);
  c.call.write({ hello: { host: 'h1', agentVersion: 't', resumeSeq: 1 } });
  await c.until('hello ack', () => c.acks.length === 1);
  assert.equal(Number(c.acks[0]!.seq), 0);
  for (let seq = 1; seq <= 3; seq++) c.call.write({ report: report(seq) });
  await c.until('acks up to 3', () => Number(c.acks.at(-1)?.seq) === 3);
  assert.deepEqual(await store.hostEnergy('h1'), [{ domain: 'package', device: 'package-0', source: 'rapl', quality: 'counter', joules: 101 + 102 + 103 }]);
  assert.equal(srv.counters.reportsAccepted, 3);
  c.close();
});

test('bad reports are rejected by seq with a code and a counter; the stream stays open', async () => {
  const store = new SqliteStore(tmpDb());
  const srv = await serve(store);
  const c = open(srv.port);
  c.call.write({ hello: { host: 'h1', resumeSeq: 1 } });
  c.call.write({ report: report(1) });
  c.call.write({ report: report(2, { startUs: 0, endUs: 0 }) });
  c.call.write({ report: report(3, { host: 'someone-else' }) });
  c.call.write({ report: report(2) }); // seq going back
  c.call.write({ report: report(4) });
  await c.until('ack 4', () => c.acks.some((a) => Number(a?.seq) === 4));
  const rejected = c.acks.flatMap((a) => a?.rejected ?? []).map((r) => `${r.seq}:${r.code}`);
  assert.deepEqual(rejected, ['2:bad_interval', '3:wrong_host', '2:seq_regression']);
  assert.equal(srv.counters.reportsRejected.bad_interval, 1);
  assert.equal(srv.counters.reportsRejected.wrong_host, 1);
  assert.equal(srv.counters.reportsRejected.seq_regression, 1);
  assert.equal((await store.hostEnergy('h1'))[0]!.joules, 101 + 104);
  assert.equal(c.status(), undefined, 'the stream is still open');
  c.close();
});

test('one GPU reading at 3,400 W is quarantined, not the report: the other readings, processes and progress are stored', async () => {
  const db = tmpDb();
  const store = new SqliteStore(db);
  const srv = await serve(store);
  const c = open(srv.port);
  c.call.write({ hello: { host: 'h1', resumeSeq: 1 } });
  const gpu = (device: string, joules: number) => ({ domain: Domain.DOMAIN_GPU, device, source: Source.SOURCE_NVML, quality: Quality.QUALITY_COUNTER, joules, flags: [] });
  c.call.write({
    report: report(1, {
      energy: [...report(1).energy!, gpu('GPU-a', 3400), gpu('GPU-b', 250)],
      processes: [{ pid: 10, startTimeUs: 5, cpuSeconds: 1, jobId: 'j1' }],
      gpuProcesses: [{ gpuUuid: 'GPU-b', pid: 10, gpuMemoryBytes: 1 }, { gpuUuid: 'GPU-a', pid: 10, gpuMemoryBytes: 1 }],
      progress: [{ jobId: 'j1', examples: 1000 }],
    }),
  });
  await c.until('ack 1', () => Number(c.acks.at(-1)?.seq) === 1);
  assert.deepEqual(c.acks.flatMap((a) => a?.rejected ?? []), [], 'nothing rejected');
  assert.equal(srv.counters.readingsQuarantined?.implausible_power, 1);
  assert.ok(srv.log.some((l) => /quarantined a reading of report 1 from h1: implausible_power: energy\[1\] \(gpu GPU-a\) averages 3400\.0 W/.test(l)));
  const conn = new DatabaseSync(db, { readOnly: true });
  try {
    const rows = conn.prepare('SELECT device, joules, flags FROM host_energy ORDER BY device').all() as { device: string; joules: number; flags: string }[];
    assert.deepEqual(rows.map((r) => [r.device, r.joules, r.flags]), [['GPU-a', 3400, 'implausible_power,quarantined'], ['GPU-b', 250, ''], ['package-0', 101, '']]);
    const un = conn.prepare("SELECT device, reason, joules FROM unattributed WHERE device = 'GPU-a'").all() as { device: string; reason: string; joules: number }[];
    assert.deepEqual(un.map((u) => [u.reason, u.joules]), [['implausible', 3400]], 'the glitch is unattributed under its reason');
  } finally {
    conn.close();
  }
  const job = await store.jobTotals('j1');
  assert.equal(job?.examples, 1000, 'progress kept');
  assert.ok(job!.softwareJoules >= 250 && job!.softwareJoules < 3400, `the job has GPU-b and its CPU share, not the glitch (${job!.softwareJoules})`);
  c.close();
});

test('a report before the Hello closes the stream with FAILED_PRECONDITION', async () => {
  const srv = await serve(new SqliteStore(tmpDb()));
  const c = open(srv.port);
  c.call.write({ report: report(1) });
  await c.until('status', () => c.status() !== undefined);
  assert.equal(c.status()!.code, grpc.status.FAILED_PRECONDITION);
  assert.match(c.status()!.details, /a Report before the Hello/);
});

test('no ack before the write is durable', async () => {
  const store = new GatedStore(tmpDb());
  let open_: () => void = () => {};
  store.gate = new Promise((r) => (open_ = r));
  const srv = await serve(store);
  const c = open(srv.port);
  c.call.write({ hello: { host: 'h1', resumeSeq: 1 } });
  for (let seq = 1; seq <= 5; seq++) c.call.write({ report: report(seq) });
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(c.acks.map((a) => Number(a?.seq)), [0], 'only the Hello is answered while the write hangs');
  open_();
  await c.until('ack 5', () => Number(c.acks.at(-1)?.seq) === 5);
  assert.equal(store.writes.reduce((a, b) => a + b, 0), 5);
  c.close();
});

test('a storage failure closes the stream UNAVAILABLE without an ack', async () => {
  const db = tmpDb();
  const store = new SqliteStore(db);
  store.db.exec('PRAGMA busy_timeout = 0');
  const srv = await serve(store);
  const locker = new DatabaseSync(db);
  locker.exec('BEGIN EXCLUSIVE');
  try {
    const c = open(srv.port);
    c.call.write({ hello: { host: 'h1', resumeSeq: 1 } });
    c.call.write({ report: report(1) });
    await c.until('status', () => c.status() !== undefined);
    assert.equal(c.status()!.code, grpc.status.UNAVAILABLE);
    assert.match(c.status()!.details, /storage unavailable \(sqlite: database is locked\); nothing acknowledged/);
    assert.deepEqual(c.acks.map((a) => Number(a?.seq)), [0]);
    assert.equal(srv.counters.writeFailures, 1);
  } finally {
    locker.exec('ROLLBACK');
    locker.close();
  }
});

test('a message above the size limit ends only that stream with RESOURCE_EXHAUSTED, naming the limit', async () => {
  const srv = await serve(new SqliteStore(tmpDb()), { maxMessageBytes: 4096 });
  const c = open(srv.port);
  c.call.write({ hello: { host: 'h1', resumeSeq: 1 } });
  c.call.write({ report: report(1, { processes: Array.from({ length: 200 }, (_, i) => ({ pid: i + 1, command: 'python train.py --long-argument', cpuSeconds: 0.1 })) }) });
  await c.until('status', () => c.status() !== undefined);
  assert.equal(c.status()!.code, grpc.status.RESOURCE_EXHAUSTED);
  assert.match(c.status()!.details, /larger than max \(\d+ vs\.? 4096\)/);
  // The collector is fine: the next stream works.
  const d = open(srv.port);
  d.call.write({ hello: { host: 'h1', resumeSeq: 1 } });
  d.call.write({ report: report(1) });
  await d.until('ack 1', () => Number(d.acks.at(-1)?.seq) === 1);
  d.close();
});

test('two collectors given the same report store identical rows; a replay changes nothing', async () => {
  const dbs = [tmpDb(), tmpDb()];
  for (const db of dbs) {
    const srv = await serve(new SqliteStore(db));
    for (let pass = 0; pass < 2; pass++) {
      const c = open(srv.port);
      c.call.write({ hello: { host: 'h1', resumeSeq: 1 } });
      const r = report(1, { processes: [{ pid: 10, startTimeUs: 5, jobId: 'job-a', cpuSeconds: 2 }, { pid: 11, startTimeUs: 6, cpuSeconds: 1 }] });
      c.call.write({ report: r });
      c.call.write({ report: report(2) });
      await c.until('ack 2', () => Number(c.acks.at(-1)?.seq) === 2);
      c.close();
    }
  }
  const dump = (db: string) => {
    const conn = new DatabaseSync(db, { readOnly: true });
    const out: Record<string, unknown[]> = {};
    for (const t of ['reports', 'host_energy', 'job_energy', 'process_energy', 'unattributed', 'job_interval']) {
      out[t] = conn.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3, 4, 5`).all();
    }
    conn.close();
    return out;
  };
  const [a, b] = dbs.map(dump);
  assert.ok(a!.reports!.length === 2 && a!.host_energy!.length === 2);
  assert.deepEqual(a, b);
});
