// One agent per host, checked against the store: both stores record which
// agent instance stored each interval and answer "does another instance
// already hold an overlapping interval of this host?" the same way, so any
// collector sharing the store refuses a second agent (real InfluxDB).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SqliteStore } from '@wattprint/collector/storage/sqlite.ts';
import { InfluxStore } from '@wattprint/collector/storage/influx.ts';
import type { Sink } from '@wattprint/collector/storage/sink.ts';
import { startInfluxd, type Influxd } from '../helpers/influxd.ts';
import { fixtureResults, STEP, T0 } from './fixtures.ts';

let influxd: Influxd;
let dir: string;
let stores: Sink[] = [];

before(async () => {
  influxd = await startInfluxd();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wattprint-instances-'));
  stores = [new SqliteStore(path.join(dir, 'c.db')), await InfluxStore.open({ url: influxd.url, database: 'wp_instances', flushIntervalMs: 5, retention: { raw: { name: 'wp_raw', duration: 'INF' }, hourly: { name: 'wp_1h', duration: 'INF' } } })];
  await (stores[1] as InfluxStore).ensureSchema();
  // gpu-a's intervals stored by instance A, gpu-b's by an agent too old to say (no instance).
  const results = fixtureResults().map((r) => (r.host === 'gpu-a' ? { ...r, instanceId: 'boot-1/agent-A' } : r));
  for (const s of stores) await s.write(results);
});

after(async () => {
  for (const s of stores) await s.close();
  await influxd?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('both stores name the other instance whose stored interval overlaps, and only then', async () => {
  for (const s of stores) {
    const other = await s.otherInstanceOverlapping!('gpu-a', 'boot-1/agent-B', T0 + STEP + STEP / 2, T0 + 2 * STEP + STEP / 2);
    assert.deepEqual(other, { instanceId: 'boot-1/agent-A', startUs: T0 + STEP, endUs: T0 + 2 * STEP }, s.name);
    assert.equal(await s.otherInstanceOverlapping!('gpu-a', 'boot-1/agent-A', T0, T0 + STEP), undefined, `${s.name}: the same instance replays freely`);
    assert.equal(await s.otherInstanceOverlapping!('gpu-a', 'boot-1/agent-B', T0 - STEP, T0), undefined, `${s.name}: touching is not overlapping`);
    assert.equal(await s.otherInstanceOverlapping!('gpu-a', 'boot-1/agent-B', T0 + 100 * STEP, T0 + 101 * STEP), undefined, `${s.name}: after the stored intervals`);
    assert.equal(await s.otherInstanceOverlapping!('gpu-b', 'boot-1/agent-B', T0, T0 + STEP), undefined, `${s.name}: intervals of agents without an instance id do not count`);
  }
});
