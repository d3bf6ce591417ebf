// The InfluxDB schema: pure point building (bounded tags, interval-start
// timestamps, identical reports -> identical points), a round trip through a
// real influxd (tag keys, field types, exact values), carbon and grid
// intensity in both stores, and the small pure helpers.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { attribute } from '@wattprint/collector/attribution/attribute.ts';
import { backoffMs } from '@wattprint/collector/storage/batcher.ts';
import { InfluxStore } from '@wattprint/collector/storage/influx.ts';
import { MEASUREMENTS, SCHEMAS, canonicalJson, durationSeconds, quoteString, resultToPoints } from '@wattprint/collector/storage/influx-schema.ts';
import type { CarbonInterval, GridIntensity, JobCarbon } from '@wattprint/collector/storage/sink.ts';
import { SqliteStore } from '@wattprint/collector/storage/sqlite.ts';
import { request, startInfluxd, type Influxd } from '../helpers/influxd.ts';
import { fixtureHosts, fixtureReports, fixtureResults, T0, STEP } from './fixtures.ts';
import { REPO } from '../helpers/processes.ts';

// "label" ("key=value") is bounded as job is: at most 64 per job.
const BOUNDED_TAGS = new Set(['host', 'job', 'domain', 'device', 'source', 'quality', 'component', 'modality', 'reason', 'zone', 'basis', 'label']);
const HOUR_US = 3_600_000_000;

