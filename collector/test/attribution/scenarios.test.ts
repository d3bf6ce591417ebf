// Scenarios with hand-computed expectations (the arithmetic is in the comments;
// docs/ATTRIBUTION.md walks through the first one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attribute, type AttributionContext } from '@wattprint/collector/attribution/attribute.ts';
import { close, gpuProc, job, jobJ, proc, procJ, reading, report, T0, unattributedJ } from './build.ts';

const approx = (actual: number, expected: number, what: string) => assert.ok(close(actual, expected), `${what}: got ${actual}, expected ${expected}`);

// 10 s on a 4-CPU host: 40 CPU-seconds, 10 busy. A trainer (6 s) and a
// DataLoader worker (2 s) of job ft-1, sshd (1 s) outside any job, 1 s of
// kernel time nobody listed. One GPU held by the trainer.
const exclusiveReport = report({
  seconds: 10,
  busy: 10,
  idle: 30,
  energy: [
    reading('package', 'package-0', 150),
    reading('core', 'package-0-core', 120),
    reading('dram', 'dram-0', 30),
    reading('gpu', 'GPU-A', 250),
    reading('wall', 'psu', 473),
  ],
  processes: [proc(100, 'ft-1', 6, { labels: { model: 'bert-base', dataset: 'mnli' } }), proc(101, 'ft-1', 2), proc(50, '', 1)],
  gpuProcesses: [gpuProc('GPU-A', 100, { smUtil: 90, sampleCount: 6, gpuMemoryBytes: 12e9 })],
  progress: [{ jobId: 'ft-1', tokens: 51200, examples: 400, steps: 25 }],
});
const exclusiveBaseline = { 'package/package-0': 5, 'core/package-0-core': 3, 'dram/dram-0': 1, 'gpu/GPU-A': 8 };

test('one fine-tuning job with exclusive use of one GPU', () => {
  const r = attribute(exclusiveReport, { baseline: exclusiveBaseline });
  // package 150 J: idle 5 W x 10 s = 50, dynamic 100 split by CPU time over busy 10 s:
  // trainer 60, worker 20; sshd 10 + kernel 10 stay "system". Idle 50 shared by
  // the job's CPU time (8 s): trainer 37.5, worker 12.5.
  approx(jobJ(r, { jobId: 'ft-1', domain: 'package', modality: 'dynamic' }), 80, 'package dynamic');
  approx(jobJ(r, { jobId: 'ft-1', domain: 'package', modality: 'idle' }), 50, 'package idle');
  approx(unattributedJ(r, { domain: 'package', reason: 'system' }), 20, 'package system');
  approx(unattributedJ(r, { domain: 'package', reason: 'idle' }), 0, 'package idle left');
  approx(procJ(r, { pid: 100, domain: 'package', modality: 'dynamic' }), 60, 'trainer package dynamic');
  approx(procJ(r, { pid: 101, domain: 'package', modality: 'idle' }), 12.5, 'worker package idle');
  assert.equal(procJ(r, { pid: 50 }), 0, 'sshd belongs to no job: no process rows');
  // dram 30 J: idle 10, dynamic 20 -> job 16, system 4; idle 10 -> job.
  approx(jobJ(r, { jobId: 'ft-1', domain: 'dram' }), 26, 'dram');
  // core 120 J is inside package: split the same way (job 72 + 30) but not counted in totals.
  approx(jobJ(r, { jobId: 'ft-1', domain: 'core' }), 102, 'core');
  // GPU 250 J, exclusive: idle 80 and dynamic 170, all to the job.
  approx(jobJ(r, { jobId: 'ft-1', domain: 'gpu', modality: 'idle' }), 80, 'gpu idle');
  approx(jobJ(r, { jobId: 'ft-1', domain: 'gpu', modality: 'dynamic' }), 170, 'gpu dynamic');
  assert.ok(r.jobShares.filter((s) => s.domain === 'gpu').every((s) => s.method === 'exclusive_gpu'));
  // Components 150 + 30 + 250 = 430; wall 473 -> other 43; the job's share is
  // 43 x 406 / 430 = 40.6, the rest 2.4 stays unattributed.
  const j = job(r, 'ft-1');
  approx(r.hostSoftwareJoules, 430, 'host software');
  assert.equal(r.hostWallJoules, 473);
  approx(j.softwareJoules, 406, 'job software');
  approx(j.byComponent.cpu, 130, 'job cpu');
  approx(j.byComponent.dram, 26, 'job dram');
  approx(j.byComponent.gpu, 250, 'job gpu');
  approx(j.byComponent.other, 40.6, 'job other');
  approx(j.wallJoules, 446.6, 'job wall');
  approx(j.dynamicJoules, 266, 'job dynamic');
  approx(j.idleJoules, 140, 'job idle');
  approx(unattributedJ(r, { domain: 'wall', reason: 'other' }), 2.4, 'wall other left');
  approx(unattributedJ(r, { domain: 'wall', reason: 'components' }), 430, 'wall covered by components');
  // The trainer's component energy is 97.5 + 19.5 + 250 = 367 -> 36.7 of other.
  approx(procJ(r, { pid: 100, domain: 'wall' }), 36.7, 'trainer other');
  assert.equal(j.cpuSeconds, 8);
  assert.deepEqual([j.tokens, j.examples, j.steps], [51200, 400, 25]);
  assert.deepEqual(j.labels, { model: 'bert-base', dataset: 'mnli' });
  assert.equal(j.estimated, false);
  assert.deepEqual(j.flags, []);
});

