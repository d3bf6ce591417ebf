// The koffi binding to NVML (libnvidia-ml.so.1): the C signatures of nvml.h,
// nothing more. Policy (what to read, what a failure means) lives in nvml.ts.
//
// Every NVML call goes through koffi's `fn.async`, which runs it on one of
// koffi's worker threads and resolves on the event loop. NVML is thread-safe,
// and most calls take microseconds, but some block for seconds: the first
// calls after init without persistence mode, a GPU falling off the bus, a
// driver under reset. A worker thread of our own would buy the same isolation
// with a message protocol to maintain; fn.async needs none.
//
// Integers the C side writes (counts, mW, mJ) land in Buffers and are read
// back with explicit widths, so a 64-bit energy counter stays an exact BigInt.
// Device handles are opaque pointers: BigInt in koffi 3.
import koffi, { type LibraryHandle } from 'koffi';
import { promisify } from 'node:util';

export const DEFAULT_NVML_LIBRARY = 'libnvidia-ml.so.1';

/** nvmlReturn_t values this code distinguishes (nvml.h). */
export const NvmlReturn = {
  SUCCESS: 0,
  UNINITIALIZED: 1,
  INVALID_ARGUMENT: 2,
  NOT_SUPPORTED: 3,
  NO_PERMISSION: 4,
  NOT_FOUND: 6,
  INSUFFICIENT_SIZE: 7,
  DRIVER_NOT_LOADED: 9,
  LIBRARY_NOT_FOUND: 12,
  FUNCTION_NOT_FOUND: 13,
  GPU_IS_LOST: 15,
  LIB_RM_VERSION_MISMATCH: 18,
  UNKNOWN: 999,
} as const;

/** gpuInstanceId / computeInstanceId of a process outside MIG. */
export const NOT_MIG = 0xffffffff;
/** NVML_DEVICE_UUID_V2_BUFFER_SIZE and NVML_DEVICE_NAME_V2_BUFFER_SIZE. */
const STRING_BUFFER = 96;
/** sizeof(nvmlProcessInfo_t), the struct the _v3 call fills. */
export const PROCESS_INFO_SIZE = 24;
/** sizeof(nvmlProcessUtilizationSample_t). */
export const UTIL_SAMPLE_SIZE = 32;
/** Extra slots when a list grows between the sizing call and the fetch. */
const HEADROOM = 8;
const SIZING_TRIES = 4;

/** An NVML call that returned something other than NVML_SUCCESS. */
export class NvmlError extends Error {
  readonly code: number;
  readonly fn: string;
  constructor(fn: string, code: number, text: string) {
    super(`${fn} failed: ${text} (NVML ${code})`);
    this.code = code;
    this.fn = fn;
  }
}

/** The library could not be loaded at all, or lacks a function we call. */
export class NvmlLoadError extends Error {
  readonly kind: 'not_found' | 'unloadable' | 'missing_symbol';
  constructor(kind: NvmlLoadError['kind'], message: string) {
    super(message);
    this.kind = kind;
  }
}

/** An opaque nvmlDevice_t. */
export type NvmlDevice = bigint;

/** nvmlProcessInfo_t: u32 pid @0, u64 usedGpuMemory @8, u32 gpuInstanceId @16, u32 computeInstanceId @20. */
export interface NvmlProcessInfo {
  pid: number;
  usedGpuMemory: bigint;
  gpuInstanceId: number;
  computeInstanceId: number;
}

/** nvmlProcessUtilizationSample_t: u32 pid @0, u64 timeStamp (µs) @8, u32 sm/mem/enc/dec util @16..28. */
export interface NvmlUtilSample {
  pid: number;
  timeStampUs: bigint;
  smUtil: number;
  memUtil: number;
  encUtil: number;
  decUtil: number;
}

