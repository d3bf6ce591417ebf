// The page's pure functions, under node: formatting with units, the
// conservation-derived unattributed power, running status, sorting,
// pagination, stacking, series gaps, the CSV report and chart ticks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isoUs } from '../../src/api/http.ts';
import { jobReport, type JobReport } from '../../src/api/report.ts';
import type { JobTotals } from '../../src/storage/sink.ts';
import { carbon, duration, energy, isoToUs, parseLabelFilter, power, sig } from '../../src/web/static/format.ts';
import { countedDomains, domainRows, intensityLine, isRunning, paginate, reportCsv, seriesColumns, sortJobs, stack, unattributed, type HostView, type JobRow, type SeriesPoint } from '../../src/web/static/model.ts';
import { niceTicks, runs, timeTicks } from '../../src/web/static/chart.ts';
import { shown } from './shown.ts';
import { JOB_COLUMNS } from '../../../cli/src/report-output.ts';

const T0 = Date.UTC(2026, 10, 1, 12) * 1000;

function totals(jobId: string, o: Partial<JobTotals> = {}): JobTotals {
  return { jobId, labels: {}, hosts: ['h1'], startUs: T0, endUs: T0 + 60e6, softwareJoules: 3600, wallJoules: 3960, dynamicJoules: 3000, idleJoules: 600, byComponent: { cpu: 1000, dram: 200, gpu: 2400, other: 360 }, estimated: false, cpuSeconds: 50, tokens: 0, examples: 0, steps: 0, ...o };
}

function host(o: Partial<HostView> = {}, domains: HostView['latest'] extends infer L ? (L extends { domains: infer D } ? D : never) : never = []): HostView {
  return { host: 'h1', agentVersion: 't', inventory: {}, firstSeen: isoUs(T0), lastSeen: isoUs(T0 + 10e6), wallSoftwareRatio: null, latest: { start: isoUs(T0 + 9_000_250), end: isoUs(T0 + 10_000_750), watts: 300, estimated: false, domains }, ...o };
}

test('every figure carries its unit and reads back to the value within 4 significant digits', () => {
  fc.assert(
    fc.property(fc.double({ min: 1e-9, max: 1e6, noNaN: true }), (kwh) => {
      const back = shown(energy(kwh)).value;
      assert.ok(Math.abs(back - kwh) <= kwh * 6e-4, `${kwh} kWh shown as ${energy(kwh)}`);
    }),
  );
  fc.assert(fc.property(fc.double({ min: 1e-3, max: 1e6, noNaN: true }), (w) => assert.ok(Math.abs(shown(power(w)).value - w) <= w * 6e-4, power(w))));
  fc.assert(fc.property(fc.double({ min: 1e-3, max: 1e7, noNaN: true }), (g) => assert.ok(Math.abs(shown(carbon(g)).value - g) <= g * 6e-4, carbon(g))));
  assert.equal(energy(0.0123), '12.3 Wh');
  assert.equal(energy(1.5), '1.5 kWh');
  assert.equal(energy(2.5e-6), '2.5 mWh');
  assert.equal(power(1234.4), '1,234 W');
  assert.equal(power(25_000), '25 kW');
  assert.equal(carbon(2500), '2.5 kgCO₂e');
  assert.equal(sig(0.00001236789), '0.00001237');
  assert.equal(energy(Number.NaN), '–');
  assert.equal(duration(4.07), '4.07 s');
  assert.equal(duration(600), '10 min');
  assert.equal(duration(3725), '1 h 02 min');
});

test('times keep their microseconds, as the API writes them', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 4102444800e6 }), (us) => assert.equal(isoToUs(isoUs(us)), us)));
  assert.equal(isoToUs('2026-11-01T12:00:00Z'), Date.UTC(2026, 10, 1, 12) * 1000);
  assert.ok(Number.isNaN(isoToUs('yesterday')));
});

test('the label filter takes name=value pairs and names what is wrong', () => {
  assert.deepEqual(parseLabelFilter(' task=sst2  model=bert-base '), { ok: true, labels: { task: 'sst2', model: 'bert-base' } });
  assert.deepEqual(parseLabelFilter('note=a=b'), { ok: true, labels: { note: 'a=b' } });
  assert.deepEqual(parseLabelFilter(''), { ok: true, labels: {} });
  const bad = parseLabelFilter('task=sst2 sst2');
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.error, /"sst2" is not name=value/);
  assert.equal(parseLabelFilter('1x=2').ok, false);
  assert.equal(parseLabelFilter(`k=${'v'.repeat(257)}`).ok, false);
});

