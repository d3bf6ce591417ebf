import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counterDelta, microjoulesToJoules, millijoulesToJoules, parseCounter } from '../src/sampler/counter.ts';

test('plain delta, first reading is a baseline', () => {
  assert.deepEqual(counterDelta(undefined, 5n, 10n), { delta: 0n, outcome: 'baseline' });
  assert.deepEqual(counterDelta(100n, 250n, 1000n), { delta: 150n, outcome: 'ok' });
});

test('wraparound uses max_energy_range_uj', () => {
  const max = 262143328850n;
  assert.deepEqual(counterDelta(max - 10n, 25n, max, 1_000_000_000n), { delta: 35n, outcome: 'wrap' });
});

test('a drop that would imply implausible energy is a reset: only the energy since it counts', () => {
  const max = 262143328850n;
  // prev far from max: a wrap would mean ~131 kJ in one interval
  assert.deepEqual(counterDelta(max / 2n, 40n, max, 2_000_000_000n), { delta: 40n, outcome: 'reset' });
  // no max known: any drop is a reset
  assert.deepEqual(counterDelta(500n, 40n, undefined), { delta: 40n, outcome: 'reset' });
});

test('values above 2^53 stay exact', () => {
  const big = 2n ** 60n + 123_456_789n;
  assert.equal(counterDelta(big, big + 1n, undefined).delta, 1n);
  assert.equal(parseCounter(`${big}\n`), big);
  assert.equal(microjoulesToJoules(2n ** 60n + 1_500_000n), Number(2n ** 60n / 1_000_000n) + 1.5 + Number((2n ** 60n % 1_000_000n)) / 1e6);
});

test('parseCounter refuses what is not an unsigned integer', () => {
  for (const bad of ['', 'abc', '-5', '1.5', '12 34']) assert.equal(parseCounter(bad), undefined, bad);
  assert.equal(millijoulesToJoules(1234567n), 1234.567);
});