export function decodeProcessInfos(buf: Buffer, count: number): NvmlProcessInfo[] {
  const out: NvmlProcessInfo[] = [];
  for (let i = 0; i < count; i++) {
    const o = i * PROCESS_INFO_SIZE;
    out.push({ pid: buf.readUInt32LE(o), usedGpuMemory: buf.readBigUInt64LE(o + 8), gpuInstanceId: buf.readUInt32LE(o + 16), computeInstanceId: buf.readUInt32LE(o + 20) });
  }
  return out;
}

export function decodeUtilSamples(buf: Buffer, count: number): NvmlUtilSample[] {
  const out: NvmlUtilSample[] = [];
  for (let i = 0; i < count; i++) {
    const o = i * UTIL_SAMPLE_SIZE;
    out.push({ pid: buf.readUInt32LE(o), timeStampUs: buf.readBigUInt64LE(o + 8), smUtil: buf.readUInt32LE(o + 16), memUtil: buf.readUInt32LE(o + 20), encUtil: buf.readUInt32LE(o + 24), decUtil: buf.readUInt32LE(o + 28) });
  }
  return out;
}

type AsyncFn = (...args: unknown[]) => Promise<number>;

const SIGNATURES = {
  nvmlInit_v2: 'int nvmlInit_v2(void)',
  nvmlShutdown: 'int nvmlShutdown(void)',
  nvmlDeviceGetCount_v2: 'int nvmlDeviceGetCount_v2(void *deviceCount)',
  nvmlDeviceGetHandleByIndex_v2: 'int nvmlDeviceGetHandleByIndex_v2(uint32_t index, _Out_ void **device)',
  nvmlDeviceGetUUID: 'int nvmlDeviceGetUUID(void *device, void *uuid, uint32_t length)',
  nvmlDeviceGetName: 'int nvmlDeviceGetName(void *device, void *name, uint32_t length)',
  nvmlDeviceGetEnforcedPowerLimit: 'int nvmlDeviceGetEnforcedPowerLimit(void *device, void *limit)',
  nvmlDeviceGetPowerUsage: 'int nvmlDeviceGetPowerUsage(void *device, void *power)',
  nvmlDeviceGetTotalEnergyConsumption: 'int nvmlDeviceGetTotalEnergyConsumption(void *device, void *energy)',
  nvmlDeviceGetComputeRunningProcesses_v3: 'int nvmlDeviceGetComputeRunningProcesses_v3(void *device, void *infoCount, void *infos)',
  nvmlDeviceGetProcessUtilization: 'int nvmlDeviceGetProcessUtilization(void *device, void *utilization, void *processSamplesCount, uint64_t lastSeenTimeStamp)',
  nvmlDeviceGetMigMode: 'int nvmlDeviceGetMigMode(void *device, void *currentMode, void *pendingMode)',
  nvmlDeviceGetMaxMigDeviceCount: 'int nvmlDeviceGetMaxMigDeviceCount(void *device, void *count)',
  nvmlDeviceGetMigDeviceHandleByIndex: 'int nvmlDeviceGetMigDeviceHandleByIndex(void *device, uint32_t index, _Out_ void **migDevice)',
  nvmlDeviceGetGpuInstanceId: 'int nvmlDeviceGetGpuInstanceId(void *device, void *id)',
  nvmlDeviceGetComputeInstanceId: 'int nvmlDeviceGetComputeInstanceId(void *device, void *id)',
} as const;
type FnName = keyof typeof SIGNATURES;

export class Nvml {
  readonly libPath: string;
  private readonly lib: LibraryHandle;
  private readonly fns: Record<FnName, AsyncFn>;
  private readonly errorStringFn: (rc: number) => string;

  private constructor(libPath: string, lib: LibraryHandle) {
    this.libPath = libPath;
    this.lib = lib;
    const fns = {} as Record<FnName, AsyncFn>;
    try {
      for (const [name, sig] of Object.entries(SIGNATURES) as [FnName, string][]) {
        const fn = lib.func(sig);
        fns[name] = promisify(fn.async) as AsyncFn;
      }
      // A static string table lookup: safe to call on the event loop.
      this.errorStringFn = lib.func('const char *nvmlErrorString(int result)') as (rc: number) => string;
    } catch (err) {
      lib.unload();
      throw new NvmlLoadError('missing_symbol', `${libPath}: ${(err as Error).message} (driver older than the NVML API Wattprint needs)`);
    }
    this.fns = fns;
  }

