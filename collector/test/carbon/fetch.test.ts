import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ProviderChain } from '@wattprint/collector/carbon/chain.ts';
import { carbonForInterval } from '@wattprint/collector/carbon/compute.ts';
import { ElectricityMapsProvider } from '@wattprint/collector/carbon/electricitymaps.ts';
import { CachedProvider, getJson, HttpError, IntensityCache, parseRetryAfter } from '@wattprint/collector/carbon/fetch.ts';
import { StaticProvider } from '@wattprint/collector/carbon/static.ts';
import { startElectricityMapsFake, type EmRow } from '../../../test/fakes/grid/electricitymaps.ts';
import { startFake } from '../../../test/fakes/grid/server.ts';
import { H, T0, iso } from './helpers.ts';

const NOW = T0 + 3 * 24 * H;
const rows: EmRow[] = [];
for (let h = 0; h < 48; h++) rows.push({ datetime: iso(T0 + h * H), carbonIntensity: 100 + h, isEstimated: false });
const fake = await startElectricityMapsFake({ token: 't', rows: { 'DE/lifecycle': rows }, nowMs: () => NOW / 1000 });
after(() => fake.close());
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wattprint-carbon-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function recorder() {
  const waits: number[] = [];
  return { waits, http: { sleep: async (ms: number) => void waits.push(ms), random: () => 0.5 } };
}

test('429 with Retry-After is honoured, then the call succeeds', async () => {
  const r = recorder();
  fake.faults.push({ status: 429, retryAfter: '1' });
  fake.requests.length = 0;
  const em = new ElectricityMapsProvider({ token: 't', baseUrl: fake.url, now: () => NOW, http: r.http });
  const ps = await em.periods('DE', T0, T0 + 2 * H);
  assert.deepEqual(r.waits, [1000]);
  assert.equal(fake.requests.length, 2);
  assert.equal(ps.length, 2);
  assert.equal(parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2030, 0, 1)), 30_000, 'HTTP-date form');
});

test('5xx is retried with exponential backoff, then reported with its status', async () => {
  const r = recorder();
  fake.faults.push({ status: 503 }, { status: 502 }, { status: 500 });
  await assert.rejects(getJson('em', `${fake.url}/v3/carbon-intensity/latest?zone=DE`, { 'auth-token': 't' }, { ...r.http, retries: 2, baseBackoffMs: 100 }), (e: Error) => e instanceof HttpError && e.status === 500);
  assert.deepEqual(r.waits, [100, 200]);
});

test('a Retry-After too long to wait in line is carried to the cache, which backs off that long', async () => {
  let now = NOW;
  const cache = new IntensityCache();
  const em = new ElectricityMapsProvider({ token: 't', baseUrl: fake.url, now: () => now, http: recorder().http });
  const cp = new CachedProvider(em, cache, { now: () => now });
  fake.faults.push({ status: 429, retryAfter: '120' });
  fake.requests.length = 0;
  await assert.rejects(cp.periods('DE', T0, T0 + H), (e: Error) => e instanceof HttpError && e.retryAfterMs === 120_000);
  await assert.rejects(cp.periods('DE', T0, T0 + H), /backing off DE until/);
  assert.equal(fake.requests.length, 1, 'no call during the backoff');
  now += 121e6;
  assert.equal((await cp.periods('DE', T0, T0 + H)).length, 1);
});

test('single flight: concurrent askers for one zone and day share one HTTP call', async () => {
  const cache = new IntensityCache();
  const cp = new CachedProvider(new ElectricityMapsProvider({ token: 't', baseUrl: fake.url, now: () => NOW }), cache, { now: () => NOW });
  fake.requests.length = 0;
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => cp.periods('DE', T0 + i * 60e6, T0 + i * 60e6 + 1e6)));
  assert.equal(fake.requests.length, 1);
  assert.equal(cache.stats.fetches, 1);
  assert.equal(cache.stats.joined, 19);
  assert.ok(answers.every((a) => a.length === 1 && a[0]!.gPerKwh === 100));
  await cp.periods('DE', T0 + 5 * H, T0 + 6 * H);
  assert.equal(fake.requests.length, 1, 'same day: served from memory');
});

test('offline replay from the disk cache reproduces the same figures', async () => {
  const dir = path.join(tmp, 'replay');
  const energy = { host: 'h', seq: 1, startUs: T0 + 10.5 * H, endUs: T0 + 11.5 * H, zone: 'DE', zoneSource: 'config', pue: 1.2, hostKwhSoftware: 2, hostKwhWall: undefined, jobs: [{ jobId: 'j', kwhSoftware: 1.5, kwhWall: 1.5 }] };
  const figures = async (baseUrl: string, offline: boolean) => {
    const cp = new CachedProvider(new ElectricityMapsProvider({ token: 't', baseUrl, now: () => NOW, http: { retries: 0 } }), new IntensityCache(dir), { now: () => NOW, offline });
    const chain = new ProviderChain([cp], { final: new StaticProvider(), now: () => NOW });
    const a = await chain.periods('DE', energy.startUs, energy.endUs);
    return carbonForInterval(energy, a.periods, { fellBack: a.fellBack });
  };
  const online = await figures(fake.url, false);
  assert.equal(online.periods[0]!.provider, 'electricitymaps');
  // A fresh process, providers unreachable: same figures from the file.
  const gone = await startFake(() => ({ status: 503, body: {} }));
  await gone.close();
  assert.deepEqual(await figures(gone.url, true), online);
  assert.deepEqual(await figures(gone.url, false), online);
});

test('bad lines in the cache file are skipped and counted, never fatal', async () => {
  const dir = path.join(tmp, 'bad');
  fs.mkdirSync(dir);
  const good = { key: 'k', provider: 'electricitymaps', basis: 'location_lifecycle', zone: 'DE', chunkStartUs: T0, chunkEndUs: T0 + 24 * H, fetchedAtUs: NOW, periods: [] };
  fs.writeFileSync(path.join(dir, 'intensity-cache.jsonl'), `${JSON.stringify(good)}\n{not json\n{"key": 3}\n`);
  const logs: string[] = [];
  const cache = new IntensityCache(dir, (m) => logs.push(m));
  assert.equal(cache.size, 1);
  assert.equal(cache.stats.badLines, 2);
  assert.match(logs.join('\n'), /intensity-cache.jsonl:2: not a cache entry/);
});
