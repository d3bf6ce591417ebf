// NVIDIA GPUs through NVML (binding in nvml-ffi.ts).
//
// Per board and interval: energy from the total-energy counter (mJ since
// driver load, Volta and later) differenced; on older boards, power readings
// integrated by the trapezoid rule and flagged "power_integrated". Per
// process: host PID and memory from the compute process list, and mean SM
// and memory utilisation from the samples NVML took since the last call.
//
// MIG: NVML has energy and power for the whole board only, and no
// per-process utilisation, so the board's energy is flagged "mig" and each
// instance's processes carry their GPU and compute instance ids; attribution
// splits the board by instance.
import { Domain, Quality, Source, type EnergyReading, type GpuProcessUsage, type SourceStatus } from '@wattprint/proto';
import { counterDelta, millijoulesToJoules } from '../sampler/counter.ts';
import { DEFAULT_NVML_LIBRARY, NOT_MIG, Nvml, NvmlError, NvmlLoadError, NvmlReturn, type NvmlDevice, type NvmlProcessInfo, type NvmlUtilSample } from './nvml-ffi.ts';
import type { CounterPositions, EnergySource, ProbeResult, SampleContext, SourceReading } from './source.ts';

const SOURCE = 'nvml';
/** NVML_VALUE_NOT_AVAILABLE for unsigned long long fields (usedGpuMemory without permission). */
const VALUE_NOT_AVAILABLE = 0xffffffffffffffffn;

export interface GpuInfo {
  uuid: string;
  name: string;
  powerLimitWatts: number;
  mig: boolean;
}

export interface NvmlSourceOptions {
  /** Path or soname given to dlopen(); default libnvidia-ml.so.1. */
  libPath?: string;
}

/** Trapezoid rule: energy between two power readings (mW at µs timestamps), joules. */
export function integratePowerJoules(prevMw: number, prevUs: number, curMw: number, curUs: number): number {
  const seconds = (curUs - prevUs) / 1e6;
  if (!(seconds > 0)) return 0;
  return (((prevMw + curMw) / 2) * seconds) / 1000;
}

/**
 * One GpuProcessUsage per running process, with the mean SM and memory
 * utilisation of its samples newer than `lastSeenUs`. A process seen only
 * in the samples (it used the GPU this interval, then exited) is kept, so its
 * share is not handed to others. Returns the newest sample time, the next
 * call's lastSeen.
 */
export function summariseGpuProcesses(
  gpuUuid: string,
  processes: NvmlProcessInfo[],
  samples: NvmlUtilSample[],
  lastSeenUs: bigint,
): { usage: GpuProcessUsage[]; lastSeenUs: bigint } {
  const byPid = new Map<number, GpuProcessUsage>();
  for (const p of processes) {
    if (byPid.has(p.pid)) continue;
    byPid.set(p.pid, {
      gpuUuid,
      pid: p.pid,
      smUtil: 0,
      memUtil: 0,
      sampleCount: 0,
      gpuMemoryBytes: p.usedGpuMemory === VALUE_NOT_AVAILABLE ? 0 : Number(p.usedGpuMemory),
      gpuInstanceId: p.gpuInstanceId,
      computeInstanceId: p.computeInstanceId,
    });
  }
  let newest = lastSeenUs;
  const sums = new Map<number, { sm: number; mem: number; n: number }>();
  for (const s of samples) {
    // NVML may hand back stale or empty slots; only what is newer counts.
    if (s.pid === 0 || s.timeStampUs <= lastSeenUs) continue;
    if (s.timeStampUs > newest) newest = s.timeStampUs;
    const acc = sums.get(s.pid) ?? { sm: 0, mem: 0, n: 0 };
    acc.sm += s.smUtil;
    acc.mem += s.memUtil;
    acc.n += 1;
    sums.set(s.pid, acc);
  }
  for (const [pid, acc] of sums) {
    const u = byPid.get(pid) ?? { gpuUuid, pid, gpuMemoryBytes: 0, gpuInstanceId: NOT_MIG, computeInstanceId: NOT_MIG };
    u.smUtil = acc.sm / acc.n;
    u.memUtil = acc.mem / acc.n;
    u.sampleCount = acc.n;
    byPid.set(pid, u);
  }
  return { usage: [...byPid.values()], lastSeenUs: newest };
}

