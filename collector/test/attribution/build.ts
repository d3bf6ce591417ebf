// Builders for attribution tests: reports as an agent would send them, with
// readable names instead of enum numbers, and sums over a result.
import { Domain, Quality, Source, type EnergyReading, type GpuProcessUsage, type ProcessUsage, type Report } from '@wattprint/proto';
import type { AttributionResult } from '@wattprint/collector/attribution/types.ts';

export const T0 = 1_700_000_000_000_000;

export type DomainName = 'package' | 'core' | 'uncore' | 'dram' | 'psys' | 'gpu' | 'wall' | 'unspecified';

const DOMAINS: Record<DomainName, Domain> = {
  package: Domain.DOMAIN_PACKAGE,
  core: Domain.DOMAIN_CORE,
  uncore: Domain.DOMAIN_UNCORE,
  dram: Domain.DOMAIN_DRAM,
  psys: Domain.DOMAIN_PSYS,
  gpu: Domain.DOMAIN_GPU,
  wall: Domain.DOMAIN_WALL,
  unspecified: Domain.DOMAIN_UNSPECIFIED,
};

export function reading(domain: DomainName, device: string, joules: number, opts: { estimate?: boolean; integrated?: boolean } = {}): EnergyReading {
  const source = domain === 'gpu' ? Source.SOURCE_NVML : domain === 'wall' ? Source.SOURCE_IPMI : Source.SOURCE_RAPL;
  return {
    domain: DOMAINS[domain],
    device,
    source: opts.estimate ? Source.SOURCE_MODEL : source,
    quality: opts.estimate ? Quality.QUALITY_ESTIMATE : opts.integrated ? Quality.QUALITY_INTEGRATED_POWER : Quality.QUALITY_COUNTER,
    joules,
    flags: [],
  };
}

export function proc(pid: number, jobId: string, cpuSeconds: number, more: Partial<ProcessUsage> = {}): ProcessUsage {
  return { pid, startTimeUs: T0 - 1e6 * pid, jobId, cpuSeconds, labels: {}, ...more };
}

export function gpuProc(gpuUuid: string, pid: number, more: Partial<GpuProcessUsage> = {}): GpuProcessUsage {
  return { gpuUuid, pid, smUtil: 0, memUtil: 0, sampleCount: 0, gpuMemoryBytes: 0, gpuInstanceId: 0xffffffff, computeInstanceId: 0xffffffff, ...more };
}

export interface ReportSpec {
  host?: string;
  seq?: number;
  seconds?: number;
  energy?: EnergyReading[];
  processes?: ProcessUsage[];
  gpuProcesses?: GpuProcessUsage[];
  busy?: number;
  idle?: number;
  cpuCount?: number;
  progress?: Report['progress'];
}

export function report(s: ReportSpec): Report {
  return {
    host: s.host ?? 'node-a',
    seq: s.seq ?? 1,
    startUs: T0,
    endUs: T0 + (s.seconds ?? 10) * 1e6,
    energy: s.energy ?? [],
    processes: s.processes ?? [],
    gpuProcesses: s.gpuProcesses ?? [],
    progress: s.progress ?? [],
    cpuBusySeconds: s.busy ?? 0,
    cpuIdleSeconds: s.idle ?? 0,
    cpuCount: s.cpuCount ?? 4,
    bootId: 'boot-1',
  };
}

type Filter = { jobId?: string; domain?: string; device?: string; modality?: string; reason?: string; pid?: number; startTimeUs?: number };
const matches = (x: Record<string, unknown>, f: Filter) => Object.entries(f).every(([k, v]) => x[k] === v);
const total = (xs: { joules: number }[]) => xs.reduce((a, x) => a + x.joules, 0);

export const jobJ = (r: AttributionResult, f: Filter) => total(r.jobShares.filter((s) => matches(s as never, f)));
export const procJ = (r: AttributionResult, f: Filter) => total(r.processShares.filter((s) => matches(s as never, f)));
export const unattributedJ = (r: AttributionResult, f: Filter) => total(r.unattributed.filter((s) => matches(s as never, f)));
export function job(r: AttributionResult, jobId: string) {
  const j = r.jobs.find((x) => x.jobId === jobId);
  if (!j) throw new Error(`no job ${jobId} in result; jobs: ${r.jobs.map((x) => x.jobId).join(', ')}`);
  return j;
}

/** |a - b| within `rel` of the larger magnitude (and 1e-12 J absolute). */
export function close(a: number, b: number, rel = 1e-9): boolean {
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + 1e-12;
}
