// One query layer, two stores: the same fixed attribution results written to
// SQLite and to a real InfluxDB must give the same answers, and the answers
// must match sums taken straight from the results. Replays change nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InfluxStore } from '@wattprint/collector/storage/influx.ts';
import type { Store } from '@wattprint/collector/storage/sink.ts';
import { SqliteStore } from '@wattprint/collector/storage/sqlite.ts';
import type { AttributionResult } from '@wattprint/collector/attribution/types.ts';
import { carbonForInterval, carbonKey, kwhFromJoules, type CarbonResult } from '@wattprint/collector/carbon/compute.ts';
import type { IntensityPeriod, IntensityQuality } from '@wattprint/collector/carbon/provider.ts';
import { carbonSummary, carbonWrite } from '@wattprint/collector/carbon/records.ts';
import { jobReport } from '@wattprint/collector/api/report.ts';
import { restate } from '@wattprint/collector/carbon/restate.ts';
import { attribute } from '@wattprint/collector/attribution/attribute.ts';
import { Domain, Quality, Source, type Report } from '@wattprint/proto';
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
      // Wall is reconciled over the meter's intervals (storage/wall-rows.ts): close to the
      // per-interval figures on this steady meter, never the same to the joule.
      const perInterval = sumJobs(jobId, (j) => j.wallJoules);
      assert.ok(Math.abs(t.wallJoules / perInterval - 1) < 0.01, `${jobId}: wall ${t.wallJoules} vs per-interval ${perInterval}`);
      assertClose(t.dynamicJoules + t.idleJoules, t.softwareJoules);
      assertClose(t.byComponent.cpu, sumJobs(jobId, (j) => j.byComponent.cpu));
      assertClose(t.byComponent.dram, sumJobs(jobId, (j) => j.byComponent.dram));
      assertClose(t.tokens, sumJobs(jobId, (j) => j.tokens));
      assert.ok(t.softwareJoules > 0);
    }
    const mnli = (await sqlite.jobTotals('ft-mnli'))!;
    assert.deepEqual(mnli.hosts, ['gpu-a', 'gpu-b']);
    assert.equal(mnli.estimated, true, 'gpu-b package is a model estimate');
    // Where its energy came from: the software joules by source and quality of the readings.
    const bySource = Object.fromEntries(mnli.energySources!.map((e) => [`${e.source}/${e.quality}`, e.joules]));
    assertClose(Object.values(bySource).reduce((a, j) => a + j, 0), mnli.softwareJoules);
    assert.ok(bySource['model/estimate']! > 0 && bySource['rapl/counter']! > 0, JSON.stringify(bySource));
    assert.equal(jobReport(mnli).energy.shareByQuality.estimate, bySource['model/estimate']! / mnli.softwareJoules);
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

  test('a page of jobs by id, a label lookup and a narrow window agree with the whole list', async () => {
    const all = await both((s) => s.listJobs({}));
    const page = await both((s) => s.listJobs({ jobIds: ['ft-sst2', 'no-such-job'] }));
    assert.deepEqual(page.map((j) => j.jobId), ['ft-sst2']);
    assertClose(page[0], all.find((j) => j.jobId === 'ft-sst2'));
    assert.deepEqual(await both((s) => s.listJobs({ jobIds: [] })), []);
    // A label and an id together; two labels intersect.
    assert.deepEqual((await both((s) => s.listJobs({ jobIds: ['ft-sst2', 'ft-mnli'], labels: { task: 'mnli' } }))).map((j) => j.jobId), ['ft-mnli']);
    assert.deepEqual((await both((s) => s.listJobs({ labels: { framework: 'pytorch', task: 'sst2' } }))).map((j) => j.jobId), ['ft-sst2']);
    // One interval of gpu-b: the window is an index range, the totals are that interval's.
    const b = results.filter((r) => r.host === 'gpu-b')[2]!;
    const one = await both((s) => s.listJobs({ fromUs: b.startUs, toUs: b.endUs }));
    const inIt = results.filter((r) => r.endUs > b.startUs && r.startUs < b.endUs);
    assertClose(one.find((j) => j.jobId === 'ft-mnli')!.softwareJoules, sumJobs('ft-mnli', (j) => j.softwareJoules, inIt));
    // One host's jobs with that host's energy only: ft-mnli runs on both hosts.
    const onB = await both((s) => s.listJobs({ host: 'gpu-b', fromUs: b.startUs, toUs: b.endUs }));
    assert.deepEqual(onB.map((j) => j.jobId), ['ft-mnli']);
    assert.deepEqual(onB[0]!.hosts, ['gpu-b']);
    assertClose(onB[0]!.softwareJoules, sumJobs('ft-mnli', (j) => j.softwareJoules, inIt.filter((r) => r.host === 'gpu-b')));
    const allOnA = await both((s) => s.listJobs({ host: 'gpu-a' }));
    assertClose(allOnA.find((j) => j.jobId === 'ft-mnli')!.softwareJoules, sumJobs('ft-mnli', (j) => j.softwareJoules, results.filter((r) => r.host === 'gpu-a')));
    // The limit is applied in the store, newest first.
    assert.deepEqual((await both((s) => s.listJobs({ limit: 1 }))).map((j) => j.jobId), [all[0]!.jobId]);
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

describe('query layer: job wall reconciled over a lagging meter, the same on both stores', () => {
  // GPU 100 J + 100 J, the meter reads 50 J then 162 J (it lags): 212 J metered in all.
  const lag = (i: number, wall: number): Report => ({
    host: 'lag-host',
    seq: 500 + i,
    startUs: T0 + 100 * STEP + i * 1_000_000,
    endUs: T0 + 100 * STEP + (i + 1) * 1_000_000,
    energy: [
      { domain: Domain.DOMAIN_GPU, device: 'GPU-lag', source: Source.SOURCE_NVML, quality: Quality.QUALITY_COUNTER, joules: 100, flags: [] },
      { domain: Domain.DOMAIN_WALL, device: 'pdu', source: Source.SOURCE_SNMP, quality: Quality.QUALITY_COUNTER, joules: wall, flags: [] },
    ],
    processes: [{ pid: 9000, startTimeUs: T0, jobId: 'lagged-job', labels: {}, cpuSeconds: 0, command: 'python' }],
    gpuProcesses: [{ gpuUuid: 'GPU-lag', pid: 9000, smUtil: 90, memUtil: 0, sampleCount: 1, gpuMemoryBytes: 1, gpuInstanceId: 0xffffffff, computeInstanceId: 0xffffffff }],
    progress: [],
    cpuBusySeconds: 0,
    cpuIdleSeconds: 1,
    cpuCount: 1,
  });

  test('GPU 100 + 100 J, meter 50 then 162 J: the job gets 212 J (per interval it would have been 262 J)', async () => {
    const rs = [attribute(lag(0, 50)), attribute(lag(1, 162))];
    assert.equal(rs.reduce((a, r) => a + r.jobs[0]!.wallJoules, 0), 262, 'the per-interval rule this replaces');
    for (const s of [influx, sqlite]) await s.write(rs);
    const t = await both((s) => s.jobTotals('lagged-job'));
    assertClose(t!.wallJoules, 212);
    assertClose(t!.softwareJoules, 200);
    assert.deepEqual(t!.energySources, [{ source: 'nvml', quality: 'counter', joules: 200 }]);
    assertClose(t!.byComponent.other, 12);
    assert.equal(t!.wall?.basis, 'meter');
    assertClose(t!.wall!.hostRatios['lag-host'], 212 / 200);
    assertClose(t!.wall!.unpaidJoules, 0);
    // In a window holding only the first interval the job gets what the meter read then, no more.
    const first = await both((s) => s.listJobs({ fromUs: rs[0]!.startUs, toUs: rs[0]!.endUs }));
    assertClose(first.find((j) => j.jobId === 'lagged-job')!.wallJoules, 50);
  });
});

describe('query layer: carbon in SQLite and InfluxDB', () => {
  // Carbon computed by the real arithmetic from the fixture's results: gpu-a
  // (wall meter) in FR on hourly provider data of every quality, gpu-b (no
  // meter) in DE on a static yearly direct-basis factor.
  const ds = (name: string, year?: number) => ({ name, licence: 'test licence', ...(year ? { year } : {}) });
  const fr = (s: number, e: number, g: number, quality: IntensityQuality): IntensityPeriod => ({ startUs: T0 + s * 1e6, endUs: T0 + e * 1e6, gPerKwh: g, basis: 'location_lifecycle', quality, provider: 'electricitymaps', zone: 'FR', dataset: ds('EM history') });
  const periods: Record<string, IntensityPeriod[]> = {
    FR: [fr(0, 25, 50, 'measured'), fr(25, 35, 55, 'interpolated'), fr(35, 45, 60, 'forecast'), fr(45, 3600, 70, 'estimated')],
    DE: [{ startUs: T0 - 1e12, endUs: T0 + 1e12, gPerKwh: 380, basis: 'location_direct', quality: 'static_yearly', provider: 'static', zone: 'DE', dataset: ds('Ember DEU', 2024) }],
  };
  const zoneOf: Record<string, string> = { 'gpu-a': 'FR', 'gpu-b': 'DE' };
  const carbon: CarbonResult[] = results.map((r) =>
    carbonForInterval(
      {
        host: r.host, seq: r.seq, startUs: r.startUs, endUs: r.endUs, zone: zoneOf[r.host]!, zoneSource: 'config', pue: r.host === 'gpu-a' ? 1.2 : 1,
        hostKwhSoftware: kwhFromJoules(r.hostSoftwareJoules), hostKwhWall: r.hostWallJoules === undefined ? undefined : kwhFromJoules(r.hostWallJoules),
        jobs: r.jobs.map((j) => ({ jobId: j.jobId, kwhSoftware: kwhFromJoules(j.softwareJoules), kwhWall: kwhFromJoules(j.wallJoules) })),
      },
      periods[zoneOf[r.host]!]!,
    ),
  );
  const allPeriods = Object.values(periods).flat();

  before(async () => {
    for (const s of [sqlite, influx]) {
      await s.writeCarbon(carbonWrite(carbon.slice(0, 5), allPeriods));
      await s.writeCarbon(carbonWrite(carbon.slice(5), allPeriods));
    }
  });

  const jobFigures = (jobId: string, rs = carbon) => rs.flatMap((r) => r.jobs).filter((j) => j.jobId === jobId);

  test('a job carbon sums its intervals and hosts, with basis, zones, quality shares and sources', async () => {
    const sst2 = await both((s) => s.jobCarbon('ft-sst2'));
    assert.ok(sst2);
    const figures = jobFigures('ft-sst2');
    assertClose(sst2.gco2e, figures.reduce((a, j) => a + j.gco2e, 0));
    assertClose(sst2.gco2eSoftware, figures.reduce((a, j) => a + j.gco2eSoftware, 0));
    assertClose(sst2.gco2eWall, sst2.gco2e, 'gpu-a has a wall meter: the accounting figure is the wall one');
    assert.ok(sst2.gco2eWall > sst2.gco2eSoftware);
    assert.equal(sst2.energyBasis, 'wall');
    assert.equal(sst2.intervals, INTERVALS);
    // By hand for the first interval [0, 10 s): all measured at 50 g/kWh, PUE 1.2, wall energy.
    assertClose(figures[0]!.gco2e, kwhFromJoules(results[0]!.jobs.find((j) => j.jobId === 'ft-sst2')!.wallJoules) * 1.2 * 50);
    // Shares of the job's energy at each quality, from the per-interval kWh.
    const kwh = figures.reduce((a, j) => a + j.kwhWall, 0);
    const at = (q: IntensityQuality) => figures.reduce((a, j) => a + (j.kwhByQuality[q] ?? 0), 0) / kwh;
    assertClose(sst2.kwhShareByQuality, { measured: at('measured'), interpolated: at('interpolated'), forecast: at('forecast'), estimated: at('estimated') });
    assert.ok(sst2.kwhShareByQuality.interpolated! > 0, 'interpolated is its own share, not folded into another');
    assertClose(Object.values(sst2.kwhShareByQuality).reduce((a, x) => a + x, 0), 1);
    assert.deepEqual(sst2.zones, ['FR']);
    assert.deepEqual(sst2.bases, ['location_lifecycle']);
    assert.deepEqual(sst2.sources, ['electricitymaps']);
    assert.equal(sst2.provisional, true);

    const mnli = await both((s) => s.jobCarbon('ft-mnli'));
    assert.ok(mnli);
    assert.equal(mnli.intervals, 2 * INTERVALS);
    assert.equal(mnli.energyBasis, 'mixed', 'metered on gpu-a, not on gpu-b');
    assert.deepEqual(mnli.zones, ['DE', 'FR']);
    assert.deepEqual(mnli.bases, ['location_direct', 'location_lifecycle'], 'two bases are listed, never blended silently');
    assert.deepEqual(mnli.sources, ['Ember DEU, 2024 (test licence)', 'electricitymaps']);
    const onB = jobFigures('ft-mnli', carbon.filter((r) => r.host === 'gpu-b'));
    assertClose(onB.reduce((a, j) => a + j.gco2e, 0), onB.reduce((a, j) => a + j.kwhSoftware, 0) * 380);
    assert.ok(mnli.kwhShareByQuality.static_yearly! > 0.3);
    assert.equal(await both((s) => s.jobCarbon('no-such-job')), undefined);
    // A page of jobs in one query: the same figures as one job at a time.
    const many = await both(async (s) => Object.fromEntries(await s.jobCarbonMany(['ft-mnli', 'ft-sst2', 'no-such-job'])));
    assert.deepEqual(Object.keys(many).sort(), ['ft-mnli', 'ft-sst2']);
    assertClose(many['ft-sst2'], sst2);
    assertClose(many['ft-mnli'], mnli);
  });

  test('provisional results come back whole for restatement; a restated write replaces them', async () => {
    const stored = await both((s) => s.provisionalCarbon(T0));
    const provisional = carbon.filter((r) => r.provisional);
    assert.deepEqual(stored, JSON.parse(JSON.stringify(provisional)), 'FR intervals after the measured hour start are provisional; DE static ones are final');
    assert.ok(provisional.length > 0 && provisional.length < carbon.length);
    assert.deepEqual(await both((s) => s.provisionalCarbon(T0 + 10 * 3600e6)), [], 'outside the window');
    // Final data for FR arrives: every FR interval recomputed at 65 g/kWh measured, under the same keys.
    const final = [{ ...fr(0, 3600, 65, 'measured') }];
    const corrected = restate(stored, [{ zone: 'FR', periods: final, fellBack: false }], { nowUs: T0 + 3600e6, windowUs: 72 * 3600e6 });
    assert.equal(corrected.length, stored.length);
    for (const s of [sqlite, influx]) await s.writeCarbon(carbonWrite(corrected, final));
    assert.deepEqual(await both((s) => s.provisionalCarbon(T0)), []);
    const sst2 = await both((s) => s.jobCarbon('ft-sst2'));
    const fixed = new Map(corrected.map((r) => [carbonKey(r), r]));
    const now = carbon.map((r) => fixed.get(carbonKey(r)) ?? r);
    assertClose(sst2!.gco2e, jobFigures('ft-sst2', now).reduce((a, j) => a + j.gco2e, 0));
    assert.equal(sst2!.provisional, false);
    assert.equal(sst2!.intervals, INTERVALS, 'replaced, not added');
    assertClose(sst2!.kwhShareByQuality.measured, 1);
    // Writing it again changes nothing.
    const before = await both((s) => s.jobCarbon('ft-mnli'));
    for (const s of [sqlite, influx]) await s.writeCarbon(carbonWrite(corrected, final));
    assert.deepEqual(await both((s) => s.jobCarbon('ft-mnli')), before);
  });
});

describe('query layer: a window clips energy, progress and carbon by the same intervals', () => {
  // One job on a metered host, six 10 s intervals of rising power, priced at a fixed 474.5 g/kWh.
  const base = T0 + 200 * STEP;
  const rep = (i: number): Report => ({
    host: 'fixed-host',
    seq: 700 + i,
    startUs: base + i * STEP,
    endUs: base + (i + 1) * STEP,
    energy: [
      { domain: Domain.DOMAIN_GPU, device: 'GPU-fixed', source: Source.SOURCE_NVML, quality: Quality.QUALITY_COUNTER, joules: 2000 + 500 * i, flags: [] },
      { domain: Domain.DOMAIN_WALL, device: 'psu', source: Source.SOURCE_IPMI, quality: Quality.QUALITY_COUNTER, joules: (2000 + 500 * i) * 1.059, flags: [] },
    ],
    processes: [{ pid: 9100, startTimeUs: base, jobId: 'clip-job', labels: {}, cpuSeconds: 0, command: 'python' }],
    gpuProcesses: [{ gpuUuid: 'GPU-fixed', pid: 9100, smUtil: 90, memUtil: 0, sampleCount: 1, gpuMemoryBytes: 1, gpuInstanceId: 0xffffffff, computeInstanceId: 0xffffffff }],
    progress: [{ jobId: 'clip-job', tokens: 1000 * (i + 1), examples: 10, steps: 1 }],
    cpuBusySeconds: 0,
    cpuIdleSeconds: 10,
    cpuCount: 1,
  });
  const rs = [0, 1, 2, 3, 4, 5].map((i) => attribute(rep(i)));
  const fixed: IntensityPeriod = { startUs: base - 1e12, endUs: base + 1e12, gPerKwh: 474.5, basis: 'location_lifecycle', quality: 'static_yearly', provider: 'fixed', zone: 'US-MIDW-MISO', dataset: { name: 'eGRID', licence: 'public domain' } };
  const carbon = rs.map((r) =>
    carbonForInterval(
      {
        host: r.host, seq: r.seq, startUs: r.startUs, endUs: r.endUs, zone: 'US-MIDW-MISO', zoneSource: 'config', pue: 1,
        hostKwhSoftware: kwhFromJoules(r.hostSoftwareJoules), hostKwhWall: kwhFromJoules(r.hostWallJoules!),
        jobs: r.jobs.map((j) => ({ jobId: j.jobId, kwhSoftware: kwhFromJoules(j.softwareJoules), kwhWall: kwhFromJoules(j.wallJoules) })),
      },
      [fixed],
    ),
  );

  test('g/kWh is the same for the whole job and for a window that keeps part of it', async () => {
    for (const s of [sqlite, influx]) {
      await s.write(rs);
      await s.writeCarbon(carbonWrite(carbon, [fixed]));
    }
    const reportOf = async (s: Store, window?: { fromUs: number; toUs: number }) => {
      const t = window ? (await s.listJobs(window)).find((j) => j.jobId === 'clip-job')! : (await s.jobTotals('clip-job'))!;
      const c = await s.jobCarbon('clip-job', t.window);
      return jobReport(t, c ? carbonSummary(c) : undefined);
    };
    const whole = await both((s) => reportOf(s));
    // Intervals 3 to 5 overlap [start of 3 + 1 s, end): the window keeps them whole.
    const part = await both((s) => reportOf(s, { fromUs: base + 3 * STEP + 1_000_000, toUs: base + 6 * STEP }));
    assert.ok(part.energy.wallKwh < 0.7 * whole.energy.wallKwh && part.energy.wallKwh > 0.3 * whole.energy.wallKwh, `kept ${part.energy.wallKwh / whole.energy.wallKwh} of the energy`);
    for (const r of [whole, part]) {
      assertClose(r.carbon!.gco2e / r.energy.wallKwh, 474.5);
      assertClose(r.carbon!.gco2eSoftware / r.energy.softwareKwh, 474.5);
    }
    assert.equal(part.progress.tokens, 4000 + 5000 + 6000, 'tokens of the same intervals');
    assert.equal(part.progress.examples, 30);
    assertClose(part.energy.softwareKwh, kwhFromJoules(3500 + 4000 + 4500));
  });
});

