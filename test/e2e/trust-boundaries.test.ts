// Issue 17, "What was seen" 1-4, against a real `wattprint collector`: each
// reproduction gets a clear 4xx or Rejection with a code, nothing out of the
// limits is stored, and afterwards the host's ingest and the job list work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DatabaseSync } from 'node:sqlite';
import * as grpc from '@grpc/grpc-js';
import { Domain, Quality, Source } from '@wattprint/proto';
import { CLI, NODE, startCollectorProcess, type Proc } from '../helpers/processes.ts';
import { openIngest, rejections, validReport, type IngestClient } from '../helpers/ingest-client.ts';

const run = promisify(execFile);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-trust-'));
const dbPath = path.join(dir, 'collector.db');
let collector: { proc: Proc; grpcPort: number; httpPort: number };
let base: string;
const clients: IngestClient[] = [];

before(async () => {
  collector = await startCollectorProcess(dbPath);
  base = `http://127.0.0.1:${collector.httpPort}`;
});
after(async () => {
  for (const c of clients) c.close();
  await collector.proc.stop('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

async function http(method: string, p: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(base + p, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    assert.fail(`${method} ${p} answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, json };
}

/** Reports from `host` with seqs from..to are acked with no rejection, and the job list answers with the job. */
async function ingestStillWorks(host: string, seq: number): Promise<void> {
  const c = openIngest(collector.grpcPort);
  clients.push(c);
  c.call.write({ hello: { host, agentVersion: 'test', resumeSeq: seq } });
  c.call.write({ report: validReport(host, seq) });
  await c.until(`ack ${seq} from ${host}`, () => c.acks.some((a) => Number(a.seq) === seq));
  assert.deepEqual(rejections(c), [], 'a valid report is accepted');
  assert.equal(c.status(), undefined, 'the stream stays open');
  const jobs = await http('GET', '/v1/jobs');
  assert.equal(jobs.status, 200, JSON.stringify(jobs.json));
  assert.ok((jobs.json.jobs as { jobId: string; hosts: string[] }[]).some((j) => j.jobId === 'valid-job' && j.hosts.includes(host)), 'the report was stored and the job is listed');
}

test('1: registrations out of the limits are 400s; a bad row already stored is skipped, listed as skipped, and removable', async () => {
  const tooBig = await http('POST', '/v1/jobs/j/processes', { host: 'node1', pid: 1, startTimeUs: 9007199254740993 });
  assert.equal(tooBig.status, 400);
  assert.equal(tooBig.json.error, 'invalid_request');
  assert.match(String(tooBig.json.message), /startTimeUs/);
  const year2300 = await http('POST', '/v1/jobs/j/processes', { host: 'node1', pid: 1, from: '2300-01-01T00:00:00Z' });
  assert.equal(year2300.status, 400);
  assert.equal(year2300.json.error, 'invalid_time');
  assert.match(String(year2300.json.message), /"from" must lie between 2000-01-01 and 2200-01-01/);

  // Rows stored by a collector before the limits existed (the registry shares the store file).
  const db = new DatabaseSync(dbPath);
  db.prepare('INSERT INTO registry_processes VALUES (?, ?, ?, ?, ?, ?)').run('j', 'node1', 1, 9007199254740993n, 9007199254740993n, null);
  db.prepare('INSERT INTO registry_processes VALUES (?, ?, ?, ?, ?, ?)').run('j', 'node1', 2, 0, Date.UTC(2300, 0, 1) * 1000, null);
  db.close();

  await ingestStillWorks('node1', 1);
  const listed = await http('GET', '/v1/registrations?host=node1');
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.json.registrations, []);
  assert.equal(listed.json.skipped, 2);

  const cli = await run(NODE, ['--disable-warning=ExperimentalWarning', CLI, 'registrations', '--api', base, '--host', 'node1', '--remove']);
  assert.match(cli.stdout, /removed 2 registrations/);
  assert.equal((await http('GET', '/v1/registrations?host=node1')).json.skipped, 0);
  // A valid registration lists and removes by pid.
  assert.equal((await http('POST', '/v1/jobs/j/processes', { host: 'node1', pid: 77, startTimeUs: 0 })).status, 201);
  const list = await run(NODE, ['--disable-warning=ExperimentalWarning', CLI, 'registrations', '--api', base, '--job', 'j', '--json']);
  assert.deepEqual(JSON.parse(list.stdout).registrations.map((r: { pid: number }) => r.pid), [77]);
  assert.deepEqual((await http('DELETE', '/v1/registrations?pid=77')).json, { removed: 1 });
  assert.equal((await http('DELETE', '/v1/registrations')).status, 400, 'removing everything needs a filter');
});

test('2: times out of the limits on jobs are 400s and never stored; the job list and `wattprint report --api` keep working', async () => {
  assert.equal((await http('POST', '/v1/jobs', { jobId: 'pj' })).status, 201);
  const patch = await http('PATCH', '/v1/jobs/pj', { end: '2300-01-01T00:00:00Z' });
  assert.equal(patch.status, 400);
  assert.equal(patch.json.error, 'invalid_time');
  const post = await http('POST', '/v1/jobs', { jobId: 'x', start: '99999999999999999' });
  assert.equal(post.status, 400);
  assert.equal(post.json.error, 'invalid_time');
  // A registry row stored before the limits, for a job with energy: the list skips its registry part.
  const db = new DatabaseSync(dbPath);
  db.prepare('INSERT OR REPLACE INTO registry_jobs VALUES (?, ?, ?, ?)').run('valid-job', '{"task":"x"}', 0, 9007199254740993n);
  db.close();
  await ingestStillWorks('node2', 1);
  const report = await run(NODE, ['--disable-warning=ExperimentalWarning', CLI, 'report', '--api', base, '--format', 'json']);
  assert.match(report.stdout, /valid-job/);
  // label.__proto__ is a filter like any other, not silently ignored.
  const proto = await http('GET', '/v1/jobs?label.__proto__=x');
  assert.equal(proto.status, 200);
  assert.deepEqual(proto.json.jobs, []);
  // Registering the job again replaces the bad row; labels that would merge past 64 are a 400.
  const again = await http('POST', '/v1/jobs', { jobId: 'valid-job', labels: { task: 'sst2' } });
  assert.equal(again.status, 201, JSON.stringify(again.json));
  assert.equal(again.json.endUs, undefined);
  const many = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, 'v']));
  const tooMany = await http('PATCH', '/v1/jobs/valid-job', { labels: many });
  assert.equal(tooMany.status, 400, 'task + 64 more labels is 65');
  assert.equal(tooMany.json.error, 'invalid_field');
});

test('3: series routes answer 400 with a code for bad ranges', async () => {
  for (const q of ['step=1e309', 'to=99999999999999999', 'from=2300-01-01T00:00:00Z&to=2300-01-01T01:00:00Z', 'from=-271821-04-20T00:00:00Z', 'from=%2B275760-09-13T00:00:00Z', 'step=-1', 'from=abc']) {
    for (const p of ['/v1/hosts/node1/series', '/v1/jobs/valid-job/series']) {
      const r = await http('GET', `${p}?${q}`);
      assert.equal(r.status, 400, `${p}?${q}: ${JSON.stringify(r.json)}`);
      assert.equal(typeof r.json.error, 'string');
      assert.equal(typeof r.json.message, 'string');
    }
  }
});

test('4: ingest refuses strings and counts out of the limits with a code; the API reads back a 128-character job id', async () => {
  const c = openIngest(collector.grpcPort);
  clients.push(c);
  c.call.write({ hello: { host: 'node3', resumeSeq: 1 } });
  const e = (over: object) => [{ domain: Domain.DOMAIN_PACKAGE, device: 'package-0', source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 1, ...over }];
  const p = (over: object) => [{ pid: 9, startTimeUs: Date.now() * 1000 - 60e6, jobId: 'ok', cpuSeconds: 0.1, ...over }];
  const cases: [string, object, string][] = [
    ['1 MB label value', { processes: p({ labels: { task: 'v'.repeat(1 << 20) } }) }, 'invalid_field'],
    ['100 kB label key with NUL', { processes: p({ labels: { ['k\0'.repeat(50_000)]: 'v' } }) }, 'invalid_field'],
    ['200 kB job id', { processes: p({ jobId: 'j'.repeat(200_000) }) }, 'invalid_field'],
    ['job id with path, space, NUL, markup', { processes: p({ jobId: '../../x y\0<script>' }) }, 'invalid_field'],
    ['1 MB device name', { energy: e({ device: 'd'.repeat(1 << 20) }) }, 'invalid_field'],
    ['20,000 flags', { energy: e({ flags: new Array(20_000).fill('f') }) }, 'invalid_field'],
    ['progress for a bad job id', { progress: [{ jobId: 'x'.repeat(129), tokens: 1 }] }, 'invalid_field'],
    ['process start in 2300', { processes: p({ startTimeUs: Date.UTC(2300, 0, 1) * 1000 }) }, 'invalid_time'],
    ['no host', { host: '' }, 'bad_identity'],
  ];
  for (const [i, [, over]] of cases.entries()) c.call.write({ report: validReport('node3', i + 1, over) });
  c.call.write({ report: validReport('node3', 0) }); // no seq
  const last = cases.length + 1;
  c.call.write({ report: validReport('node3', last) });
  await c.until('ack of the last, valid report', () => c.acks.some((a) => Number(a.seq) === last));
  const got = rejections(c);
  assert.deepEqual(got, [...cases.map(([, , code], i) => `${i + 1}:${code}`), '0:bad_identity'], cases.map(([n]) => n).join(', '));
  for (const r of c.acks.flatMap((a) => a.rejected ?? [])) assert.ok(String(r.message).length < 300, `a rejection message stays short: ${String(r.message).slice(0, 100)}`);

  // Nothing of it was stored.
  const db = new DatabaseSync(dbPath, { readOnly: true });
  const longest = db.prepare("SELECT max(length(device)) AS n FROM host_energy WHERE host = 'node3'").get() as { n: number };
  assert.equal(longest.n, 'package-0'.length);
  db.close();

  // A 1 MB host name in a Hello closes that stream with INVALID_ARGUMENT.
  const h = openIngest(collector.grpcPort);
  clients.push(h);
  h.call.write({ hello: { host: 'h'.repeat(1 << 20) } });
  await h.until('the stream to close', () => h.status() !== undefined);
  assert.equal(h.status()!.code, grpc.status.INVALID_ARGUMENT);
  assert.match(h.status()!.details, /hello\.host/);
  // Undecodable bytes: INVALID_ARGUMENT too, not INTERNAL.
  const raw = openIngest(collector.grpcPort, true);
  clients.push(raw);
  raw.call.write(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
  await raw.until('the raw stream to close', () => raw.status() !== undefined);
  assert.equal(raw.status()!.code, grpc.status.INVALID_ARGUMENT, raw.status()!.details);

  const long = 'a'.repeat(128);
  const r = await http('GET', `/v1/jobs/${long}`);
  assert.equal(r.status, 404, 'not 414');
  assert.equal(r.json.error, 'unknown_job');
  const tooLong = await http('GET', `/v1/jobs/${'a'.repeat(2000)}`);
  assert.ok(tooLong.status >= 400 && tooLong.status < 500);
  assert.equal(typeof tooLong.json.error, 'string', 'one error shape');
  await ingestStillWorks('node3', last + 1);
});
