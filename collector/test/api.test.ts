// The HTTP API over a real SQLite store holding attributed reports: routes,
// input validation, scopes, OpenAPI, metrics, and report numbers by hand.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Domain, Quality, Source, type Report } from '@wattprint/proto';
import { attribute } from '../src/attribution/attribute.ts';
import { buildApi } from '../src/api/http.ts';
import { parseTokens, sha256 } from '../src/api/auth.ts';
import { JobRegistryStore } from '../src/jobs/registry.ts';
import { SqliteStore } from '../src/storage/sqlite.ts';
import { createSelfTelemetry } from '../src/telemetry/metrics.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-api-'));
let store: SqliteStore;
let registry: JobRegistryStore;
let app: FastifyInstance;
const T0 = Date.UTC(2026, 10, 1) * 1000;
const GPU = 'GPU-aaaaaaaa-0000-0000-0000-000000000001';

const READ = 'r'.repeat(32);
const WRITE = 'w'.repeat(32);
const ADMIN = 'a'.repeat(32);

/** One minute of a fine-tuning job with exclusive use of one GPU at 300 W. */
function report(seq: number): Report {
  const startUs = T0 + (seq - 1) * 60e6;
  return {
    host: 'gpu-node-1',
    seq,
    startUs,
    endUs: startUs + 60e6,
    cpuBusySeconds: 60,
    cpuIdleSeconds: 60,
    cpuCount: 2,
    energy: [
      { domain: Domain.DOMAIN_PACKAGE, device: 'package-0', source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 3000 },
      { domain: Domain.DOMAIN_GPU, device: GPU, source: Source.SOURCE_NVML, quality: Quality.QUALITY_COUNTER, joules: 18000 },
    ],
    processes: [{ pid: 4242, startTimeUs: T0 - 5e6, ppid: 1, command: 'python train.py', jobId: 'bert-sst2', jobSource: 'env', labels: { task: 'sst2', phase: 'fine-tuning' }, cpuSeconds: 60 }],
    gpuProcesses: [{ gpuUuid: GPU, pid: 4242, smUtil: 90, memUtil: 40, sampleCount: 10, gpuMemoryBytes: 8e9 }],
    progress: [{ jobId: 'bert-sst2', tokens: 500_000, examples: 2000, steps: 60 }],
  };
}

