import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  carbonFigure,
  carbonForInterval,
  coverageGaps,
  CoverageError,
  fillShortGaps,
  gPerKwhFromLbsPerMwh,
  gramsCo2e,
  kwhFromJoules,
  splitEnergy,
  type IntervalEnergy,
} from '@wattprint/collector/carbon/compute.ts';
import { H, T0, period } from './helpers.ts';

test('the study: 0.938 kWh at the EPA Pittsburgh factor (1,046.1 lb CO2/MWh) is 0.445 kg CO2', () => {
  const g = gramsCo2e(0.938, 1, gPerKwhFromLbsPerMwh(1046.1));
  assert.equal(Math.round(g) / 1000, 0.445);
  assert.ok(Math.abs(gPerKwhFromLbsPerMwh(1046.1) - 474.5) < 0.01, 'about 0.4745 kg/kWh');
  // Same figure through the time-aligned path with one fixed period.
  const fig = carbonFigure(T0, T0 + 6700e6, 0.938, 1, [period(T0 - H, T0 + 3 * H, gPerKwhFromLbsPerMwh(1046.1), 'static_yearly')]);
  assert.equal(fig.gco2e, g);
});

test('an interval across an hour boundary is split in proportion to time', () => {
  // 10:45 to 11:15, 2 kWh: half at 100 g/kWh, half at 300 g/kWh.
  const s = T0 + 10 * H + 0.75 * H;
  const segs = splitEnergy(s, s + 0.5 * H, 2, [period(T0 + 10 * H, T0 + 11 * H, 100), period(T0 + 11 * H, T0 + 12 * H, 300)]);
  assert.deepEqual(segs.map((x) => [x.kwh, x.period.gPerKwh]), [[1, 100], [1, 300]]);
  const fig = carbonFigure(s, s + 0.5 * H, 2, 1.2, [period(T0 + 10 * H, T0 + 11 * H, 100), period(T0 + 11 * H, T0 + 12 * H, 300)]);
  assert.equal(fig.gco2e, 1 * 1.2 * 100 + 1 * 1.2 * 300);
  assert.deepEqual(fig.kwhByQuality, { measured: 2 });
});

test('split pieces add up to the energy (to rounding), for any cut points', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 10_000_000 }), { minLength: 1, maxLength: 8 }), fc.double({ min: 0, max: 1e4, noNaN: true }), (lengths, kwh) => {
      const ps = [];
      let at = T0;
      for (const [i, l] of lengths.entries()) {
        ps.push(period(at, at + l, 50 + i, i % 2 ? 'estimated' : 'measured'));
        at += l;
      }
      const segs = splitEnergy(T0, at, kwh, ps);
      const close = (a: number) => Math.abs(a - kwh) <= 1e-12 * kwh + 1e-300; // subnormal kWh round to zero
      assert.ok(close(segs.reduce((a, x) => a + x.kwh, 0)));
      assert.ok(segs.every((x) => x.kwh >= 0));
      const fig = carbonFigure(T0, at, kwh, 1, ps);
      assert.ok(close((fig.kwhByQuality.measured ?? 0) + (fig.kwhByQuality.estimated ?? 0)));
    }),
    { numRuns: 500 },
  );
});

test('uncovered time is an error that names the gap, never silently dropped energy', () => {
  assert.throws(() => splitEnergy(T0, T0 + 2 * H, 1, [period(T0, T0 + H, 100)]), (e: Error) => e instanceof CoverageError && e.message.includes(`[${T0 + H}, ${T0 + 2 * H})`));
  assert.throws(() => splitEnergy(T0, T0, 1, [period(T0, T0 + H, 100)]), RangeError);
  assert.deepEqual(coverageGaps([period(T0 + H, T0 + 2 * H, 1)], T0, T0 + 3 * H), [
    { startUs: T0, endUs: T0 + H },
    { startUs: T0 + 2 * H, endUs: T0 + 3 * H },
  ]);
});

