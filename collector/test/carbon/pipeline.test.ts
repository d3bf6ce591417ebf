// The carbon stage inside the collector: results to stored rows (pure), and
// the pipeline over a real SQLite store: the host's Hello inventory decides
// zone and PUE, ingest is never held up or failed, restatement rewrites
// provisional figures under the same keys.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import type { AttributionResult, JobInterval } from '@wattprint/collector/attribution/types.ts';
import { ProviderChain } from '@wattprint/collector/carbon/chain.ts';
import { carbonForInterval } from '@wattprint/collector/carbon/compute.ts';
import { buildCarbonStage } from '@wattprint/collector/carbon/config.ts';
import { CarbonPipeline } from '@wattprint/collector/carbon/pipeline.ts';
import type { IntensityPeriod, IntensityProvider } from '@wattprint/collector/carbon/provider.ts';
import { carbonIntervalRow, carbonSummary, carbonWrite, gridIntensityRows, jobCarbonRows, sourceOf } from '@wattprint/collector/carbon/records.ts';
import { CarbonStage } from '@wattprint/collector/carbon/stage.ts';
import { StaticProvider } from '@wattprint/collector/carbon/static.ts';
import { SqliteStore } from '@wattprint/collector/storage/sqlite.ts';
import { H, T0, period } from './helpers.ts';

const J = 3_600_000; // joules per kWh
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

function job(jobId: string, softwareKwh: number, wallKwh = softwareKwh): JobInterval {
  return { jobId, softwareJoules: softwareKwh * J, wallJoules: wallKwh * J, dynamicJoules: softwareKwh * J, idleJoules: 0, byComponent: { cpu: softwareKwh * J, dram: 0, gpu: 0, other: (wallKwh - softwareKwh) * J }, estimated: false, cpuSeconds: 1, tokens: 0, examples: 0, steps: 0, labels: {}, flags: [] };
}
function result(host: string, seq: number, startUs: number, endUs: number, jobs: JobInterval[], hostKwh: number): AttributionResult {
  return { host, seq, startUs, endUs, measured: [], jobShares: [], processShares: [], unattributed: [], jobs, hostSoftwareJoules: hostKwh * J, hostWallJoules: undefined, flags: [] };
}
const quiet = () => {};

test('rows: shares of energy by quality, bases said not blended, sources with dataset year and licence', () => {
  const periods: IntensityPeriod[] = [
    period(T0, T0 + H / 4, 100, 'measured', 'electricitymaps'),
    period(T0 + H / 4, T0 + H / 2, 120, 'interpolated', 'electricitymaps'),
    { ...period(T0 + H / 2, T0 + H, 380, 'static_yearly', 'static'), basis: 'location_direct', dataset: { name: 'Ember DEU', licence: 'CC BY 4.0', year: 2024 } },
  ];
  const marginal = [period(T0, T0 + H, 900, 'measured', 'watttime')];
  const r = carbonForInterval({ host: 'h', seq: 1, startUs: T0, endUs: T0 + H, zone: 'DE', zoneSource: 'config', pue: 1.1, hostKwhSoftware: 4, hostKwhWall: 5, jobs: [{ jobId: 'j', kwhSoftware: 2, kwhWall: 2.5 }] }, periods, { marginal });
  const [row] = jobCarbonRows(r);
  assert.ok(row);
  assert.equal(row.energyBasis, 'wall');
  assert.equal(row.joules, 2.5 * J);
  assert.ok(close(row.gco2e, 1.1 * (0.625 * 100 + 0.625 * 120 + 1.25 * 380)));
  assert.ok(close(row.gco2eSoftware, 1.1 * (0.5 * 100 + 0.5 * 120 + 1 * 380)));
  assert.deepEqual(row.qualityShares, { measured: 0.25, estimated: 0, forecast: 0, interpolated: 0.25, static: 0.5 });
  assert.equal(row.basis, 'location_direct+location_lifecycle');
  assert.deepEqual(row.sources, ['Ember DEU, 2024 (CC BY 4.0)', 'electricitymaps'], 'marginal (WattTime) is not a source of the accounting figure');
  assert.equal(sourceOf({ ...periods[0]!, provider: 'fixed', dataset: { name: 'fixed: PPA', licence: 'configured by the operator' } }), 'fixed: PPA (configured by the operator)');
  assert.equal(r.provisional, true, 'an interpolated stretch');
  assert.equal(carbonIntervalRow(r).result, r, 'a provisional figure keeps its inputs for restatement');
  assert.equal(carbonIntervalRow({ ...r, provisional: false }).result, undefined, 'a final one does not');
  assert.equal(carbonIntervalRow(r).joules, 5 * J);
  // Grid rows: one per (zone, provider, basis, start), the last given wins.
  const rows = gridIntensityRows([...periods, ...marginal, { ...periods[0]!, gPerKwh: 101 }]);
  assert.equal(rows.length, 4);
  assert.equal(rows.find((g) => g.provider === 'electricitymaps' && g.startUs === T0)!.gco2ePerKwh, 101);
  assert.equal(rows.find((g) => g.provider === 'watttime')!.basis, 'marginal');
  const s = carbonSummary({ jobId: 'j', intervals: 1, joules: 1, gco2e: 2, gco2eSoftware: 1, gco2eWall: 2, energyBasis: 'wall', bases: ['location_direct', 'location_lifecycle'], zones: ['DE', 'FR'], kwhShareByQuality: { measured: 1 }, provisional: false, sources: ['a'] });
  assert.equal(s.basis, 'location_direct + location_lifecycle');
  assert.equal(s.zone, 'DE, FR');
});

