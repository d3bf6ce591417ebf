import { test } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { ProcScanner } from '../src/procfs/scanner.ts';
import { parsePidStat, parseProcStat, parseCgroup } from '../src/procfs/parse.ts';
import { jobFromCgroup, resolveJob, DEFAULT_JOB_RULES } from '../src/jobs/resolve.ts';
import { ProcFixture } from '../../test/fixtures/procfs.ts';

const byPid = (ps: { pid?: number | null; cpuSeconds?: number | null }[]) => Object.fromEntries(ps.map((p) => [p.pid, p.cpuSeconds]));

test('parsePidStat survives spaces and parentheses in the command name', () => {
  const s = parsePidStat('42 (python3 (x) y) R 7 1 1 0 -1 4194304 0 0 0 0 150 25 3 4 20 0 1 0 5000 1000 2500 0');
  assert.ok(s);
  assert.equal(s.comm, 'python3 (x) y');
  assert.deepEqual([s.ppid, s.utime, s.stime, s.cutime, s.cstime, s.starttime, s.rssPages], [7, 150, 25, 3, 4, 5000, 2500]);
  assert.equal(parsePidStat('garbage'), undefined);
});

test('parseProcStat and parseCgroup', () => {
  const h = parseProcStat('cpu  10 2 3 100 5 1 1 2 0 0\ncpu0 1 1 1 1 1 1 1 1 0 0\ncpu1 1 1 1 1 1 1 1 1 0 0\nbtime 1700000000\n');
  assert.deepEqual(h, { busyTicks: 19, idleTicks: 105, cpuCount: 2, bootTime: 1700000000 });
  assert.equal(parseCgroup('12:cpu:/old\n0::/system.slice/slurmstepd.scope/job_77/step_0\n'), '/system.slice/slurmstepd.scope/job_77/step_0');
});

test('CPU-time deltas per (pid, start time); PID reuse is a new process', () => {
  const f = new ProcFixture();
  try {
    f.put({ pid: 100, comm: 'train', ppid: 1, utime: 1000, stime: 100, starttime: 5000 });
    const s = new ProcScanner({ procfsRoot: f.root, includeIdle: true, collectCommands: true });
    assert.equal(s.scan().baseline, true);
    f.tick(1, 2);
    f.put({ pid: 100, comm: 'train', ppid: 1, utime: 1150, stime: 110, starttime: 5000 });
    let r = s.scan();
    assert.equal(byPid(r.processes)[100], 1.6);
    assert.equal(r.cpuBusySeconds, 2);
    assert.equal(r.cpuIdleSeconds, 2);
    // pid 100 exits and the PID is reused by a new process that started during the interval
    f.tick(1, 1);
    f.put({ pid: 100, comm: 'other', ppid: 1, utime: 30, stime: 20, starttime: f.uptimeTicks - 50 });
    r = s.scan();
    const p = r.processes.find((x) => x.pid === 100)!;
    assert.equal(p.command, 'other');
    assert.equal(p.started, true);
    assert.equal(p.cpuSeconds, 0.5, 'all CPU of a process born in the interval counts, none of the old one');
    assert.equal(p.startTimeUs, (f.bootTime + (f.uptimeTicks - 50) / 100) * 1e6);
  } finally {
    f.remove();
  }
});

test('short-lived workers: reaped children reach the parent through cutime without double counting', () => {
  const f = new ProcFixture();
  try {
    f.put({ pid: 10, comm: 'trainer', ppid: 1, utime: 100, stime: 0, starttime: 1000 });
    const s = new ProcScanner({ procfsRoot: f.root });
    s.scan();
    // worker 11 seen alive with 40 ticks
    f.tick(1, 1);
    f.put({ pid: 10, comm: 'trainer', ppid: 1, utime: 110, stime: 0, starttime: 1000 });
    f.put({ pid: 11, comm: 'worker', ppid: 10, utime: 40, stime: 0, starttime: f.uptimeTicks - 60 });
    let r = s.scan();
    assert.deepEqual(byPid(r.processes), { 10: 0.1, 11: 0.4 });
    // worker 11 ran 25 more ticks and was reaped; worker 12 lived and died unseen (30 ticks)
    f.tick(1, 1);
    f.kill(11);
    f.put({ pid: 10, comm: 'trainer', ppid: 1, utime: 120, stime: 0, cutime: 65 + 30, starttime: 1000 });
    r = s.scan();
    // cutime grew by 95: 40 were counted while 11 lived; the other 55 (11's last
    // stretch, and 12 which nobody saw) go to the exited child, the parent keeps its own 10.
    assert.deepEqual(byPid(r.processes), { 10: 0.1, 11: 0.55 });
    assert.equal(r.processes.find((p) => p.pid === 11)!.exited, true);
  } finally {
    f.remove();
  }
});