test('idle policy "unattributed" keeps host idle out of jobs but not a held GPU\'s idle', () => {
  const r = attribute(exclusiveReport, { baseline: exclusiveBaseline, policy: { idle: 'unattributed' } });
  const j = job(r, 'ft-1');
  approx(unattributedJ(r, { domain: 'package', reason: 'idle' }), 50, 'package idle');
  approx(unattributedJ(r, { domain: 'dram', reason: 'idle' }), 10, 'dram idle');
  approx(j.idleJoules, 80, 'only the GPU idle');
  approx(j.softwareJoules, 80 + 16 + 250, 'job software');
  // other 43 now shared by 346 / 430.
  approx(j.byComponent.other, (43 * 346) / 430, 'job other');
});

test('without a baseline the host domains split by busy/idle CPU time, flagged', () => {
  const r = attribute(exclusiveReport);
  // busy fraction 10 / 40: package dynamic 37.5 (job 30), idle 112.5 shared by CPU time.
  approx(jobJ(r, { jobId: 'ft-1', domain: 'package', modality: 'dynamic' }), 30, 'package dynamic');
  approx(jobJ(r, { jobId: 'ft-1', domain: 'package', modality: 'idle' }), 112.5, 'package idle');
  approx(jobJ(r, { jobId: 'ft-1', domain: 'gpu', modality: 'dynamic' }), 250, 'gpu all dynamic');
  assert.ok(r.jobShares.every((s) => s.domain === 'wall' || s.flags.includes('no_baseline')), 'every component share says no_baseline');
  assert.ok(job(r, 'ft-1').flags.includes('no_baseline'));
});

test('two jobs sharing GPUs: SM samples, then memory, then an equal split; nobody; jobless', () => {
  const r = attribute(
    report({
      busy: 3,
      idle: 37,
      processes: [proc(10, 'A', 1), proc(11, 'A', 1), proc(20, 'B', 1), proc(99, '', 0)],
      energy: [reading('gpu', 'GPU-S', 200), reading('gpu', 'GPU-M', 100), reading('gpu', 'GPU-E', 90), reading('gpu', 'GPU-N', 40), reading('gpu', 'GPU-X', 30)],
      gpuProcesses: [
        gpuProc('GPU-S', 10, { smUtil: 60, sampleCount: 5 }),
        gpuProc('GPU-S', 11, { smUtil: 20, sampleCount: 5 }),
        gpuProc('GPU-S', 20, { smUtil: 20, sampleCount: 5 }),
        gpuProc('GPU-M', 10, { gpuMemoryBytes: 3e9 }),
        gpuProc('GPU-M', 20, { gpuMemoryBytes: 1e9 }),
        gpuProc('GPU-E', 10),
        gpuProc('GPU-E', 11),
        gpuProc('GPU-E', 20),
        gpuProc('GPU-X', 99, { smUtil: 40, sampleCount: 2 }),
      ],
    }),
  );
  // SM: A's two ranks 60 + 20 of 100 -> 160 J as ONE job share; B 40.
  const aS = r.jobShares.filter((s) => s.jobId === 'A' && s.device === 'GPU-S');
  assert.equal(aS.length, 1, 'ranks of one job on one GPU are one job share');
  approx(aS[0]!.joules, 160, 'A on GPU-S');
  assert.equal(aS[0]!.method, 'sm_util');
  approx(jobJ(r, { jobId: 'B', device: 'GPU-S' }), 40, 'B on GPU-S');
  approx(procJ(r, { pid: 10, device: 'GPU-S' }), 120, 'rank 10');
  approx(procJ(r, { pid: 11, device: 'GPU-S' }), 40, 'rank 11');
  // Memory 3 GB : 1 GB.
  approx(jobJ(r, { jobId: 'A', device: 'GPU-M' }), 75, 'A on GPU-M');
  approx(jobJ(r, { jobId: 'B', device: 'GPU-M' }), 25, 'B on GPU-M');
  assert.ok(r.jobShares.filter((s) => s.device === 'GPU-M').every((s) => s.method === 'memory_share' && s.flags.includes('fallback_memory_share')));
  // Equal between jobs, then between A's two ranks.
  approx(jobJ(r, { jobId: 'A', device: 'GPU-E' }), 45, 'A on GPU-E');
  approx(jobJ(r, { jobId: 'B', device: 'GPU-E' }), 45, 'B on GPU-E');
  approx(procJ(r, { pid: 11, device: 'GPU-E' }), 22.5, 'rank 11 on GPU-E');
  assert.ok(r.jobShares.filter((s) => s.device === 'GPU-E').every((s) => s.method === 'equal_split' && s.flags.includes('fallback_equal_split')));
  // Nobody holds GPU-N; only a jobless process holds GPU-X.
  approx(unattributedJ(r, { device: 'GPU-N', reason: 'no_process' }), 40, 'GPU-N');
  approx(unattributedJ(r, { device: 'GPU-X', reason: 'system' }), 30, 'GPU-X');
  assert.equal(jobJ(r, { device: 'GPU-X' }), 0);
  approx(job(r, 'A').byComponent.gpu, 160 + 75 + 45, 'A gpu total');
  approx(job(r, 'B').byComponent.gpu, 40 + 25 + 45, 'B gpu total');
  assert.deepEqual(job(r, 'A').flags, ['fallback_equal_split', 'fallback_memory_share', 'no_baseline', 'no_wall_meter']);
});