test('the Hello inventory picks zone and PUE; a host known only to the store is looked up there', async () => {
  const store = new SqliteStore(':memory:');
  const stage = buildCarbonStage({ defaultZone: 'DE', providers: [{ type: 'fixed', gPerKwh: 200, label: 'FR site', zones: ['FR'] }, { type: 'fixed', gPerKwh: 400, label: 'DE site', zones: ['DE'] }] }, { log: quiet });
  const p = new CarbonPipeline({ stage, write: (c) => store.writeCarbon(c), store, log: quiet });
  p.noteHost({ host: 'a', agentVersion: 't', inventory: { gridZone: 'FR', gridZoneSource: 'config', pue: 1.5 }, seenUs: T0 });
  await store.upsertHost({ host: 'b', agentVersion: 't', inventory: { pue: 1.2 }, seenUs: T0 });
  const ra = [result('a', 1, T0, T0 + 10e6, [job('ja', 2)], 3), result('a', 2, T0 + 10e6, T0 + 20e6, [job('ja', 1)], 1)];
  const rb = [result('b', 1, T0, T0 + 10e6, [job('jb', 4)], 4)];
  p.onStored([...ra, ...rb]);
  await p.idle();
  const a = (await store.jobCarbon('ja'))!;
  assert.ok(close(a.gco2e, 3 * 1.5 * 200), `${a.gco2e}`);
  assert.deepEqual([a.zones, a.intervals, a.provisional], [['FR'], 2, false]);
  const b = (await store.jobCarbon('jb'))!;
  assert.ok(close(b.gco2e, 4 * 1.2 * 400), "no zone from the agent: the collector's default, PUE from the stored inventory");
  assert.deepEqual(b.zones, ['DE']);
  assert.deepEqual(p.counters, { batches: 2, jobFigures: 3, failures: 0, writeRetries: 0, restateRuns: 0, restated: 0, restateFailures: 0, pending: 0 });
  // A replay writes the same rows again: nothing doubles.
  p.onStored(ra);
  await p.idle();
  assert.deepEqual(await store.jobCarbon('ja'), a);
  await store.close();
});

test('ingest is never held up or failed: a hanging grid API falls through; a failed write is logged and counted', async () => {
  const store = new SqliteStore(':memory:');
  // Stands in for a remote API that never answers.
  const hanging: IntensityProvider = { id: 'remote', basis: 'location_lifecycle', periods: () => new Promise(() => {}) };
  const stage = new CarbonStage({ chain: new ProviderChain([hanging], { final: new StaticProvider(), timeoutMs: 100 }), collectorZone: 'FR', log: quiet });
  const logs: string[] = [];
  const p = new CarbonPipeline({ stage, write: (c) => store.writeCarbon(c), store, log: (m) => logs.push(m), retryDelaysMs: [] });
  p.noteHost({ host: 'h', agentVersion: 't', inventory: {}, seenUs: T0 });
  const returned = p.onStored([result('h', 1, T0, T0 + H, [job('j', 1)], 1)]);
  assert.equal(returned, undefined);
  assert.equal(p.counters.pending, 1, 'queued, not awaited: the ack does not wait for the grid');
  await p.idle();
  const c = (await store.jobCarbon('j'))!;
  assert.deepEqual(c.sources.length, 1);
  assert.match(c.sources[0]!, /^Ember yearly country average FRA/);
  assert.equal(c.provisional, true, 'a fallback while the API was down: to be restated');
  assert.equal(stage.counters.providerFailures.remote, 1);

  await store.close(); // storage gone: the write fails
  p.onStored([result('h', 2, T0 + H, T0 + 2 * H, [job('j', 1)], 1)]);
  await p.idle();
  assert.equal(p.counters.failures, 1);
  assert.match(logs.join('\n'), /carbon: host h: 1 interval\(s\) from \d+: no carbon stored after 1 attempt\(s\): .*not open/);
  assert.equal(await p.restateNow(), 0);
  assert.equal(p.counters.restateFailures, 1, 'restatement failures are counted too');
});

