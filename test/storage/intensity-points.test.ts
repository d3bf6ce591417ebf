// Grid intensity periods as InfluxDB points: a static yearly period becomes one
// point per UTC hour it was used in (so it lives in the raw policy and inside
// dashboard windows); provider periods of an hour or less stay one point.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { intensityPoints } from '@wattprint/collector/storage/influx-schema.ts';
import type { GridIntensity } from '@wattprint/collector/storage/sink.ts';

const H = 3_600_000_000;
const YEAR_START = Date.UTC(2026, 0, 1) * 1000;
const yearly: GridIntensity = { zone: 'DE', provider: 'static', basis: 'location_lifecycle', quality: 'static_yearly', startUs: YEAR_START, endUs: Date.UTC(2027, 0, 1) * 1000, gco2ePerKwh: 381, dataset: 'ember-2024' };

test('a yearly period: one point per UTC hour of the intervals it priced, same tags and fields', () => {
  const t = YEAR_START + 300 * H; // some hour in the year
  const points = intensityPoints(yearly, [t + 10, t + 20_000_000, t + H + 5, t + H + 6, YEAR_START - 1]);
  assert.deepEqual(points.map((p) => p.timestamp), [t, t + H]);
  for (const p of points) {
    assert.deepEqual(p.tags, { zone: 'DE', source: 'static', basis: 'location_lifecycle' });
    assert.equal(p.fields!.gco2e_per_kwh, 381);
    assert.equal(p.fields!.end_us, yearly.endUs, 'the period it belongs to stays readable');
  }
});

test('an hourly provider period, or a long one with no interval, stays one point at its start', () => {
  const hourly = { ...yearly, provider: 'electricitymaps', quality: 'measured', startUs: YEAR_START + 5 * H, endUs: YEAR_START + 6 * H };
  assert.deepEqual(intensityPoints(hourly, [YEAR_START + 5 * H + 1, YEAR_START + 5 * H + 2]).map((p) => p.timestamp), [YEAR_START + 5 * H]);
  assert.deepEqual(intensityPoints(yearly, []).map((p) => p.timestamp), [YEAR_START]);
});
