import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { AttributionResult, JobInterval } from '@wattprint/collector/attribution/types.ts';
import { buildCarbonStage } from '@wattprint/collector/carbon/config.ts';
import { carbonKey } from '@wattprint/collector/carbon/stage.ts';
import { startElectricityMapsFake, type EmRow } from '../../../test/fakes/grid/electricitymaps.ts';
import { startUkciFake, type UkSlot } from '../../../test/fakes/grid/ukci.ts';
import { startWattTimeFake } from '../../../test/fakes/grid/watttime.ts';
import { H, T0, iso, ukTime } from './helpers.ts';

let nowUs = T0 + 2 * H;
const emRows: EmRow[] = [0, 1].map((h) => ({ datetime: iso(T0 + h * H), carbonIntensity: 300 + 100 * h, isEstimated: h === 1 }));
const em = await startElectricityMapsFake({ token: 't', rows: { 'DE/lifecycle': emRows }, nowMs: () => nowUs / 1000 });
const ukSlots: UkSlot[] = [0, 1, 2, 3].map((i) => ({ from: ukTime(T0 + (i * H) / 2), to: ukTime(T0 + ((i + 1) * H) / 2), intensity: { forecast: 100 + i, actual: null } }));
const uk = await startUkciFake({ national: ukSlots });
const wt = await startWattTimeFake({ username: 'u', password: 'p', historical: { CAISO_NORTH: [] }, forecast: { CAISO_NORTH: [] }, nowMs: () => nowUs / 1000 });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wattprint-stage-'));
after(async () => {
  await Promise.all([em.close(), uk.close(), wt.close()]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

const J = 3_600_000; // joules per kWh
function job(jobId: string, softwareKwh: number, wallKwh: number): JobInterval {
  return { jobId, softwareJoules: softwareKwh * J, wallJoules: wallKwh * J, dynamicJoules: softwareKwh * J, idleJoules: 0, byComponent: { cpu: 0, dram: 0, gpu: softwareKwh * J, other: (wallKwh - softwareKwh) * J }, estimated: false, cpuSeconds: 1, tokens: 0, examples: 0, steps: 0, labels: {}, flags: [] };
}
function result(seq: number, startUs: number, endUs: number, jobs: JobInterval[], hostSoftwareKwh: number, hostWallKwh?: number): AttributionResult {
  return { host: 'gpu-1', seq, startUs, endUs, measured: [], jobShares: [], processShares: [], unattributed: [], jobs, hostSoftwareJoules: hostSoftwareKwh * J, hostWallJoules: hostWallKwh === undefined ? undefined : hostWallKwh * J, flags: [] };
}

const stage = buildCarbonStage(
  {
    defaultZone: 'DE',
    cacheDir: tmp,
    timeoutMs: 2000,
    providers: [
      { type: 'electricitymaps', token: 't', baseUrl: em.url, zones: ['DE'] },
      { type: 'ukci', baseUrl: uk.url },
    ],
    marginal: [{ type: 'watttime', username: 'u', password: 'p', baseUrl: wt.url, regions: { 'US-CAL-CISO': 'CAISO_NORTH' } }],
  },
  { now: () => nowUs, log: () => {} },
);

test('per interval and job: time-aligned intensity, wall and software figures, quality shares', async () => {
  // 00:30 to 01:30 straddles two Electricity Maps hours (300 measured, 400 estimated).
  const r = result(1, T0 + 0.5 * H, T0 + 1.5 * H, [job('ft-mnli', 1, 1.1)], 1.5, 1.65);
  const [c] = await stage.compute([r], { gridZone: 'DE', gridZoneSource: 'config', pue: 1.2 });
  assert.ok(c);
  assert.equal(c.zone, 'DE');
  assert.equal(c.pue, 1.2);
  assert.deepEqual(c.periods.map((p) => [p.provider, p.gPerKwh, p.quality]), [['electricitymaps', 300, 'measured'], ['electricitymaps', 400, 'estimated']]);
  const j = c.jobs[0]!;
  assert.ok(Math.abs(j.gco2eSoftware - (0.5 * 1.2 * 300 + 0.5 * 1.2 * 400)) < 1e-9);
  assert.ok(Math.abs(j.gco2eWall - (0.55 * 1.2 * 300 + 0.55 * 1.2 * 400)) < 1e-9);
  assert.equal(j.energyBasis, 'wall');
  assert.equal(j.gco2e, j.gco2eWall);
  assert.ok(Math.abs(j.kwhByQuality.measured! - 0.55) < 1e-12 && Math.abs(j.kwhByQuality.estimated! - 0.55) < 1e-12);
  assert.equal(c.provisional, true, 'an estimated hour');
  assert.ok(Math.abs(c.totals.gco2e - (0.825 * 1.2 * 300 + 0.825 * 1.2 * 400)) < 1e-9);
  assert.equal(carbonKey(c), `gpu-1|${T0 + 0.5 * H}`);
});

test('a GB host uses the UK API (forecast, provisional); an unknown zone ends at the static dataset', async () => {
  const [gb] = await stage.compute([result(2, T0, T0 + H / 2, [job('j', 1, 1)], 1)], { gridZone: 'GB' });
  assert.deepEqual(gb!.periods.map((p) => [p.provider, p.gPerKwh, p.quality, p.basis]), [['ukci', 100, 'forecast', 'location_direct']]);
  assert.equal(gb!.jobs[0]!.energyBasis, 'software', 'no wall meter on this host');
  const [se] = await stage.compute([result(3, T0, T0 + H, [job('j', 1, 1)], 1)], { gridZone: 'SE-SE3' });
  assert.equal(se!.periods[0]!.provider, 'static');
  assert.match(se!.periods[0]!.dataset.name, /Electricity Maps yearly zone average SE-SE3 2025/);
  assert.equal(se!.periods[0]!.dataset.licence, 'ODbL 1.0 (Electricity Maps, republished by CO2.js)');
});

test('zone and PUE from the cloud region when the agent has none; bad values are noted, not fatal', async () => {
  const [c] = await stage.compute([result(4, T0, T0 + H, [], 1)], { cloudProvider: 'aws', cloudRegion: 'ap-east-1', pue: 0 });
  assert.equal(c!.zone, 'aws:ap-east-1');
  assert.equal(c!.zoneSource, 'cloud');
  assert.equal(c!.pue, 1.135, "AWS's average PUE from Cloud Carbon Footprint");
  assert.equal(c!.periods[0]!.gPerKwh, 710);
  const before = stage.counters.badInventory;
  const [bad] = await stage.compute([result(5, T0, T0 + H, [], 1)], { gridZone: 'DE; drop table', pue: 12 });
  assert.equal(bad!.zone, 'DE', "the collector's default");
  assert.equal(bad!.pue, 1);
  assert.match(bad!.problems.join('\n'), /grid_zone "DE; drop table" is not a zone key/);
  assert.match(bad!.problems.join('\n'), /pue 12 is outside \[1, 5\]/);
  assert.equal(stage.counters.badInventory, before + 1);
});

test('a provider outage never blocks: static stands in, provisional; restated when the provider is back', async () => {
  nowUs = T0 + 4 * H;
  em.faults.push({ status: 503 }, { status: 503 }, { status: 503 });
  const r = result(6, T0 + 3 * H, T0 + 3.5 * H, [job('j', 1, 1)], 1);
  const [c] = await stage.compute([r], { gridZone: 'DE' });
  assert.equal(c!.periods[0]!.provider, 'static');
  assert.equal(c!.provisional, true, 'the refresh failed: the hour may still be published');
  // Later the hour is published; restatement replaces the figure under the same key.
  emRows.push({ datetime: iso(T0 + 3 * H), carbonIntensity: 250, isEstimated: false });
  nowUs = T0 + 4 * H + 20 * 60e6; // past the cache's reuse time and the backoff
  const [fixed] = await stage.restate([c!]);
  assert.equal(fixed!.periods[0]!.provider, 'electricitymaps');
  assert.equal(fixed!.jobs[0]!.gco2e, 250);
  assert.equal(fixed!.provisional, false);
  assert.equal(carbonKey(fixed!), carbonKey(c!));
  assert.deepEqual(await stage.restate([fixed!]), [], 'idempotent');
});

test('config errors name the key', () => {
  assert.throws(() => buildCarbonStage({ providers: [{ type: 'electricitymaps' }] }), /carbon config.providers\[0\]: "token" must be a non-empty string/);
  assert.throws(() => buildCarbonStage({ providers: [{ type: 'nope' }] }), /providers\[0\]: unknown provider type "nope"/);
  assert.throws(() => buildCarbonStage({ defaultPue: 0.5 }), /"defaultPue" must be a number in \[1, 5\]/);
  assert.throws(() => buildCarbonStage({ zone: 'DE' }), /unknown key "zone"/);
});

test('PUE: the agent sends none, so the carbon config decides (host, zone, cloud, default); fixed factors in lb/MWh and kg/kWh', async () => {
  const fixedStage = (extra: Record<string, unknown>, factor: Record<string, unknown> = { lbPerMwh: 1046.1 }) =>
    buildCarbonStage({ defaultZone: 'US-PIT', offline: true, cacheDir: tmp, providers: [{ type: 'fixed', label: 'EPA eGRID, Pittsburgh PA', zones: ['US-PIT'], ...factor }], ...extra }, { now: () => nowUs, log: () => {} });
  const one = async (s: ReturnType<typeof fixedStage>, inv: Record<string, unknown>) => (await s.compute([result(9, T0, T0 + H, [job('j', 1, 1.059)], 1, 1.059)], inv as never))[0]!;
  const g = 1046.1 * 0.45359237;
  // An agent without "pue" in its config now sends 0: the collector's defaultPue applies.
  const d = await one(fixedStage({ defaultPue: 1.25 }), { pue: 0 });
  assert.equal(d.pue, 1.25);
  assert.ok(Math.abs(d.jobs[0]!.gco2eWall - 1.059 * 1.25 * g) < 1e-9, `gCO2e wall ${d.jobs[0]!.gco2eWall}`);
  assert.equal((await one(fixedStage({ defaultPue: 1.25, pueByZone: { 'US-PIT': 1.4 } }), { pue: 0 })).pue, 1.4, 'per zone before the default');
  assert.equal((await one(fixedStage({ defaultPue: 1.25, pueByZone: { 'US-PIT': 1.4 }, pueByHost: { 'gpu-1': 1.1 } }), { pue: 0 })).pue, 1.1, 'per host before the zone');
  assert.equal((await one(fixedStage({ defaultPue: 1.25 }), { pue: 1.6 })).pue, 1.6, "an agent's own PUE wins");
  const kg = await one(fixedStage({}, { kgPerKwh: 0.4745 }), { pue: 0 });
  assert.ok(Math.abs(kg.jobs[0]!.gco2eSoftware - 474.5) < 1e-9);
  assert.throws(() => fixedStage({}, { lbPerMwh: 1046.1, gPerKwh: 474.5 }), /exactly one of "gPerKwh", "kgPerKwh", "lbPerMwh"/);
  assert.throws(() => fixedStage({ pueByZone: { 'US-PIT': 0.9 } }), /pueByZone: "US-PIT" must be a number in \[1, 5\]/);
});
