import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProviderChain } from '@wattprint/collector/carbon/chain.ts';
import { FixedProvider } from '@wattprint/collector/carbon/fixed.ts';
import type { IntensityPeriod, IntensityProvider } from '@wattprint/collector/carbon/provider.ts';
import { StaticProvider } from '@wattprint/collector/carbon/static.ts';
import { H, T0, period } from './helpers.ts';

// Chain tests compose real providers with scripted ones standing in for remote APIs.
function scripted(id: string, answer: (s: number, e: number) => IntensityPeriod[] | Error | 'hang'): IntensityProvider & { calls: number } {
  return {
    id,
    basis: 'location_lifecycle',
    calls: 0,
    async periods(_z, s, e) {
      this.calls++;
      const a = answer(s, e);
      if (a === 'hang') return new Promise(() => {});
      if (a instanceof Error) throw a;
      return a;
    },
  };
}
const OLD = T0 + 100 * H; // "now" far after the windows below: gaps are settled

test('a failing provider falls through to the next; the figure is marked as a fallback', async () => {
  const down = scripted('em', () => new Error('HTTP 503'));
  const chain = new ProviderChain([down, new FixedProvider({ gPerKwh: 123, label: 'site factor' })], { final: new StaticProvider(), now: () => OLD });
  const a = await chain.periods('DE', T0, T0 + H);
  assert.deepEqual(a.periods.map((p) => [p.provider, p.gPerKwh]), [['fixed', 123]]);
  assert.deepEqual(a.failures, ['em: HTTP 503']);
  assert.equal(a.fellBack, true);
});

test('a provider that does not answer in time is skipped', async () => {
  const chain = new ProviderChain([scripted('slow', () => 'hang')], { final: new StaticProvider(), timeoutMs: 50, now: () => OLD });
  const a = await chain.periods('FR', T0, T0 + H);
  assert.equal(a.periods[0]!.provider, 'static');
  assert.match(a.failures[0]!, /slow: no answer within 50 ms/);
});

test('gaps are filled stretch by stretch from lower providers; short gaps are interpolated', async () => {
  // Hours 0,1 then 3 (1 h gap: interpolated), then nothing until 8 (gap of 4 h: next provider).
  const em = scripted('em', () => [period(T0, T0 + H, 100, 'measured', 'em'), period(T0 + H, T0 + 2 * H, 200, 'measured', 'em'), period(T0 + 3 * H, T0 + 4 * H, 400, 'measured', 'em'), period(T0 + 8 * H, T0 + 9 * H, 500, 'measured', 'em')]);
  const uk = scripted('uk', (s, e) => (e > T0 + 5 * H && s < T0 + 9 * H ? [period(Math.max(s, T0 + 5 * H), e, 50, 'forecast', 'uk')] : []));
  const chain = new ProviderChain([em, uk], { final: new StaticProvider(), now: () => OLD });
  const a = await chain.periods('GB', T0, T0 + 10 * H);
  const view = a.periods.map((p) => [(p.startUs - T0) / H, (p.endUs - T0) / H, p.provider, p.quality]);
  assert.deepEqual(view, [
    [0, 1, 'em', 'measured'],
    [1, 2, 'em', 'measured'],
    [2, 3, 'em', 'interpolated'],
    [3, 4, 'em', 'measured'],
    [4, 5, 'static', 'static_yearly'],
    [5, 8, 'uk', 'forecast'],
    [8, 9, 'em', 'measured'],
    [9, 10, 'static', 'static_yearly'],
  ]);
  assert.equal(a.periods.find((p) => p.quality === 'interpolated')!.gPerKwh, 300);
  assert.equal(uk.calls, 2, 'asked once per gap');
  assert.equal(a.fellBack, false, 'old gaps with no data are settled, not provisional');
  const recent = await new ProviderChain([em], { final: new StaticProvider(), now: () => T0 + 10 * H }).periods('GB', T0, T0 + 10 * H);
  assert.equal(recent.fellBack, true, 'a recent gap may still be published');
});

test('links limited to zones are skipped elsewhere; without a final provider gaps are reported', async () => {
  const em = scripted('em', () => [period(T0, T0 + H, 1, 'measured', 'em')]);
  const chain = new ProviderChain([{ provider: em, zones: ['FR'] }], { now: () => OLD });
  const a = await chain.periods('DE', T0, T0 + H);
  assert.equal(em.calls, 0);
  assert.deepEqual(a.gaps, [{ startUs: T0, endUs: T0 + H }]);
});