test('job resolution: registration > env > cgroup > parent', () => {
  const f = new ProcFixture();
  try {
    f.put({ pid: 20, comm: 'sbatch-step', ppid: 1, utime: 1, stime: 0, starttime: 10, cgroup: '/system.slice/slurmstepd.scope/job_4242/step_0' });
    f.put({ pid: 21, comm: 'python', ppid: 20, utime: 1, stime: 0, starttime: 11, cgroup: '/system.slice/slurmstepd.scope/job_4242/step_0', env: { WATTPRINT_JOB_ID: 'bert-sst2' } });
    f.put({ pid: 22, comm: 'worker', ppid: 21, utime: 1, stime: 0, starttime: 12, cgroup: '/user.slice' });
    f.put({ pid: 23, comm: 'registered', ppid: 21, utime: 1, stime: 0, starttime: 13 });
    const regStart = (f.bootTime + 13 / 100) * 1e6;
    const s = new ProcScanner({ procfsRoot: f.root, registrations: (pid, st) => (pid === 23 && st === regStart ? { jobId: 'explicit', labels: { task: 'mnli' } } : undefined) });
    s.scan();
    f.tick(1, 1);
    for (const pid of [20, 21, 22, 23]) f.put({ pid, comm: 'x', ppid: pid === 20 ? 1 : pid === 21 ? 20 : 21, utime: 5, stime: 0, starttime: pid - 10, cgroup: pid <= 21 ? '/system.slice/slurmstepd.scope/job_4242/step_0' : '/user.slice', env: pid === 21 ? { WATTPRINT_JOB_ID: 'bert-sst2' } : {} });
    const r = s.scan();
    const jobs = Object.fromEntries(r.processes.map((p) => [p.pid, [p.jobId, p.jobSource]]));
    assert.deepEqual(jobs, { 20: ['slurm-4242', 'cgroup'], 21: ['bert-sst2', 'env'], 22: ['bert-sst2', 'parent'], 23: ['explicit', 'registration'] });
    assert.deepEqual(r.processes.find((p) => p.pid === 23)!.labels, { task: 'mnli' });
  } finally {
    f.remove();
  }
});

