// One query layer, two stores: the same fixed attribution results written to
// SQLite and to a real InfluxDB must give the same answers, and the answers
// must match sums taken straight from the results. Replays change nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InfluxStore } from '@wattprint/collector/storage/influx.ts';
import type { Store } from '@wattprint/collector/storage/sink.ts';
import { SqliteStore } from '@wattprint/collector/storage/sqlite.ts';
import type { AttributionResult } from '@wattprint/collector/attribution/types.ts';
import { startInfluxd, type Influxd } from '../helpers/influxd.ts';
import { assertClose, fixtureHosts, fixtureResults, GPU_A, INTERVALS, STEP, T0 } from './fixtures.ts';

const results = fixtureResults();
const END = T0 + INTERVALS * STEP + 3_000_000;

let influxd: Influxd;
let influx: InfluxStore;
let sqlite: SqliteStore;

async function fill(store: InfluxStore | SqliteStore, rs: AttributionResult[]) {
  for (const h of fixtureHosts()) await store.upsertHost(h);
  await store.write(rs);
}

before(async () => {
  influxd = await startInfluxd();
  influx = await InfluxStore.open({ url: influxd.url, database: 'wp_query', flushIntervalMs: 5, retention: { raw: { name: 'wp_raw', duration: 'INF' }, hourly: { name: 'wp_1h', duration: 'INF' } } });
  sqlite = new SqliteStore(':memory:');
  // Two writes per store, as the ingest server batches them.
  for (const s of [influx, sqlite]) {
    await fill(s, results.slice(0, 5));
    await s.write(results.slice(5));
  }
});

after(async () => {
  await influx?.close();
  await sqlite?.close();
  await influxd?.close();
});

/** Runs a query on both stores, asserts equal answers, returns SQLite's. */
async function both<T>(q: (s: Store) => Promise<T>): Promise<T> {
  const [a, b] = await Promise.all([q(sqlite), q(influx)]);
  assertClose(b, a);
  return a;
}

function sumJobs(jobId: string, pick: (j: AttributionResult['jobs'][number]) => number, rs = results) {
  return rs.flatMap((r) => r.jobs).filter((j) => j.jobId === jobId).reduce((a, j) => a + pick(j), 0);
}