before(async () => {
  store = new SqliteStore(path.join(dir, 'api.db'));
  registry = new JobRegistryStore(path.join(dir, 'api.db'));
  await store.upsertHost({ host: 'gpu-node-1', agentVersion: 'test', inventory: { cpuModel: 'Xeon', gpus: [{ uuid: GPU, name: 'NVIDIA A100', powerLimitWatts: 400 }] }, seenUs: T0 });
  await store.write([attribute(report(1)), attribute(report(2))]);
  const tokens = parseTokens([
    { name: 'grafana', token: READ, scopes: ['read'] },
    { name: 'slurm', sha256: sha256(WRITE).toString('hex'), scopes: ['jobs:write'] },
    { name: 'ops', token: ADMIN, scopes: ['admin'] },
  ]);
  app = await buildApi({ store, registry, tokens, telemetry: createSelfTelemetry(() => ({ reportsAccepted: 7, reportsRejected: { clock_skew: 2 }, streamsRefused: {}, writeFailures: 0, streamsOpen: 1 })) });
});
after(async () => {
  await app.close();
  registry.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const auth = (t: string) => ({ authorization: `Bearer ${t}` });

test('the job report matches the numbers by hand', async () => {
  const res = await app.inject({ method: 'GET', url: '/v1/jobs/bert-sst2', headers: auth(READ) });
  assert.equal(res.statusCode, 200, res.body);
  const r = res.json();
  // Exclusive GPU: all 2 x 18 kJ = 36 kJ = 0.01 kWh go to the job.
  assert.ok(Math.abs(r.energy.byComponentKwh.gpu - 0.01) < 1e-12, JSON.stringify(r.energy));
  assert.deepEqual(r.progress, { tokens: 1_000_000, tokensUnpadded: 0, examples: 4000, steps: 120 }, 'no unpadded tokens reported: 0, and kwhPer1MTokensUnpadded null');
  assert.equal(r.normalised.kwhPer1MTokensUnpadded, null);
  assert.equal(r.durationSeconds, 120);
  assert.deepEqual(r.labels, { task: 'sst2', phase: 'fine-tuning' });
  assert.deepEqual(r.hosts, ['gpu-node-1']);
  // Normalised by the wall total (software here: no wall meter).
  assert.ok(Math.abs(r.normalised.kwhPer1MTokens - r.energy.wallKwh) < 1e-15);
  assert.ok(Math.abs(r.normalised.kwhPer1kExamples - r.energy.wallKwh / 4) < 1e-15);
  assert.ok(r.energy.softwareKwh >= 0.01 && r.energy.softwareKwh <= 0.01 + 6000 / 3.6e6 + 1e-12, 'GPU plus at most all of the CPU');
});

test('scopes: read cannot write, write cannot read, admin can do both, no token is 401', async () => {
  assert.equal((await app.inject({ method: 'GET', url: '/v1/hosts' })).statusCode, 401);
  assert.equal((await app.inject({ method: 'GET', url: '/v1/hosts', headers: auth('x'.repeat(32)) })).statusCode, 401);
  assert.equal((await app.inject({ method: 'GET', url: '/v1/hosts', headers: auth(WRITE) })).statusCode, 403);
  assert.equal((await app.inject({ method: 'GET', url: '/v1/hosts', headers: auth(ADMIN) })).statusCode, 200);
  const denied = await app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(READ), payload: { jobId: 'j1' } });
  assert.equal(denied.statusCode, 403);
  assert.equal(denied.json().error, 'forbidden');
  assert.equal((await app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(WRITE), payload: { jobId: 'j1', labels: { dataset: 'imdb' } } })).statusCode, 201);
  // health, readiness, metrics and the OpenAPI document need no token
  for (const url of ['/healthz', '/readyz', '/openapi.json', '/metrics']) assert.equal((await app.inject({ method: 'GET', url })).statusCode, 200, url);
});

test('bad input gets a 4xx with a machine-readable code', async () => {
  const cases: [string, string, unknown, number, string][] = [
    ['POST', '/v1/jobs', { jobId: 'has space' }, 400, 'invalid_request'],
    ['POST', '/v1/jobs', { jobId: 'ok', extra: 1 }, 400, 'invalid_request'],
    ['POST', '/v1/jobs', { jobId: 'ok', labels: { 'bad key!': 'x' } }, 400, 'invalid_request'],
    ['POST', '/v1/jobs', { jobId: 'ok', start: 'yesterday' }, 400, 'invalid_time'],
    ['POST', '/v1/jobs/j1/processes', { host: 'h', pid: -3 }, 400, 'invalid_request'],
    ['PATCH', '/v1/jobs/nope', { labels: { a: 'b' } }, 404, 'unknown_job'],
    ['POST', '/v1/jobs/nope/end', {}, 404, 'unknown_job'],
  ];
  for (const [method, url, payload, status, code] of cases) {
    const res = await app.inject({ method: method as 'POST', url, headers: auth(ADMIN), payload: payload as object });
    assert.equal(res.statusCode, status, `${method} ${url} ${JSON.stringify(payload)}: ${res.body}`);
    assert.equal(res.json().error, code, res.body);
  }
  const big = await app.inject({ method: 'POST', url: '/v1/jobs', headers: { ...auth(ADMIN), 'content-type': 'application/json' }, payload: JSON.stringify({ jobId: 'x', labels: { a: 'b'.repeat(100_000) } }) });
  assert.equal(big.statusCode, 413);
  const wide = await app.inject({ method: 'GET', url: '/v1/hosts/gpu-node-1/series?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', headers: auth(READ) });
  assert.equal(wide.statusCode, 400);
  assert.equal(wide.json().error, 'range_too_wide');
  const dense = await app.inject({ method: 'GET', url: `/v1/hosts/gpu-node-1/series?from=${T0}&to=${T0 + 20 * 86400e6}&step=1`, headers: auth(READ) });
  assert.equal(dense.json().error, 'too_many_points');
  assert.equal((await app.inject({ method: 'GET', url: '/v1/jobs?color=red', headers: auth(READ) })).statusCode, 400);
});

