// NvmlSource and its koffi binding, driven through the real FFI against a
// fake libnvidia-ml.so.1 built from C (test/fakes/nvml/fake_nvml.c) whose
// boards, counters, processes and samples each test scripts.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Domain, Quality, Source } from '@wattprint/proto';
import { NvmlSource, integratePowerJoules, summariseGpuProcesses } from '@wattprint/agent/sources/nvml.ts';
import { NOT_MIG, Nvml, NvmlError, NvmlReturn } from '@wattprint/agent/sources/nvml-ffi.ts';
import type { SampleContext } from '@wattprint/agent/sources/source.ts';
import { buildFakeNvml } from '../../test/fakes/nvml/build.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-nvml-'));
const scenarioFile = path.join(dir, 'scenario');
const logFile = path.join(dir, 'calls.log');
let lib = '';
const open: NvmlSource[] = [];

before(() => {
  lib = buildFakeNvml();
  process.env.FAKE_NVML_SCENARIO = scenarioFile;
  process.env.FAKE_NVML_LOG = logFile;
});
beforeEach(() => fs.writeFileSync(logFile, ''));
// Closing shuts NVML down, so each test starts from an uninitialised library.
afterEach(async () => {
  for (let s = open.pop(); s; s = open.pop()) await s.close();
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function scenario(...lines: string[]): void {
  fs.writeFileSync(scenarioFile, lines.join('\n') + '\n');
}
function calls(fn: string): string[] {
  return fs.readFileSync(logFile, 'utf8').split('\n').filter((l) => l.startsWith(fn + ' '));
}
function source(): NvmlSource {
  const s = new NvmlSource({ libPath: lib });
  open.push(s);
  return s;
}
const S = 1_000_000;
function ctx(startS: number, endS: number): SampleContext {
  return { startUs: startS * S, endUs: endS * S, cpuBusySeconds: 0, cpuIdleSeconds: 0, cpuCount: 1 };
}
const A100 = 'GPU-8a3f0c2e-1111-2222-3333-444455556666';
const V100 = 'GPU-00000000-aaaa-bbbb-cccc-dddddddddddd';

test('energy is the counter delta in joules, exactly, per board', async () => {
  const gpu = (uuid: string, mj: string) => `gpu uuid=${uuid} name="NVIDIA A100-SXM4-40GB" energy_mj=${mj} power_mw=250000 limit_mw=400000`;
  scenario(gpu(A100, '9007199254740993000'), gpu(V100, '1000'));
  const src = source();
  const first = await src.read(ctx(0, 1));
  assert.deepEqual(first.energy, [], 'the first read is the baseline');
  assert.deepEqual(first.status, []);

  // Beyond 2^53 mJ on the first board: BigInt keeps the last millijoule.
  scenario(gpu(A100, '9007199254741227567'), gpu(V100, '1001'));
  const second = await src.read(ctx(1, 2));
  assert.deepEqual(second.status, []);
  assert.deepEqual(second.energy, [
    { domain: Domain.DOMAIN_GPU, device: A100, source: Source.SOURCE_NVML, quality: Quality.QUALITY_COUNTER, joules: 234.567, flags: [] },
    { domain: Domain.DOMAIN_GPU, device: V100, source: Source.SOURCE_NVML, quality: Quality.QUALITY_COUNTER, joules: 0.001, flags: [] },
  ]);
});

test('a counter that goes back (driver reload) counts only the energy since, flagged', async () => {
  const gpu = (mj: number) => `gpu uuid=${A100} name=A100 energy_mj=${mj} power_mw=1 limit_mw=1`;
  scenario(gpu(5_000_000));
  const src = source();
  await src.read(ctx(0, 1));
  scenario(gpu(5_001_000));
  assert.equal((await src.read(ctx(1, 2))).energy[0]?.joules, 1);
  scenario(gpu(2_500));
  const r = await src.read(ctx(2, 3));
  assert.equal(r.energy[0]?.joules, 2.5);
  assert.deepEqual(r.energy[0]?.flags, ['counter_reset']);
  assert.equal(r.status.length, 1);
  assert.match(r.status[0]?.reason ?? '', /went back from 5001000 to 2500 mJ/);
  scenario(gpu(3_500));
  const after = await src.read(ctx(3, 4));
  assert.deepEqual(after.energy[0]?.flags, [], 'the reset is flagged once, then counting goes on');
  assert.equal(after.energy[0]?.joules, 1);
});

test('a board without an energy counter (pre-Volta) integrates power by the trapezoid rule, flagged', async () => {
  const gpu = (mw: number) => `gpu uuid=${V100} name="Tesla P100-PCIE-16GB" power_mw=${mw} limit_mw=250000 fail=nvmlDeviceGetTotalEnergyConsumption:3`;
  scenario(gpu(100_000));
  const src = source();
  assert.deepEqual((await src.read(ctx(0, 10))).energy, []);
  scenario(gpu(200_000));
  const r = await src.read(ctx(10, 12));
  assert.deepEqual(r.status, []);
  assert.deepEqual(r.energy, [{ domain: Domain.DOMAIN_GPU, device: V100, source: Source.SOURCE_NVML, quality: Quality.QUALITY_INTEGRATED_POWER, joules: 300, flags: ['power_integrated'] }]);
  // Once known to be missing, the counter is not asked again.
  const energyCalls = calls('nvmlDeviceGetTotalEnergyConsumption');
  assert.equal(energyCalls.length, 1, energyCalls.join('\n'));
  assert.match(energyCalls[0] ?? '', /-> 3$/);
});

test('process lists longer than any first guess go through the INSUFFICIENT_SIZE protocol', async () => {
  const lines = [`gpu uuid=${A100} name=A100 energy_mj=1 power_mw=1 limit_mw=1`];
  for (let i = 0; i < 40; i++) lines.push(`proc gpu=0 pid=${1000 + i} mem=${(i + 1) * 1048576}`);
  scenario(...lines);
  const r = await source().read(ctx(0, 1));
  assert.equal(r.gpuProcesses?.length, 40);
  const p39 = r.gpuProcesses?.find((p) => p.pid === 1039);
  assert.deepEqual(p39, { gpuUuid: A100, pid: 1039, smUtil: 0, memUtil: 0, sampleCount: 0, gpuMemoryBytes: 40 * 1048576, gpuInstanceId: NOT_MIG, computeInstanceId: NOT_MIG });
  assert.deepEqual(
    calls('nvmlDeviceGetComputeRunningProcesses_v3').map((l) => l.replace(/^\S+ \S+ /, '')),
    ['count=0 -> 7', 'count=48 -> 0'],
  );
});

test('utilisation is the mean of the samples newer than the last one seen', async () => {
  const base = [`gpu uuid=${A100} name=A100 energy_mj=1 power_mw=1 limit_mw=1`, 'proc gpu=0 pid=10 mem=100', 'proc gpu=0 pid=11 mem=200'];
  const samples = [
    'sample gpu=0 pid=10 ts=500000 sm=99 mem=99', // before the first interval began
    'sample gpu=0 pid=10 ts=1500000 sm=40 mem=10',
    'sample gpu=0 pid=10 ts=2500000 sm=60 mem=30',
    'sample gpu=0 pid=11 ts=2000000 sm=10 mem=5',
    'sample gpu=0 pid=12 ts=2100000 sm=20 mem=2', // used the GPU, exited before the list was taken
  ];
  scenario(...base, ...samples);
  const src = source();
  const r1 = await src.read(ctx(1, 3));
  const byPid = (r: typeof r1) => new Map((r.gpuProcesses ?? []).map((p) => [p.pid, p]));
  const first = byPid(r1);
  assert.deepEqual([first.get(10)?.smUtil, first.get(10)?.memUtil, first.get(10)?.sampleCount], [50, 20, 2]);
  assert.deepEqual([first.get(11)?.smUtil, first.get(11)?.sampleCount, first.get(11)?.gpuMemoryBytes], [10, 1, 200]);
  assert.deepEqual([first.get(12)?.smUtil, first.get(12)?.sampleCount, first.get(12)?.gpuMemoryBytes], [20, 1, 0]);

  scenario(...base, ...samples, 'sample gpu=0 pid=10 ts=3100000 sm=90 mem=70');
  const second = byPid(await src.read(ctx(3, 4)));
  assert.deepEqual([second.get(10)?.smUtil, second.get(10)?.memUtil, second.get(10)?.sampleCount], [90, 70, 1]);
  assert.deepEqual([second.get(11)?.smUtil, second.get(11)?.sampleCount], [0, 0]);
  assert.equal(second.has(12), false);
  // lastSeen went to NVML: the interval start first, then the newest sample seen.
  const lastSeen = calls('nvmlDeviceGetProcessUtilization').filter((l) => l.includes('buf=null')).map((l) => l.match(/lastSeen=(\d+)/)?.[1]);
  assert.deepEqual(lastSeen, ['1000000', '2500000']);

  scenario(...base);
  const idle = byPid(await src.read(ctx(4, 5)));
  assert.deepEqual([idle.get(10)?.sampleCount, idle.get(11)?.sampleCount], [0, 0], 'NOT_FOUND means no samples, not an error');
});

test('MIG: whole-board energy flagged "mig", processes per instance with their ids', async () => {
  const gpu = (mj: number) => `gpu uuid=${A100} name="NVIDIA A100-SXM4-80GB" energy_mj=${mj} power_mw=1 limit_mw=400000 mig=1`;
  const rest = [
    'mig gpu=0 slot=0 uuid=MIG-aaaa gi=1 ci=0',
    'mig gpu=0 slot=2 uuid=MIG-bbbb gi=5 ci=0',
    'proc gpu=0 slot=0 pid=300 mem=1000',
    'proc gpu=0 slot=2 pid=301 mem=2000',
    'proc gpu=0 slot=2 pid=302 mem=3000',
  ];
  scenario(gpu(0), ...rest);
  const src = source();
  assert.deepEqual(await src.inventory(), [{ uuid: A100, name: 'NVIDIA A100-SXM4-80GB', powerLimitWatts: 400, mig: true }]);
  await src.read(ctx(0, 1));
  scenario(gpu(150_000), ...rest);
  const r = await src.read(ctx(1, 2));
  assert.deepEqual(r.status, []);
  assert.deepEqual(r.energy, [{ domain: Domain.DOMAIN_GPU, device: A100, source: Source.SOURCE_NVML, quality: Quality.QUALITY_COUNTER, joules: 150, flags: ['mig'] }]);
  const procs = (r.gpuProcesses ?? []).map((p) => [p.pid, p.gpuUuid, p.gpuInstanceId, p.computeInstanceId, p.gpuMemoryBytes, p.sampleCount]);
  assert.deepEqual(procs, [
    [300, A100, 1, 0, 1000, 0],
    [301, A100, 5, 0, 2000, 0],
    [302, A100, 5, 0, 3000, 0],
  ]);
  assert.deepEqual(calls('nvmlDeviceGetProcessUtilization'), [], 'NVML has no per-process utilisation under MIG');
});

test('a lost GPU becomes a status entry; the others go on, and when back the energy since its last good read is counted, flagged', async () => {
  const gpus = (lost: 0 | 1, mj: number) => [`gpu uuid=${A100} name=A100 energy_mj=${mj} power_mw=1 limit_mw=1`, `gpu uuid=${V100} name=V100 energy_mj=${mj * 2} power_mw=1 limit_mw=1 lost=${lost}`];
  scenario(...gpus(0, 1000));
  const src = source();
  await src.read(ctx(0, 1));
  scenario(...gpus(1, 2000));
  const r = await src.read(ctx(1, 2));
  assert.deepEqual(r.energy.map((e) => [e.device, e.joules]), [[A100, 1]]);
  assert.equal(r.status.length, 1);
  assert.match(r.status[0]?.reason ?? '', new RegExp(`GPU ${V100}: nvmlDeviceGetTotalEnergyConsumption failed: GPU is lost \\(NVML 15\\)`));
  assert.match(r.status[0]?.fix ?? '', /fell off the bus/);

  scenario(...gpus(0, 9000));
  const back = await src.read(ctx(2, 3));
  assert.deepEqual(back.energy.map((e) => [e.device, e.joules, e.flags, e.spanStartUs]), [[A100, 7, [], undefined], [V100, 16, ['catch_up'], 1 * S]], 'the counter kept counting while the board was lost: nothing lost');
  scenario(...gpus(0, 9500));
  assert.deepEqual((await src.read(ctx(3, 4))).energy.map((e) => [e.device, e.joules, e.flags]), [[A100, 0.5, []], [V100, 1, []]]);
});

test('counter positions persisted on this boot: a restarted source counts the downtime, flagged gap_recovered', async () => {
  const gpu = (mj: number) => `gpu uuid=${A100} name=A100 energy_mj=${mj} power_mw=1 limit_mw=1`;
  scenario(gpu(5000));
  const before = source();
  await before.read(ctx(0, 1));
  const saved = before.counterPositions();
  assert.deepEqual(saved, { [A100]: { value: '5000', atUs: 1 * S } });
  await before.close();
  open.splice(open.indexOf(before), 1);
  scenario(gpu(65000)); // 60 J while the agent was down
  const after = source();
  after.restoreCounterPositions(saved);
  const r = await after.read(ctx(10, 11));
  assert.deepEqual(r.energy.map((e) => [e.device, e.joules, e.flags, e.spanStartUs]), [[A100, 60, ['gap_recovered'], 1 * S]]);
});

test('no permission to list processes keeps the energy and says how to fix it', async () => {
  scenario(`gpu uuid=${A100} name=A100 energy_mj=10 power_mw=1 limit_mw=1 fail=nvmlDeviceGetComputeRunningProcesses_v3:4`);
  const src = source();
  const r = await src.read(ctx(0, 1));
  assert.equal(r.status.length, 1);
  assert.match(r.status[0]?.reason ?? '', /processes: nvmlDeviceGetComputeRunningProcesses_v3 failed: Insufficient Permissions \(NVML 4\)/);
  assert.match(r.status[0]?.fix ?? '', /\/dev\/nvidia/);
  scenario(`gpu uuid=${A100} name=A100 energy_mj=20 power_mw=1 limit_mw=1 fail=nvmlDeviceGetComputeRunningProcesses_v3:4`);
  assert.equal((await src.read(ctx(1, 2))).energy[0]?.joules, 0.01);
});

test('a board without per-process utilisation says so once and reports processes with no samples', async () => {
  scenario(`gpu uuid=${A100} name=K80 energy_mj=10 power_mw=1 limit_mw=1 fail=nvmlDeviceGetProcessUtilization:3`, 'proc gpu=0 pid=5 mem=7');
  const src = source();
  const r1 = await src.read(ctx(0, 1));
  assert.equal(r1.status.length, 1);
  assert.match(r1.status[0]?.reason ?? '', /no per-process utilisation/);
  assert.deepEqual(r1.gpuProcesses?.map((p) => [p.pid, p.sampleCount, p.gpuMemoryBytes]), [[5, 0, 7]]);
  assert.deepEqual((await src.read(ctx(1, 2))).status, []);
});

test('probe and read say why NVML is missing: library, driver, permission', async () => {
  const missing = new NvmlSource({ libPath: path.join(dir, 'nowhere', 'libnvidia-ml.so.1') });
  const p = await missing.probe();
  assert.equal(p.found, false);
  assert.match(p.reason, /nowhere\/libnvidia-ml\.so\.1 not found .*No such file/);
  assert.match(p.fix ?? '', /install the NVIDIA driver/);
  const r = await missing.read(ctx(0, 1));
  assert.deepEqual(r.energy, []);
  assert.match(r.status[0]?.reason ?? '', /not found/);

  scenario('init rc=9', `gpu uuid=${A100} name=A100 energy_mj=1 power_mw=1 limit_mw=1`);
  const noDriver = await source().probe();
  assert.equal(noDriver.found, false);
  assert.match(noDriver.reason, /nvmlInit_v2 failed: Driver Not Loaded \(NVML 9\)/);
  assert.match(noDriver.fix ?? '', /modprobe nvidia/);

  scenario('init rc=4');
  const denied = await source().probe();
  assert.match(denied.reason, /Insufficient Permissions \(NVML 4\)/);
  assert.match(denied.fix ?? '', /\/dev\/nvidiactl/);

  const notLib = path.join(dir, 'not-a-library.so');
  fs.writeFileSync(notLib, 'this is text, not ELF');
  const bad = await new NvmlSource({ libPath: notLib }).probe();
  assert.equal(bad.found, false);
  assert.match(bad.reason, /cannot load .*not-a-library\.so/);
  assert.match(bad.fix ?? '', /64-bit build/);
});

test('probe lists every board and how its energy is measured, without disturbing the baseline', async () => {
  scenario(
    `gpu uuid=${A100} name="NVIDIA A100" energy_mj=100 power_mw=1 limit_mw=400000`,
    `gpu uuid=${V100} name="Tesla P100" power_mw=1 limit_mw=250000 fail=nvmlDeviceGetTotalEnergyConsumption:3`,
  );
  const src = source();
  const p = await src.probe();
  assert.equal(p.found, true);
  assert.deepEqual(p.devices, [A100, V100]);
  assert.match(p.reason, new RegExp(`NVIDIA A100 ${A100}: energy counter`));
  assert.match(p.reason, /Tesla P100 .*pre-Volta.*power integrated/);
  assert.deepEqual((await src.read(ctx(0, 1))).energy, [], 'the first read after a probe is still the baseline');
});

test('a wedged NVML call runs off the event loop', async () => {
  scenario(`gpu uuid=${A100} name=A100 energy_mj=1 power_mw=1 limit_mw=1 delay_ms=400`);
  const src = source();
  await src.inventory();
  let timerFired = false;
  const timer = new Promise<void>((resolve) => setTimeout(() => { timerFired = true; resolve(); }, 10));
  const reading = src.read(ctx(0, 1)).then(() => timerFired);
  await timer;
  assert.equal(await reading, true, 'a timer fired while the energy call was blocked in the driver');
});

test('the binding reports return codes as NvmlError with NVML\'s own text', async () => {
  scenario(`gpu uuid=${A100} name=A100 energy_mj=1 power_mw=1 limit_mw=1 fail=nvmlDeviceGetPowerUsage:2`);
  const nvml = Nvml.load(lib);
  try {
    await assert.rejects(nvml.deviceCount(), (e: unknown) => e instanceof NvmlError && e.code === NvmlReturn.UNINITIALIZED);
    await nvml.init();
    const dev = await nvml.handleByIndex(0);
    assert.equal(await nvml.uuid(dev), A100);
    await assert.rejects(nvml.powerUsageMw(dev), /nvmlDeviceGetPowerUsage failed: Invalid Argument \(NVML 2\)/);
    assert.deepEqual(await nvml.migMode(dev), { current: 0, pending: 0 });
    await nvml.shutdown();
  } finally {
    nvml.unload();
  }
});

test('pure arithmetic: trapezoid integration and sample summaries', () => {
  assert.equal(integratePowerJoules(100_000, 0, 300_000, 500_000), 100);
  assert.equal(integratePowerJoules(100_000, 5, 300_000, 5), 0, 'no time, no energy');
  assert.equal(integratePowerJoules(100_000, 9, 300_000, 5), 0, 'clock stepped back: nothing invented');
  const { usage, lastSeenUs } = summariseGpuProcesses(
    'GPU-x',
    [
      { pid: 1, usedGpuMemory: 0xffffffffffffffffn, gpuInstanceId: NOT_MIG, computeInstanceId: NOT_MIG },
      { pid: 1, usedGpuMemory: 5n, gpuInstanceId: NOT_MIG, computeInstanceId: NOT_MIG },
    ],
    [
      { pid: 0, timeStampUs: 900n, smUtil: 100, memUtil: 100, encUtil: 0, decUtil: 0 },
      { pid: 1, timeStampUs: 100n, smUtil: 100, memUtil: 100, encUtil: 0, decUtil: 0 },
      { pid: 1, timeStampUs: 300n, smUtil: 30, memUtil: 3, encUtil: 0, decUtil: 0 },
    ],
    100n,
  );
  assert.deepEqual(usage, [{ gpuUuid: 'GPU-x', pid: 1, smUtil: 30, memUtil: 3, sampleCount: 1, gpuMemoryBytes: 0, gpuInstanceId: NOT_MIG, computeInstanceId: NOT_MIG }]);
  assert.equal(lastSeenUs, 300n, 'empty slots (pid 0) do not move lastSeen');
});
