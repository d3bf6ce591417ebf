import assert from 'node:assert/strict';
import { test } from 'node:test';
import { carbonForInterval, carbonKey, type IntervalEnergy } from '@wattprint/collector/carbon/compute.ts';
import { mergePeriods, restate } from '@wattprint/collector/carbon/restate.ts';
import { H, T0, period } from './helpers.ts';

const e: IntervalEnergy = { host: 'h', seq: 3, startUs: T0 + 0.5 * H, endUs: T0 + 1.5 * H, zone: 'GB', zoneSource: 'config', pue: 1, hostKwhSoftware: 2, hostKwhWall: undefined, jobs: [{ jobId: 'j', kwhSoftware: 2, kwhWall: 2 }] };
const forecast = [period(T0, T0 + H, 200, 'forecast', 'ukci', 'GB'), period(T0 + H, T0 + 2 * H, 300, 'forecast', 'ukci', 'GB')];
const actual = [period(T0, T0 + H, 180, 'measured', 'ukci', 'GB'), period(T0 + H, T0 + 2 * H, 330, 'measured', 'ukci', 'GB')];
const opts = { nowUs: T0 + 5 * H, windowUs: 72 * H };

test('a provisional figure is recomputed when final data arrives, under the same key', () => {
  const before = carbonForInterval(e, forecast);
  assert.equal(before.provisional, true);
  assert.equal(before.jobs[0]!.gco2e, 200 + 300);
  const [after, ...rest] = restate([before], [{ zone: 'GB', periods: actual, fellBack: false }], opts);
  assert.equal(rest.length, 0);
  assert.equal(after!.jobs[0]!.gco2e, 180 + 330);
  assert.deepEqual(after!.jobs[0]!.kwhByQuality, { measured: 2 });
  assert.equal(after!.provisional, false);
  assert.equal(carbonKey(after!), carbonKey(before));
  // Idempotent: once final, nothing more to do; and the same data twice gives the same rows.
  assert.deepEqual(restate([after!], [{ zone: 'GB', periods: actual, fellBack: false }], opts), []);
  assert.deepEqual(restate([before], [{ zone: 'GB', periods: actual, fellBack: false }], opts), [after]);
});

test('outside the window, final, or other zones: left alone', () => {
  const before = carbonForInterval(e, forecast);
  assert.deepEqual(restate([before], [{ zone: 'GB', periods: actual, fellBack: false }], { nowUs: T0 + 100 * H, windowUs: 72 * H }), []);
  assert.deepEqual(restate([before], [{ zone: 'FR', periods: actual, fellBack: false }], opts), []);
});

test('an outage during restatement (fresh = static) never downgrades a figure; partial data restates part', () => {
  const before = carbonForInterval(e, forecast);
  const staticOnly = [period(T0 - 24 * H, T0 + 48 * H, 215, 'static_yearly', 'static', 'GB')];
  assert.deepEqual(restate([before], [{ zone: 'GB', periods: staticOnly, fellBack: true }], opts), []);
  const merged = mergePeriods(forecast, [actual[1]!], e.startUs, e.endUs);
  assert.deepEqual(merged.map((p) => [p.gPerKwh, p.quality]), [[200, 'forecast'], [330, 'measured']]);
  const [half] = restate([before], [{ zone: 'GB', periods: [actual[1]!], fellBack: false }], opts);
  assert.equal(half!.jobs[0]!.gco2e, 200 + 330);
  assert.equal(half!.provisional, true, 'the first half is still a forecast');
});

test('a fallback figure (provider was down) is replaced by the provider data once it answers', () => {
  const down = carbonForInterval(e, [period(T0 - H, T0 + 3 * H, 215, 'static_yearly', 'static', 'GB')], { fellBack: true });
  assert.equal(down.provisional, true);
  const [fixed] = restate([down], [{ zone: 'GB', periods: actual, fellBack: false }], opts);
  assert.equal(fixed!.jobs[0]!.gco2e, 180 + 330);
  assert.equal(fixed!.provisional, false);
});
