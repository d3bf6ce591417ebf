import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseSecret } from '@wattprint/agent/sources/meters/io.ts';
import { integrateInterval, registerDelta, trapezoidJoules } from '@wattprint/agent/sources/meters/meter.ts';
import { checkReading } from '@wattprint/agent/sources/meters/meter-source.ts';

describe('register deltas', () => {
  test('decimal kWh registers difference exactly to the millijoule', () => {
    assert.deepEqual(registerDelta(12.345 * 3.6e6, 12.346 * 3.6e6), { joules: 3600, outcome: 'ok' });
    assert.deepEqual(registerDelta(undefined, 5), { joules: 0, outcome: 'baseline' });
  });

  test('a register that went back is a reset unless a plausible wrap explains it', () => {
    assert.deepEqual(registerDelta(1000, 10), { joules: 10, outcome: 'reset' });
    assert.deepEqual(registerDelta(990, 10, 1000, 100), { joules: 20, outcome: 'wrap' });
    assert.deepEqual(registerDelta(100, 10, 1000, 100), { joules: 10, outcome: 'reset' }, 'a 910 J wrap in a 100 J budget is a reset');
  });

  test('successive deltas of a monotonic register sum to its total change (no loss, no double count)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5_000_000 }), { minLength: 1, maxLength: 50 }), fc.integer({ min: 0, max: 1e9 }), (steps, start) => {
        // Registers in Wh with three decimals, as plugs report them.
        let mwh = start;
        let prev = (mwh / 1000) * 3600;
        let sum = 0;
        for (const s of steps) {
          mwh += s;
          const cur = (mwh / 1000) * 3600;
          sum += registerDelta(prev, cur).joules;
          prev = cur;
        }
        assert.ok(Math.abs(sum - ((mwh - start) / 1000) * 3600) < 1e-6);
      }),
    );
  });
});

describe('power integration', () => {
  test('trapezoid between two samples', () => {
    assert.equal(trapezoidJoules(100, 300, 2), 400);
    assert.equal(trapezoidJoules(100, 300, 0), 0);
  });

  test('contiguous intervals integrate the whole polyline; after a gap only this interval counts', () => {
    const us = (s: number) => s * 1e6;
    assert.equal(integrateInterval({ atUs: us(0), watts: 100 }, { atUs: us(1), watts: 200 }, us(0)), 150);
    // Samples at 0 s (100 W) and 4 s (500 W), interval [3, 4): power at 3 s is 400 W.
    assert.equal(integrateInterval({ atUs: us(0), watts: 100 }, { atUs: us(4), watts: 500 }, us(3)), 450);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 5000, noNaN: true }), { minLength: 2, maxLength: 30 }), (watts) => {
        let sum = 0;
        for (let i = 1; i < watts.length; i++) sum += integrateInterval({ atUs: us(i - 1), watts: watts[i - 1]! }, { atUs: us(i), watts: watts[i]! }, us(i - 1));
        const expected = watts.slice(1).reduce((a, w, i) => a + (w + watts[i]!) / 2, 0);
        assert.ok(Math.abs(sum - expected) <= 1e-9 * Math.max(1, expected));
      }),
    );
  });
});

describe('reading checks and secrets', () => {
  test('a reading needs a finite register or power >= 0', () => {
    assert.throws(() => checkReading({}), /neither an energy register nor a power reading/);
    assert.throws(() => checkReading({ watts: -1 }), /power -1 W is not a finite number >= 0/);
    assert.throws(() => checkReading({ energyJoules: Number.NaN }), /energy register NaN J/);
    assert.deepEqual(checkReading({ watts: 5, meterTimeMs: Number.NaN }), { watts: 5 });
  });

  test('secret files: KEY=value (quoted, exported) or the secret alone', () => {
    assert.equal(parseSecret('# bmc\nexport IPMI_PASSWORD="a b=c"\n', 'IPMI_PASSWORD'), 'a b=c');
    assert.equal(parseSecret('hunter2\n', 'IPMI_PASSWORD'), 'hunter2');
    assert.equal(parseSecret('OTHER=1\n', 'IPMI_PASSWORD'), undefined);
  });
});

test('an energy register persisted on this boot: a restarted meter source counts the downtime, flagged gap_recovered', async () => {
  const { MeterSource } = await import('@wattprint/agent/sources/meters/meter-source.ts');
  const { Source } = await import('@wattprint/proto');
  let register = 1000;
  const meter = { kind: 'command' as const, name: 'pdu-7', source: Source.SOURCE_COMMAND, target: 'test', read: async () => ({ energyJoules: register, watts: 300 }) };
  const before = new MeterSource(meter);
  await before.read({ startUs: 0, endUs: 1e6, cpuBusySeconds: 0, cpuIdleSeconds: 0, cpuCount: 1 });
  const saved = before.counterPositions();
  assert.deepEqual(saved, { register: { value: '1000', atUs: 1e6 } });
  register = 4000; // 3 kJ while the agent was down
  const after = new MeterSource(meter);
  after.restoreCounterPositions(saved);
  const r = await after.read({ startUs: 10e6, endUs: 11e6, cpuBusySeconds: 0, cpuIdleSeconds: 0, cpuCount: 1 });
  assert.deepEqual(r.energy.map((e) => [e.device, e.joules, e.flags, e.spanStartUs]), [['pdu-7', 3000, ['gap_recovered'], 1e6]]);
});