test('short gaps between two periods of one provider are interpolated; long gaps stay open', () => {
  const filled = fillShortGaps([period(T0, T0 + H, 100), period(T0 + 2 * H, T0 + 3 * H, 200), period(T0 + 6 * H, T0 + 7 * H, 400)], 2 * H);
  const mid = filled.find((p) => p.quality === 'interpolated');
  assert.deepEqual([mid?.startUs, mid?.endUs, mid?.gPerKwh], [T0 + H, T0 + 2 * H, 150]);
  assert.equal(filled.length, 4, 'the 3 h gap is left for the next provider');
  // Neighbours from different providers are not blended.
  assert.equal(fillShortGaps([period(T0, T0 + H, 100, 'measured', 'a'), period(T0 + 2 * H, T0 + 3 * H, 200, 'measured', 'b')], 2 * H).length, 2);
});

test('per job: wall-inclusive where the host has a wall meter, software otherwise; both reported', () => {
  const ps = [period(T0, T0 + H, 400, 'estimated'), period(T0 + H, T0 + 2 * H, 200, 'measured')];
  const e: IntervalEnergy = {
    host: 'h1', seq: 7, startUs: T0 + 0.5 * H, endUs: T0 + 1.5 * H, zone: 'DE', zoneSource: 'config', pue: 1.5,
    hostKwhSoftware: 3, hostKwhWall: 3.3,
    jobs: [{ jobId: 'j', kwhSoftware: 2, kwhWall: 2.2 }],
  };
  const r = carbonForInterval(e, ps);
  const job = r.jobs[0]!;
  assert.equal(job.energyBasis, 'wall');
  assert.equal(job.gco2eSoftware, 1 * 1.5 * 400 + 1 * 1.5 * 200);
  assert.ok(Math.abs(job.gco2eWall - (1.1 * 1.5 * 400 + 1.1 * 1.5 * 200)) < 1e-9);
  assert.equal(job.gco2e, job.gco2eWall);
  assert.deepEqual(job.kwhByQuality, { estimated: 1.1, measured: 2.2 - 1.1 });
  assert.equal(r.provisional, true, 'half rests on an estimate');
  assert.deepEqual(r.periods.map((p) => [p.startUs, p.endUs]), [[T0 + 0.5 * H, T0 + H], [T0 + H, T0 + 1.5 * H]], 'periods cut to the interval');

  const noWall = carbonForInterval({ ...e, hostKwhWall: undefined, jobs: [{ jobId: 'j', kwhSoftware: 2, kwhWall: 2 }] }, ps);
  assert.equal(noWall.jobs[0]!.energyBasis, 'software');
  assert.equal(noWall.jobs[0]!.gco2e, noWall.jobs[0]!.gco2eSoftware);
  assert.equal(noWall.totals.gco2eWall, undefined);
  assert.equal(kwhFromJoules(3_600_000), 1);
});

test('marginal intensity is reported apart and never changes the accounting figure', () => {
  const e: IntervalEnergy = { host: 'h', seq: 1, startUs: T0, endUs: T0 + H, zone: 'US-CAL-CISO', zoneSource: 'config', pue: 1, hostKwhSoftware: 1, hostKwhWall: undefined, jobs: [{ jobId: 'j', kwhSoftware: 1, kwhWall: 1 }] };
  const avg = [period(T0, T0 + H, 250)];
  const without = carbonForInterval(e, avg);
  const withM = carbonForInterval(e, avg, { marginal: [period(T0, T0 + H, 400, 'measured', 'watttime')] });
  assert.equal(withM.jobs[0]!.gco2e, without.jobs[0]!.gco2e);
  assert.equal(withM.jobs[0]!.gco2eMarginal, 400);
  assert.equal(withM.totals.gco2e, 250);
  // Partial marginal coverage gives no marginal figure rather than a wrong one.
  const partial = carbonForInterval(e, avg, { marginal: [period(T0, T0 + H / 2, 400, 'measured', 'watttime')] });
  assert.equal(partial.jobs[0]!.gco2eMarginal, undefined);
});