test('a write refused while another process locks the store is retried, and lands', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wattprint-pipeline-'));
  const file = path.join(dir, 'c.db');
  const store = new SqliteStore(file);
  const stage = buildCarbonStage({ defaultZone: 'DE' }, { log: quiet });
  const logs: string[] = [];
  const p = new CarbonPipeline({ stage, write: (c) => store.writeCarbon(c), store, log: (m) => logs.push(m), retryDelaysMs: [50, 50] });
  const locker = new DatabaseSync(file);
  locker.exec('BEGIN EXCLUSIVE');
  p.onStored([result('h', 1, T0, T0 + H, [job('j', 1)], 1)]);
  await p.idle();
  assert.equal(await store.jobCarbon('j'), undefined);
  assert.equal(p.counters.writeRetries, 1);
  assert.match(logs.join('\n'), /write failed \(database is locked\); retrying in 50 ms/);
  locker.exec('COMMIT');
  locker.close();
  await new Promise((r) => setTimeout(r, 80));
  await p.idle();
  assert.ok((await store.jobCarbon('j'))!.gco2e > 0, 'stored on the retry');
  assert.deepEqual([p.counters.batches, p.counters.failures], [1, 0]);
  await p.stop();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('restatement rewrites provisional figures from the store under the same keys, once', async () => {
  const store = new SqliteStore(':memory:');
  // Stands in for a grid API that publishes a forecast first and the final value later.
  let published: 'forecast' | 'measured' = 'forecast';
  const api: IntensityProvider = {
    id: 'ukci',
    basis: 'location_direct',
    periods: async (zone, s, e) => [published === 'forecast' ? period(Math.floor(s / H) * H, Math.ceil(e / H) * H, 300, 'forecast', 'ukci', zone) : period(Math.floor(s / H) * H, Math.ceil(e / H) * H, 250, 'measured', 'ukci', zone)].map((x) => ({ ...x, basis: 'location_direct' as const })),
  };
  const now = T0 + 3 * H;
  const stage = new CarbonStage({ chain: new ProviderChain([api], { final: new StaticProvider(), now: () => now }), collectorZone: 'GB', now: () => now, log: quiet });
  const p = new CarbonPipeline({ stage, write: (c) => store.writeCarbon(c), store, log: quiet, now: () => now });
  p.onStored([result('h', 1, T0, T0 + 10e6, [job('j', 2)], 2), result('h', 2, T0 + 10e6, T0 + 20e6, [job('j', 1)], 1)]);
  await p.idle();
  const before = (await store.jobCarbon('j'))!;
  assert.ok(close(before.gco2e, 3 * 300));
  assert.deepEqual([before.provisional, before.kwhShareByQuality], [true, { forecast: 1 }]);
  assert.equal(await p.restateNow(), 0, 'nothing better yet');

  published = 'measured';
  assert.equal(await p.restateNow(), 2);
  const after = (await store.jobCarbon('j'))!;
  assert.ok(close(after.gco2e, 3 * 250));
  assert.deepEqual([after.provisional, after.kwhShareByQuality, after.intervals, after.bases], [false, { measured: 1 }, 2, ['location_direct']]);
  assert.equal(await p.restateNow(), 0, 'final figures are not read again');
  assert.deepEqual(await store.provisionalCarbon(0), []);
  const grid = store.db.prepare("SELECT quality, gco2e_per_kwh AS g FROM grid_intensity WHERE source = 'ukci'").all().map((r) => ({ ...r }));
  assert.deepEqual(grid, [{ quality: 'measured', g: 250 }], 'the stored series was corrected too');
  assert.equal(p.counters.restated, 2);
  await store.close();
});

test('carbonWrite is what the stores take', () => {
  const r = carbonForInterval({ host: 'h', seq: 1, startUs: T0, endUs: T0 + H, zone: 'DE', zoneSource: 'config', pue: 1, hostKwhSoftware: 1, hostKwhWall: undefined, jobs: [] }, [period(T0, T0 + H, 1)]);
  const w = carbonWrite([r], [period(T0, T0 + H, 1)]);
  assert.deepEqual([w.jobs.length, w.intervals.length, w.periods.length], [0, 1, 1]);
  assert.equal(w.intervals[0]!.gco2eWall, undefined, 'no meter, no wall figure');
  // Periods are stored as published (one row in SQLite); InfluxDB spreads a period longer than an
  // hour over the hours it priced (intensityPoints, test/storage/intensity-points.test.ts).
  const year = period(T0 - 300 * 24 * H, T0 + 60 * 24 * H, 1, 'static_yearly', 'static');
  const later = carbonForInterval({ host: 'h', seq: 2, startUs: T0 + H, endUs: T0 + 2 * H, zone: 'DE', zoneSource: 'config', pue: 1, hostKwhSoftware: 1, hostKwhWall: undefined, jobs: [] }, [year]);
  assert.deepEqual(carbonWrite([later, r], [year]).periods.map((g) => [g.startUs, g.endUs]), [[year.startUs, year.endUs]]);
  // A live period keeps its published start: its restatement must replace it under the same key.
  const live = period(T0 - H, T0 + 2 * H, 1, 'estimated', 'electricitymaps');
  assert.equal(carbonWrite([later], [live]).periods[0]!.startUs, T0 - H);
});