/** What an NVML return code means for the operator, and what to do about it. */
export function nvmlFix(code: number): string {
  switch (code) {
    case NvmlReturn.NO_PERMISSION:
      return "the agent's user may not do this: give it access to /dev/nvidiactl and /dev/nvidia* (their group, often 'video'), or list the devices in the container";
    case NvmlReturn.DRIVER_NOT_LOADED:
      return 'the NVIDIA kernel module is not loaded: run `modprobe nvidia`, or rebuild the driver for this kernel (DKMS)';
    case NvmlReturn.LIB_RM_VERSION_MISMATCH:
      return 'libnvidia-ml and the kernel module come from different driver versions (upgraded without reboot): reboot, or reload the nvidia modules';
    case NvmlReturn.GPU_IS_LOST:
      return 'the GPU fell off the bus (dmesg shows an Xid 79 or 48): drain its jobs, then reset it (nvidia-smi -r) or reboot; energy while it is lost is not counted';
    case NvmlReturn.UNINITIALIZED:
      return 'NVML was shut down under the agent: restart the agent';
    default:
      return `NVML return code ${code}: see nvmlReturn_t in the NVML API reference`;
  }
}

interface Board {
  index: number;
  dev: NvmlDevice;
  uuid: string;
  name: string;
  powerLimitWatts: number;
  mig: boolean;
  /** false once the energy counter answered NOT_SUPPORTED (pre-Volta). */
  counter: boolean | undefined;
  lastMj?: bigint;
  /** When lastMj was read; kept through failed reads so the recovery counts the gap. */
  lastMjAtUs?: number;
  /** Failed reads since lastMj. */
  failures?: number;
  /** lastMj came from a position persisted on this boot (agent restart). */
  restored?: boolean;
  lastPower?: { mw: number; atUs: number };
  lastSeenUs?: bigint;
  utilUnsupportedSaid?: boolean;
}

type Opened = { ok: true; nvml: Nvml } | { ok: false; reason: string; fix: string };

export class NvmlSource implements EnergySource {
  readonly name = SOURCE;
  private readonly libPath: string;
  private nvml: Nvml | undefined;
  private initialised = false;
  private boards: Board[] = [];
  /** Board indices whose discovery failed; retried every read. */
  private missing = new Set<number>();
  private discovered = false;
  /** Positions persisted on this boot, by GPU UUID, for boards not yet discovered. */
  private restoredPositions: CounterPositions = {};

  constructor(opts: NvmlSourceOptions = {}) {
    this.libPath = opts.libPath ?? DEFAULT_NVML_LIBRARY;
  }

  private async open(): Promise<Opened> {
    if (!this.nvml) {
      try {
        this.nvml = Nvml.load(this.libPath);
      } catch (err) {
        const e = err as NvmlLoadError;
        if (e.kind === 'not_found') {
          return { ok: false, reason: `${this.libPath} not found (${e.message})`, fix: 'install the NVIDIA driver, which ships libnvidia-ml.so.1 (in containers, the NVIDIA Container Toolkit mounts it), or set the NVML library path; hosts without NVIDIA GPUs need nothing' };
        }
        if (e.kind === 'missing_symbol') return { ok: false, reason: e.message, fix: 'upgrade the NVIDIA driver (R450 or later)' };
        return { ok: false, reason: e.message, fix: 'the library exists but cannot be loaded: check it is a 64-bit build for this machine and not damaged' };
      }
    }
    if (!this.initialised) {
      try {
        await this.nvml.init();
        this.initialised = true;
      } catch (err) {
        const code = err instanceof NvmlError ? err.code : NvmlReturn.UNKNOWN;
        return { ok: false, reason: `NVML loaded from ${this.libPath} but ${(err as Error).message}`, fix: nvmlFix(code) };
      }
    }
    return { ok: true, nvml: this.nvml };
  }

  /** Finds boards once, then retries the ones that failed. */
  private async discover(nvml: Nvml, status: SourceStatus[]): Promise<void> {
    let indices: number[];
    if (!this.discovered) {
      const count = await nvml.deviceCount();
      indices = Array.from({ length: count }, (_, i) => i);
      this.discovered = true;
    } else {
      indices = [...this.missing];
    }
    for (const index of indices) {
      try {
        const dev = await nvml.handleByIndex(index);
        const uuid = await nvml.uuid(dev);
        const name = await optional(() => nvml.name(dev), '');
        const limitMw = await optional(() => nvml.enforcedPowerLimitMw(dev), 0);
        const mig = await optional(async () => (await nvml.migMode(dev)).current === 1, false);
        this.boards.push({ index, dev, uuid, name, powerLimitWatts: limitMw / 1000, mig, counter: undefined });
        this.boards.sort((a, b) => a.index - b.index);
        this.missing.delete(index);
      } catch (err) {
        this.missing.add(index);
        status.push(problem(`GPU index ${index}`, err));
      }
    }
  }

  private async ready(status: SourceStatus[]): Promise<Nvml | undefined> {
    const opened = await this.open();
    if (!opened.ok) {
      status.push({ source: SOURCE, ok: false, reason: opened.reason, fix: opened.fix });
      return undefined;
    }
    try {
      await this.discover(opened.nvml, status);
    } catch (err) {
      status.push(problem('device count', err));
    }
    return opened.nvml;
  }

