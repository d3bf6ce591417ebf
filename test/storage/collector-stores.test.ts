// The collector runs on either store: startCollector with a SQLite file and
// with InfluxDB, the same fixed writes to both, the same HTTP API answers.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startCollector, type RunningCollector } from '@wattprint/collector/collector.ts';
import { startInfluxd, type Influxd } from '../helpers/influxd.ts';
import { assertClose, fixtureHosts, fixtureResults, INTERVALS, STEP, T0 } from './fixtures.ts';

let influxd: Influxd;
let dir: string;
let onSqlite: RunningCollector;
let onInflux: RunningCollector;
const quiet = () => {};

before(async () => {
  influxd = await startInfluxd();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wattprint-stores-'));
  const base = { grpcAddress: '127.0.0.1:0', httpHost: '127.0.0.1', httpPort: 0, plaintext: true };
  onSqlite = await startCollector({ ...base, dbPath: path.join(dir, 'sqlite.db') }, quiet);
  onInflux = await startCollector(
    {
      ...base,
      dbPath: path.join(dir, 'registry.db'),
      influx: { url: influxd.url, database: 'wp_collector', flushIntervalMs: 5, retention: { raw: { name: 'wp_raw', duration: 'INF' }, hourly: { name: 'wp_1h', duration: 'INF' } } },
    },
    quiet,
  );
  for (const c of [onSqlite, onInflux]) {
    for (const h of fixtureHosts()) await c.store.upsertHost(h);
    await c.store.write(fixtureResults());
  }
});

after(async () => {
  await onSqlite?.stop();
  await onInflux?.stop();
  await influxd?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function get(c: RunningCollector, url: string): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${c.httpPort}${url}`, { headers: { connection: 'close' } });
  assert.equal(res.status, 200, `${url}: ${await res.clone().text()}`);
  return res.json();
}

test('the collector picks the store from its config', () => {
  assert.equal(onSqlite.store.name, 'sqlite');
  assert.equal(onInflux.store.name, 'influxdb');
});

test('GET /v1/hosts answers the same on SQLite and InfluxDB (first/last seen aside)', async () => {
  const strip = (body: unknown) => (body as { hosts: Record<string, unknown>[] }).hosts.map(({ firstSeen: _f, lastSeen: _l, ...rest }) => rest);
  const a = strip(await get(onSqlite, '/v1/hosts'));
  const b = strip(await get(onInflux, '/v1/hosts'));
  assert.equal(a.length, 2);
  assert.ok((a[0]!.latest as { domains: unknown[] }).domains.length > 0);
  assertClose(b, a);
});

test('jobs, job reports and series answer the same on both stores', async () => {
  const end = new Date((T0 + INTERVALS * STEP + STEP) / 1000).toISOString();
  const start = new Date(T0 / 1000).toISOString();
  for (const url of ['/v1/jobs', '/v1/jobs?label.task=mnli', '/v1/jobs/ft-sst2', '/v1/jobs/ft-mnli/series?step=20', `/v1/hosts/gpu-b/series?from=${start}&to=${end}&step=30`]) {
    const a = await get(onSqlite, url);
    const b = await get(onInflux, url);
    assert.ok(JSON.stringify(a).length > 20, `${url} has content`);
    assertClose(b, a);
  }
});