  /** dlopen()s the library and binds every function; throws NvmlLoadError. */
  static load(libPath = DEFAULT_NVML_LIBRARY): Nvml {
    let lib: LibraryHandle;
    try {
      lib = koffi.load(libPath);
    } catch (err) {
      const msg = (err as Error).message;
      const kind = /no such file|cannot open shared object/i.test(msg) ? 'not_found' : 'unloadable';
      throw new NvmlLoadError(kind, `cannot load ${libPath}: ${msg}`);
    }
    return new Nvml(libPath, lib);
  }

  errorString(rc: number): string {
    try {
      return this.errorStringFn(rc) ?? 'unknown error';
    } catch {
      return 'unknown error';
    }
  }

  private async call(fn: FnName, ...args: unknown[]): Promise<number> {
    return this.fns[fn](...args);
  }

  private async check(fn: FnName, ...args: unknown[]): Promise<void> {
    const rc = await this.call(fn, ...args);
    if (rc !== NvmlReturn.SUCCESS) throw new NvmlError(fn, rc, this.errorString(rc));
  }

  private async u32(fn: FnName, dev: NvmlDevice): Promise<number> {
    const buf = Buffer.alloc(4);
    await this.check(fn, dev, buf);
    return buf.readUInt32LE(0);
  }

  private async text(fn: FnName, dev: NvmlDevice): Promise<string> {
    const buf = Buffer.alloc(STRING_BUFFER);
    await this.check(fn, dev, buf, STRING_BUFFER);
    const end = buf.indexOf(0);
    return buf.toString('utf8', 0, end < 0 ? buf.length : end);
  }

  init(): Promise<void> {
    return this.check('nvmlInit_v2');
  }

  shutdown(): Promise<void> {
    return this.check('nvmlShutdown');
  }

  /** Unmaps the library; no call may follow. */
  unload(): void {
    this.lib.unload();
  }

  async deviceCount(): Promise<number> {
    const buf = Buffer.alloc(4);
    await this.check('nvmlDeviceGetCount_v2', buf);
    return buf.readUInt32LE(0);
  }

  async handleByIndex(index: number): Promise<NvmlDevice> {
    const out: unknown[] = [null];
    await this.check('nvmlDeviceGetHandleByIndex_v2', index, out);
    return out[0] as NvmlDevice;
  }

  uuid(dev: NvmlDevice): Promise<string> {
    return this.text('nvmlDeviceGetUUID', dev);
  }

  name(dev: NvmlDevice): Promise<string> {
    return this.text('nvmlDeviceGetName', dev);
  }

  enforcedPowerLimitMw(dev: NvmlDevice): Promise<number> {
    return this.u32('nvmlDeviceGetEnforcedPowerLimit', dev);
  }

  powerUsageMw(dev: NvmlDevice): Promise<number> {
    return this.u32('nvmlDeviceGetPowerUsage', dev);
  }

  /** Millijoules since the driver was loaded (Volta and later). */
  async totalEnergyMj(dev: NvmlDevice): Promise<bigint> {
    const buf = Buffer.alloc(8);
    await this.check('nvmlDeviceGetTotalEnergyConsumption', dev, buf);
    return buf.readBigUInt64LE(0);
  }

