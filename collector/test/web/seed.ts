// Realistic stored data for page tests and the page benchmark: wire Reports
// (as an agent sends them) run through the real attribution into a real
// SQLite store. Nothing here computes a figure the page shows.
import { Domain, Quality, Source, type Report } from '@wattprint/proto';
import { attribute } from '../../src/attribution/attribute.ts';
import type { SqliteStore } from '../../src/storage/sqlite.ts';

export const GPU0 = 'GPU-5c1e0a3b-0000-4000-8000-00000000a100';
export const GPU1 = 'GPU-5c1e0a3b-0000-4000-8000-00000000a101';

interface JobSpec {
  jobId: string;
  labels: Record<string, string>;
  pid: number;
  gpu: string;
  /** Intervals [from, to) of the run it is part of. */
  from: number;
  to: number;
  tokensPerInterval: number;
}

/**
 * A GPU host with two sockets, two A100s and a wall meter, `n` intervals of
 * `intervalS` ending at `endUs`: one job per GPU (the second still running at
 * the end), training-like power swings.
 */
export async function seedGpuHost(store: SqliteStore, endUs: number, n = 120, intervalS = 10, jobs: JobSpec[] = defaultJobs(n)): Promise<void> {
  const host = 'gpu-node-1';
  const t0 = endUs - n * intervalS * 1e6;
  await store.upsertHost({ host, agentVersion: '0.1.0', inventory: { cpuModel: 'Intel Xeon Gold 6338', sockets: 2, logicalCpus: 128, gpus: [{ uuid: GPU0, name: 'NVIDIA A100-SXM4-80GB', powerLimitWatts: 400 }, { uuid: GPU1, name: 'NVIDIA A100-SXM4-80GB', powerLimitWatts: 400 }], gridZone: 'DE', meterKinds: ['ipmi'] }, seenUs: t0 });
  const reports: Report[] = [];
  for (let i = 0; i < n; i++) {
    const startUs = t0 + i * intervalS * 1e6;
    const active = jobs.filter((j) => i >= j.from && i < j.to);
    const busy = (gpu: string) => active.some((j) => j.gpu === gpu);
    // Steps of a training loop: GPU power swings with the batch, idles at ~60 W.
    const gpuW = (gpu: string, k: number) => (busy(gpu) ? 250 + 90 * Math.sin(i / 4 + k) + 25 * Math.sin(i * 1.7) : 58);
    const pkgW = (k: number) => 70 + 12 * active.length + 8 * Math.sin(i / 6 + k);
    const dramW = (k: number) => 14 + 3 * active.length + k;
    const components = pkgW(0) + pkgW(1) + dramW(0) + dramW(1) + gpuW(GPU0, 0) + gpuW(GPU1, 1);
    const J = (w: number) => w * intervalS;
    reports.push({
      host,
      seq: i + 1,
      startUs,
      endUs: startUs + intervalS * 1e6,
      cpuBusySeconds: intervalS * (4 + 6 * active.length),
      cpuIdleSeconds: intervalS * (128 - 4 - 6 * active.length),
      cpuCount: 128,
      energy: [
        { domain: Domain.DOMAIN_PACKAGE, device: 'package-0', source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: J(pkgW(0)) },
        { domain: Domain.DOMAIN_PACKAGE, device: 'package-1', source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: J(pkgW(1)) },
        { domain: Domain.DOMAIN_DRAM, device: 'package-0/dram', source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: J(dramW(0)) },
        { domain: Domain.DOMAIN_DRAM, device: 'package-1/dram', source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: J(dramW(1)) },
        { domain: Domain.DOMAIN_GPU, device: GPU0, source: Source.SOURCE_NVML, quality: Quality.QUALITY_COUNTER, joules: J(gpuW(GPU0, 0)) },
        { domain: Domain.DOMAIN_GPU, device: GPU1, source: Source.SOURCE_NVML, quality: Quality.QUALITY_COUNTER, joules: J(gpuW(GPU1, 1)) },
        // PSU losses and fans: the wall reads ~9 % above the components, as in the study.
        { domain: Domain.DOMAIN_WALL, device: 'bmc', source: Source.SOURCE_IPMI, quality: Quality.QUALITY_INTEGRATED_POWER, joules: J(components * 1.09 + 40) },
      ],
      processes: active.map((j) => ({ pid: j.pid, startTimeUs: t0 - 1e6, ppid: 1, command: 'python train.py', jobId: j.jobId, jobSource: 'env', labels: j.labels, cpuSeconds: intervalS * 6 })),
      gpuProcesses: active.map((j) => ({ gpuUuid: j.gpu, pid: j.pid, smUtil: 92, memUtil: 45, sampleCount: 10, gpuMemoryBytes: 30e9 })),
      progress: active.map((j) => ({ jobId: j.jobId, tokens: j.tokensPerInterval, examples: j.tokensPerInterval / 128, steps: 4 })),
    });
  }
  await store.write(reports.map((r) => attribute(r)));
}