test('a distributed job on two hosts with four ranks each is the sum of its hosts', () => {
  const ranks = (host: string, pid0: number, gpus: number[], cpu: number) => ({
    processes: gpus.map((_, k) => proc(pid0 + k, 'ddp', cpu)),
    gpuProcesses: gpus.map((_, k) => gpuProc(`${host}-gpu${k}`, pid0 + k, { smUtil: 95, sampleCount: 4 })),
    gpuEnergy: gpus.map((j, k) => reading('gpu', `${host}-gpu${k}`, j)),
  });
  const a = ranks('a', 200, [100, 110, 120, 130], 1);
  const b = ranks('b', 300, [200, 210, 220, 230], 1.5);
  const ctx: AttributionContext = { baseline: { 'package/package-0': 2 } };
  // Host a: package 80 = idle 20 + dynamic 60, busy 4 s all ddp -> ddp 80 + GPUs 460 = 540.
  const ra = attribute(report({ host: 'node-a', busy: 4, idle: 36, energy: [reading('package', 'package-0', 80), ...a.gpuEnergy], processes: a.processes, gpuProcesses: a.gpuProcesses }), ctx);
  // Host b: package 100 = idle 20 + dynamic 80; busy 8 s: ddp 6, eval 2 -> ddp 60 + 15, eval 20 + 5.
  const rb = attribute(
    report({ host: 'node-b', busy: 8, idle: 32, energy: [reading('package', 'package-0', 100), ...b.gpuEnergy], processes: [...b.processes, proc(400, 'eval', 2)], gpuProcesses: b.gpuProcesses }),
    ctx,
  );
  approx(job(ra, 'ddp').softwareJoules, 540, 'ddp on node-a');
  approx(job(rb, 'ddp').softwareJoules, 75 + 860, 'ddp on node-b');
  approx(job(rb, 'eval').softwareJoules, 25, 'eval on node-b');
  approx(job(ra, 'ddp').softwareJoules + job(rb, 'ddp').softwareJoules, 1475, 'ddp total');
  approx(job(ra, 'ddp').cpuSeconds + job(rb, 'ddp').cpuSeconds, 10, 'ddp CPU seconds');
  // Each rank's GPU is its own; no rank is charged another's device.
  approx(procJ(rb, { pid: 302, domain: 'gpu' }), 220, 'rank 2 on node-b');
});

test('four ranks of one job on one GPU count the GPU once', () => {
  const r = attribute(
    report({
      busy: 4,
      idle: 36,
      energy: [reading('gpu', 'GPU-C', 300)],
      processes: [500, 501, 502, 503].map((pid) => proc(pid, 'ddp4', 1)),
      gpuProcesses: [500, 501, 502, 503].map((pid) => gpuProc('GPU-C', pid, { smUtil: 25, sampleCount: 3 })),
    }),
  );
  const shares = r.jobShares.filter((s) => s.domain === 'gpu');
  assert.equal(shares.length, 1);
  assert.equal(shares[0]!.joules, 300);
  assert.equal(shares[0]!.method, 'exclusive_gpu');
  assert.equal(job(r, 'ddp4').byComponent.gpu, 300);
  for (const pid of [500, 501, 502, 503]) approx(procJ(r, { pid, domain: 'gpu' }), 75, `rank ${pid}`);
});