  /**
   * Running compute processes (host PIDs). NVML's sizing protocol: a call
   * with room for 0 returns SUCCESS when there are none, or INSUFFICIENT_SIZE
   * and the count needed; the list may grow before the second call.
   */
  async computeProcesses(dev: NvmlDevice): Promise<NvmlProcessInfo[]> {
    const fn = 'nvmlDeviceGetComputeRunningProcesses_v3';
    let capacity = 0;
    for (let attempt = 0; attempt < SIZING_TRIES; attempt++) {
      const countBuf = Buffer.alloc(4);
      countBuf.writeUInt32LE(capacity, 0);
      const infos = capacity > 0 ? Buffer.alloc(capacity * PROCESS_INFO_SIZE) : null;
      const rc = await this.call(fn, dev, countBuf, infos);
      const count = countBuf.readUInt32LE(0);
      if (rc === NvmlReturn.SUCCESS) return infos ? decodeProcessInfos(infos, Math.min(count, capacity)) : [];
      if (rc !== NvmlReturn.INSUFFICIENT_SIZE) throw new NvmlError(fn, rc, this.errorString(rc));
      capacity = count + HEADROOM;
    }
    throw new NvmlError(fn, NvmlReturn.INSUFFICIENT_SIZE, `process list kept growing over ${SIZING_TRIES} tries`);
  }

  /**
   * Per-process utilisation samples newer than `lastSeenUs` (Maxwell and
   * later; not under MIG). A NULL buffer asks for the count; NOT_FOUND means
   * no process was busy since lastSeen.
   */
  async processUtilization(dev: NvmlDevice, lastSeenUs: bigint): Promise<NvmlUtilSample[]> {
    const fn = 'nvmlDeviceGetProcessUtilization';
    let capacity = 0;
    for (let attempt = 0; attempt < SIZING_TRIES; attempt++) {
      const countBuf = Buffer.alloc(4);
      countBuf.writeUInt32LE(capacity, 0);
      const samples = capacity > 0 ? Buffer.alloc(capacity * UTIL_SAMPLE_SIZE) : null;
      const rc = await this.call(fn, dev, samples, countBuf, lastSeenUs);
      const count = countBuf.readUInt32LE(0);
      if (rc === NvmlReturn.NOT_FOUND) return [];
      if (rc === NvmlReturn.SUCCESS) return samples ? decodeUtilSamples(samples, Math.min(count, capacity)) : [];
      if (rc !== NvmlReturn.INSUFFICIENT_SIZE) throw new NvmlError(fn, rc, this.errorString(rc));
      capacity = count + HEADROOM;
    }
    throw new NvmlError(fn, NvmlReturn.INSUFFICIENT_SIZE, `sample count kept growing over ${SIZING_TRIES} tries`);
  }

  /** NVML_DEVICE_MIG_ENABLE is 1. */
  async migMode(dev: NvmlDevice): Promise<{ current: number; pending: number }> {
    const cur = Buffer.alloc(4);
    const pending = Buffer.alloc(4);
    await this.check('nvmlDeviceGetMigMode', dev, cur, pending);
    return { current: cur.readUInt32LE(0), pending: pending.readUInt32LE(0) };
  }

  maxMigDeviceCount(dev: NvmlDevice): Promise<number> {
    return this.u32('nvmlDeviceGetMaxMigDeviceCount', dev);
  }

  /** The MIG device in slot `index`, or undefined when that slot is empty. */
  async migDeviceHandle(dev: NvmlDevice, index: number): Promise<NvmlDevice | undefined> {
    const fn = 'nvmlDeviceGetMigDeviceHandleByIndex';
    const out: unknown[] = [null];
    const rc = await this.call(fn, dev, index, out);
    if (rc === NvmlReturn.NOT_FOUND) return undefined;
    if (rc !== NvmlReturn.SUCCESS) throw new NvmlError(fn, rc, this.errorString(rc));
    return out[0] as NvmlDevice;
  }

  gpuInstanceId(migDev: NvmlDevice): Promise<number> {
    return this.u32('nvmlDeviceGetGpuInstanceId', migDev);
  }

  computeInstanceId(migDev: NvmlDevice): Promise<number> {
    return this.u32('nvmlDeviceGetComputeInstanceId', migDev);
  }
}