  async probe(): Promise<ProbeResult> {
    const status: SourceStatus[] = [];
    const nvml = await this.ready(status);
    if (!nvml || this.boards.length === 0) {
      const first = status[0];
      return {
        source: SOURCE,
        found: false,
        devices: [],
        reason: first?.reason ?? `NVML works but sees no GPU`,
        fix: first?.fix || 'check that the GPUs are visible to the agent (NVIDIA_VISIBLE_DEVICES, container device list)',
      };
    }
    const parts: string[] = [];
    for (const b of this.boards) {
      // Asking the counter does not touch the baseline kept in `lastMj`.
      const counter = await nvml.totalEnergyMj(b.dev).then(
        () => 'energy counter',
        (err) => (err instanceof NvmlError && err.code === NvmlReturn.NOT_SUPPORTED ? 'no energy counter (pre-Volta): power integrated' : `energy counter unreadable: ${(err as Error).message}`),
      );
      parts.push(`${b.name || 'GPU'} ${b.uuid}: ${counter}${b.mig ? ', MIG (whole-board energy)' : ''}`);
    }
    for (const s of status) parts.push(s.reason ?? '');
    return { source: SOURCE, found: true, devices: this.boards.map((b) => b.uuid), reason: parts.join('; ') };
  }

  /** The boards NVML sees (empty when it cannot load). */
  async inventory(): Promise<GpuInfo[]> {
    await this.ready([]);
    return this.boards.map((b) => ({ uuid: b.uuid, name: b.name, powerLimitWatts: b.powerLimitWatts, mig: b.mig }));
  }

  async read(ctx: SampleContext): Promise<SourceReading> {
    const energy: EnergyReading[] = [];
    const gpuProcesses: GpuProcessUsage[] = [];
    const status: SourceStatus[] = [];
    const nvml = await this.ready(status);
    if (!nvml) return { energy, gpuProcesses, status };
    for (const board of this.boards) {
      try {
        const reading = await this.readEnergy(nvml, board, ctx.endUs, status);
        if (reading) energy.push(reading);
      } catch (err) {
        // Lost or unreadable: the energy counter's last good value is kept, so a
        // board that reads again counts the gap (flag catch_up; a driver reload shows
        // as a counter reset). Integrated power cannot cover the gap: it starts afresh.
        if (board.lastMj !== undefined) board.failures = (board.failures ?? 0) + 1;
        board.lastPower = undefined;
        status.push(problem(`GPU ${board.uuid}`, err));
        continue;
      }
      try {
        gpuProcesses.push(...(board.mig ? await this.readMigProcesses(nvml, board) : await this.readProcesses(nvml, board, ctx.startUs, status)));
      } catch (err) {
        status.push(problem(`GPU ${board.uuid} processes`, err));
      }
    }
    return { energy, gpuProcesses, status };
  }

  private async readEnergy(nvml: Nvml, board: Board, atUs: number, status: SourceStatus[]): Promise<EnergyReading | undefined> {
    const flags = board.mig ? ['mig'] : [];
    if (board.counter !== false) {
      try {
        const mj = await nvml.totalEnergyMj(board.dev);
        board.counter = true;
        const saved = board.lastMj === undefined ? this.restoredPositions[board.uuid] : undefined;
        if (saved) {
          board.lastMj = BigInt(saved.value);
          board.lastMjAtUs = saved.atUs;
          board.restored = true;
          delete this.restoredPositions[board.uuid];
        }
        const prev = board.lastMj;
        const prevAtUs = board.lastMjAtUs;
        const gapFlags = [...((board.failures ?? 0) > 0 ? ['catch_up'] : []), ...(board.restored ? ['gap_recovered'] : [])];
        board.lastMj = mj;
        board.lastMjAtUs = atUs;
        board.failures = 0;
        board.restored = false;
        // A 64-bit mJ counter does not wrap; going back means the driver reloaded.
        const d = counterDelta(prev, mj, undefined);
        if (d.outcome === 'baseline') return undefined;
        flags.push(...gapFlags);
        if (gapFlags.length > 0 && prevAtUs !== undefined) {
          const reading: EnergyReading = { domain: Domain.DOMAIN_GPU, device: board.uuid, source: Source.SOURCE_NVML, quality: Quality.QUALITY_COUNTER, joules: 0, flags, spanStartUs: prevAtUs };
          if (d.outcome === 'reset') {
            flags.push('counter_reset');
            status.push({ source: SOURCE, ok: false, reason: `GPU ${board.uuid}: energy counter went back from ${prev} to ${mj} mJ (driver reloaded); only the energy since the reset is counted`, fix: '' });
          }
          reading.joules = millijoulesToJoules(d.delta);
          return reading;
        }
        if (d.outcome === 'reset') {
          flags.push('counter_reset');
          status.push({ source: SOURCE, ok: false, reason: `GPU ${board.uuid}: energy counter went back from ${prev} to ${mj} mJ (driver reloaded); only the energy since the reset is counted`, fix: '' });
        }
        return { domain: Domain.DOMAIN_GPU, device: board.uuid, source: Source.SOURCE_NVML, quality: Quality.QUALITY_COUNTER, joules: millijoulesToJoules(d.delta), flags };
      } catch (err) {
        if (!(err instanceof NvmlError && err.code === NvmlReturn.NOT_SUPPORTED)) throw err;
        board.counter = false;
      }
    }
    const mw = await nvml.powerUsageMw(board.dev);
    const prev = board.lastPower;
    board.lastPower = { mw, atUs };
    if (!prev) return undefined;
    flags.push('power_integrated');
    return { domain: Domain.DOMAIN_GPU, device: board.uuid, source: Source.SOURCE_NVML, quality: Quality.QUALITY_INTEGRATED_POWER, joules: integratePowerJoules(prev.mw, prev.atUs, mw, atUs), flags };
  }

