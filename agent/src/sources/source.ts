// The one small interface every measurement source implements (one file per
// source, as node_exporter does with its collectors). A source never throws
// for a reading it cannot take: it says what it could not read, and why.
import type { EnergyReading, GpuProcessUsage, SourceStatus } from '@wattprint/proto';

/** What the sampler knows about the interval being closed. */
export interface SampleContext {
  startUs: number;
  endUs: number;
  /** Host CPU time in the interval, seconds summed over all CPUs (from /proc/stat). */
  cpuBusySeconds: number;
  cpuIdleSeconds: number;
  cpuCount: number;
}

export interface SourceReading {
  energy: EnergyReading[];
  gpuProcesses?: GpuProcessUsage[];
  /** One entry per problem (or per device that works, for probe output). */
  status: SourceStatus[];
}

export interface ProbeResult {
  source: string;
  found: boolean;
  /** Devices or zones found, e.g. "package-0", a GPU UUID. */
  devices: string[];
  reason: string;
  fix?: string;
  /** True when this source's figures are estimates, not measurements. */
  estimate?: boolean;
  /** Per-device state where devices differ (RAPL zones): readable or not, and the fix. */
  devicesState?: { device: string; ok: boolean; reason: string; fix?: string }[];
}

/**
 * Where a cumulative counter stood at its last good read: the raw value in the
 * counter's own unit (decimal, as counters exceed 2^53) and when it was read.
 * Persisted by the agent so a restart on the same boot loses no energy.
 */
export interface CounterPosition {
  value: string;
  atUs: number;
}

export type CounterPositions = Record<string, CounterPosition>;

export interface EnergySource {
  readonly name: string;
  /** Looks for the hardware without side effects on the counters' baseline. */
  probe(): Promise<ProbeResult>;
  /**
   * Energy since the previous call. The first call establishes the baseline
   * and may return no energy.
   */
  read(ctx: SampleContext): Promise<SourceReading>;
  /** Last good counter positions by device (counter sources only). */
  counterPositions?(): CounterPositions;
  /**
   * Seeds the baselines from positions persisted on this same boot: the next
   * read counts from them (flag `gap_recovered`) instead of re-baselining.
   */
  restoreCounterPositions?(p: CounterPositions): void;
  close?(): Promise<void>;
}

export function statusFromError(source: string, err: unknown, fix?: string): SourceStatus {
  const e = err as NodeJS.ErrnoException;
  return { source, ok: false, reason: e?.message ?? String(err), fix: fix ?? '' };
}
