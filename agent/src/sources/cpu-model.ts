// CPU energy without RAPL (VMs, cloud, these CI machines): a linear model
// from TDP and utilisation. Always flagged SOURCE_MODEL / QUALITY_ESTIMATE.
//
//   P_max  = TDP_per_socket x sockets x (visible logical CPUs / threads of those sockets, at most 1)
//   P_idle = idleFraction x P_max
//   P      = P_idle + (P_max - P_idle) x utilisation
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Domain, Quality, Source } from '@wattprint/proto';
import type { EnergySource, ProbeResult, SampleContext, SourceReading } from './source.ts';

export interface CpuModelInfo {
  model: string;
  sockets: number;
  logicalCpus: number;
}

export interface TdpChoice {
  tdpWatts: number;
  /** Hardware threads per socket; undefined when unknown. */
  threadsPerSocket?: number;
  source: 'config' | 'table' | 'default';
}

/** Watts per logical CPU at full load when the model is unknown. */
export const DEFAULT_WATTS_PER_CPU = 4;
export const DEFAULT_IDLE_FRACTION = 0.3;

interface TdpTable {
  models: Record<string, { tdp: number; threads: number }>;
}
let table: TdpTable | undefined;
function tdpTable(): TdpTable {
  table ??= JSON.parse(fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'cpu-tdp.json'), 'utf8')) as TdpTable;
  return table;
}

export function chooseTdp(cpu: CpuModelInfo, override?: number): TdpChoice {
  if (override !== undefined && override > 0) return { tdpWatts: override, source: 'config' };
  let best: string | undefined;
  for (const key of Object.keys(tdpTable().models)) {
    if (cpu.model.includes(key) && (!best || key.length > best.length)) best = key;
  }
  if (best) {
    const row = tdpTable().models[best]!;
    return { tdpWatts: row.tdp, threadsPerSocket: row.threads, source: 'table' };
  }
  return { tdpWatts: DEFAULT_WATTS_PER_CPU * cpu.logicalCpus, threadsPerSocket: cpu.logicalCpus, source: 'default' };
}

/** Maximum power of the CPUs this host can see, watts. */
export function visibleMaxWatts(cpu: CpuModelInfo, tdp: TdpChoice): number {
  const sockets = Math.max(cpu.sockets, 1);
  if (tdp.source === 'config' || !tdp.threadsPerSocket) return tdp.tdpWatts * sockets;
  const share = Math.min(cpu.logicalCpus / (tdp.threadsPerSocket * sockets), 1);
  return tdp.tdpWatts * sockets * share;
}

/** Pure: estimated joules for an interval. */
export function estimateCpuJoules(maxWatts: number, idleFraction: number, busySeconds: number, idleSeconds: number, intervalSeconds: number): number {
  const total = busySeconds + idleSeconds;
  const util = total > 0 ? Math.min(Math.max(busySeconds / total, 0), 1) : 0;
  const idleWatts = idleFraction * maxWatts;
  return (idleWatts + (maxWatts - idleWatts) * util) * Math.max(intervalSeconds, 0);
}

/** Reads model name, sockets and logical CPUs from <procfs>/cpuinfo. */
export function readCpuInfo(procfsRoot = '/proc'): CpuModelInfo {
  let text = '';
  try {
    text = fs.readFileSync(path.join(procfsRoot, 'cpuinfo'), 'utf8');
  } catch {
    /* unknown CPU: defaults below */
  }
  const models = [...text.matchAll(/^model name\s*:\s*(.*)$/gm)].map((m) => m[1]!.trim());
  const sockets = new Set([...text.matchAll(/^physical id\s*:\s*(\d+)$/gm)].map((m) => m[1]));
  return { model: models[0] ?? 'unknown', sockets: Math.max(sockets.size, 1), logicalCpus: Math.max(models.length, 1) };
}

export class CpuModelSource implements EnergySource {
  readonly name = 'cpu-model';
  readonly cpu: CpuModelInfo;
  readonly tdp: TdpChoice;
  private readonly maxWatts: number;
  private readonly idleFraction: number;

  constructor(opts: { procfsRoot?: string; tdpWatts?: number; idleFraction?: number } = {}) {
    this.cpu = readCpuInfo(opts.procfsRoot);
    this.tdp = chooseTdp(this.cpu, opts.tdpWatts);
    this.maxWatts = visibleMaxWatts(this.cpu, this.tdp);
    this.idleFraction = opts.idleFraction ?? DEFAULT_IDLE_FRACTION;
  }

  async probe(): Promise<ProbeResult> {
    return {
      source: this.name,
      found: true,
      estimate: true,
      devices: ['package-estimate'],
      reason: `estimate from TDP ${this.tdp.tdpWatts} W (${this.tdp.source}) for "${this.cpu.model}", ${this.cpu.logicalCpus} logical CPUs, max ${this.maxWatts.toFixed(1)} W`,
      fix: this.tdp.source === 'default' ? 'CPU model not in the TDP table: set "tdpWatts" in the agent config' : '',
    };
  }

  async read(ctx: SampleContext): Promise<SourceReading> {
    const joules = estimateCpuJoules(this.maxWatts, this.idleFraction, ctx.cpuBusySeconds, ctx.cpuIdleSeconds, (ctx.endUs - ctx.startUs) / 1e6);
    return {
      energy: [{ domain: Domain.DOMAIN_PACKAGE, device: 'package-estimate', source: Source.SOURCE_MODEL, quality: Quality.QUALITY_ESTIMATE, joules, flags: [`tdp_${this.tdp.source}`] }],
      status: [],
    };
  }
}
