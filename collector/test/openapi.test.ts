// The OpenAPI document against what the API answers: every operation has an
// operationId and a tag, its query parameters are listed (label.<name>
// included), and each route is provoked into every response code it declares
// (but 500) while every code it answers is one it declares.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Domain, Quality, Source } from '@wattprint/proto';
import { attribute } from '../src/attribution/attribute.ts';
import { parseTokens } from '../src/api/auth.ts';
import { buildApi } from '../src/api/http.ts';
import { OPERATIONS } from '../src/api/openapi.ts';
import { JobRegistryStore } from '../src/jobs/registry.ts';
import { SqliteStore } from '../src/storage/sqlite.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-openapi-'));
const T0 = Date.UTC(2026, 10, 1) * 1000;
const READ = 'r'.repeat(32);
const WRITE = 'w'.repeat(32);
const ADMIN = 'a'.repeat(32);
let store: SqliteStore;
let registry: JobRegistryStore;
let app: FastifyInstance;
let bare: FastifyInstance;
// The same store with an (empty) dead-letter list, as the InfluxDB store has: draws the admin routes' 200.
let lettered: FastifyInstance;

before(async () => {
  store = new SqliteStore(path.join(dir, 'api.db'));
  registry = new JobRegistryStore(path.join(dir, 'api.db'));
  await store.upsertHost({ host: 'node-1', agentVersion: 'test', inventory: { cpuModel: 'Xeon' }, seenUs: T0 });
  await store.write([
    attribute({
      host: 'node-1', seq: 1, startUs: T0, endUs: T0 + 60e6, cpuBusySeconds: 60, cpuIdleSeconds: 0, cpuCount: 1,
      energy: [{ domain: Domain.DOMAIN_PACKAGE, device: 'package-0', source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 3000 }],
      processes: [{ pid: 42, startTimeUs: T0 - 5e6, ppid: 1, command: 'python', jobId: 'j1', jobSource: 'env', labels: { task: 'sst2' }, cpuSeconds: 60 }],
      gpuProcesses: [], progress: [],
    }),
  ]);
  const tokens = parseTokens([
    { name: 'grafana', token: READ, scopes: ['read'] },
    { name: 'slurm', token: WRITE, scopes: ['jobs:write'] },
    { name: 'ops', token: ADMIN, scopes: ['admin'] },
  ]);
  app = await buildApi({ store, registry, tokens });
  bare = await buildApi({ store, tokens });
  const withLetters = Object.assign(Object.create(store) as SqliteStore, {
    deadLetters: async () => [],
    replayDeadLetters: async () => ({ replayed: 0, refused: 0 }),
    deadLettered: () => 0,
  });
  lettered = await buildApi({ store: withLetters, registry, tokens });
});
after(async () => {
  await app.close();
  await bare.close();
  await lettered.close();
  registry.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

type Probe = { method: string; url: string; token?: string; body?: unknown; on?: 'bare' | 'lettered' };
const LONG = 'x'.repeat(300);
// Requests that, together, should draw every declared code of each operation.
const PROBES: Record<string, Probe[]> = {
  'GET /v1/hosts': [{ method: 'GET', url: '/v1/hosts', token: READ }, { method: 'GET', url: '/v1/hosts' }, { method: 'GET', url: '/v1/hosts', token: WRITE }],
  'GET /v1/hosts/:host': [
    { method: 'GET', url: '/v1/hosts/node-1', token: READ }, { method: 'GET', url: '/v1/hosts/nope', token: READ }, { method: 'GET', url: `/v1/hosts/${LONG}`, token: READ },
    { method: 'GET', url: '/v1/hosts/node-1' }, { method: 'GET', url: '/v1/hosts/node-1', token: WRITE },
  ],
  'GET /v1/hosts/:host/series': [
    { method: 'GET', url: `/v1/hosts/node-1/series?from=${new Date(T0 / 1000).toISOString()}&to=${new Date(T0 / 1000 + 60_000).toISOString()}`, token: READ },
    { method: 'GET', url: '/v1/hosts/node-1/series?step=0', token: READ }, { method: 'GET', url: '/v1/hosts/node-1/series' }, { method: 'GET', url: '/v1/hosts/node-1/series', token: WRITE },
  ],
  'POST /v1/jobs': [
    { method: 'POST', url: '/v1/jobs', token: WRITE, body: { jobId: 'j2', labels: { task: 'mnli' } } }, { method: 'POST', url: '/v1/jobs', token: WRITE, body: { labels: {} } },
    { method: 'POST', url: '/v1/jobs', body: { jobId: 'j2' } }, { method: 'POST', url: '/v1/jobs', token: READ, body: { jobId: 'j2' } },
    { method: 'POST', url: '/v1/jobs', token: WRITE, body: { jobId: 'j2' }, on: 'bare' },
  ],
  'PATCH /v1/jobs/:id': [
    { method: 'PATCH', url: '/v1/jobs/j2', token: WRITE, body: { labels: { phase: 'eval' } } }, { method: 'PATCH', url: '/v1/jobs/j2', token: WRITE, body: {} },
    { method: 'PATCH', url: '/v1/jobs/nope', token: WRITE, body: { labels: { a: 'b' } } }, { method: 'PATCH', url: '/v1/jobs/j2', body: { labels: { a: 'b' } } },
    { method: 'PATCH', url: '/v1/jobs/j2', token: READ, body: { labels: { a: 'b' } } }, { method: 'PATCH', url: '/v1/jobs/j2', token: WRITE, body: { labels: { a: 'b' } }, on: 'bare' },
  ],
  'POST /v1/jobs/:id/processes': [
    { method: 'POST', url: '/v1/jobs/j2/processes', token: WRITE, body: { host: 'node-1', pid: 77 } }, { method: 'POST', url: '/v1/jobs/j2/processes', token: WRITE, body: { host: 'node-1', pid: 0 } },
    { method: 'POST', url: '/v1/jobs/j2/processes', body: { host: 'node-1', pid: 77 } }, { method: 'POST', url: '/v1/jobs/j2/processes', token: READ, body: { host: 'node-1', pid: 77 } },
    { method: 'POST', url: '/v1/jobs/j2/processes', token: WRITE, body: { host: 'node-1', pid: 77 }, on: 'bare' },
  ],
  'POST /v1/jobs/:id/end': [
    { method: 'POST', url: '/v1/jobs/j2/end', token: WRITE, body: {} }, { method: 'POST', url: '/v1/jobs/j2/end', token: WRITE, body: { at: 'yesterday-ish' } },
    { method: 'POST', url: '/v1/jobs/nope/end', token: WRITE, body: {} }, { method: 'POST', url: '/v1/jobs/j2/end', body: {} },
    { method: 'POST', url: '/v1/jobs/j2/end', token: READ, body: {} }, { method: 'POST', url: '/v1/jobs/j2/end', token: WRITE, body: {}, on: 'bare' },
  ],
  'GET /v1/jobs': [
    { method: 'GET', url: '/v1/jobs?label.task=sst2&limit=5', token: READ }, { method: 'GET', url: '/v1/jobs?limit=0', token: READ }, { method: 'GET', url: '/v1/jobs?color=red', token: READ },
    { method: 'GET', url: '/v1/jobs' }, { method: 'GET', url: '/v1/jobs', token: WRITE },
  ],
  'GET /v1/jobs/:id': [
    { method: 'GET', url: '/v1/jobs/j1', token: READ }, { method: 'GET', url: '/v1/jobs/nope', token: READ }, { method: 'GET', url: `/v1/jobs/${'%20'.repeat(3)}`, token: READ },
    { method: 'GET', url: '/v1/jobs/j1' }, { method: 'GET', url: '/v1/jobs/j1', token: WRITE },
  ],
  'GET /v1/jobs/:id/series': [
    { method: 'GET', url: '/v1/jobs/j1/series', token: READ }, { method: 'GET', url: '/v1/jobs/nope/series', token: READ }, { method: 'GET', url: '/v1/jobs/j1/series?step=0', token: READ },
    { method: 'GET', url: '/v1/jobs/j1/series' }, { method: 'GET', url: '/v1/jobs/j1/series', token: WRITE },
  ],
  'GET /v1/registrations': [
    { method: 'GET', url: '/v1/registrations?host=node-1', token: READ }, { method: 'GET', url: '/v1/registrations?pid=0', token: READ },
    { method: 'GET', url: '/v1/registrations' }, { method: 'GET', url: '/v1/registrations', token: WRITE }, { method: 'GET', url: '/v1/registrations', token: READ, on: 'bare' },
  ],
  'DELETE /v1/registrations': [
    { method: 'DELETE', url: '/v1/registrations?pid=12345', token: WRITE }, { method: 'DELETE', url: '/v1/registrations', token: WRITE },
    { method: 'DELETE', url: '/v1/registrations?pid=1' }, { method: 'DELETE', url: '/v1/registrations?pid=1', token: READ }, { method: 'DELETE', url: '/v1/registrations?pid=1', token: WRITE, on: 'bare' },
  ],
  'GET /v1/admin/dead-letters': [
    { method: 'GET', url: '/v1/admin/dead-letters', token: ADMIN, on: 'lettered' }, { method: 'GET', url: '/v1/admin/dead-letters?limit=0', token: ADMIN, on: 'lettered' },
    { method: 'GET', url: '/v1/admin/dead-letters' }, { method: 'GET', url: '/v1/admin/dead-letters', token: READ }, { method: 'GET', url: '/v1/admin/dead-letters', token: ADMIN },
  ],
  'POST /v1/admin/dead-letters/replay': [
    { method: 'POST', url: '/v1/admin/dead-letters/replay', token: ADMIN, body: {}, on: 'lettered' }, { method: 'POST', url: '/v1/admin/dead-letters/replay', token: ADMIN, body: { limit: 0 }, on: 'lettered' },
    { method: 'POST', url: '/v1/admin/dead-letters/replay', body: {} }, { method: 'POST', url: '/v1/admin/dead-letters/replay', token: READ, body: {} }, { method: 'POST', url: '/v1/admin/dead-letters/replay', token: ADMIN, body: {} },
  ],
};

interface Op {
  operationId?: string;
  tags?: string[];
  responses: Record<string, unknown>;
  parameters?: { name: string; in: string }[];
}

test('every operation: operationId, tag, parameters, and exactly the response codes it answers', async () => {
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { tags: { name: string }[]; paths: Record<string, Record<string, Op>> };
  const ops = Object.entries(doc.paths).flatMap(([p, byMethod]) => Object.entries(byMethod).map(([m, op]) => ({ key: `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`, op })));
  assert.deepEqual(ops.map((o) => o.key).sort(), Object.keys(OPERATIONS).sort(), 'the document lists every operation');
  assert.equal(new Set(ops.map((o) => o.op.operationId)).size, ops.length, 'unique operationIds');
  assert.deepEqual(doc.tags.map((t) => t.name), ['hosts', 'jobs', 'admin']);
  for (const { key, op } of ops) {
    assert.equal(op.operationId, OPERATIONS[key]!.operationId, key);
    assert.deepEqual(op.tags, [OPERATIONS[key]!.tag], key);
    const declared = Object.keys(op.responses).map(Number).sort();
    const seen = new Set<number>();
    for (const p of PROBES[key]!) {
      const res = await (p.on === 'bare' ? bare : p.on === 'lettered' ? lettered : app).inject({ method: p.method as 'GET', url: p.url, headers: p.token ? { authorization: `Bearer ${p.token}` } : {}, ...(p.body !== undefined ? { payload: p.body as object } : {}) });
      assert.ok(declared.includes(res.statusCode), `${key}: ${p.method} ${p.url.slice(0, 80)} answered ${res.statusCode}, which the document does not declare (${declared}): ${res.body.slice(0, 200)}`);
      if (res.statusCode >= 400) assert.deepEqual(Object.keys(res.json()).sort(), ['error', 'message'], `${key} ${res.statusCode}: the error shape`);
      seen.add(res.statusCode);
    }
    assert.deepEqual([...seen].sort(), declared.filter((c) => c !== 500), `${key}: every declared code but 500 can be drawn`);
    // 401 wherever a token is checked: here every operation.
    assert.ok(declared.includes(401), `${key}: 401`);
  }
  const params = (key: string) => ops.find((o) => o.key === key)!.op.parameters!.filter((x) => x.in === 'query').map((x) => x.name).sort();
  assert.deepEqual(params('GET /v1/jobs'), ['from', 'host', 'label.<name>', 'limit', 'to']);
  assert.deepEqual(params('GET /v1/hosts/:host/series'), ['from', 'step', 'to']);
  assert.deepEqual(params('GET /v1/jobs/:id/series'), ['from', 'step', 'to']);
});
