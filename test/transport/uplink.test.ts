// The agent's uplink against a real in-process collector (ingest + SQLite):
// window, oversized reports, failover and the ack watchdog.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { decodeReport, Domain, encodeReport, Quality, Source, type Report } from '@wattprint/proto';
import { Spool } from '@wattprint/agent/spool/spool.ts';
import { backoffDelay, limitFromDetails, slimReport, Uplink, type UplinkOptions } from '@wattprint/agent/uplink/uplink.ts';
import { startIngestServer, type IngestServer } from '@wattprint/collector/ingest/server.ts';
import { SqliteStore } from '@wattprint/collector/storage/sqlite.ts';
import type { AttributionResult } from '@wattprint/collector/attribution/types.ts';
import { cleanup, Partition, tmpDir, waitFor } from './harness.ts';

const T0 = Date.now() * 1000 - 3600e6;

function report(seq: number, processes = 0): Report {
  const start = T0 + seq * 1e6;
  return {
    host: 'up',
    seq,
    startUs: start,
    endUs: start + 1e6,
    energy: [{ domain: Domain.DOMAIN_PACKAGE, device: 'package-0', source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 10 }],
    processes: Array.from({ length: processes }, (_, i) => ({ pid: 100 + i, startTimeUs: i, command: `python train.py --shard ${i} --with-a-long-argument-list`, cpuSeconds: 0.01 })),
    cpuBusySeconds: 1,
    cpuIdleSeconds: 1,
    cpuCount: 2,
  };
}

class GatedStore extends SqliteStore {
  gate: Promise<void> | undefined;
  writes: number[] = [];
  override async write(results: AttributionResult[]): Promise<void> {
    await this.gate;
    await super.write(results);
    this.writes.push(results.length);
  }
}

const stops: (() => unknown)[] = [];
after(async () => {
  for (const s of stops.reverse()) await s();
  await cleanup();
});

async function collector(store: SqliteStore, maxMessageBytes?: number): Promise<IngestServer> {
  const s = await startIngestServer('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), { sink: store, log: () => {}, maxMessageBytes });
  stops.push(() => s.stop());
  return s;
}

function agent(addresses: string[], fill: Report[], extra: Partial<UplinkOptions> = {}) {
  const spool = new Spool({ dir: tmpDir('up-spool'), log: () => {} });
  for (const r of fill) spool.append((seq) => encodeReport({ ...r, seq }));
  const log: string[] = [];
  const uplink = new Uplink({ addresses, spool, plaintext: true, hello: () => ({ host: 'up', resumeSeq: spool.firstPendingSeq }), backoffBaseMs: 20, backoffMaxMs: 200, log: (m) => log.push(m), ...extra });
  stops.push(() => {
    uplink.stop();
    spool.close();
  });
  uplink.start();
  return { spool, uplink, log };
}

test('backoff: full jitter under an exponential cap', () => {
  assert.equal(backoffDelay(3, 100, 10_000, () => 0), 0);
  assert.equal(backoffDelay(0, 100, 10_000, () => 0.5), 50);
  assert.equal(backoffDelay(3, 100, 10_000, () => 0.5), 400);
  assert.equal(backoffDelay(40, 100, 10_000, () => 0.5), 5000);
});

test("the collector's limit is read from grpc-js's RESOURCE_EXHAUSTED details", () => {
  assert.equal(limitFromDetails('Received message larger than max (70000 vs 65536)'), 65536);
  assert.equal(limitFromDetails('Received message larger than max (70000 vs. 65536)'), 65536);
  assert.equal(limitFromDetails('something else'), undefined);
});

test('slimReport keeps the energy and the interval, drops per-process detail, and says so', () => {
  const full = report(7, 50);
  const slim = decodeReport(slimReport(encodeReport(full), 'too big'));
  assert.deepEqual(slim.energy, decodeReport(encodeReport(full)).energy);
  assert.equal(Number(slim.startUs), full.startUs);
  assert.equal(slim.processes?.length, 0);
  assert.match(slim.sources!.at(-1)!.reason!, /too big: per-process usage of 50 processes and 0 GPU processes dropped; energy kept, unattributed/);
});

test('a report too large for the collector is sent slimmed, and its energy is stored', async () => {
  const store = new SqliteStore(path.join(tmpDir('up-big'), 'c.db'));
  const srv = await collector(store, 16 * 1024);
  const a = agent([`127.0.0.1:${srv.port}`], [report(1), report(2, 400), report(3)]);
  await waitFor('the spool to empty', () => a.spool.pending === 0, 10_000, 20);
  assert.equal((await store.hostEnergy('up'))[0]!.joules, 30);
  assert.equal(a.uplink.stats.maxMessageBytes, 16 * 1024, 'learned from the collector');
  assert.ok(a.uplink.stats.slimmed >= 1);
  const log = a.log.join('\n');
  assert.match(log, /ended \(RESOURCE_EXHAUSTED: Received message larger than max \(\d+ vs 16384\)\)/);
  assert.match(log, /sending at most 16384 bytes per report[\s\S]*report 2 is \d+ bytes, above the 16384-byte message limit; sending it without per-process detail/);
});

test('no more than `window` reports are in flight without an ack', async () => {
  const store = new GatedStore(path.join(tmpDir('up-win'), 'c.db'));
  let release: () => void = () => {};
  store.gate = new Promise((r) => (release = r));
  const srv = await collector(store);
  const a = agent([`127.0.0.1:${srv.port}`], Array.from({ length: 30 }, (_, i) => report(i + 1)), { window: 4 });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(a.uplink.stats.sent, 4, 'the window is full and nothing was acked');
  release();
  await waitFor('all delivered', () => a.spool.pending === 0, 10_000, 20);
  assert.ok(store.writes.every((n) => n <= 4), `writes ${store.writes}`);
  assert.equal(store.writes.reduce((x, y) => x + y, 0), 30);
  assert.equal((await store.hostEnergy('up'))[0]!.joules, 300);
});

test('a collector that never answers is left after ackTimeoutMs for the next address', async () => {
  const store = new SqliteStore(path.join(tmpDir('up-fail'), 'c.db'));
  const srv = await collector(store);
  const hole = new Partition(srv.port);
  await hole.listen();
  hole.cut(); // accepts connections, never moves a byte
  const a = agent([`127.0.0.1:${hole.port}`, `127.0.0.1:${srv.port}`], [report(1), report(2)], { ackTimeoutMs: 800 });
  await waitFor('delivery through the second address', () => a.spool.pending === 0, 10_000, 20);
  assert.match(a.log.join('\n'), new RegExp(`stream to 127\\.0\\.0\\.1:${hole.port} ended \\(no answer from the collector for 1s\\)`));
  assert.equal(a.uplink.stats.address, `127.0.0.1:${srv.port}`);
  assert.equal((await store.hostEnergy('up'))[0]!.joules, 20);
});

test('a dead first address fails over to the second', async () => {
  const store = new SqliteStore(path.join(tmpDir('up-dead'), 'c.db'));
  const srv = await collector(store);
  const a = agent(['127.0.0.1:1', `127.0.0.1:${srv.port}`], [report(1)]);
  await waitFor('delivery', () => a.spool.pending === 0, 10_000, 20);
  assert.match(a.log.join('\n'), /stream to 127\.0\.0\.1:1 ended \(UNAVAILABLE/);
});
