// The idle-baseline learner: which intervals are quiet, the percentile, the
// window, configured values, bad options; and attribution using what it learned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Quality } from '@wattprint/proto';
import { attribute } from '@wattprint/collector/attribution/attribute.ts';
import { BaselineLearner, baselineKey, percentileOf, quietSamples } from '@wattprint/collector/attribution/baseline.ts';
import { gpuProc, job, jobJ, proc, reading, report } from './build.ts';

test('percentileOf is nearest-rank', () => {
  const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal(percentileOf(v, 0.1), 1);
  assert.equal(percentileOf(v, 0.11), 2);
  assert.equal(percentileOf(v, 0.5), 5);
  assert.equal(percentileOf(v, 1), 10);
  assert.equal(percentileOf(v, 0), 1);
  assert.ok(Number.isNaN(percentileOf([], 0.1)));
});

test('quietSamples: CPU domains when the host is under the threshold, GPUs by their SM samples', () => {
  const energy = [reading('package', 'package-0', 400), reading('dram', 'dram-0', 50), reading('gpu', 'G-free', 300), reading('gpu', 'G-low', 600), reading('gpu', 'G-busy', 2500), reading('gpu', 'G-unknown', 900), reading('wall', 'psu', 5000)];
  const gpuProcesses = [gpuProc('G-low', 1, { smUtil: 5, sampleCount: 3 }), gpuProc('G-busy', 2, { smUtil: 70, sampleCount: 3 }), gpuProc('G-unknown', 3)];
  const quiet = quietSamples(report({ seconds: 10, busy: 3, idle: 37, energy, gpuProcesses }), 0.1);
  assert.deepEqual(quiet, [
    { key: 'package/package-0', watts: 40 },
    { key: 'dram/dram-0', watts: 5 },
    { key: 'gpu/G-free', watts: 30 },
    { key: 'gpu/G-low', watts: 60 },
  ]);
  const busy = quietSamples(report({ seconds: 10, busy: 8, idle: 32, energy, gpuProcesses }), 0.1);
  assert.deepEqual(busy.map((q) => q.key), ['gpu/G-free', 'gpu/G-low'], '20% busy: CPU domains are not quiet');
  const noStat = quietSamples(report({ seconds: 10, busy: 0, idle: 0, energy: [reading('package', 'package-0', 400)] }), 0.1);
  assert.deepEqual(noStat, [], 'no /proc/stat figures: utilisation unknown, not quiet');
});

test('quietSamples skips estimates and readings after a counter reset', () => {
  const reset = { ...reading('package', 'package-1', 10), flags: ['counter_reset'] };
  const q = quietSamples(report({ seconds: 10, busy: 0, idle: 40, energy: [reading('package', 'package-0', 100, { estimate: true }), reset, reading('dram', 'dram-0', 20)] }), 0.1);
  assert.deepEqual(q.map((x) => x.key), ['dram/dram-0']);
  const e = reading('gpu', 'G', 10);
  e.quality = Quality.QUALITY_ESTIMATE;
  assert.deepEqual(quietSamples(report({ seconds: 10, energy: [e] }), 0.1), []);
});

/** A quiet 10 s interval whose package draws `watts`. */
const quiet = (watts: number, seq: number) => report({ host: 'node-a', seq, seconds: 10, busy: 1, idle: 39, energy: [reading('package', 'package-0', watts * 10)] });

test('the learner waits for minSamples, then takes the percentile of its window', () => {
  const l = new BaselineLearner({ minSamples: 5, window: 10, percentile: 0.2 });
  for (let i = 0; i < 4; i++) assert.equal(l.observe(quiet(30 + i, i + 1)), 1);
  assert.deepEqual(l.baseline('node-a'), {}, 'learning');
  assert.deepEqual(l.describe('node-a'), [{ key: 'package/package-0', watts: undefined, source: 'learning', samples: 4 }]);
  l.observe(quiet(20, 5));
  assert.deepEqual(l.baseline('node-a'), { 'package/package-0': 20 }, 'p20 of [20, 30, 31, 32, 33]');
  for (let i = 0; i < 10; i++) l.observe(quiet(50 + i, 6 + i));
  assert.deepEqual(l.baseline('node-a'), { 'package/package-0': 51 }, 'the old values left the window');
  assert.deepEqual(l.baseline('node-b'), {}, 'hosts are separate');
});

test('a busy report teaches nothing; a configured value overrides the learned one', () => {
  const l = new BaselineLearner({ minSamples: 1, window: 4 });
  assert.equal(l.observe(report({ host: 'node-a', busy: 30, idle: 10, energy: [reading('package', 'package-0', 2000)] })), 0);
  l.observe(quiet(40, 1));
  l.configure('node-a', 'package', 'package-0', 35);
  l.configure('node-a', 'gpu', 'GPU-1', 55);
  assert.deepEqual(l.baseline('node-a'), { [baselineKey('package', 'package-0')]: 35, 'gpu/GPU-1': 55 });
  assert.deepEqual(l.describe('node-a').map((e) => e.source), ['configured', 'configured']);
});

test('bad options and configured values are refused with the name of what is wrong', () => {
  assert.throws(() => new BaselineLearner({ quietBelow: 0 }), /option "quietBelow" must be a number in \(0, 1\]/);
  assert.throws(() => new BaselineLearner({ percentile: 2 }), /option "percentile"/);
  assert.throws(() => new BaselineLearner({ minSamples: 50, window: 10 }), /option "window" must be an integer >= minSamples \(50\)/);
  const l = new BaselineLearner();
  assert.throws(() => l.configure('node-a', 'package', 'package-0', -3), /node-a package\/package-0: watts must be a finite number >= 0, got -3/);
  assert.throws(() => l.configure('node-a', 'wall', 'psu', 100), /domain must be one of/);
});

test('attribution with a learned baseline: idle is baseline x duration, shared by the job', () => {
  const l = new BaselineLearner({ minSamples: 3 });
  for (let i = 0; i < 3; i++) l.observe(report({ host: 'node-a', seq: i + 1, seconds: 10, busy: 0.5, idle: 39.5, energy: [reading('package', 'package-0', 400), reading('gpu', 'G', 600)] }));
  const busy = report({ host: 'node-a', seq: 9, seconds: 10, busy: 20, idle: 20, energy: [reading('package', 'package-0', 1500), reading('gpu', 'G', 3000)], processes: [proc(1, 'ft', 20)], gpuProcesses: [gpuProc('G', 1, { smUtil: 99, sampleCount: 5 })] });
  const r = attribute(busy, { baseline: l.baseline('node-a') });
  assert.equal(jobJ(r, { jobId: 'ft', domain: 'package', modality: 'idle' }), 400);
  assert.equal(jobJ(r, { jobId: 'ft', domain: 'package', modality: 'dynamic' }), 1100);
  assert.equal(jobJ(r, { jobId: 'ft', domain: 'gpu', modality: 'idle' }), 600);
  assert.ok(!job(r, 'ft').flags.includes('no_baseline'));
});