test('cgroup patterns: Slurm, Kubernetes, systemd-run, configured', () => {
  const rules = { envVars: [], cgroupPatterns: [/\/ray-job-([a-z0-9]+)\//] };
  assert.equal(jobFromCgroup('/slurm/uid_1000/job_12/step_batch/task_0', rules), 'slurm-12');
  assert.equal(jobFromCgroup('/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1b4f8c2e_5a6d_4e7f_9a0b_1c2d3e4f5a6b.slice/cri-containerd-abc.scope', rules), 'k8s-pod-1b4f8c2e-5a6d-4e7f-9a0b-1c2d3e4f5a6b');
  assert.equal(jobFromCgroup('/system.slice/run-u42.service', rules), 'systemd-run-u42');
  assert.equal(jobFromCgroup('/ray-job-abc123/worker', rules), 'abc123');
  assert.equal(jobFromCgroup('/system.slice/sshd.service', DEFAULT_JOB_RULES), undefined);
  assert.deepEqual(resolveJob({ cgroup: '/', rules: DEFAULT_JOB_RULES, env: new Map([['SLURM_JOB_ID', '9']]) }), { jobId: 'slurm-9', source: 'env' });
});

test('a child and its workers vanishing in the same interval are not counted twice', () => {
  const f = new ProcFixture();
  try {
    f.put({ pid: 1000, comm: 'measure', ppid: 1, utime: 0, stime: 0, starttime: 100 });
    f.put({ pid: 1001, comm: 'sh', ppid: 1000, utime: 2, stime: 0, starttime: 200 });
    f.put({ pid: 1002, comm: 'worker', ppid: 1001, utime: 30, stime: 0, starttime: 210 });
    f.put({ pid: 1003, comm: 'worker', ppid: 1001, utime: 20, stime: 0, starttime: 211 });
    const s = new ProcScanner({ procfsRoot: f.root });
    s.scan();
    // Workers finish (35 and 25 ticks in all), sh reaps them and exits, measure reaps sh.
    f.tick(1, 1);
    for (const pid of [1001, 1002, 1003]) f.kill(pid);
    f.put({ pid: 1000, comm: 'measure', ppid: 1, utime: 1, stime: 0, cutime: 3 + 35 + 25, starttime: 100 });
    const r = s.scan();
    const total = r.processes.reduce((a, p) => a + (p.cpuSeconds ?? 0), 0);
    // New CPU in the interval: measure 1 + sh 1 + workers 5 + 5 = 12 ticks.
    assert.equal(Math.round(total * 100), 12);
    assert.equal(r.processes.find((p) => p.pid === 1000)!.cpuSeconds, 0.01);
    assert.equal(r.processes.find((p) => p.pid === 1001)!.exited, true);
  } finally {
    f.remove();
  }
});

test('kept /proc/<pid>/stat descriptors and the open-per-scan path agree; gone processes release theirs', () => {
  const f = new ProcFixture();
  try {
    for (let i = 0; i < 5; i++) f.put({ pid: 50 + i, comm: `p${i}`, ppid: 1, utime: 10 * i, stime: 0, starttime: 100 + i });
    const scanners = [0, 2, 100].map((maxOpenFiles) => new ProcScanner({ procfsRoot: f.root, maxOpenFiles, includeIdle: true }));
    for (const s of scanners) s.scan();
    f.tick(1, 1);
    for (let i = 0; i < 5; i++) f.put({ pid: 50 + i, comm: `p${i}`, ppid: 1, utime: 10 * i + i + 1, stime: 1, starttime: 100 + i });
    f.kill(52);
    const results = scanners.map((s) => byPid(s.scan().processes));
    assert.deepEqual(results[0], { 50: 0.02, 51: 0.03, 53: 0.05, 54: 0.06 });
    assert.deepEqual(results[1], results[0]);
    assert.deepEqual(results[2], results[0]);
    const fds = fs.readdirSync('/proc/self/fd').length;
    for (const s of scanners) s.close();
    assert.ok(fs.readdirSync('/proc/self/fd').length <= fds - 4, 'close() released the kept descriptors');
  } finally {
    f.remove();
  }
});

test('restored from a snapshot (agent restart on this boot): the gap CPU goes to processes alive with the same start time, new ones get all of theirs', () => {
  const f = new ProcFixture();
  try {
    f.put({ pid: 100, comm: 'train', ppid: 1, utime: 500, stime: 0, starttime: 1000, env: { WATTPRINT_JOB_ID: 'j1' } });
    f.put({ pid: 101, comm: 'gone', ppid: 1, utime: 50, stime: 0, starttime: 1000 });
    f.put({ pid: 102, comm: 'reused', ppid: 1, utime: 70, stime: 0, starttime: 1000 });
    const before = new ProcScanner({ procfsRoot: f.root, collectCommands: true });
    before.scan();
    const snap = JSON.parse(JSON.stringify(before.snapshot())); // as persisted
    before.close();
    // 10 s of downtime: train burns 3 s, 101 exits, 102's pid is reused, a worker starts.
    f.tick(10, 6);
    f.put({ pid: 100, comm: 'train', ppid: 1, utime: 800, stime: 0, starttime: 1000, env: { WATTPRINT_JOB_ID: 'j1' } });
    f.kill(101);
    f.put({ pid: 102, comm: 'new-owner', ppid: 1, utime: 40, stime: 0, starttime: f.uptimeTicks - 100 });
    f.put({ pid: 103, comm: 'worker', ppid: 100, utime: 120, stime: 0, starttime: f.uptimeTicks - 500, env: { WATTPRINT_JOB_ID: 'j1' } });
    const after = new ProcScanner({ procfsRoot: f.root, collectCommands: true });
    after.restore(snap);
    const r = after.scan();
    after.close();
    assert.equal(r.baseline, false, 'the restored scan is an interval, not a baseline');
    assert.equal(r.cpuBusySeconds, 6, 'host CPU over the whole gap');
    const cpu = Object.fromEntries(r.processes.map((p) => [`${p.pid}:${p.command}`, [p.cpuSeconds, p.jobId]]));
    assert.deepEqual(cpu, { '100:train': [3, 'j1'], '102:new-owner': [0.4, ''], '103:worker': [1.2, 'j1'] });
  } finally {
    f.remove();
  }
});

test('command lines are not read unless asked for', () => {
  const f = new ProcFixture();
  try {
    f.put({ pid: 100, comm: 'train', ppid: 1, utime: 1000, stime: 100, starttime: 5000 });
    fs.writeFileSync(path.join(f.root, '100', 'cmdline'), 'python\0train.py\0--hf-token=hf_S3cret\0');
    const quiet = new ProcScanner({ procfsRoot: f.root, includeIdle: true });
    const asked = new ProcScanner({ procfsRoot: f.root, includeIdle: true, collectCommands: true });
    quiet.scan();
    asked.scan();
    f.tick(1, 2);
    f.put({ pid: 100, comm: 'train', ppid: 1, utime: 1150, stime: 110, starttime: 5000 });
    assert.equal(quiet.scan().processes.find((p) => p.pid === 100)!.command, '');
    assert.equal(asked.scan().processes.find((p) => p.pid === 100)!.command, 'python train.py --hf-token=hf_S3cret');
  } finally {
    f.remove();
  }
});