test('labels and windows from the registry; job lists filter by label', async () => {
  await app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(WRITE), payload: { jobId: 'bert-sst2', labels: { dataset: 'sst2', gpu_model: 'A100' } } });
  const patched = await app.inject({ method: 'PATCH', url: '/v1/jobs/bert-sst2', headers: auth(WRITE), payload: { labels: { model: 'bert-base' } } });
  assert.equal(patched.statusCode, 200);
  assert.deepEqual(patched.json().labels, { dataset: 'sst2', gpu_model: 'A100', model: 'bert-base' });
  const list = (await app.inject({ method: 'GET', url: '/v1/jobs?label.model=bert-base', headers: auth(READ) })).json();
  assert.deepEqual(list.jobs.map((j: { jobId: string }) => j.jobId), ['bert-sst2']);
  assert.equal(list.jobs[0].labels.task, 'sst2', 'agent labels kept');
  assert.deepEqual((await app.inject({ method: 'GET', url: '/v1/jobs?label.model=gpt', headers: auth(READ) })).json().jobs, []);
  const proc = await app.inject({ method: 'POST', url: '/v1/jobs/bert-sst2/processes', headers: auth(WRITE), payload: { host: 'gpu-node-1', pid: 777, from: new Date(T0 / 1000).toISOString() } });
  assert.equal(proc.statusCode, 201);
  const ended = await app.inject({ method: 'POST', url: '/v1/jobs/bert-sst2/end', headers: auth(WRITE), payload: { at: new Date(T0 / 1000 + 120_000).toISOString() } });
  assert.equal(ended.json().endUs, T0 + 120e6);
  assert.deepEqual(registry.processesFor('gpu-node-1').map((p) => [p.pid, p.fromUs, p.toUs]), [[777, T0, T0 + 120e6]]);
});

test('series: job power by component and host power by device, as average watts', async () => {
  const job = (await app.inject({ method: 'GET', url: '/v1/jobs/bert-sst2/series?step=60', headers: auth(READ) })).json();
  assert.equal(job.points.length, 2);
  assert.ok(Math.abs(job.points[0].watts.gpu - 300) < 1e-9, JSON.stringify(job.points[0]));
  const host = (await app.inject({ method: 'GET', url: `/v1/hosts/gpu-node-1/series?from=${T0}&to=${T0 + 120e6}&step=120`, headers: auth(READ) })).json();
  assert.equal(host.points.length, 1);
  assert.ok(Math.abs(host.points[0].watts[`gpu/${GPU}`] - 300) < 1e-9);
  assert.ok(Math.abs(host.points[0].watts['package/package-0'] - 50) < 1e-9);
  assert.equal((await app.inject({ method: 'GET', url: '/v1/hosts/nope', headers: auth(READ) })).statusCode, 404);
});

test('OpenAPI lists every route; /metrics is Prometheus text from OpenTelemetry', async () => {
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  assert.equal(doc.openapi.slice(0, 2), '3.');
  for (const p of ['/v1/hosts', '/v1/hosts/{host}', '/v1/hosts/{host}/series', '/v1/jobs', '/v1/jobs/{id}', '/v1/jobs/{id}/series', '/v1/jobs/{id}/processes', '/v1/jobs/{id}/end']) assert.ok(doc.paths[p], p);
  const m = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  assert.match(m, /wattprint_ingest_reports_accepted(_total)?\{[^}]*\} 7/);
  assert.match(m, /wattprint_ingest_reports_rejected(_total)?\{[^}]*code="clock_skew"[^}]*\} 2/);
  assert.match(m, /wattprint_http_requests(_total)?\{/);
});