describe('query layer: SQLite and InfluxDB agree', () => {
  test('per-job totals by component and modality match the attribution results', async () => {
    for (const jobId of ['ft-sst2', 'ft-mnli']) {
      const t = await both((s) => s.jobTotals(jobId));
      assert.ok(t, jobId);
      assertClose(t.softwareJoules, sumJobs(jobId, (j) => j.softwareJoules));
      assertClose(t.wallJoules, sumJobs(jobId, (j) => j.wallJoules));
      assertClose(t.dynamicJoules + t.idleJoules, t.softwareJoules);
      assertClose(t.byComponent.cpu, sumJobs(jobId, (j) => j.byComponent.cpu));
      assertClose(t.byComponent.dram, sumJobs(jobId, (j) => j.byComponent.dram));
      assertClose(t.tokens, sumJobs(jobId, (j) => j.tokens));
      assert.ok(t.softwareJoules > 0);
    }
    const mnli = (await sqlite.jobTotals('ft-mnli'))!;
    assert.deepEqual(mnli.hosts, ['gpu-a', 'gpu-b']);
    assert.equal(mnli.estimated, true, 'gpu-b package is a model estimate');
    assert.equal(mnli.startUs, T0);
    assert.equal(mnli.endUs, END);
    const sst2 = (await sqlite.jobTotals('ft-sst2'))!;
    assert.deepEqual(sst2.hosts, ['gpu-a']);
    assert.equal(sst2.estimated, false);
    // Labels: union over intervals; "phase" appeared half-way.
    assert.deepEqual(sst2.labels, { framework: 'pytorch', model: 'bert-base', phase: 'eval', task: 'sst2' });
    assert.equal(await both((s) => s.jobTotals('no-such-job')), undefined);
  });

  test('job lists filtered by labels and time range, newest first, limited', async () => {
    const all = await both((s) => s.listJobs({}));
    // Both start at T0: ties go by job id.
    assert.deepEqual(all.map((j) => j.jobId), ['ft-mnli', 'ft-sst2']);
    const bert = await both((s) => s.listJobs({ labels: { model: 'bert-base' } }));
    assert.equal(bert.length, 2);
    const eval_ = await both((s) => s.listJobs({ labels: { phase: 'eval' } }));
    assert.deepEqual(eval_.map((j) => j.jobId), ['ft-sst2']);
    assert.deepEqual(await both((s) => s.listJobs({ labels: { task: 'sst2', model: 'gpt' } })), []);
    // Only intervals overlapping [from, to) count: the middle two of host a, and of host b the ones overlapping.
    const from = T0 + 2 * STEP;
    const to = T0 + 4 * STEP;
    const part = await both((s) => s.listJobs({ fromUs: from, toUs: to }));
    const inRange = results.filter((r) => r.endUs > from && r.startUs < to);
    const sst2 = part.find((j) => j.jobId === 'ft-sst2')!;
    assertClose(sst2.softwareJoules, sumJobs('ft-sst2', (j) => j.softwareJoules, inRange));
    assert.ok(sst2.softwareJoules < (await sqlite.jobTotals('ft-sst2'))!.softwareJoules);
    const limited = await both((s) => s.listJobs({ limit: 1 }));
    assert.equal(limited.length, 1);
  });

  test('host and job time series at a chosen resolution conserve energy', async () => {
    for (const [host, step] of [['gpu-a', 30_000_000], ['gpu-b', 20_000_000], ['gpu-a', STEP]] as const) {
      const from = T0 - 7_000_000; // not aligned on the epoch or on the intervals
      const series = await both((s) => s.hostSeries(host, from, END, step));
      assert.ok(series.length >= 2, `${host} has buckets`);
      for (let i = 1; i < series.length; i++) assert.ok(series[i]!.tUs > series[i - 1]!.tUs);
      for (const p of series) assert.equal((p.tUs - from) % step, 0, 'bucket starts align on fromUs');
      // Σ watts × bucket length = energy per (domain, device) over the range.
      const energy = await both((s) => s.hostEnergy(host, from, END));
      for (const e of energy) {
        const j = series.reduce((a, p) => a + (p.watts[`${e.domain}/${e.device}`] ?? 0) * (step / 1e6), 0);
        assertClose(j, energy.filter((x) => x.domain === e.domain && x.device === e.device).reduce((a, x) => a + x.joules, 0));
      }
    }
    const js = await both((s) => s.jobSeries('ft-mnli', T0, END, 30_000_000));
    assert.equal(js.length, 2);
    assert.deepEqual(Object.keys(js[0]!.watts), ['cpu', 'dram', 'gpu', 'other']);
    const jt = (await sqlite.jobTotals('ft-mnli'))!;
    assertClose(js.reduce((a, p) => a + (p.watts.cpu! + p.watts.dram!) * 30, 0), jt.byComponent.cpu + jt.byComponent.dram);
    await assert.rejects(influx.hostSeries('gpu-a', T0, END, 0), /stepUs must be positive/);
    await assert.rejects(sqlite.hostSeries('gpu-a', T0, END, 1.5), /stepUs must be an integer/);
  });

  test('host energy by domain and device, with source and quality', async () => {
    const e = await both((s) => s.hostEnergy('gpu-a'));
    assert.deepEqual(
      e.map((x) => `${x.domain}/${x.device}/${x.source}/${x.quality}`),
      ['core/package-0/rapl/counter', 'dram/package-0/rapl/counter', `gpu/${GPU_A}/nvml/counter`, 'package/package-0/rapl/counter', 'wall//ipmi/integrated_power'],
    );
    const wall = results.filter((r) => r.host === 'gpu-a').reduce((a, r) => a + r.hostWallJoules!, 0);
    assertClose(e.find((x) => x.domain === 'wall')!.joules, wall);
    const firstTwo = await both((s) => s.hostEnergy('gpu-b', T0, T0 + 2 * STEP));
    assert.equal(firstTwo.length, 2);
    assert.ok(firstTwo.every((x) => x.source === 'model' && x.quality === 'estimate'));
    assertClose(firstTwo[0]!.joules, 850 + 855);
  });

  test('hosts with their latest readings', async () => {
    const hosts = await both((s) => s.listHosts());
    assert.deepEqual(hosts.map((h) => h.host), ['gpu-a', 'gpu-b']);
    const a = hosts[0]!;
    assert.equal(a.agentVersion, '0.1.0');
    assert.equal((a.inventory as { gridZone?: string }).gridZone, 'FR');
    assert.equal(a.latest?.startUs, T0 + (INTERVALS - 1) * STEP);
    assert.equal(a.lastSeenUs, T0 + INTERVALS * STEP);
    const pkg = a.latest!.domains.find((d) => d.domain === 'package')!;
    assertClose(pkg.watts, (1000 + 37.25 * (INTERVALS - 1)) / 10);
    assert.deepEqual(a.latest!.domains.find((d) => d.domain === 'wall')!.flags, ['sampled_power']);
    const soft = results.filter((r) => r.host === 'gpu-a').reduce((x, r) => x + r.hostSoftwareJoules, 0);
    const wall = results.filter((r) => r.host === 'gpu-a').reduce((x, r) => x + r.hostWallJoules!, 0);
    assertClose(a.wallSoftwareRatio, wall / soft);
    assert.equal(hosts[1]!.wallSoftwareRatio, undefined, 'no wall meter on gpu-b');
  });

  test('a replay (the same results again, in another order) changes no answer', async () => {
    const before = await Promise.all([sqlite.listHosts(), sqlite.listJobs({}), influx.listJobs({}), influx.hostEnergy('gpu-a'), sqlite.hostSeries('gpu-a', T0, END, STEP)]);
    const replay = [...results].reverse();
    await sqlite.write(replay);
    await influx.write(replay.slice(0, 7));
    await influx.write(replay.slice(7));
    const afterwards = await Promise.all([sqlite.listHosts(), sqlite.listJobs({}), influx.listJobs({}), influx.hostEnergy('gpu-a'), sqlite.hostSeries('gpu-a', T0, END, STEP)]);
    assert.deepEqual(afterwards, before);
    // And the stores still agree with each other.
    await both((s) => s.listJobs({}));
    await both((s) => s.listHosts());
  });
});
