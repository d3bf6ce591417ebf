import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePhases, comparePhasesByGroup, fitEnergy, groupJobs, linearFit, wallRatios } from '../src/analysis.ts';
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
    energy: { softwareKwh, wallKwh, dynamicKwh: softwareKwh, idleKwh: 0, byComponentKwh: { cpu: softwareKwh / 2, dram: 0, gpu: softwareKwh / 2, other: wallKwh - softwareKwh }, estimated: false, wallBasis: wallKwh !== softwareKwh ? 'meter' : 'software', shareByQuality: { counter: 1 }, sources: [{ source: 'nvml', quality: 'counter', share: 1 }] },
    progress: { tokens, tokensUnpadded: 0, examples, steps: 0 },
    normalised: { kwhPer1kExamples: null, kwhPer1MTokens: null, kwhPer1MTokensUnpadded: null },
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

test('phase comparison per dataset: one pre-training run = 392 MNLI runs and 46,000 RTE runs (the study\'s headline)', () => {
  const ft = (id: string, dataset: string, kwh: number) => job(id, { phase: 'fine-tuning', dataset }, kwh, kwh / 1.059, 1);
  const jobs = [job('pt', { phase: 'pre-training' }, 368.0, 368.0 / 1.059, 357), ft('mnli-1', 'MNLI', 0.9), ft('mnli-2', 'MNLI', 0.976), ft('rte', 'RTE', 0.008), job('inf', { phase: 'inference', dataset: 'RTE' }, 0.001, 0.001, 0.01)];
  const c = comparePhasesByGroup(jobs, ['dataset']);
  assert.deepEqual(c.groups.map((g) => [g.key.dataset, g.runs, g.targetRuns]), [['MNLI', 2, 1], ['RTE', 1, 1]]);
  assert.ok(Math.abs(c.groups[0]!.equivalentRuns! - 368 / 0.938) < 1e-9, 'mean of the MNLI runs: 0.938');
  assert.ok(Math.abs(c.groups[1]!.equivalentRuns! - 368 / 0.008) < 1e-6);
  assert.deepEqual([c.range!.minKey, c.range!.maxKey], [{ dataset: 'MNLI' }, { dataset: 'RTE' }]);
  // Grouped by model, a group with its own pre-training run is compared with it only.
  const byModel = comparePhasesByGroup([...jobs.map((j) => ({ ...j, labels: { ...j.labels, model: 'bert' } })), job('pt-d', { phase: 'pre-training', model: 'distil' }, 187.74, 187.74, 175), job('ft-d', { phase: 'fine-tuning', model: 'distil' }, 0.5, 0.5, 1)], ['model']);
  assert.deepEqual(byModel.groups.map((g) => [g.key.model, g.targetMeanWallKwh]), [['distil', 187.74], ['bert', 368.0]]);
});

test('wall/software ratio per GPU model: mean, sd, n over metered jobs; unmetered jobs get a separate estimate', () => {
  const on = (id: string, gpu: string, wall: number, sw: number) => job(id, { gpu_model: gpu }, wall, sw, 1);
  const rows = wallRatios([on('a', 'A100', 1.05, 1), on('b', 'A100', 1.07, 1), on('c', 'A100', 2, 2), on('d', 'RTX8000', 1, 1)], (j) => j.labels.gpu_model ?? '-');
  const a100 = rows.find((r) => r.hardware === 'A100')!;
  assert.equal(a100.n, 2);
  assert.ok(Math.abs(a100.mean! - 1.06) < 1e-12);
  assert.ok(Math.abs(a100.sd! - Math.sqrt(2 * 0.01 ** 2)) < 1e-12, 'sample sd of 1.05 and 1.07');
  assert.equal(a100.unmeteredRuns, 1);
  assert.ok(Math.abs(a100.unmeteredWallEstimateKwh! - 2 * 1.06) < 1e-12);
  const rtx = rows.find((r) => r.hardware === 'RTX8000')!;
  assert.deepEqual([rtx.n, rtx.mean, rtx.unmeteredWallEstimateKwh], [0, null, null], 'no metered job: no ratio, no estimate');
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

test('tokens with and without padding: kWh per 1M of each, and a fit against each', () => {
  const withPad = (id: string, kwh: number, padded: number, unpadded: number) => {
    const j = job(id, { task: 'sst2' }, kwh, kwh, kwh * 2, padded, 0);
    return { ...j, progress: { ...j.progress, tokensUnpadded: unpadded } };
  };
  const jobs = [withPad('a', 1, 4e6, 2e6), withPad('b', 2, 8e6, 3e6), withPad('c', 3, 12e6, 5e6)];
  const [g] = groupJobs(jobs, ['task']);
  assert.equal(g!.kwhPer1MTokens, 6 / 24);
  assert.equal(g!.kwhPer1MTokensUnpadded, 6 / 10);
  const fits = fitEnergy(jobs);
  assert.deepEqual(fits.map((f) => f.x), ['duration_hours', 'tokens_millions', 'tokens_unpadded_millions']);
  const u = fits.find((f) => f.x === 'tokens_unpadded_millions')!;
  // By hand: x = 2, 3, 5 (mean 10/3), y = 1, 2, 3 (mean 2): Sxy = 3, Sxx = 14/3 -> slope 9/14.
  assert.ok(Math.abs(u.slope - 9 / 14) < 1e-12, `slope ${u.slope}`);
  assert.equal(groupJobs([job('d', {}, 1, 1, 1, 1e6)], ['task'])[0]!.kwhPer1MTokensUnpadded, null, 'not reported: no figure, not 0');
});
