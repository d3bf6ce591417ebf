// The model's rules one at a time: the pure helpers, then attribute() on small
// reports for registrations, nesting, estimates and the report-level notes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attribute, countedDomains, normaliseReadings } from '@wattprint/collector/attribution/attribute.ts';
import { busyFraction, splitIdle } from '@wattprint/collector/attribution/cpu.ts';
import { splitGpu } from '@wattprint/collector/attribution/gpu.ts';
import { findRegistration, indexRegistrations, type JobRegistration } from '@wattprint/collector/attribution/identity.ts';
import { residue, unionFlags } from '@wattprint/collector/attribution/ledger.ts';
import type { Measured } from '@wattprint/collector/attribution/types.ts';
import { reconcileWall } from '@wattprint/collector/attribution/wall.ts';
import { close, gpuProc, job, jobJ, proc, procJ, reading, report, T0, unattributedJ } from './build.ts';

const approx = (actual: number, expected: number, what: string) => assert.ok(close(actual, expected), `${what}: got ${actual}, expected ${expected}`);

test('splitIdle: baseline x duration is idle, capped at the measured energy', () => {
  assert.deepEqual(splitIdle(100, 10, 3, undefined), { idle: 30, dynamic: 70, flags: [] });
  assert.deepEqual(splitIdle(100, 10, 12, undefined), { idle: 100, dynamic: 0, flags: ['baseline_above_measured'] });
  assert.deepEqual(splitIdle(100, 10, 0, undefined), { idle: 0, dynamic: 100, flags: [] });
});

test('splitIdle without a baseline: busy fraction of CPU time for host domains, all dynamic for a GPU', () => {
  const cpu = { busySeconds: 10, idleSeconds: 30, cpuCount: 4, processSeconds: 9 };
  assert.deepEqual(splitIdle(100, 10, undefined, cpu), { idle: 75, dynamic: 25, flags: ['no_baseline'] });
  assert.deepEqual(splitIdle(100, 10, undefined, undefined), { idle: 0, dynamic: 100, flags: ['no_baseline'] });
  assert.deepEqual(splitIdle(100, 10, Number.NaN, undefined).flags, ['no_baseline'], 'a NaN baseline is no baseline');
});

test('busyFraction: /proc/stat first, processes over capacity next, else 0', () => {
  assert.equal(busyFraction({ busySeconds: 10, idleSeconds: 30, cpuCount: 4, processSeconds: 2 }, 10), 0.25);
  assert.equal(busyFraction({ busySeconds: 2, idleSeconds: 30, cpuCount: 4, processSeconds: 10 }, 10), 2 / 32, 'processes claiming more than busy do not stretch the host');
  assert.equal(busyFraction({ busySeconds: 0, idleSeconds: 0, cpuCount: 4, processSeconds: 10 }, 10), 0.25);
  assert.equal(busyFraction({ busySeconds: 0, idleSeconds: 0, cpuCount: 4, processSeconds: 80 }, 10), 1);
  assert.equal(busyFraction({ busySeconds: 0, idleSeconds: 0, cpuCount: 0, processSeconds: 0 }, 10), 0);
});

test('splitGpu: one job is exclusive whatever its ranks do', () => {
  const one = splitGpu([{ job: 0, smUtil: 0, sampleCount: 0, memoryBytes: 0 }]);
  assert.deepEqual(one, { method: 'exclusive_gpu', flags: [], processFlags: [], fractions: [1] });
  const ranks = splitGpu([
    { job: 2, smUtil: 0, sampleCount: 0, memoryBytes: 1e9 },
    { job: 2, smUtil: 0, sampleCount: 0, memoryBytes: 3e9 },
  ]);
  assert.equal(ranks.method, 'exclusive_gpu');
  assert.deepEqual(ranks.flags, [], 'the job share is exact');
  assert.deepEqual(ranks.processFlags, ['fallback_memory_share'], 'the split between ranks is not');
  assert.deepEqual(ranks.fractions, [0.25, 0.75]);
});

test('splitGpu: shared by SM samples; a process without samples gets nothing', () => {
  const s = splitGpu([
    { job: 0, smUtil: 30, sampleCount: 4, memoryBytes: 9e9 },
    { job: 1, smUtil: 10, sampleCount: 4, memoryBytes: 1e9 },
    { job: 1, smUtil: 50, sampleCount: 0, memoryBytes: 1e9 },
  ]);
  assert.equal(s.method, 'sm_util');
  assert.deepEqual(s.flags, []);
  assert.deepEqual(s.fractions, [0.75, 0.25, 0]);
});