describe('points (pure)', () => {
  test('timestamps are interval starts; tags are bounded; pid is never a tag', () => {
    for (const r of fixtureResults()) {
      for (const p of resultToPoints(r)) {
        // job_label: one point per job, label and hour, which every report of the hour overwrites.
        assert.equal(p.timestamp, p.measurement === MEASUREMENTS.jobLabel ? Math.floor(r.startUs / HOUR_US) * HOUR_US : r.startUs);
        if (p.measurement === MEASUREMENTS.jobLabel) assert.equal(p.fields!.last_us, r.startUs);
        for (const [k, v] of Object.entries(p.tags ?? {})) {
          assert.ok(BOUNDED_TAGS.has(k), `${p.measurement} tag ${k}`);
          assert.notEqual(v, '', 'empty tags are left out (line protocol has none)');
        }
      }
    }
    const tagKeys = SCHEMAS.flatMap((s) => s.tags);
    assert.ok(tagKeys.every((t) => BOUNDED_TAGS.has(t)));
    assert.ok(!tagKeys.includes('pid'));
    const meta = resultToPoints(fixtureResults()[0]!).filter((p) => p.measurement === MEASUREMENTS.jobMeta);
    assert.deepEqual(meta.map((p) => p.fields!.pids), ['5100', '4242,4243']);
  });

  test('the same report gives the same points; each point key is unique', () => {
    const a = fixtureReports().map((r) => resultToPoints(attribute(r)));
    // Processes listed in another order: attribution sorts them, points are identical.
    const b = fixtureReports().map((r) => resultToPoints(attribute({ ...r, processes: [...(r.processes ?? [])].reverse() })));
    assert.deepEqual(b, a);
    const keys = a.flat().filter((p) => p.measurement !== MEASUREMENTS.jobLabel).map((p) => `${p.measurement} ${JSON.stringify(Object.entries(p.tags ?? {}).sort())} ${p.timestamp}`);
    assert.equal(new Set(keys).size, keys.length, 'two points with one key would overwrite each other');
  });

  test('non-finite numbers are refused with the report named', () => {
    const r = fixtureResults()[0]!;
    r.measured[0]!.joules = Number.NaN;
    assert.throws(() => resultToPoints(r), /report gpu-a#1 host_energy: field joules is NaN/);
    assert.throws(() => resultToPoints({ ...fixtureResults()[0]!, startUs: 1.5 }), /timestamp 1.5/);
  });

  test('helpers: durations, string literals, canonical labels, backoff', () => {
    assert.equal(durationSeconds('30d'), 30 * 86400);
    assert.equal(durationSeconds('720h0m0s'), 30 * 86400);
    assert.equal(durationSeconds('1h30m'), 5400);
    assert.equal(durationSeconds('INF'), 0);
    assert.equal(durationSeconds('0s'), 0);
    assert.throws(() => durationSeconds('30 days'), /bad InfluxDB duration "30 days"/);
    assert.equal(quoteString("it's a\\b"), "'it\\'s a\\\\b'");
    assert.equal(canonicalJson({ b: '1', a: '2' }), '{"a":"2","b":"1"}');
    const p = { initialMs: 100, maxMs: 1000, giveUpMs: 10_000 };
    assert.equal(backoffMs(0, p, () => 0), 50);
    assert.equal(backoffMs(0, p, () => 1), 100);
    assert.equal(backoffMs(3, p, () => 1), 800);
    assert.equal(backoffMs(10, p, () => 1), 1000, 'capped');
    assert.equal(backoffMs(10_000, p, () => 0.5), 750, 'no overflow on long outages');
  });
});

describe('schema round trip through a real influxd', () => {
  let influxd: Influxd;
  let store: InfluxStore;
  const db = 'wp_schema';
  const q = async (s: string) => {
    const res = await request(influxd.port, 'POST', `/query?db=${db}&epoch=u`, `q=${encodeURIComponent(s)}`);
    assert.equal(res.status, 200, res.body);
    const body = JSON.parse(res.body) as { results: { error?: string; series?: { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[] }[] };
    assert.equal(body.results[0]?.error, undefined, s);
    return body.results[0]?.series ?? [];
  };

  before(async () => {
    influxd = await startInfluxd();
    store = await InfluxStore.open({ url: influxd.url, database: db, flushIntervalMs: 5, retention: { raw: { name: 'wp_raw', duration: 'INF' }, hourly: { name: 'wp_1h', duration: 'INF' } } });
    await store.write(fixtureResults());
  });
  after(async () => {
    await store?.close();
    await influxd?.close();
  });

  test('tag keys and field types are the documented ones', async () => {
    const tagSeries = await q('SHOW TAG KEYS');
    for (const s of tagSeries) {
      const schema = SCHEMAS.find((x) => x.measurement === s.name)!;
      assert.ok(schema, s.name);
      for (const [k] of s.values as [string][]) assert.ok(schema.tags.includes(k), `${s.name}.${k}`);
    }
    const fields = new Map<string, string>();
    for (const s of await q('SHOW FIELD KEYS')) for (const [k, t] of s.values as [string, string][]) fields.set(`${s.name}.${k}`, t);
    assert.equal(fields.get('host_energy.joules'), 'float');
    assert.equal(fields.get('host_interval.seq'), 'integer');
    assert.equal(fields.get('host_interval.end_us'), 'integer');
    assert.equal(fields.get('job_interval.estimated'), 'boolean');
    assert.equal(fields.get('job_meta.labels'), 'string');
    assert.equal(fields.get('job_meta.pids'), 'string');
    assert.equal(fields.get('job_interval.tokens'), 'float', 'a whole number of tokens stays a float: no type conflicts');
  });

  test('values come back exactly, at the interval start', async () => {
    const results = fixtureResults();
    const [s] = await q(`SELECT * FROM "wp_raw"."host_energy" WHERE "host" = 'gpu-a' AND "domain" = 'dram' AND time = ${T0 + 2 * STEP}u`);
    const row = Object.fromEntries(s!.columns.map((c, i) => [c, s!.values[0]![i]]));
    const dram = results[4]!.measured.find((m) => m.domain === 'dram')!;
    assert.equal(row.time, T0 + 2 * STEP);
    assert.equal(row.joules, dram.joules, 'exact, not rounded');
    assert.equal(row.source, 'rapl');
    assert.equal(row.quality, 'counter');
    const [w] = await q(`SELECT "device", "joules", "flags" FROM "wp_raw"."host_energy" WHERE "domain" = 'wall' AND time = ${T0}u`);
    assert.deepEqual(w!.values[0], [T0, null, 4200, 'sampled_power'], 'the empty device is an absent tag');
    const [ji] = await q(`SELECT "software_j", "wall_j", "estimated", "end_us", "tokens" FROM "wp_raw"."job_interval" WHERE "job" = 'ft-sst2' AND time = ${T0}u`);
    const job = results[0]!.jobs.find((j) => j.jobId === 'ft-sst2')!;
    assert.deepEqual(ji!.values[0], [T0, job.softwareJoules, job.wallJoules, false, T0 + STEP, 8192]);
    const [counts] = await q('SELECT count("joules") FROM "wp_raw"."host_energy"');
    assert.equal(counts!.values[0]![1], results.reduce((a, r) => a + r.measured.length, 0));
    // A replay overwrites: same count.
    await store.write(results);
    const [again] = await q('SELECT count("joules") FROM "wp_raw"."host_energy"');
    assert.equal(again!.values[0]![1], counts!.values[0]![1]);
  });

  test('carbon and grid intensity: written to both stores, restatements replace', async () => {
    const carbon: JobCarbon = {
      host: 'gpu-a', jobId: 'ft-sst2', startUs: T0, endUs: T0 + STEP, zone: 'FR', joules: 3600, pue: 1.2, gco2e: 0.056, gco2eSoftware: 0.05, gco2eWall: 0.056, energyBasis: 'wall',
      basis: 'location_lifecycle', qualityShares: { measured: 0, estimated: 0, forecast: 0.25, interpolated: 0.75, static: 0 }, provisional: true, sources: ['electricitymaps'],
    };
    const final: JobCarbon = { ...carbon, gco2e: 0.061, qualityShares: { measured: 1, estimated: 0, forecast: 0, interpolated: 0, static: 0 }, provisional: false };
    const period: GridIntensity = { zone: 'FR', provider: 'electricitymaps', basis: 'location_lifecycle', quality: 'forecast', startUs: T0, endUs: T0 + 3600e6, gco2ePerKwh: 56, dataset: 'Electricity Maps API v3 history (lifecycle) (API terms)' };
    const host: CarbonInterval = {
      host: 'gpu-a', startUs: T0, endUs: T0 + STEP, zone: 'FR', zoneSource: 'config', pue: 1.2, joules: 7200, gco2e: 0.112, gco2eSoftware: 0.1, gco2eWall: 0.112, energyBasis: 'wall', provisional: true,
      result: { host: 'gpu-a', seq: 1, startUs: T0, endUs: T0 + STEP, zone: 'FR', zoneSource: 'config', pue: 1.2, periods: [], jobs: [], totals: { kwhSoftware: 0, kwhWall: 0, gco2eSoftware: 0, gco2eWall: 0, gco2e: 0, energyBasis: 'wall', kwhByQuality: {} }, provisional: true, problems: [] },
    };
    const sqlite = new SqliteStore(':memory:');
    for (const s of [store, sqlite]) {
      await s.writeCarbon({ jobs: [carbon], intervals: [host], periods: [period] });
      assert.equal((await s.provisionalCarbon(T0)).length, 1, `${s.name}: a provisional result is kept for restatement`);
      await s.writeCarbon({ jobs: [final], intervals: [{ ...host, provisional: false, result: undefined }], periods: [{ ...period, quality: 'measured', gco2ePerKwh: 61 }] });
      assert.deepEqual(await s.provisionalCarbon(T0), [], `${s.name}: once final, nothing to restate`);
      await s.writeGridIntensity([{ ...period, zone: 'DE' }]);
    }
    const [c] = await q('SELECT "gco2e", "share_measured", "share_interpolated", "provisional", "basis", "zone", "sources" FROM "wp_raw"."job_carbon"');
    assert.deepEqual(c!.values, [[T0, 0.061, 1, 0, false, 'location_lifecycle', 'FR', '["electricitymaps"]']]);
    assert.deepEqual(sqlite.db.prepare('SELECT gco2e, share_measured, share_interpolated, provisional, basis, zone, sources FROM job_carbon').all().map((r) => ({ ...r })), [{ gco2e: 0.061, share_measured: 1, share_interpolated: 0, provisional: 0, basis: 'location_lifecycle', zone: 'FR', sources: '["electricitymaps"]' }]);
    const [h] = await q('SELECT "gco2e", "provisional", "result" FROM "wp_raw"."host_carbon"');
    assert.deepEqual(h!.values, [[T0, 0.112, false, '']], 'the final point clears the stored result');
    const [g] = await q(`SELECT "gco2e_per_kwh", "quality", "dataset" FROM "wp_raw"."grid_intensity" WHERE "zone" = 'FR' GROUP BY *`);
    assert.deepEqual(g!.tags, { basis: 'location_lifecycle', source: 'electricitymaps', zone: 'FR' });
    assert.deepEqual(g!.values, [[T0, 61, 'measured', period.dataset]]);
    assert.deepEqual(sqlite.db.prepare('SELECT zone, gco2e_per_kwh, quality FROM grid_intensity ORDER BY zone').all().map((r) => ({ ...r })), [{ zone: 'DE', gco2e_per_kwh: 56, quality: 'forecast' }, { zone: 'FR', gco2e_per_kwh: 61, quality: 'measured' }]);
    await sqlite.close();
  });
});

describe('docs/SCHEMA.md', () => {
  test('every example query runs on real data and returns rows', async () => {
    const influxd = await startInfluxd();
    const store = await InfluxStore.open({ url: influxd.url, database: 'wattprint', flushIntervalMs: 5 });
    try {
      // The fixture moved to the previous whole hour: the default 30-day raw RP must accept it.
      const shift = Math.floor(Date.now() / 3.6e6) * 3.6e9 - 3600e6 - T0;
      const from = T0 + shift;
      await store.write(fixtureResults().map((r) => ({ ...r, startUs: r.startUs + shift, endUs: r.endUs + shift })));
      for (const h of fixtureHosts(from)) await store.upsertHost(h);
      await store.writeCarbon({
        jobs: [{ host: 'gpu-a', jobId: 'ft-sst2', startUs: from, endUs: from + STEP, zone: 'FR', joules: 1, pue: 1.2, gco2e: 0.01, gco2eSoftware: 0.009, gco2eWall: 0.01, energyBasis: 'wall', basis: 'location_lifecycle', qualityShares: { measured: 1, estimated: 0, forecast: 0, interpolated: 0, static: 0 }, provisional: false, sources: ['electricitymaps'] }],
        intervals: [{ host: 'gpu-a', startUs: from, endUs: from + STEP, zone: 'FR', zoneSource: 'config', pue: 1.2, joules: 2, gco2e: 0.02, gco2eSoftware: 0.018, gco2eWall: 0.02, energyBasis: 'wall', provisional: false, result: undefined }],
        periods: [{ zone: 'FR', provider: 'static', basis: 'location_lifecycle', quality: 'static_yearly', startUs: from, endUs: from + 3600e6, gco2ePerKwh: 56, dataset: 'Ember yearly country average FRA, 2024 (CC BY 4.0)' }],
      });
      const doc = fs.readFileSync(`${REPO}/docs/SCHEMA.md`, 'utf8');
      const queries = [...doc.matchAll(/```sql\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
      assert.ok(queries.length >= 10, `found ${queries.length} example queries`);
      for (const raw of queries) {
        const query = raw.replaceAll('$timeFilter', `time >= ${from}u AND time < ${from + 3600e6}u`).replaceAll('$__interval', '10s');
        const res = await request(influxd.port, 'POST', '/query?db=wattprint', `q=${encodeURIComponent(query)}`);
        const body = JSON.parse(res.body) as { results: { error?: string; series?: unknown[] }[] };
        assert.equal(body.results[0]?.error, undefined, query);
        assert.ok((body.results[0]?.series ?? []).length > 0, `no rows: ${query}`);
      }
    } finally {
      await store.close();
      await influxd.close();
    }
  });
});
