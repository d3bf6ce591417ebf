// NVIDIA GPUs through the nvidia-smi command: the fallback when NVML cannot
// be loaded from the agent (no koffi build for this platform, a library path
// the agent cannot see). nvidia-smi has no energy counter in its CSV
// queries, so board power is integrated by the trapezoid rule and flagged
// "power_integrated"; there is no per-process utilisation either.
//
// nvidia-smi output is not a stable interface (NVML is): only the documented
// --query-* fields are read, and anything unexpected becomes a status entry.
import { execFile, type ExecFileException } from 'node:child_process';
import { Domain, Quality, Source, type EnergyReading, type GpuProcessUsage, type SourceStatus } from '@wattprint/proto';
import { NOT_MIG } from './nvml-ffi.ts';
import { integratePowerJoules, type GpuInfo } from './nvml.ts';
import type { EnergySource, ProbeResult, SampleContext, SourceReading } from './source.ts';

const SOURCE = 'nvidia-smi';
export const GPU_QUERY = ['--query-gpu=index,uuid,name,power.draw,enforced.power.limit', '--format=csv,noheader,nounits'];
export const APPS_QUERY = ['--query-compute-apps=gpu_uuid,pid,used_memory', '--format=csv,noheader,nounits'];
/** A cold nvidia-smi (no persistence daemon) takes 1-3 s per GPU. */
export const DEFAULT_TIMEOUT_MS = 10_000;
const MIB = 1024 * 1024;

export interface SmiGpuRow {
  index: number;
  uuid: string;
  name: string;
  /** Undefined when nvidia-smi printed [N/A] or [Not Supported]. */
  powerWatts: number | undefined;
  powerLimitWatts: number | undefined;
}

export interface SmiAppRow {
  gpuUuid: string;
  pid: number;
  usedMemoryMiB: number | undefined;
}

export interface Parsed<T> {
  rows: T[];
  /** One entry per line that could not be read, naming the line. */
  problems: string[];
}

/** A numeric CSV cell; undefined for "[N/A]", "[Not Supported]" and the like. */
export function parseSmiNumber(cell: string): number | undefined {
  const t = cell.trim();
  if (!/^-?\d+(\.\d+)?$/.test(t)) return undefined;
  return Number(t);
}

function isUnavailable(cell: string): boolean {
  return /^\[.*\]$/.test(cell.trim());
}

/** Output of GPU_QUERY: "index, uuid, name, power.draw, enforced.power.limit" per line. */
export function parseGpuCsv(text: string): Parsed<SmiGpuRow> {
  const rows: SmiGpuRow[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const f = line.split(',').map((s) => s.trim());
    // The name is the one free-text field; a comma in it must not shift the rest.
    if (f.length < 5) {
      problems.push(`--query-gpu line ${i + 1}: expected 5 fields, got ${f.length}: "${line.slice(0, 120)}"`);
      return;
    }
    const index = parseSmiNumber(f[0]!);
    const uuid = f[1]!;
    const power = f[f.length - 2]!;
    const limit = f[f.length - 1]!;
    if (index === undefined || !Number.isInteger(index) || !/^GPU-[0-9a-fA-F-]+$/.test(uuid)) {
      problems.push(`--query-gpu line ${i + 1}: no GPU index and UUID in "${line.slice(0, 120)}"`);
      return;
    }
    const powerWatts = parseSmiNumber(power);
    if (powerWatts === undefined && !isUnavailable(power)) {
      problems.push(`--query-gpu line ${i + 1}: power.draw "${power}" is not a number`);
      return;
    }
    rows.push({ index, uuid, name: f.slice(2, f.length - 2).join(', '), powerWatts, powerLimitWatts: parseSmiNumber(limit) });
  });
  return { rows, problems };
}

/** Output of APPS_QUERY: "gpu_uuid, pid, used_memory" (MiB) per line. */
export function parseAppsCsv(text: string): Parsed<SmiAppRow> {
  const rows: SmiAppRow[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || /^no running (compute )?processes found/i.test(line)) return;
    const f = line.split(',').map((s) => s.trim());
    const pid = parseSmiNumber(f[1] ?? '');
    if (f.length !== 3 || !/^GPU-[0-9a-fA-F-]+$/.test(f[0]!) || pid === undefined || !Number.isInteger(pid) || pid <= 0) {
      problems.push(`--query-compute-apps line ${i + 1}: expected "gpu_uuid, pid, used_memory", got "${line.slice(0, 120)}"`);
      return;
    }
    rows.push({ gpuUuid: f[0]!, pid, usedMemoryMiB: parseSmiNumber(f[2]!) });
  });
  return { rows, problems };
}