test('splitGpu: equal split is per job, then per process', () => {
  const s = splitGpu([
    { job: 0, smUtil: 0, sampleCount: 0, memoryBytes: 0 },
    { job: 1, smUtil: 0, sampleCount: 0, memoryBytes: 0 },
    { job: 1, smUtil: 0, sampleCount: 0, memoryBytes: 0 },
    { job: -1, smUtil: 0, sampleCount: 0, memoryBytes: 0 },
  ]);
  assert.equal(s.method, 'equal_split');
  assert.deepEqual(s.flags, ['fallback_equal_split']);
  assert.deepEqual(s.fractions, [1 / 3, 1 / 6, 1 / 6, 1 / 3]);
});

test('reconcileWall: other is wall minus components, never negative', () => {
  assert.deepEqual(reconcileWall(473, 430), { covered: 430, other: 43, flags: [] });
  assert.deepEqual(reconcileWall(380, 400), { covered: 380, other: 0, flags: ['wall_below_components'] });
  assert.deepEqual(reconcileWall(50, 0), { covered: 0, other: 50, flags: ['no_components'] });
  assert.deepEqual(reconcileWall(0, 0), { covered: 0, other: 0, flags: [] });
});

test('residue keeps real remainders and drops float dust only', () => {
  assert.equal(residue(100, 99.99999), 100 - 99.99999);
  assert.equal(residue(100, 100 - 1e-11), 0);
  assert.equal(residue(100, 100.0000001), 0, 'an overshoot leaves nothing, never a negative');
  assert.deepEqual(unionFlags(['b'], ['a', 'b']), ['a', 'b']);
});

const m = (domain: string): Measured => ({ domain, device: domain, source: 'rapl', quality: 'counter', joules: 1, flags: [] });

test('countedDomains never counts a nested domain twice', () => {
  assert.deepEqual([...countedDomains(['package', 'core', 'uncore', 'dram', 'psys', 'gpu', 'wall'].map(m))].sort(), ['dram', 'gpu', 'package']);
  assert.deepEqual([...countedDomains(['psys', 'dram', 'core', 'gpu'].map(m))].sort(), ['gpu', 'psys'], 'psys covers the platform, DRAM included');
  assert.deepEqual([...countedDomains(['core', 'dram'].map(m))].sort(), ['core', 'dram', 'gpu', 'uncore']);
});

test('normaliseReadings keeps the better of two readings for one device and says so', () => {
  const notes: string[] = [];
  const out = normaliseReadings([reading('package', 'package-0', 90, { estimate: true }), reading('gpu', 'G', -5), reading('package', 'package-0', 80)], notes);
  assert.deepEqual(out.map((x) => [x.domain, x.quality, x.joules]), [['gpu', 'counter', 0], ['package', 'counter', 80]]);
  assert.deepEqual(notes, ['invalid_energy:gpu/G', 'duplicate_reading:package/package-0']);
});

const regs: JobRegistration[] = [
  { host: 'node-a', pid: 7, fromUs: T0 - 100e6, toUs: T0 - 50e6, jobId: 'ended-before' },
  { host: 'node-a', pid: 7, startTimeUs: T0 - 7e6, fromUs: T0 - 10e6, jobId: 'old' },
  { host: 'node-a', pid: 7, startTimeUs: T0 - 7e6, fromUs: T0 - 5e6, jobId: 'newer' },
  { host: 'node-a', pid: 7, startTimeUs: T0 - 1, fromUs: T0, jobId: 'other-incarnation' },
  { host: 'node-b', pid: 7, fromUs: T0, jobId: 'other-host' },
];

test('findRegistration: host, start time and window must match; the latest wins', () => {
  const index = indexRegistrations(regs, 'node-a');
  assert.equal(findRegistration(index, 7, T0 - 7e6, T0, T0 + 10e6)?.jobId, 'newer');
  assert.equal(findRegistration(index, 7, T0 - 2e6, T0 - 200e6, T0 - 60e6)?.jobId, 'ended-before', 'a registration without start time matches any incarnation');
  assert.equal(findRegistration(index, 7, T0 - 2e6, T0 - 40e6, T0 - 20e6), undefined, 'nothing open then for that incarnation');
  assert.equal(findRegistration(indexRegistrations(regs, 'node-b'), 7, T0 - 7e6, T0, T0 + 10e6)?.jobId, 'other-host');
  assert.equal(findRegistration(index, 8, undefined, T0, T0 + 10e6), undefined);
});