test('domains are grouped by package, counted once, and GPUs named by index and model', () => {
  const d = (domain: string, device: string, watts = 10, quality = 'counter') => ({ domain, device, source: 'rapl', quality, watts, joules: watts, flags: [] });
  const h = host({ inventory: { gpus: [{ uuid: 'GPU-a', name: 'NVIDIA A100' }, { uuid: 'GPU-b', name: 'NVIDIA A100' }] } }, [d('wall', 'bmc'), d('gpu', 'GPU-b'), d('dram', 'package-1/dram'), d('package', 'package-1'), d('core', 'package-0/core'), d('package', 'package-0'), d('dram', 'package-0/dram', 5, 'estimate'), d('gpu', 'GPU-a')]);
  const rows = domainRows(h);
  assert.deepEqual(rows.map((r) => r.device), ['package-0', 'package-0/core', 'package-0/dram', 'package-1', 'package-1/dram', 'GPU-a', 'GPU-b', 'bmc']);
  assert.deepEqual(rows.map((r) => r.counted), [true, false, true, true, true, true, true, false]);
  assert.equal(rows[5]!.label, 'GPU 0 · NVIDIA A100');
  assert.equal(rows[6]!.label, 'GPU 1 · NVIDIA A100');
  assert.equal(rows[2]!.estimate, true);
  assert.deepEqual([...countedDomains([{ domain: 'psys' }, { domain: 'core' }])].sort(), ['gpu', 'psys']);
  assert.deepEqual([...countedDomains([{ domain: 'core' }])].sort(), ['core', 'dram', 'gpu', 'uncore']);
});

test('unattributed power is the software total minus the jobs’ energy over the same interval, and n/a for multi-host jobs', () => {
  const h = host();
  const seconds = 1.0005; // 9.000250 s to 10.000750 s
  const a = jobReport(totals('a', { softwareJoules: 100.05 }));
  const b = jobReport(totals('b', { softwareJoules: 50.025 }));
  const elsewhere = jobReport(totals('c', { hosts: ['h2'], softwareJoules: 999 }));
  const u = unattributed(h, [a, b, elsewhere])!;
  assert.ok(Math.abs(u.jobWatts - 150.075 / seconds) < 1e-9);
  assert.ok(Math.abs(u.watts + u.jobWatts - 300) < 1e-9, 'conservation: jobs + unattributed = software total');
  assert.equal(u.jobs, 2);
  assert.equal(unattributed(h, [jobReport(totals('d', { hosts: ['h1', 'h2'] }))]), undefined);
  assert.equal(unattributed(host({ latest: null }), []), undefined);
});

test('a job runs while it drew energy in the latest interval of a live host', () => {
  const now = T0 / 1000 + 11_000;
  const h = host();
  const current = jobReport(totals('a', { endUs: T0 + 10_000_750 }));
  const earlier = jobReport(totals('b', { endUs: T0 + 9_000_250 }));
  assert.equal(isRunning(current, [h], now), true);
  assert.equal(isRunning(earlier, [h], now), false);
  assert.equal(isRunning(current, [h], now + 120_000), false, 'a host silent for two minutes is stale');
  assert.equal(isRunning(jobReport(totals('c', { hosts: ['h9'], endUs: T0 + 10_000_750 })), [h], now), false);
});

test('sorting is a stable permutation in either direction; jobs without a figure go last', () => {
  const rows: JobRow[] = [
    { job: jobReport(totals('x', { softwareJoules: 30 })), running: false },
    { job: jobReport(totals('y', { softwareJoules: 10 })), running: true },
    { job: jobReport(totals('z', { softwareJoules: 20 })), running: false },
  ];
  assert.deepEqual(sortJobs(rows, 'software', true).map((r) => r.job.jobId), ['x', 'z', 'y']);
  assert.deepEqual(sortJobs(rows, 'software', false).map((r) => r.job.jobId), ['y', 'z', 'x']);
  assert.deepEqual(sortJobs(rows, 'status', true).map((r) => r.job.jobId), ['y', 'x', 'z']);
  const withTokens = [...rows, { job: jobReport(totals('t', { tokens: 1e6 })), running: false }];
  assert.deepEqual(sortJobs(withTokens, 'perTokens', false).map((r) => r.job.jobId), ['t', 'x', 'y', 'z']);
  assert.deepEqual(sortJobs(withTokens, 'perTokens', true).map((r) => r.job.jobId), ['t', 'x', 'y', 'z']);
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 60 }), fc.boolean(), (vals, desc) => {
      const rs = vals.map((v, i) => ({ job: jobReport(totals(`j${i}`, { wallJoules: v })), running: false }));
      const out = sortJobs(rs, 'wall', desc);
      assert.deepEqual(out.map((r) => r.job.jobId).sort(), rs.map((r) => r.job.jobId).sort());
      for (let i = 1; i < out.length; i++) {
        const [p, q] = [out[i - 1]!.job.energy.wallKwh, out[i]!.job.energy.wallKwh];
        assert.ok(desc ? p >= q : p <= q);
      }
    }),
  );
});

test('pages cover every job exactly once and clamp out-of-range pages', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 60 }), (n, size) => {
      const items = Array.from({ length: n }, (_, i) => i);
      const first = paginate(items, 0, size);
      const seen = Array.from({ length: first.pages }, (_, p) => paginate(items, p, size).items).flat();
      assert.deepEqual(seen, items);
      assert.equal(paginate(items, 1e6, size).page, first.pages - 1);
      assert.equal(paginate(items, -3, size).page, 0);
    }),
  );
  assert.deepEqual(paginate(Array.from({ length: 1000 }, (_, i) => i), 19, 50), { items: Array.from({ length: 50 }, (_, i) => 950 + i), page: 19, pages: 20, first: 951, last: 1000, total: 1000 });
});

