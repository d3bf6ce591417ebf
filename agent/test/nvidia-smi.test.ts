// The nvidia-smi fallback: its CSV parsers, the source run against a fake
// nvidia-smi (test/fakes/nvidia-smi.sh), and createGpuSource's choice
// between NVML and nvidia-smi.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Domain, Quality, Source } from '@wattprint/proto';
import { NvidiaSmiSource, explainSmiFailure, parseAppsCsv, parseGpuCsv, parseSmiNumber } from '@wattprint/agent/sources/nvidia-smi.ts';
import { NvmlSource } from '@wattprint/agent/sources/nvml.ts';
import { createGpuSource, findExecutable } from '@wattprint/agent/sources/gpu.ts';
import { NOT_MIG } from '@wattprint/agent/sources/nvml-ffi.ts';
import type { SampleContext } from '@wattprint/agent/sources/source.ts';
import { buildFakeNvml } from '../../test/fakes/nvml/build.ts';

const FAKE_SMI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fakes', 'nvidia-smi.sh');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-smi-'));
const smiScenario = path.join(dir, 'smi');
const nvmlScenario = path.join(dir, 'nvml');
const P100 = 'GPU-1d2c3b4a-0000-1111-2222-333344445555';
const T4 = 'GPU-99999999-8888-7777-6666-555544443333';
let nvmlLib = '';