test('registrations fill jobs the agent could not resolve; the agent\'s job id wins', () => {
  const registrations: JobRegistration[] = [
    { host: 'node-a', pid: 7, startTimeUs: T0 - 7e6, fromUs: T0 - 5e6, jobId: 'from-registry', labels: { owner: 'ana' } },
    { host: 'node-a', pid: 8, fromUs: T0 - 5e6, jobId: 'from-registry' },
    { host: 'node-a', pid: 30, fromUs: T0 - 5e6, jobId: 'gpu-only', labels: { owner: 'bo' } },
    { host: 'node-b', pid: 9, fromUs: T0 - 5e6, jobId: 'elsewhere' },
  ];
  const r = attribute(
    report({
      busy: 4,
      idle: 36,
      energy: [reading('package', 'package-0', 40), reading('gpu', 'G1', 100), reading('gpu', 'G2', 60)],
      processes: [proc(7, '', 1, { startTimeUs: T0 - 7e6 }), proc(8, 'agent-job', 1), proc(9, '', 2)],
      gpuProcesses: [gpuProc('G1', 30, { smUtil: 50, sampleCount: 2 }), gpuProc('G2', 31, { smUtil: 50, sampleCount: 2 })],
    }),
    { registrations },
  );
  assert.deepEqual(r.jobs.map((j) => j.jobId), ['agent-job', 'from-registry', 'gpu-only']);
  assert.deepEqual(job(r, 'from-registry').labels, { owner: 'ana' });
  assert.equal(job(r, 'from-registry').cpuSeconds, 1);
  // pid 30 is on no process list: its registration gives it a job, flagged.
  approx(jobJ(r, { jobId: 'gpu-only', device: 'G1' }), 100, 'registered GPU-only pid');
  assert.ok(job(r, 'gpu-only').flags.includes('gpu_pid_unlisted'));
  assert.deepEqual(job(r, 'gpu-only').labels, { owner: 'bo' });
  assert.equal(r.processShares.find((s) => s.pid === 30)!.startTimeUs, 0, 'start time unknown');
  // pid 31 neither listed nor registered: system, flagged.
  const g2 = r.unattributed.filter((u) => u.device === 'G2');
  assert.deepEqual(g2.map((u) => [u.reason, u.joules]), [['system', 60]]);
  assert.ok(g2[0]!.flags.includes('gpu_pid_unlisted'), 'the system row says why');
  // pid 9 (no job, registration on another host): its CPU share stays system.
  approx(unattributedJ(r, { domain: 'package', reason: 'system' }), 4 * (2 / 4), 'pid 9 dynamic');
});

test('estimates propagate to shares, the wall share built on them, and the job', () => {
  const r = attribute(
    report({
      busy: 10,
      idle: 30,
      energy: [reading('package', 'package-0', 100, { estimate: true }), reading('gpu', 'G', 100), reading('wall', 'psu', 220)],
      processes: [proc(1, 'j', 10)],
      gpuProcesses: [gpuProc('G', 1)],
    }),
  );
  assert.ok(r.jobShares.filter((s) => s.domain === 'package').every((s) => s.flags.includes('estimate')));
  assert.ok(r.jobShares.filter((s) => s.domain === 'gpu').every((s) => !s.flags.includes('estimate')));
  assert.ok(r.jobShares.filter((s) => s.domain === 'wall').every((s) => s.flags.includes('estimate')), 'other = wall - components leans on the estimate');
  assert.equal(job(r, 'j').estimated, true);
  const clean = attribute(report({ busy: 10, idle: 30, energy: [reading('gpu', 'G', 100)], processes: [proc(1, 'j', 10)], gpuProcesses: [gpuProc('G', 1)] }));
  assert.equal(job(clean, 'j').estimated, false);
});

test('psys without package is the CPU total; package inside psys is split but not counted', () => {
  const energy = [reading('psys', 'psys', 60), reading('dram', 'dram-0', 10)];
  const r = attribute(report({ busy: 4, idle: 0, energy, processes: [proc(1, 'j', 4)] }), { baseline: { 'psys/psys': 0, 'dram/dram-0': 0 } });
  assert.equal(r.hostSoftwareJoules, 60);
  assert.equal(job(r, 'j').softwareJoules, 60);
  approx(jobJ(r, { jobId: 'j', domain: 'dram' }), 10, 'dram still split');
  const withPackage = attribute(report({ busy: 4, idle: 0, energy: [...energy, reading('package', 'package-0', 45)], processes: [proc(1, 'j', 4)] }), { baseline: { 'psys/psys': 0, 'package/package-0': 0, 'dram/dram-0': 0 } });
  assert.equal(withPackage.hostSoftwareJoules, 55, 'package + dram');
  assert.equal(job(withPackage, 'j').byComponent.cpu, 45);
});

