import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ElectricityMapsProvider } from '@wattprint/collector/carbon/electricitymaps.ts';
import { HttpError } from '@wattprint/collector/carbon/fetch.ts';
import { startElectricityMapsFake, type EmRow } from '../../../test/fakes/grid/electricitymaps.ts';
import { startFake } from '../../../test/fakes/grid/server.ts';
import { H, T0, iso, noSleep } from './helpers.ts';

const NOW = T0 + 30 * H; // 2025-06-02T06:00Z: T0's day is past-range, the last 24 h is history
const rows: EmRow[] = [];
for (let h = 0; h < 31; h++) rows.push({ datetime: iso(T0 + h * H), carbonIntensity: 300 + h, isEstimated: h >= 28, estimationMethod: h >= 28 ? 'TIME_SLICER_AVERAGE' : null, updatedAt: iso(T0 + h * H + 0.9 * H) });
rows[5] = { ...rows[5]!, carbonIntensity: null }; // a null value is a gap, not a zero
rows.push({ ...rows[7]!, carbonIntensity: 999 }); // a repeated period: the last one wins
const direct: EmRow[] = [{ datetime: iso(T0 + 29 * H), carbonIntensity: 80, isEstimated: false }];

const fake = await startElectricityMapsFake({ token: 'commercial', personalToken: 'personal', rows: { 'DE/lifecycle': rows, 'DE/direct': direct }, nowMs: () => NOW / 1000 });
after(() => fake.close());

const em = (o: Partial<ConstructorParameters<typeof ElectricityMapsProvider>[0]> = {}) => new ElectricityMapsProvider({ token: 'commercial', baseUrl: fake.url, now: () => NOW, http: noSleep, ...o });

test('past-range for older hours: auth-token header, explicit zone, caller lookup off, hourly periods', async () => {
  fake.requests.length = 0;
  const ps = await em().periods('DE', T0, T0 + 10 * H);
  const req = fake.requests[0]!;
  assert.equal(req.path, '/v3/carbon-intensity/past-range');
  assert.equal(req.headers['auth-token'], 'commercial');
  assert.equal(req.query.get('zone'), 'DE');
  assert.equal(req.query.get('shouldUseFallbackCallerLookup'), 'false');
  assert.equal(req.query.get('emissionFactorType'), 'lifecycle');
  assert.deepEqual(ps.map((p) => (p.startUs - T0) / H), [0, 1, 2, 3, 4, 6, 7, 8, 9], 'hour 5 was null: left as a gap');
  assert.equal(ps.find((p) => p.startUs === T0 + 7 * H)?.gPerKwh, 999, 'duplicate period: last wins');
  assert.ok(ps.every((p) => p.endUs - p.startUs === H && p.quality === 'measured' && p.basis === 'location_lifecycle'));
  assert.equal(ps[0]!.updatedAtUs, T0 + 0.9 * H);
});

test('recent hours come from history (v3 {history}, v4 {data}); isEstimated rows are "estimated"', async () => {
  for (const version of ['v3', 'v4'] as const) {
    fake.requests.length = 0;
    const ps = await em({ version }).periods('DE', T0 + 27 * H, T0 + 30 * H);
    assert.equal(fake.requests[0]!.path, `/${version}/carbon-intensity/history`);
    if (version === 'v4') assert.equal(fake.requests[0]!.query.get('disableCallerLookup'), 'true');
    assert.deepEqual(ps.map((p) => [(p.startUs - T0) / H, p.quality]), [[27, 'measured'], [28, 'estimated'], [29, 'estimated']]);
    assert.equal(ps[1]!.estimationMethod, 'TIME_SLICER_AVERAGE');
  }
});

test('the current hour comes from latest when history stops short', async () => {
  fake.requests.length = 0;
  const ps = await em().periods('DE', T0 + 29 * H, T0 + 31 * H);
  assert.deepEqual(fake.requests.map((r) => r.path), ['/v3/carbon-intensity/history', '/v3/carbon-intensity/latest']);
  assert.deepEqual(ps.map((p) => (p.startUs - T0) / H), [29, 30]);
});

test('a personal token (401 on past-range) still gets the last 24 h from history', async () => {
  const ps = await em({ token: 'personal' }).periods('DE', T0 + 4 * H, T0 + 30 * H);
  assert.ok(ps.length > 0 && ps.every((p) => p.startUs >= NOW - 24 * H), 'only history rows');
  await assert.rejects(em({ token: 'personal' }).periods('DE', T0, T0 + 3 * H), (e: Error) => e instanceof HttpError && e.status === 401);
});

test('a wrong token is a 401 HttpError; the token is never echoed', async () => {
  await assert.rejects(em({ token: 'wrong-secret' }).periods('DE', T0, T0 + H), (e: Error) => e instanceof HttpError && e.status === 401 && !e.message.includes('wrong-secret'));
});

test('direct emission factors: basis location_direct', async () => {
  const ps = await em({ emissionFactorType: 'direct' }).periods('DE', T0 + 29 * H, T0 + 30 * H);
  assert.deepEqual(ps.map((p) => [p.gPerKwh, p.basis, p.quality]), [[80, 'location_direct', 'measured']]);
});

test('zones outside its list get no data (the chain moves on)', async () => {
  fake.requests.length = 0;
  assert.deepEqual(await em({ zones: ['FR'] }).periods('DE', T0, T0 + H), []);
  assert.equal(fake.requests.length, 0);
});

test('an answer for another zone (caller-IP fallback) is refused', async () => {
  const ipFallback = await startFake(() => ({ status: 200, body: { zone: 'XX', history: [{ zone: 'XX', datetime: iso(NOW - H), carbonIntensity: 12, isEstimated: false }] } }));
  try {
    await assert.rejects(em({ baseUrl: ipFallback.url }).periods('DE', NOW - 2 * H, NOW), /asked for zone DE, answered for "XX"/);
  } finally {
    await ipFallback.close();
  }
});
