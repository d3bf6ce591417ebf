import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ProviderChain } from '@wattprint/collector/carbon/chain.ts';
import { StaticProvider } from '@wattprint/collector/carbon/static.ts';
import { WattTimeProvider } from '@wattprint/collector/carbon/watttime.ts';
import { startWattTimeFake, type WtPoint } from '../../../test/fakes/grid/watttime.ts';
import { H, T0, iso, noSleep } from './helpers.ts';

const M5 = 300_000_000;
let nowUs = T0 + 2 * H;
const hist: WtPoint[] = [];
for (let i = 0; i < 24; i++) hist.push({ point_time: iso(T0 + i * M5).replace('Z', '+00:00'), value: 1000 + i, imputed_data_used: i === 3, last_updated: iso(T0 + i * M5 + 60e6) });
hist[5] = { ...hist[5]!, value: null };
const fc: WtPoint[] = [0, 1, 2].map((i) => ({ point_time: iso(T0 + 2 * H + i * M5), value: 800 }));

const fake = await startWattTimeFake({ username: 'ann', password: 's3cret', historical: { CAISO_NORTH: hist }, forecast: { CAISO_NORTH: fc }, nowMs: () => nowUs / 1000 });
after(() => fake.close());
const wt = (o: Partial<ConstructorParameters<typeof WattTimeProvider>[0]> = {}) =>
  new WattTimeProvider({ username: 'ann', password: 's3cret', regions: { 'US-CAL-CISO': 'CAISO_NORTH' }, baseUrl: fake.url, now: () => nowUs, http: noSleep, ...o });

test('historical MOER: Basic login, bearer token, lbs/MWh converted to g/kWh, marginal basis', async () => {
  fake.requests.length = 0;
  const p = wt();
  const ps = await p.periods('US-CAL-CISO', T0, T0 + H);
  assert.equal(fake.requests[0]!.path, '/login');
  assert.equal(fake.requests[0]!.headers.authorization, 'Basic ' + Buffer.from('ann:s3cret').toString('base64'));
  assert.match(fake.requests[1]!.headers.authorization ?? '', /^Bearer tok-/);
  assert.equal(fake.requests[1]!.query.get('signal_type'), 'co2_moer');
  assert.equal(ps.length, 11, '12 five-minute points in the hour, one null');
  assert.equal(ps[0]!.gPerKwh, 1000 * 0.45359237);
  assert.ok(ps.every((x) => x.basis === 'marginal' && x.endUs - x.startUs === M5));
  assert.equal(ps.find((x) => x.startUs === T0 + 3 * M5)?.quality, 'estimated', 'imputed data');
  assert.equal(ps[0]!.quality, 'measured');
});

test('the token is renewed on a 401 and after its lifetime; one login serves concurrent callers', async () => {
  const p = wt();
  await Promise.all([p.periods('US-CAL-CISO', T0, T0 + H), p.periods('US-CAL-CISO', T0, T0 + H)]);
  assert.equal(p.logins, 1);
  fake.revokeTokens();
  await p.periods('US-CAL-CISO', T0, T0 + H);
  assert.equal(p.logins, 2, 're-login after 401');
  nowUs += 26 * 60e6;
  await p.periods('US-CAL-CISO', T0, T0 + H);
  assert.equal(p.logins, 3, 're-login before the 30 min expiry');
  nowUs = T0 + 2 * H;
});

test('bad credentials fail clearly', async () => {
  await assert.rejects(wt({ password: 'nope' }).periods('US-CAL-CISO', T0, T0 + H), /HTTP 401/);
});

test('beyond the last historical point the forecast fills in, marked "forecast"', async () => {
  const ps = await wt().periods('US-CAL-CISO', T0 + 1.5 * H, T0 + 2 * H + 2 * M5);
  const f = ps.filter((x) => x.quality === 'forecast');
  assert.deepEqual(f.map((x) => (x.startUs - T0 - 2 * H) / M5), [0, 1]);
  assert.equal(f[0]!.gPerKwh, 800 * 0.45359237);
});

test('zones without a WattTime region get no data; marginal cannot join an average chain', async () => {
  assert.deepEqual(await wt().periods('DE', T0, T0 + H), []);
  assert.throws(() => new ProviderChain([wt()], { final: new StaticProvider() }), /marginal.*cannot join a average chain/);
});