test('one argument is enough: default policy shares idle, no baseline, no registrations', () => {
  const r = attribute(report({ busy: 2, idle: 38, energy: [reading('package', 'package-0', 40)], processes: [proc(1, 'j', 2)] }));
  approx(job(r, 'j').softwareJoules, 40, 'dynamic 2 + shared idle 38');
  assert.deepEqual(job(r, 'j').flags, ['no_baseline', 'no_wall_meter']);
});

test('busy time no process accounts for is system; processes over the host are scaled and flagged', () => {
  const under = attribute(report({ busy: 10.5, idle: 29.5, energy: [reading('package', 'package-0', 42)], processes: [proc(1, 'j', 10)] }), { baseline: { 'package/package-0': 0 } });
  approx(unattributedJ(under, { reason: 'system' }), 42 * (0.5 / 10.5), 'kernel time');
  const over = attribute(report({ busy: 5, idle: 35, energy: [reading('package', 'package-0', 40)], processes: [proc(1, 'j', 6), proc(2, 'k', 4)] }), { baseline: { 'package/package-0': 0 } });
  approx(jobJ(over, { jobId: 'j' }), 24, 'scaled to the processes\' total');
  assert.ok(job(over, 'j').flags.includes('cpu_time_over_host'));
});

test('over-claimed CPU time: /proc/stat busy fraction splits idle/dynamic, the processes\' total divides dynamic (hand-computed)', () => {
  // 1 s on 2 CPUs: /proc/stat says 1.8 busy + 0.2 idle = 2 CPU-seconds;
  // processes claim 2.2 s (trainer 1.2 + worker 1.0, job j), sshd 0 s. Package 100 J, no baseline.
  // Split: dynamic = 100 x 1.8/2.0 = 90, idle = 10 (not 100 x 2.2/2.4 = 91.67).
  // Dynamic by CPU time over max(1.8, 2.2) = 2.2: trainer 90 x 1.2/2.2 = 49.09, worker 40.91.
  // Idle (policy share) to the job by its CPU time: 10. The job: 100, flagged cpu_time_over_host.
  const r = attribute(report({ seconds: 1, busy: 1.8, idle: 0.2, cpuCount: 2, energy: [reading('package', 'package-0', 100)], processes: [proc(1, 'j', 1.2), proc(2, 'j', 1.0)] }));
  approx(jobJ(r, { jobId: 'j', modality: 'dynamic' }), 90, 'dynamic = 100 x 0.9');
  approx(jobJ(r, { jobId: 'j', modality: 'idle' }), 10, 'idle = 100 x 0.1');
  approx(procJ(r, { pid: 1, modality: 'dynamic' }), (90 * 1.2) / 2.2, 'trainer dynamic');
  approx(procJ(r, { pid: 2, modality: 'dynamic' }), (90 * 1.0) / 2.2, 'worker dynamic');
  assert.ok(job(r, 'j').flags.includes('cpu_time_over_host'));
  assert.ok(job(r, 'j').flags.includes('no_baseline'));
});

test('duplicates and unknown domains are noted, not double counted', () => {
  const r = attribute(
    report({
      busy: 4,
      idle: 0,
      energy: [reading('package', 'package-0', 40), reading('unspecified', 'x', 5)],
      processes: [proc(1, 'j', 1), proc(1, 'j', 1), proc(2, 'k', 2)],
      gpuProcesses: [gpuProc('G', 1), gpuProc('G', 1)],
    }),
    { baseline: { 'package/package-0': 0 } },
  );
  assert.deepEqual(r.flags, [`duplicate_process:1/${T0 - 1e6}`]);
  approx(procJ(r, { pid: 1 }), 20, 'merged: 2 of 4 CPU seconds');
  assert.equal(job(r, 'j').cpuSeconds, 2);
  assert.deepEqual(r.unattributed.filter((u) => u.domain === 'unspecified').map((u) => [u.reason, u.joules]), [['unknown_domain', 5]]);
  assert.equal(r.hostSoftwareJoules, 40);
});
