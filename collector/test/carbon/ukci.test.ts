import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { HttpError } from '@wattprint/collector/carbon/fetch.ts';
import { UkciProvider, ukciTime } from '@wattprint/collector/carbon/ukci.ts';
import { startUkciFake, type UkSlot } from '../../../test/fakes/grid/ukci.ts';
import { H, T0, noSleep, ukTime } from './helpers.ts';

const HH = H / 2;
const slot = (i: number, forecast: number | null, actual?: number | null): UkSlot => ({ from: ukTime(T0 + i * HH), to: ukTime(T0 + (i + 1) * HH), intensity: { forecast, ...(actual !== undefined ? { actual } : {}), index: 'moderate' } });
const national = [slot(-1, 500, 490), slot(0, 200, 210), slot(1, 220, 230), slot(1, 221, 231), slot(2, 240, null), slot(3, null, null), slot(4, 260)];
const fake = await startUkciFake({ national, regions: { 13: [slot(0, 150), slot(1, 160)] } });
after(() => fake.close());
const uk = (zones?: Record<string, 'national' | number>) => new UkciProvider({ baseUrl: fake.url, http: noSleep, ...(zones ? { zones } : {}) });

test('national: the extra leading slot is trimmed, actual preferred, forecast marked, duplicates dropped', async () => {
  fake.requests.length = 0;
  const ps = await uk().periods('GB', T0, T0 + 2.5 * H);
  assert.equal(fake.requests[0]!.path, `/intensity/${ukTime(T0)}/${ukTime(T0 + 2.5 * H)}`);
  assert.deepEqual(
    ps.map((p) => [(p.startUs - T0) / HH, p.gPerKwh, p.quality]),
    [
      [0, 210, 'measured'],
      [1, 231, 'measured'],
      [2, 240, 'forecast'],
      [4, 260, 'forecast'],
    ],
    'slot -1 ends at from (trimmed); slot 1 repeated (last kept); slot 3 has no value (gap)',
  );
  assert.ok(ps.every((p) => p.basis === 'location_direct' && p.endUs - p.startUs === HH && p.dataset.licence.startsWith('CC BY 4.0')));
});

test('regional by region id: forecast only, nested answer', async () => {
  const ps = await uk({ 'GB-LDN': 13 }).periods('GB-LDN', T0, T0 + H);
  assert.equal(fake.requests.at(-1)!.path, `/regional/intensity/${ukTime(T0)}/${ukTime(T0 + H)}/regionid/13`);
  assert.deepEqual(ps.map((p) => [p.gPerKwh, p.quality]), [[150, 'forecast'], [160, 'forecast']]);
});

test('errors come back as HttpError with the API message; bad config names the zone', async () => {
  await assert.rejects(uk({ 'GB-X': 12 }).periods('GB-X', T0, T0 + H), (e: Error) => e instanceof HttpError && e.status === 400 && /Region id 12 is not valid/.test(e.message));
  assert.throws(() => new UkciProvider({ zones: { 'GB-Y': 42 } }), /zones.GB-Y: 42/);
  assert.deepEqual(await uk().periods('FR', T0, T0 + H), [], 'zones it does not serve');
  assert.equal(ukciTime(T0 + 90e6 + 5), '2025-06-01T00:01Z');
});