test('stacking sums exactly in order, and series keep gaps and average a cut-short last bucket over its elapsed part', () => {
  assert.deepEqual(stack([[1, 2], [10, 20], [0.5, 0]]), [[1, 2], [11, 22], [11.5, 22]]);
  const t = (s: number) => isoUs(T0 + s * 1e6);
  const points: SeriesPoint[] = [{ t: t(0), watts: { cpu: 10, gpu: 100 } }, { t: t(5), watts: { cpu: 12 } }, { t: t(15), watts: { cpu: 11, gpu: 90 } }, { t: t(20), watts: { cpu: 3 } }];
  // The last bucket [20 s, 25 s) holds 15 J of intervals that ended at 22 s: 7.5 W over 2 s, not 3 W over 5 s.
  const cols = seriesColumns(points, ['cpu', 'gpu'], 5, T0 + 22e6);
  assert.deepEqual(cols.times, [0, 5, 10, 15, 20].map((s) => (T0 + s * 1e6) / 1000));
  assert.deepEqual(cols.values.cpu, [10, 12, null, 11, 7.5]);
  assert.deepEqual(cols.values.gpu, [100, 0, null, 90, 0]);
  assert.equal(cols.endMs, (T0 + 22e6) / 1000);
  assert.equal(seriesColumns(points, ['cpu'], 5).endMs, (T0 + 25e6) / 1000);
  assert.deepEqual(runs([1, null, 2, 3, null]), [[0, 0], [2, 3]]);
});

test('axis ticks are round and reach the maximum', () => {
  fc.assert(
    fc.property(fc.double({ min: 1e-6, max: 1e9, noNaN: true }), (max) => {
      const ticks = niceTicks(max);
      assert.equal(ticks[0], 0);
      assert.ok(ticks[ticks.length - 1]! >= max);
      assert.ok(ticks.length <= 12, `${ticks.length} ticks for ${max}`);
    }),
  );
  assert.deepEqual(niceTicks(1180), [0, 250, 500, 750, 1000, 1250]);
  const tt = timeTicks(Date.UTC(2026, 0, 1, 12, 0, 7), Date.UTC(2026, 0, 1, 12, 10, 7));
  assert.deepEqual(tt.map((x) => new Date(x).toISOString().slice(11, 19)), ['12:02:00', '12:04:00', '12:06:00', '12:08:00', '12:10:00']);
});

test('the CSV report starts with `wattprint report --format csv` columns and holds the API numbers unrounded', () => {
  const r: JobReport = { ...jobReport(totals('job/1', { labels: { task: 'sst2', note: 'a, "b"' }, tokens: 2e6 })), carbon: { gco2e: 1.25, gco2eSoftware: 1.1, gco2eWall: 1.25, basis: 'location_lifecycle', zone: 'DE', kwhShareByQuality: { measured: 1 }, provisional: false, sources: [] } };
  const [header, row] = reportCsv(r).trim().split('\n');
  assert.ok(header!.startsWith('job,labels,duration s,kWh software,kWh wall,gCO2e,kWh/1M tokens (wall),estimated,wall basis,energy quality,carbon basis,zone,carbon on,PUE,'));
  assert.ok(header!.startsWith(JOB_COLUMNS.join(',') + ','), 'the CLI\'s job columns first');
  assert.ok(row!.startsWith(`job/1,"task=sst2 note=a, ""b""",60,${3600 / 3.6e6},${3960 / 3.6e6},1.25,${(3960 / 3.6e6) * 1e6 / 2e6},no,`), row);
  assert.ok(row!.endsWith(',location_lifecycle,DE,no'));
});

test('the intensity line: provider periods when the summary has them, else the job mean', () => {
  const base = jobReport(totals('a'));
  assert.equal(intensityLine(base), undefined);
  const c = { gco2e: 0.44, gco2eSoftware: 0.4, gco2eWall: 0.44, basis: 'x', zone: 'DE', kwhShareByQuality: {}, provisional: false, sources: [] };
  const mean = intensityLine({ ...base, carbon: c });
  assert.equal(mean?.kind, 'mean');
  assert.ok(mean?.kind === 'mean' && Math.abs(mean.gco2ePerKwh - 0.44 / (3960 / 3.6e6)) < 1e-9);
  const periods = [{ start: isoUs(T0), end: isoUs(T0 + 300e6), gco2ePerKwh: 400 }, { start: 'bad', end: 'bad', gco2ePerKwh: 1 }];
  const line = intensityLine({ ...base, carbon: { ...c, intensity: periods } as JobReport['carbon'] });
  assert.deepEqual(line, { kind: 'periods', periods: [periods[0]] });
});
