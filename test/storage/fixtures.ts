// A fixed set of reports for the storage tests: two hosts, 10-second intervals
// from 2026-01-01T00:00:00Z, a wall meter and an estimated package, a job on
// both hosts, a job whose labels grow mid-way, a process outside any job, a
// reading with an empty device, and progress. Attribution runs for real.
import { Domain, Quality, Source, type Hello, type Report } from '@wattprint/proto';
import { attribute } from '@wattprint/collector/attribution/attribute.ts';
import type { AttributionResult } from '@wattprint/collector/attribution/types.ts';
import type { HostRecord } from '@wattprint/collector/storage/sink.ts';

export const T0 = 1_767_225_600_000_000;
export const STEP = 10_000_000;
export const INTERVALS = 6;
export const GPU_A = 'GPU-3f0c6c3e-0000-4a1b-9c1d-aaaaaaaaaaaa';

const bert = { model: 'bert-base', framework: 'pytorch' };

function reportA(i: number): Report {
  const start = T0 + i * STEP;
  return {
    host: 'gpu-a',
    seq: i + 1,
    startUs: start,
    endUs: start + STEP,
    energy: [
      { domain: Domain.DOMAIN_PACKAGE, device: 'package-0', source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 1000 + 37.25 * i },
      { domain: Domain.DOMAIN_CORE, device: 'package-0', source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 700 + 11.5 * i },
      { domain: Domain.DOMAIN_DRAM, device: 'package-0', source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: 120.125 + i / 3 },
      { domain: Domain.DOMAIN_GPU, device: GPU_A, source: Source.SOURCE_NVML, quality: Quality.QUALITY_COUNTER, joules: 2500.5 + 101 * i },
      { domain: Domain.DOMAIN_WALL, device: '', source: Source.SOURCE_IPMI, quality: Quality.QUALITY_INTEGRATED_POWER, joules: 4200 + 150 * i, flags: ['sampled_power'] },
    ],
    processes: [
      { pid: 4242, startTimeUs: T0 - 5_000_000, jobId: 'ft-sst2', labels: { ...bert, task: 'sst2', ...(i >= 3 ? { phase: 'eval' } : {}) }, cpuSeconds: 30 + i, command: 'python' },
      { pid: 4243, startTimeUs: T0 - 4_000_000, jobId: 'ft-sst2', labels: { ...bert, task: 'sst2' }, cpuSeconds: 4.5, command: 'python' },
      { pid: 5100, startTimeUs: T0 - 9_000_000, jobId: 'ft-mnli', labels: { ...bert, task: 'mnli' }, cpuSeconds: 12 + 2 * i, command: 'torchrun' },
      { pid: 1, startTimeUs: T0 - 900_000_000, jobId: '', cpuSeconds: 0.7, command: 'systemd' },
    ],
    progress: [
      { jobId: 'ft-sst2', tokens: 8192 * (i + 1), examples: 64, steps: 2 },
      { jobId: 'ft-mnli', tokens: 4096, examples: 32, steps: 1 },
    ],
    cpuBusySeconds: 60 + 3 * i,
    cpuIdleSeconds: 100,
    cpuCount: 16,
  };
}

function reportB(i: number): Report {
  const start = T0 + i * STEP + 3_000_000; // another agent's clock phase
  return {
    host: 'gpu-b',
    seq: 100 + i,
    startUs: start,
    endUs: start + STEP,
    energy: [
      { domain: Domain.DOMAIN_PACKAGE, device: 'package-0', source: Source.SOURCE_MODEL, quality: Quality.QUALITY_ESTIMATE, joules: 850 + 5 * i, flags: ['tdp_default'] },
      { domain: Domain.DOMAIN_PACKAGE, device: 'package-1', source: Source.SOURCE_MODEL, quality: Quality.QUALITY_ESTIMATE, joules: 800 + 7 * i, flags: ['tdp_default'] },
    ],
    processes: [
      { pid: 777, startTimeUs: T0 - 1_000_000, jobId: 'ft-mnli', labels: { ...bert, task: 'mnli' }, cpuSeconds: 20 + i, command: 'torchrun' },
      { pid: 778, startTimeUs: T0 - 1_000_000, jobId: '', cpuSeconds: 1.25, command: 'sshd' },
    ],
    progress: [{ jobId: 'ft-mnli', tokens: 2048, examples: 16, steps: 1 }],
    cpuBusySeconds: 40,
    cpuIdleSeconds: 200,
    cpuCount: 32,
  };
}

export function fixtureReports(): Report[] {
  const out: Report[] = [];
  for (let i = 0; i < INTERVALS; i++) out.push(reportA(i), reportB(i));
  return out;
}

export function fixtureResults(): AttributionResult[] {
  return fixtureReports().map((r) => attribute(r));
}

export function fixtureHellos(): Hello[] {
  return [
    { host: 'gpu-a', agentVersion: '0.1.0', inventory: { cpuModel: 'AMD EPYC 7763', sockets: 1, logicalCpus: 16, tdpWatts: 280, tdpSource: 'table', gpus: [{ uuid: GPU_A, name: 'NVIDIA A100-SXM4-40GB', powerLimitWatts: 400 }], meterKinds: ['ipmi'], gridZone: 'FR', gridZoneSource: 'config', pue: 1.2 } },
    { host: 'gpu-b', agentVersion: '0.1.1', inventory: { cpuModel: 'Unknown CPU', sockets: 2, logicalCpus: 32, tdpWatts: 125, tdpSource: 'default', gridZone: 'DE', gridZoneSource: 'config' } },
  ];
}

export function fixtureHosts(seenUs = T0 - 1_000_000): HostRecord[] {
  return fixtureHellos().map((h) => ({ host: h.host!, agentVersion: h.agentVersion!, inventory: h.inventory!, seenUs }));
}

/** Every number equal within a relative 1e-9 (the stores sum in different orders); everything else equal. */
export function assertClose(actual: unknown, expected: unknown, path = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const tol = 1e-9 * Math.max(1, Math.abs(expected));
    if (!(Math.abs(actual - expected) <= tol)) throw new Error(`${path}: ${actual} != ${expected}`);
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) throw new Error(`${path}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
    expected.forEach((e, i) => assertClose(actual[i], e, `${path}[${i}]`));
    return;
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object') throw new Error(`${path}: ${JSON.stringify(actual)} is not an object`);
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const keys = new Set([...Object.keys(a).filter((k) => a[k] !== undefined), ...Object.keys(e).filter((k) => e[k] !== undefined)]);
    for (const k of keys) assertClose(a[k], e[k], `${path}.${k}`);
    return;
  }
  if (actual !== expected) throw new Error(`${path}: ${JSON.stringify(actual)} !== ${JSON.stringify(expected)}`);
}