export function defaultJobs(n: number): JobSpec[] {
  // GPU 0 runs the study's fine-tuning tasks one after another; GPU 1 runs MNLI to the end.
  const tasks = ['sst2', 'qnli', 'cola', 'rte'];
  const len = Math.floor((n * 0.7) / tasks.length);
  return [
    ...tasks.map((task, k) => ({ jobId: `bert-base-${task}-${k + 1}`, labels: { task, model: 'bert-base', phase: 'fine-tuning' }, pid: 4101 + k, gpu: GPU0, from: k * len, to: (k + 1) * len - 1, tokensPerInterval: 40_000 + 4_000 * k })),
    { jobId: 'roberta-mnli-2', labels: { task: 'mnli', model: 'roberta-base', phase: 'fine-tuning' }, pid: 4202, gpu: GPU1, from: Math.floor(n * 0.25), to: n, tokensPerInterval: 52_000 },
  ];
}

/** A VM without RAPL: its agent can only model the package from CPU load, an estimate. */
export async function seedEstimateHost(store: SqliteStore, endUs: number, n = 30, intervalS = 10): Promise<void> {
  const host = 'vm-7';
  const t0 = endUs - n * intervalS * 1e6;
  await store.upsertHost({ host, agentVersion: '0.1.0', inventory: { cpuModel: 'AMD EPYC (virtual)', logicalCpus: 8, tdpWatts: 120, tdpSource: 'table' }, seenUs: t0 });
  const reports: Report[] = [];
  for (let i = 0; i < n; i++) {
    const startUs = t0 + i * intervalS * 1e6;
    reports.push({
      host,
      seq: i + 1,
      startUs,
      endUs: startUs + intervalS * 1e6,
      cpuBusySeconds: intervalS * 3,
      cpuIdleSeconds: intervalS * 5,
      cpuCount: 8,
      energy: [{ domain: Domain.DOMAIN_PACKAGE, device: 'package-0', source: Source.SOURCE_MODEL, quality: Quality.QUALITY_ESTIMATE, joules: intervalS * (40 + 10 * Math.sin(i / 3)), flags: ['tdp_table'] }],
      processes: [],
    });
  }
  await store.write(reports.map((r) => attribute(r)));
}

/** `count` short jobs, ten per interval, with the study's labels: for the 1,000-job page benchmark. */
export async function seedManyJobs(store: SqliteStore, endUs: number, count: number): Promise<void> {
  const host = 'bench-node';
  const perInterval = 10;
  const n = Math.ceil(count / perInterval);
  const t0 = endUs - n * 60e6;
  await store.upsertHost({ host, agentVersion: '0.1.0', inventory: { cpuModel: 'Intel Xeon', gpus: [{ uuid: GPU0, name: 'NVIDIA A100' }] }, seenUs: t0 });
  const tasks = ['sst2', 'mnli', 'qnli', 'qqp', 'cola', 'rte', 'imdb', 'squad'];
  const reports: Report[] = [];
  for (let i = 0; i < n; i++) {
    const startUs = t0 + i * 60e6;
    const ids = Array.from({ length: Math.min(perInterval, count - i * perInterval) }, (_, k) => i * perInterval + k);
    reports.push({
      host,
      seq: i + 1,
      startUs,
      endUs: startUs + 60e6,
      cpuBusySeconds: 60 * ids.length,
      cpuIdleSeconds: 60,
      cpuCount: 16,
      energy: [
        { domain: Domain.DOMAIN_PACKAGE, device: 'package-0', source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 6000 + 10 * i },
        { domain: Domain.DOMAIN_GPU, device: GPU0, source: Source.SOURCE_NVML, quality: Quality.QUALITY_COUNTER, joules: 18000 },
      ],
      processes: ids.map((id) => ({ pid: 10_000 + id, startTimeUs: startUs, ppid: 1, command: 'python train.py', jobId: `job-${String(id).padStart(4, '0')}`, jobSource: 'env', labels: { task: tasks[id % tasks.length]!, model: id % 2 ? 'bert-base' : 'distilbert', seed: String(id % 5) }, cpuSeconds: 50 + (id % 7) })),
      gpuProcesses: ids.map((id) => ({ gpuUuid: GPU0, pid: 10_000 + id, smUtil: 10 + (id % 9), memUtil: 5, sampleCount: 10, gpuMemoryBytes: 2e9 })),
      progress: ids.map((id) => ({ jobId: `job-${String(id).padStart(4, '0')}`, tokens: 100_000 + id * 37, examples: 500, steps: 10 })),
    });
  }
  await store.write(reports.map((r) => attribute(r)));
}