  counterPositions(): CounterPositions {
    const out: CounterPositions = { ...this.restoredPositions };
    for (const b of this.boards) if (b.lastMj !== undefined && b.lastMjAtUs !== undefined) out[b.uuid] = { value: b.lastMj.toString(), atUs: b.lastMjAtUs };
    return out;
  }

  restoreCounterPositions(p: CounterPositions): void {
    for (const [uuid, pos] of Object.entries(p)) if (/^\d+$/.test(pos.value) && Number.isFinite(pos.atUs)) this.restoredPositions[uuid] = pos;
  }

  private async readProcesses(nvml: Nvml, board: Board, startUs: number, status: SourceStatus[]): Promise<GpuProcessUsage[]> {
    const processes = await nvml.computeProcesses(board.dev);
    const lastSeen = board.lastSeenUs ?? BigInt(Math.floor(startUs));
    let samples: NvmlUtilSample[] = [];
    try {
      samples = await nvml.processUtilization(board.dev, lastSeen);
    } catch (err) {
      if (!(err instanceof NvmlError && err.code === NvmlReturn.NOT_SUPPORTED)) throw err;
      // A lasting property of the board: said once, and sample_count 0 tells attribution.
      if (!board.utilUnsupportedSaid) {
        status.push({ source: SOURCE, ok: false, reason: `GPU ${board.uuid}: no per-process utilisation (${err.message}); a shared GPU is split by memory instead`, fix: 'needs a Maxwell or newer GPU outside vGPU' });
        board.utilUnsupportedSaid = true;
      }
    }
    const summary = summariseGpuProcesses(board.uuid, processes, samples, lastSeen);
    board.lastSeenUs = summary.lastSeenUs;
    return summary.usage;
  }

  /** Each MIG instance's processes, tagged with its ids; no utilisation exists under MIG. */
  private async readMigProcesses(nvml: Nvml, board: Board): Promise<GpuProcessUsage[]> {
    const out: GpuProcessUsage[] = [];
    const slots = await nvml.maxMigDeviceCount(board.dev);
    for (let slot = 0; slot < slots; slot++) {
      const mig = await nvml.migDeviceHandle(board.dev, slot);
      if (mig === undefined) continue;
      const gi = await nvml.gpuInstanceId(mig);
      const ci = await nvml.computeInstanceId(mig);
      for (const p of await nvml.computeProcesses(mig)) {
        out.push({ gpuUuid: board.uuid, pid: p.pid, smUtil: 0, memUtil: 0, sampleCount: 0, gpuMemoryBytes: p.usedGpuMemory === VALUE_NOT_AVAILABLE ? 0 : Number(p.usedGpuMemory), gpuInstanceId: gi, computeInstanceId: ci });
      }
    }
    return out;
  }

  async close(): Promise<void> {
    const nvml = this.nvml;
    this.nvml = undefined;
    if (!nvml) return;
    if (this.initialised) await nvml.shutdown().catch(() => undefined);
    this.initialised = false;
    this.discovered = false;
    this.boards = [];
    this.missing.clear();
    nvml.unload();
  }
}

async function optional<T>(f: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await f();
  } catch {
    return fallback;
  }
}

function problem(what: string, err: unknown): SourceStatus {
  const fix = err instanceof NvmlError ? nvmlFix(err.code) : '';
  return { source: SOURCE, ok: false, reason: `${what}: ${(err as Error)?.message ?? String(err)}`, fix };
}
