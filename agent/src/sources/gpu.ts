// Picks the GPU source for this host: NVML when it loads and sees a GPU,
// else nvidia-smi, else none. Both probes are reported, so `wattprint probe`
// says which one is in use and why the other is not.
import fs from 'node:fs';
import path from 'node:path';
import { NvidiaSmiSource } from './nvidia-smi.ts';
import { NvmlSource, type GpuInfo } from './nvml.ts';
import type { EnergySource, ProbeResult } from './source.ts';

export interface GpuSourceOptions {
  libPath?: string;
  nvidiaSmiPath?: string;
  nvidiaSmiTimeoutMs?: number;
}

export async function createGpuSource(opts: GpuSourceOptions): Promise<{ source: EnergySource | undefined; probes: ProbeResult[]; gpus: GpuInfo[] }> {
  const nvml = new NvmlSource({ libPath: opts.libPath });
  const nvmlProbe = await nvml.probe();
  const smiBinary = opts.nvidiaSmiPath ?? 'nvidia-smi';
  if (nvmlProbe.found) {
    // nvidia-smi is not run here: a cold start costs seconds per GPU, and NVML is better.
    const where = findExecutable(smiBinary);
    const smiProbe: ProbeResult = where
      ? { source: 'nvidia-smi', found: true, devices: [], reason: `${where} present, on standby: NVML is in use` }
      : { source: 'nvidia-smi', found: false, devices: [], reason: `${smiBinary} not found; not needed while NVML works`, fix: '' };
    return { source: nvml, probes: [nvmlProbe, smiProbe], gpus: await nvml.inventory() };
  }
  await nvml.close();
  const smi = new NvidiaSmiSource({ binary: smiBinary, timeoutMs: opts.nvidiaSmiTimeoutMs });
  const smiProbe = await smi.probe();
  if (!smiProbe.found) return { source: undefined, probes: [nvmlProbe, smiProbe], gpus: [] };
  return { source: smi, probes: [nvmlProbe, smiProbe], gpus: await smi.inventory() };
}

/** The path execFile would run for `binary` (a path, or a name looked up in PATH). */
export function findExecutable(binary: string, envPath = process.env.PATH ?? ''): string | undefined {
  const candidates = binary.includes('/') ? [binary] : envPath.split(path.delimiter).filter(Boolean).map((d) => path.join(d, binary));
  for (const c of candidates) {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      if (fs.statSync(c).isFile()) return c;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}
