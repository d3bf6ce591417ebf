// Times attribute() on one busy report (8 GPUs, 500 processes, both sockets'
// RAPL domains, a wall meter) against decoding the same report from protobuf
// bytes, in the same run. Prints one JSON line.
//   node_modules/.bin/node --disable-warning=ExperimentalWarning test/bench/attribution.bench.ts [--in-jobs=N]
// Default: 8 fine-tuning jobs of 16 processes (a trainer and 15 DataLoader
// workers) among 500; --in-jobs=500 is the worst case (every process in a job).
import { decodeReport, encodeReport, Domain, Quality, Source, type Report } from '@wattprint/proto';
import { attribute } from '@wattprint/collector/attribution/attribute.ts';

/**
 * 8 jobs, one per GPU, each a trainer with DataLoader workers (`inJobs`
 * processes in all), and system processes (daemons, shells) up to 500; every
 * process used some CPU time. Process order is shuffled (seeded).
 */
export function busyReport(inJobs: number): Report {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const gpus = Array.from({ length: 8 }, (_, g) => `GPU-${g}0000000-aaaa-bbbb-cccc-dddddddddddd`);
  const energy: Report['energy'] = [];
  for (const s of [0, 1]) {
    energy.push({ domain: Domain.DOMAIN_PACKAGE, device: `package-${s}`, source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 180 + 20 * s });
    energy.push({ domain: Domain.DOMAIN_CORE, device: `package-${s}-core`, source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 120 + 10 * s });
    energy.push({ domain: Domain.DOMAIN_DRAM, device: `package-${s}-dram`, source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 30 + s });
  }
  for (const [g, uuid] of gpus.entries()) energy.push({ domain: Domain.DOMAIN_GPU, device: uuid, source: Source.SOURCE_NVML, quality: Quality.QUALITY_COUNTER, joules: 300 + g });
  energy.push({ domain: Domain.DOMAIN_WALL, device: 'psu', source: Source.SOURCE_IPMI, quality: Quality.QUALITY_INTEGRATED_POWER, joules: 4000 });
  const processes: NonNullable<Report['processes']> = [];
  const gpuProcesses: NonNullable<Report['gpuProcesses']> = [];
  const perJob = Math.floor(inJobs / 8);
  let pid = 1000;
  for (let j = 0; j < 8; j++) {
    const count = j === 7 ? inJobs - 7 * perJob : perJob;
    for (let k = 0; k < count; k++) {
      pid += 1 + Math.floor(rand() * 5);
      processes.push({ pid, startTimeUs: 1.7e15 + pid, jobId: `job-${j}`, labels: { model: 'bert-base', dataset: 'mnli' }, cpuSeconds: k === 0 ? 0.95 : 0.1 + rand() * 0.5, jobSource: 'env' });
      if (k === 0) gpuProcesses.push({ gpuUuid: gpus[j], pid, smUtil: 60 + rand() * 40, memUtil: 40, sampleCount: 6, gpuMemoryBytes: 30e9, gpuInstanceId: 0xffffffff, computeInstanceId: 0xffffffff });
    }
  }
  for (let k = inJobs; k < 500; k++) {
    pid += 1 + Math.floor(rand() * 5);
    processes.push({ pid, startTimeUs: 1.7e15 + pid, cpuSeconds: rand() * 0.05 });
  }
  for (let i = processes.length - 1; i > 0; i--) {
    const k = Math.floor(rand() * (i + 1));
    [processes[i], processes[k]] = [processes[k]!, processes[i]!];
  }
  const busy = processes.reduce((a, p) => a + (p.cpuSeconds ?? 0), 0) + 0.5;
  return { host: 'gpu-node-01', seq: 1, startUs: 1.7e15, endUs: 1.7e15 + 1e6, energy, processes, gpuProcesses, cpuBusySeconds: busy, cpuIdleSeconds: Math.max(0, 128 - busy), cpuCount: 128, bootId: 'b' };
}

function medianMs(fn: () => unknown, runs: number, warmup: number): number {
  for (let i = 0; i < warmup; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = process.hrtime.bigint();
    fn();
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

if (import.meta.main) {
  const arg = process.argv.find((a) => a.startsWith('--in-jobs='));
  const inJobs = arg ? Number(arg.slice('--in-jobs='.length)) : 128;
  if (!Number.isInteger(inJobs) || inJobs < 8 || inJobs > 500) throw new Error(`--in-jobs must be an integer in [8, 500], got ${arg}`);
  const bytes = encodeReport(busyReport(inJobs));
  const report = decodeReport(bytes);
  const runs = 2000;
  const attributeMs = medianMs(() => attribute(report), runs, 500);
  const decodeMs = medianMs(() => decodeReport(bytes), runs, 500);
  console.log(JSON.stringify({ name: `attribute(8 GPUs, 500 processes, ${inJobs} in jobs)`, medianMs: round(attributeMs), baselineName: `decodeReport(${bytes.length} bytes)`, baselineMedianMs: round(decodeMs), ratio: round(attributeMs / decodeMs) }));
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