test('a job whose DataLoader workers come and go keeps every worker\'s energy', () => {
  const r = attribute(
    report({
      busy: 8,
      idle: 32,
      energy: [reading('package', 'package-0', 80)],
      processes: [
        proc(700, 'ft', 4),
        proc(701, 'ft', 1, { exited: true }), // worker of the last epoch, gone
        proc(702, 'ft', 2, { started: true }), // new epoch's worker
        proc(703, 'ft', 1, { started: true, exited: true }), // lived inside the interval
      ],
    }),
    { baseline: { 'package/package-0': 2 } },
  );
  // idle 20, dynamic 60 over busy 8 s; idle over the job's 8 s.
  for (const [pid, dyn, idle] of [[700, 30, 10], [701, 7.5, 2.5], [702, 15, 5], [703, 7.5, 2.5]] as const) {
    approx(procJ(r, { pid, modality: 'dynamic' }), dyn, `worker ${pid} dynamic`);
    approx(procJ(r, { pid, modality: 'idle' }), idle, `worker ${pid} idle`);
  }
  approx(job(r, 'ft').softwareJoules, 80, 'job');
  assert.equal(job(r, 'ft').cpuSeconds, 8);
});

test('PID reuse within an interval: two incarnations, the GPU goes to the live one', () => {
  const old = proc(4242, 'a', 3, { startTimeUs: T0 - 5e6, exited: true });
  const fresh = proc(4242, 'b', 1, { startTimeUs: T0 + 4e6, started: true });
  const r = attribute(
    report({
      busy: 4,
      idle: 36,
      energy: [reading('package', 'package-0', 40), reading('gpu', 'GPU-G', 100)],
      processes: [fresh, old],
      gpuProcesses: [gpuProc('GPU-G', 4242, { smUtil: 50, sampleCount: 3 })],
    }),
  );
  // No baseline: busy fraction 4/40 -> dynamic 4 (a 3, b 1), idle 36 (a 27, b 9).
  approx(procJ(r, { pid: 4242, startTimeUs: T0 - 5e6 }), 30, 'old incarnation');
  approx(procJ(r, { pid: 4242, startTimeUs: T0 + 4e6, domain: 'package' }), 10, 'new incarnation, package');
  approx(jobJ(r, { jobId: 'b', domain: 'gpu' }), 100, 'GPU to the live incarnation');
  assert.equal(jobJ(r, { jobId: 'a', domain: 'gpu' }), 0);
  const gpuShare = r.processShares.find((s) => s.domain === 'gpu')!;
  assert.equal(gpuShare.startTimeUs, T0 + 4e6);
  assert.ok(gpuShare.flags.includes('pid_reused'));
  assert.ok(job(r, 'b').flags.includes('pid_reused'));
});

test('one host with a wall meter, one without, one whose meter reads below its components', () => {
  const base = { busy: 10, idle: 30, processes: [proc(1, 'x', 10)], gpuProcesses: [gpuProc('GPU-W', 1, { smUtil: 80, sampleCount: 2 })] };
  const components = [reading('package', 'package-0', 100), reading('gpu', 'GPU-W', 300)];
  const ctx: AttributionContext = { baseline: { 'package/package-0': 0, 'gpu/GPU-W': 0 } };
  const metered = attribute(report({ ...base, host: 'metered', energy: [...components, reading('wall', 'pdu-7', 440)] }), ctx);
  const bare = attribute(report({ ...base, host: 'bare', energy: components }), ctx);
  const lagging = attribute(report({ ...base, host: 'lagging', energy: [...components, reading('wall', 'pdu-8', 380)] }), ctx);

  // x owns all 400 J of components, so all 40 J of other.
  approx(job(metered, 'x').softwareJoules, 400, 'metered software');
  approx(job(metered, 'x').wallJoules, 440, 'metered wall');
  assert.equal(metered.hostWallJoules! / metered.hostSoftwareJoules, 1.1);
  assert.deepEqual(job(metered, 'x').flags, []);

  assert.equal(bare.hostWallJoules, undefined);
  approx(job(bare, 'x').wallJoules, 400, 'bare wall = software');
  assert.deepEqual(job(bare, 'x').flags, ['no_wall_meter']);

  approx(job(lagging, 'x').wallJoules, 400, 'lagging wall = software, never shrunk');
  assert.deepEqual(job(lagging, 'x').flags, ['wall_below_components']);
  approx(unattributedJ(lagging, { domain: 'wall', reason: 'components' }), 380, 'the reading is all components');
  assert.ok(lagging.unattributed.filter((u) => u.domain === 'wall').every((u) => u.flags.includes('wall_below_components')));
});