/** Why a run of nvidia-smi failed, and what to do. */
export function explainSmiFailure(binary: string, err: Pick<ExecFileException, 'code' | 'killed' | 'signal'>, output: string, timeoutMs: number): { reason: string; fix: string } {
  if (err.code === 'ENOENT') return { reason: `${binary} not found`, fix: 'install the NVIDIA driver (nvidia-smi ships with it) or set the nvidia-smi path; hosts without NVIDIA GPUs need nothing' };
  if (err.code === 'EACCES') return { reason: `${binary} is not executable by the agent's user`, fix: `check the permissions of ${binary}` };
  if (err.killed) return { reason: `${binary} gave no answer within ${timeoutMs} ms (killed)`, fix: 'enable persistence mode (nvidia-persistenced) so nvidia-smi does not initialise the driver on every run, or raise the timeout' };
  const said = output.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  const what = `${binary} exited with ${err.code ?? err.signal ?? 'an error'}${said ? `: ${said.slice(0, 200)}` : ''}`;
  if (/couldn't communicate with the NVIDIA driver/i.test(said)) return { reason: what, fix: 'load the NVIDIA kernel module (`modprobe nvidia`) or reinstall the driver for this kernel' };
  if (/Driver\/library version mismatch/i.test(said)) return { reason: what, fix: 'the driver was upgraded without a reboot: reboot, or reload the nvidia modules' };
  return { reason: what, fix: '' };
}

export interface NvidiaSmiOptions {
  /** Path or name (looked up in PATH) of nvidia-smi. */
  binary?: string;
  timeoutMs?: number;
}

type RunResult = { ok: true; stdout: string } | { ok: false; reason: string; fix: string };

export class NvidiaSmiSource implements EnergySource {
  readonly name = SOURCE;
  private readonly binary: string;
  private readonly timeoutMs: number;
  private readonly lastPower = new Map<string, { watts: number; atUs: number }>();

  constructor(opts: NvidiaSmiOptions = {}) {
    this.binary = opts.binary ?? 'nvidia-smi';
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  private run(args: string[]): Promise<RunResult> {
    return new Promise((resolve) => {
      execFile(this.binary, args, { timeout: this.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 * MIB, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (err) resolve({ ok: false, ...explainSmiFailure(this.binary, err, `${stdout}\n${stderr}`, this.timeoutMs) });
        else resolve({ ok: true, stdout });
      });
    });
  }

  async probe(): Promise<ProbeResult> {
    const out = await this.run(GPU_QUERY);
    if (!out.ok) return { source: SOURCE, found: false, devices: [], reason: out.reason, fix: out.fix };
    const { rows, problems } = parseGpuCsv(out.stdout);
    if (rows.length === 0) return { source: SOURCE, found: false, devices: [], reason: problems[0] ?? `${this.binary} lists no GPU`, fix: 'check that the GPUs are visible to the agent (NVIDIA_VISIBLE_DEVICES, container device list)' };
    const noPower = rows.filter((r) => r.powerWatts === undefined).map((r) => r.uuid);
    const reason = `${rows.length} GPUs through ${this.binary}: board power integrated (no energy counter, no per-process utilisation)` + (noPower.length ? `; no power reading for ${noPower.join(', ')}` : '');
    return { source: SOURCE, found: true, devices: rows.map((r) => r.uuid), reason };
  }

  async inventory(): Promise<GpuInfo[]> {
    const out = await this.run(GPU_QUERY);
    if (!out.ok) return [];
    return parseGpuCsv(out.stdout).rows.map((r) => ({ uuid: r.uuid, name: r.name, powerLimitWatts: r.powerLimitWatts ?? 0, mig: false }));
  }

  async read(ctx: SampleContext): Promise<SourceReading> {
    const energy: EnergyReading[] = [];
    const gpuProcesses: GpuProcessUsage[] = [];
    const status: SourceStatus[] = [];
    const [gpus, apps] = await Promise.all([this.run(GPU_QUERY), this.run(APPS_QUERY)]);
    if (!gpus.ok) {
      // Without a reading now, the next one has no partner to integrate with.
      this.lastPower.clear();
      status.push({ source: SOURCE, ok: false, reason: gpus.reason, fix: gpus.fix });
    } else {
      const parsed = parseGpuCsv(gpus.stdout);
      for (const p of parsed.problems) status.push({ source: SOURCE, ok: false, reason: p, fix: '' });
      const seen = new Set<string>();
      for (const row of parsed.rows) {
        seen.add(row.uuid);
        const prev = this.lastPower.get(row.uuid);
        if (row.powerWatts === undefined) {
          this.lastPower.delete(row.uuid);
          status.push({ source: SOURCE, ok: false, reason: `GPU ${row.uuid}: power.draw not available ([N/A] or [Not Supported]); its energy is not counted`, fix: 'this board or driver does not report power; NVML would not either' });
          continue;
        }
        this.lastPower.set(row.uuid, { watts: row.powerWatts, atUs: ctx.endUs });
        if (!prev) continue;
        const joules = integratePowerJoules(prev.watts * 1000, prev.atUs, row.powerWatts * 1000, ctx.endUs);
        energy.push({ domain: Domain.DOMAIN_GPU, device: row.uuid, source: Source.SOURCE_NVIDIA_SMI, quality: Quality.QUALITY_INTEGRATED_POWER, joules, flags: ['power_integrated'] });
      }
      for (const uuid of this.lastPower.keys()) if (!seen.has(uuid)) this.lastPower.delete(uuid);
    }
    if (!apps.ok) {
      status.push({ source: SOURCE, ok: false, reason: `process list: ${apps.reason}`, fix: apps.fix });
    } else {
      const parsed = parseAppsCsv(apps.stdout);
      for (const p of parsed.problems) status.push({ source: SOURCE, ok: false, reason: p, fix: '' });
      for (const a of parsed.rows) {
        gpuProcesses.push({ gpuUuid: a.gpuUuid, pid: a.pid, smUtil: 0, memUtil: 0, sampleCount: 0, gpuMemoryBytes: Math.round((a.usedMemoryMiB ?? 0) * MIB), gpuInstanceId: NOT_MIG, computeInstanceId: NOT_MIG });
      }
    }
    return { energy, gpuProcesses, status };
  }
}
