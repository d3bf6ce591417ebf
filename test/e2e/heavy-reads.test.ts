// No API read can freeze intake: with a store big enough that a read takes a
// while, a /healthz sent just after a heavy read is answered before it, and a
// report sent after ten heavy reads is acknowledged before the last of them.
// The collector is the shipped `wattprint collector` command; the store is
// filled beforehand through SqliteStore with rows the way ingest writes them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { Domain, IngestService, Quality, Source, type AgentMessage, type CollectorMessage } from '@wattprint/proto';
import { SqliteStore } from '@wattprint/collector/storage/sqlite.ts';
import { startCollectorProcess, type Proc } from '../helpers/processes.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-heavy-'));
let proc: Proc | undefined;
after(async () => {
  proc?.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 200));
  fs.rmSync(dir, { recursive: true, force: true });
});

const JOBS = 2000;
const INTERVALS = 60;
const T0 = Date.now() * 1000 - 30 * 86400e6;

/** Many jobs with many intervals, written as rows (the triggers keep the summaries), in one transaction. */
function fill(file: string): void {
  new SqliteStore(file).close();
  const db = new DatabaseSync(file);
  db.exec('BEGIN');
  const ins = db.prepare('INSERT INTO job_interval VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0, 0, 0, 0)');
  const meta = db.prepare("INSERT INTO job_meta VALUES (?, ?, ?, ?, ?, '', 0)");
  for (let j = 0; j < JOBS; j++) {
    const host = `h${j % 50}`;
    const start = T0 + j * 600e6;
    meta.run(host, start, start + 10e6, `job-${j}`, JSON.stringify({ task: `t${j % 7}` }));
    for (let i = 0; i < INTERVALS; i++) ins.run(host, start + i * 10e6, start + (i + 1) * 10e6, `job-${j}`, 10, 11, 8, 2, 6, 1, 3, 1, 1.5);
  }
  db.exec('COMMIT');
  db.close();
}

const Client = grpc.makeGenericClientConstructor(IngestService, 'Ingest');

test('a /healthz and an ack are answered while heavy reads run', async () => {
  const db = path.join(dir, 'c.db');
  fill(db);
  const c = await startCollectorProcess(db);
  proc = c.proc;
  const base = `http://127.0.0.1:${c.httpPort}`;
  // The heaviest read there is: every job's totals summed over a window covering all intervals.
  const heavy = () => fetch(`${base}/v1/jobs?from=2000-01-01T00:00:00Z&to=${Date.now() * 1000}&limit=10000`).then(async (r) => ({ status: r.status, n: ((await r.json()) as { jobs: unknown[] }).jobs.length, at: performance.now() }));
  const health = () => fetch(`${base}/healthz`).then((r) => ({ status: r.status, at: performance.now() }));
  const first = await heavy();
  assert.equal(first.status, 200);
  assert.equal(first.n, JOBS);

  // One heavy read, then /healthz: the health answer comes first.
  for (let round = 0; round < 3; round++) {
    const r = heavy();
    await new Promise((res) => setTimeout(res, 20));
    const h = await health();
    const done = await r;
    assert.equal(h.status, 200);
    assert.ok(h.at < done.at, `round ${round}: /healthz answered ${(h.at - done.at).toFixed(0)} ms after the heavy read it followed`);
  }

  // An agent's stream: Hello, then reports; ten heavy reads in flight, then a report whose ack must come before the last read.
  const client = new Client(`127.0.0.1:${c.grpcPort}`, grpc.credentials.createInsecure());
  const call = (client as unknown as { stream: () => grpc.ClientDuplexStream<AgentMessage, CollectorMessage> }).stream();
  const acks: { seq: number; at: number }[] = [];
  call.on('data', (m: CollectorMessage) => acks.push({ seq: Number(m.ack?.seq ?? 0), at: performance.now() }));
  call.on('error', () => undefined);
  call.write({ hello: { host: 'heavy-host', agentVersion: 'test', resumeSeq: 1 } });
  const report = (seq: number) => {
    const end = Date.now() * 1000;
    call.write({
      report: {
        host: 'heavy-host',
        seq,
        startUs: end - 1_000_000,
        endUs: end,
        energy: [{ domain: Domain.DOMAIN_PACKAGE, device: 'package-0', source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 50 }],
        processes: [{ pid: 100, startTimeUs: 1, ppid: 1, uid: 0, command: 'x', jobId: 'live', cpuSeconds: 0.5 }],
        cpuBusySeconds: 1,
        cpuIdleSeconds: 1,
        cpuCount: 2,
      },
    });
  };
  report(1);
  const waitAck = async (seq: number) => {
    for (let i = 0; i < 600 && !acks.some((a) => a.seq >= seq); i++) await new Promise((r) => setTimeout(r, 50));
    return acks.find((a) => a.seq >= seq);
  };
  assert.ok(await waitAck(1), 'report 1 acknowledged');
  const reads = Array.from({ length: 10 }, heavy);
  await new Promise((res) => setTimeout(res, 20));
  report(2);
  const h = await health();
  const ack = await waitAck(2);
  const done = await Promise.all(reads);
  const lastRead = Math.max(...done.map((d) => d.at));
  assert.ok(done.every((d) => d.status === 200 && d.n >= JOBS));
  assert.ok(ack, 'report 2 acknowledged');
  assert.ok(ack.at < lastRead, `the ack came ${(ack.at - lastRead).toFixed(0)} ms after the last of ten heavy reads`);
  assert.ok(h.at < lastRead, '/healthz answered before the last heavy read');
  call.end();
  client.close();
});
