import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePhases, fitEnergy, groupJobs, linearFit } from '../src/analysis.ts';
import { render } from '../src/format.ts';
import type { JobReport } from '@wattprint/collector/api/report.ts';

function job(id: string, labels: Record<string, string>, wallKwh: number, softwareKwh: number, hours: number, tokens = 0, examples = 0): JobReport {
  return {
    jobId: id,
    labels,
    hosts: ['h1'],
    start: '2026-01-01T00:00:00.000Z',
    end: '2026-01-01T01:00:00.000Z',
    durationSeconds: hours * 3600,
    cpuSeconds: 0,
    energy: { softwareKwh, wallKwh, dynamicKwh: softwareKwh, idleKwh: 0, byComponentKwh: { cpu: softwareKwh / 2, dram: 0, gpu: softwareKwh / 2, other: wallKwh - softwareKwh }, estimated: false },
    progress: { tokens, examples, steps: 0 },
    normalised: { kwhPer1kExamples: null, kwhPer1MTokens: null },
    carbon: null,
  };
}

test('least squares by hand: y = 2x + 1 exactly, and a noisy set', () => {
  const f = linearFit([1, 2, 3, 4], [3, 5, 7, 9], 'x')!;
  assert.equal(f.slope, 2);
  assert.equal(f.intercept, 1);
  assert.equal(f.r2, 1);
  // x = 0,1,2; y = 0,2,1: slope 0.5, intercept 0.5, r² = 0.25
  const g = linearFit([0, 1, 2], [0, 2, 1], 'x')!;
  assert.equal(g.slope, 0.5);
  assert.equal(g.intercept, 0.5);
  assert.ok(Math.abs(g.r2 - 0.25) < 1e-12);
  assert.equal(linearFit([1, 1], [2, 3], 'x'), undefined, 'no spread in x: no fit');
});

test('fitEnergy: wall kWh against hours and against millions of tokens', () => {
  const jobs = [job('a', {}, 1.0, 0.9, 1, 2e6), job('b', {}, 2.0, 1.9, 2, 4e6), job('c', {}, 3.0, 2.8, 3, 6e6)];
  const [byTime, byTokens] = fitEnergy(jobs);
  assert.equal(byTime!.x, 'duration_hours');
  assert.ok(Math.abs(byTime!.slope - 1) < 1e-12 && Math.abs(byTime!.intercept) < 1e-12);
  assert.equal(byTokens!.x, 'tokens_millions');
  assert.ok(Math.abs(byTokens!.slope - 0.5) < 1e-12);
});

test('grouping by labels sums runs, energy and progress; ratio only with a wall meter', () => {
  const rows = groupJobs(
    [job('a', { task: 'sst2', gpu_model: 'A100' }, 1.1, 1.0, 1, 1e6, 1000), job('b', { task: 'sst2', gpu_model: 'A100' }, 2.2, 2.0, 1, 1e6, 1000), job('c', { task: 'mnli' }, 0.5, 0.5, 1)],
    ['task'],
  );
  assert.deepEqual(rows.map((r) => [r.key.task, r.runs]), [['mnli', 1], ['sst2', 2]]);
  const sst2 = rows[1]!;
  assert.ok(Math.abs(sst2.wallKwh - 3.3) < 1e-12);
  assert.ok(Math.abs(sst2.wallSoftwareRatio! - 1.1) < 1e-12);
  assert.ok(Math.abs(sst2.kwhPer1MTokens! - 1.65) < 1e-12);
  assert.ok(Math.abs(sst2.kwhPer1kExamples! - 1.65) < 1e-12);
  assert.equal(rows[0]!.wallSoftwareRatio, null);
});

test('phase comparison: one pre-training run = N fine-tuning runs', () => {
  const jobs = [job('p', { phase: 'pre-training' }, 400, 400, 100), job('f1', { phase: 'fine-tuning' }, 1, 1, 1), job('f2', { phase: 'fine-tuning' }, 3, 3, 1)];
  const cmp = comparePhases(jobs);
  assert.deepEqual(cmp.map((c) => [c.phase, c.runs, c.meanKwh, c.equivalentReferenceRuns]), [['pre-training', 1, 400, 200], ['fine-tuning', 2, 2, 1]]);
});

test('formats: table aligns numbers, csv quotes, markdown escapes pipes', () => {
  const header = ['job', 'kWh'];
  const rows = [['a,b', 1.23456], ['c|d', null]];
  assert.equal(render('csv', header, rows), 'job,kWh\n"a,b",1.23456\nc|d,');
  assert.equal(render('markdown', header, rows), '| job | kWh |\n|---|---:|\n| a,b | 1.235 |\n| c\\|d | - |');
  assert.deepEqual(JSON.parse(render('json', header, rows)), [{ job: 'a,b', kWh: 1.23456 }, { job: 'c|d', kWh: null }]);
  const table = render('table', header, rows).split('\n');
  assert.equal(table[2], 'a,b  1.235');
  assert.equal(table[3], 'c|d      -');
});