before(() => {
  nvmlLib = buildFakeNvml();
  process.env.FAKE_NVIDIA_SMI_SCENARIO = smiScenario;
  process.env.FAKE_NVML_SCENARIO = nvmlScenario;
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function smi(...lines: string[]): void {
  fs.writeFileSync(smiScenario, lines.join('\n') + '\n');
}
const gpuLine = (index: number, uuid: string, name: string, power: string, limit = '250.00') => `gpu|index=${index}|uuid=${uuid}|name=${name}|power.draw=${power}|enforced.power.limit=${limit}`;
const S = 1_000_000;
function ctx(startS: number, endS: number): SampleContext {
  return { startUs: startS * S, endUs: endS * S, cpuBusySeconds: 0, cpuIdleSeconds: 0, cpuCount: 1 };
}

test('parseSmiNumber reads numbers and nothing else', () => {
  assert.equal(parseSmiNumber(' 31.52 '), 31.52);
  assert.equal(parseSmiNumber('250'), 250);
  for (const na of ['[N/A]', '[Not Supported]', 'N/A', '', '31.5 W', '1e3']) assert.equal(parseSmiNumber(na), undefined, na);
});

test('parseGpuCsv: values, [N/A], [Not Supported], a comma in the name, and bad lines named', () => {
  const text = [
    `0, ${P100}, Tesla P100-PCIE-16GB, 31.52, 250.00`,
    '',
    `1, ${T4}, Tesla T4, [N/A], [Not Supported]`,
    `2, GPU-abcdef01-0000-0000-0000-000000000000, Quadro RTX 8000, Max-Q, 70.10, 80.00`,
    '3, GPU-deadbeef, only three',
    `x, ${T4}, Bad index, 1.0, 2.0`,
    `4, ${T4}, Bad power, 12 W, 2.0`,
  ].join('\n');
  const { rows, problems } = parseGpuCsv(text);
  assert.deepEqual(rows, [
    { index: 0, uuid: P100, name: 'Tesla P100-PCIE-16GB', powerWatts: 31.52, powerLimitWatts: 250 },
    { index: 1, uuid: T4, name: 'Tesla T4', powerWatts: undefined, powerLimitWatts: undefined },
    { index: 2, uuid: 'GPU-abcdef01-0000-0000-0000-000000000000', name: 'Quadro RTX 8000, Max-Q', powerWatts: 70.1, powerLimitWatts: 80 },
  ]);
  assert.equal(problems.length, 3);
  assert.match(problems[0] ?? '', /line 5: expected 5 fields, got 3/);
  assert.match(problems[1] ?? '', /line 6: no GPU index and UUID/);
  assert.match(problems[2] ?? '', /line 7: power.draw "12 W" is not a number/);
});

test('parseAppsCsv: processes in MiB, [N/A] memory, the "no processes" line, bad lines named', () => {
  const text = [`${P100}, 4242, 1024`, `${T4}, 77, [N/A]`, 'No running processes found', `${P100}, -1, 5`, 'garbage'].join('\n');
  const { rows, problems } = parseAppsCsv(text);
  assert.deepEqual(rows, [
    { gpuUuid: P100, pid: 4242, usedMemoryMiB: 1024 },
    { gpuUuid: T4, pid: 77, usedMemoryMiB: undefined },
  ]);
  assert.equal(problems.length, 2);
  assert.match(problems[0] ?? '', /line 4: expected "gpu_uuid, pid, used_memory"/);
  assert.match(problems[1] ?? '', /line 5: .*"garbage"/);
});

test('explainSmiFailure names the cause and the fix', () => {
  const enoent = { code: 'ENOENT' };
  assert.match(explainSmiFailure('nvidia-smi', enoent, '', 1000).reason, /nvidia-smi not found/);
  const killed = { killed: true, signal: 'SIGKILL' as const };
  assert.match(explainSmiFailure('nvidia-smi', killed, '', 1500).fix, /persistence/);
  const exit9 = { code: 9 };
  const e = explainSmiFailure('/usr/bin/nvidia-smi', exit9, "\nNVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n", 1000);
  assert.match(e.reason, /exited with 9: NVIDIA-SMI has failed/);
  assert.match(e.fix, /modprobe nvidia/);
  const mismatch = explainSmiFailure('nvidia-smi', exit9, 'Failed to initialize NVML: Driver/library version mismatch', 1000);
  assert.match(mismatch.fix, /reboot/);
});

test('the source integrates board power per GPU, flagged, and lists processes', async () => {
  smi(gpuLine(0, P100, 'Tesla P100-PCIE-16GB', '100.00'), gpuLine(1, T4, 'Tesla T4', '30.00', '70.00'), `app|gpu_uuid=${P100}|pid=4242|used_memory=1024`);
  const src = new NvidiaSmiSource({ binary: FAKE_SMI });
  const first = await src.read(ctx(0, 10));
  assert.deepEqual(first.energy, [], 'the first read is the baseline');
  assert.deepEqual(first.status, []);
  assert.deepEqual(first.gpuProcesses, [{ gpuUuid: P100, pid: 4242, smUtil: 0, memUtil: 0, sampleCount: 0, gpuMemoryBytes: 1024 * 1048576, gpuInstanceId: NOT_MIG, computeInstanceId: NOT_MIG }]);

  smi(gpuLine(0, P100, 'Tesla P100-PCIE-16GB', '200.00'), gpuLine(1, T4, 'Tesla T4', '30.00', '70.00'));
  const r = await src.read(ctx(10, 12));
  assert.deepEqual(r.status, []);
  assert.deepEqual(r.gpuProcesses, []);
  assert.deepEqual(r.energy, [
    { domain: Domain.DOMAIN_GPU, device: P100, source: Source.SOURCE_NVIDIA_SMI, quality: Quality.QUALITY_INTEGRATED_POWER, joules: 300, flags: ['power_integrated'] },
    { domain: Domain.DOMAIN_GPU, device: T4, source: Source.SOURCE_NVIDIA_SMI, quality: Quality.QUALITY_INTEGRATED_POWER, joules: 60, flags: ['power_integrated'] },
  ]);
});

test('[N/A] power is a status entry, and the gap is never integrated', async () => {
  smi(gpuLine(0, P100, 'P100', '100.00'));
  const src = new NvidiaSmiSource({ binary: FAKE_SMI });
  await src.read(ctx(0, 1));
  smi(gpuLine(0, P100, 'P100', '[N/A]'));
  const gap = await src.read(ctx(1, 2));
  assert.deepEqual(gap.energy, []);
  assert.match(gap.status[0]?.reason ?? '', new RegExp(`GPU ${P100}: power.draw not available`));
  smi(gpuLine(0, P100, 'P100', '120.00'));
  assert.deepEqual((await src.read(ctx(2, 3))).energy, [], 'a fresh baseline after the gap');
  smi(gpuLine(0, P100, 'P100', '140.00'));
  assert.equal((await src.read(ctx(3, 4))).energy[0]?.joules, 130);
});

test('a failing, missing or hung nvidia-smi becomes a status entry, not a crash', async () => {
  smi(gpuLine(0, P100, 'P100', '100.00'));
  const src = new NvidiaSmiSource({ binary: FAKE_SMI, timeoutMs: 300 });
  await src.read(ctx(0, 1));

  smi("fail|9|NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.");
  const failed = await src.read(ctx(1, 2));
  assert.deepEqual(failed.energy, []);
  assert.equal(failed.status.length, 2, 'the GPU query and the process query each say so');
  assert.match(failed.status[0]?.reason ?? '', /exited with 9: NVIDIA-SMI has failed/);
  assert.match(failed.status[0]?.fix ?? '', /modprobe nvidia/);
  assert.match(failed.status[1]?.reason ?? '', /^process list: /);

  smi('sleep|2', gpuLine(0, P100, 'P100', '100.00'));
  const hung = await src.read(ctx(2, 3));
  assert.match(hung.status[0]?.reason ?? '', /no answer within 300 ms \(killed\)/);

  smi(gpuLine(0, P100, 'P100', '100.00'));
  assert.deepEqual((await src.read(ctx(3, 4))).energy, [], 'after failures the next reading is a new baseline');

  const missing = await new NvidiaSmiSource({ binary: path.join(dir, 'no-such-nvidia-smi') }).probe();
  assert.equal(missing.found, false);
  assert.match(missing.reason, /no-such-nvidia-smi not found/);
  assert.match(missing.fix ?? '', /install the NVIDIA driver/);
});

test('probe and inventory list the GPUs nvidia-smi sees', async () => {
  smi(gpuLine(0, P100, 'Tesla P100-PCIE-16GB', '31.52'), gpuLine(1, T4, 'Tesla T4', '[N/A]', '70.00'));
  const src = new NvidiaSmiSource({ binary: FAKE_SMI });
  const p = await src.probe();
  assert.equal(p.found, true);
  assert.deepEqual(p.devices, [P100, T4]);
  assert.match(p.reason, /2 GPUs .*power integrated.*no power reading for GPU-9999/);
  assert.deepEqual(await src.inventory(), [
    { uuid: P100, name: 'Tesla P100-PCIE-16GB', powerLimitWatts: 250, mig: false },
    { uuid: T4, name: 'Tesla T4', powerLimitWatts: 70, mig: false },
  ]);
  smi();
  const none = await src.probe();
  assert.equal(none.found, false);
  assert.match(none.reason, /lists no GPU/);
});

test('createGpuSource prefers NVML, falls back to nvidia-smi, and reports both probes', async () => {
  fs.writeFileSync(nvmlScenario, `gpu uuid=${P100} name="Tesla V100" energy_mj=1 power_mw=1 limit_mw=300000\n`);
  smi(gpuLine(0, T4, 'Tesla T4', '30.00', '70.00'));

  const withNvml = await createGpuSource({ libPath: nvmlLib, nvidiaSmiPath: FAKE_SMI });
  assert.ok(withNvml.source instanceof NvmlSource);
  assert.deepEqual(withNvml.gpus, [{ uuid: P100, name: 'Tesla V100', powerLimitWatts: 300, mig: false }]);
  assert.deepEqual(withNvml.probes.map((p) => [p.source, p.found]), [['nvml', true], ['nvidia-smi', true]]);
  assert.match(withNvml.probes[1]?.reason ?? '', /standby: NVML is in use/);
  await withNvml.source?.close?.();

  const noLib = path.join(dir, 'missing', 'libnvidia-ml.so.1');
  const fallback = await createGpuSource({ libPath: noLib, nvidiaSmiPath: FAKE_SMI });
  assert.ok(fallback.source instanceof NvidiaSmiSource);
  assert.deepEqual(fallback.gpus, [{ uuid: T4, name: 'Tesla T4', powerLimitWatts: 70, mig: false }]);
  assert.deepEqual(fallback.probes.map((p) => [p.source, p.found]), [['nvml', false], ['nvidia-smi', true]]);
  assert.match(fallback.probes[0]?.reason ?? '', /not found/);

  const neither = await createGpuSource({ libPath: noLib, nvidiaSmiPath: path.join(dir, 'nope') });
  assert.equal(neither.source, undefined);
  assert.deepEqual(neither.gpus, []);
  assert.deepEqual(neither.probes.map((p) => [p.source, p.found]), [['nvml', false], ['nvidia-smi', false]]);
  assert.ok(neither.probes.every((p) => p.reason !== '' && (p.fix ?? '') !== ''), 'each probe says why and what to do');
});

test('findExecutable resolves a name through PATH, and a path as given', () => {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.copyFileSync(FAKE_SMI, path.join(bin, 'nvidia-smi'));
  fs.chmodSync(path.join(bin, 'nvidia-smi'), 0o755);
  fs.writeFileSync(path.join(bin, 'not-exec'), '');
  assert.equal(findExecutable('nvidia-smi', `/nonexistent${path.delimiter}${bin}`), path.join(bin, 'nvidia-smi'));
  assert.equal(findExecutable('not-exec', bin), undefined);
  assert.equal(findExecutable(FAKE_SMI, ''), FAKE_SMI);
  assert.equal(findExecutable('nvidia-smi', ''), undefined);
});
