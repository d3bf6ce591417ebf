// The idle baseline: watts a host draws per (domain, device) when nothing
// runs. Learned from quiet intervals (a low percentile of their power) or
// configured. Stateful but without I/O or clock: it sees only what it is fed.
import { domainName, qualityName, type Report } from '@wattprint/proto';

/** Idle power, watts, by baselineKey(domain, device), for one host. */
export type HostBaseline = Readonly<Record<string, number>>;

export function baselineKey(domain: string, device: string): string {
  return `${domain}/${device}`;
}

export interface BaselineOptions {
  /** An interval is quiet below this utilisation (0..1): host CPU busy fraction for CPU domains, Σ SM utilisation for a GPU. */
  quietBelow: number;
  /** Percentile (0..1) of quiet-interval power taken as the baseline. */
  percentile: number;
  /** Quiet intervals needed before a learned value is used. */
  minSamples: number;
  /** Most recent quiet intervals kept per host, domain and device. */
  window: number;
}

export const DEFAULT_BASELINE_OPTIONS: BaselineOptions = { quietBelow: 0.1, percentile: 0.1, minSamples: 20, window: 256 };

/** Domains whose idle power attribution uses; wall is reconciled, never split. */
const LEARNED = new Set(['package', 'core', 'uncore', 'dram', 'psys', 'gpu']);

export interface QuietSample {
  key: string;
  watts: number;
}

/**
 * The power of each (domain, device) in `report` that was read in a quiet
 * interval. CPU domains are quiet when /proc/stat says the host was busy less
 * than `quietBelow` of its CPU time; a GPU when no process held it, or when
 * its processes' SM samples add up to less. A GPU whose processes returned no
 * samples is skipped (unknown, not quiet), as are estimates and readings
 * flagged counter_reset.
 */
export function quietSamples(report: Report, quietBelow: number): QuietSample[] {
  const seconds = (Number(report.endUs ?? 0) - Number(report.startUs ?? 0)) / 1e6;
  if (!(seconds > 0)) return [];
  const busy = report.cpuBusySeconds ?? 0;
  const total = busy + (report.cpuIdleSeconds ?? 0);
  const cpuQuiet = total > 0 && busy / total < quietBelow;
  const gpuUse = new Map<string, number>(); // NaN: some process without samples
  for (const g of report.gpuProcesses ?? []) {
    const uuid = g.gpuUuid ?? '';
    const sm = (g.sampleCount ?? 0) > 0 ? (g.smUtil ?? 0) / 100 : Number.NaN;
    gpuUse.set(uuid, (gpuUse.get(uuid) ?? 0) + sm);
  }
  const out: QuietSample[] = [];
  for (const e of report.energy ?? []) {
    const domain = domainName(e.domain);
    const joules = e.joules ?? 0;
    if (!LEARNED.has(domain) || qualityName(e.quality) === 'estimate' || (e.flags ?? []).includes('counter_reset')) continue;
    if (!Number.isFinite(joules) || joules < 0) continue;
    const device = e.device ?? '';
    const quiet = domain === 'gpu' ? (gpuUse.get(device) ?? 0) < quietBelow : cpuQuiet;
    if (quiet) out.push({ key: baselineKey(domain, device), watts: joules / seconds });
  }
  return out;
}

/** Nearest-rank percentile of ascending values; p in [0, 1]. */
export function percentileOf(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** The last `size` values, kept both in arrival order (ring) and sorted. */
class Window {
  private readonly ring: Float64Array;
  private head = 0;
  readonly sorted: number[] = [];

  constructor(size: number) {
    this.ring = new Float64Array(size);
  }

  push(v: number): void {
    if (this.sorted.length === this.ring.length) this.sorted.splice(lowerBound(this.sorted, this.ring[this.head]!), 1);
    this.ring[this.head] = v;
    this.head = (this.head + 1) % this.ring.length;
    this.sorted.splice(lowerBound(this.sorted, v), 0, v);
  }
}

function lowerBound(a: readonly number[], v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface BaselineEntry {
  key: string;
  watts: number | undefined;
  /** "configured", "learned", or "learning" (fewer than minSamples quiet intervals yet). */
  source: 'configured' | 'learned' | 'learning';
  samples: number;
}

export class BaselineLearner {
  readonly options: BaselineOptions;
  private readonly learned = new Map<string, Map<string, Window>>();
  private readonly configured = new Map<string, Map<string, number>>();

  constructor(options: Partial<BaselineOptions> = {}) {
    const o = { ...DEFAULT_BASELINE_OPTIONS, ...options };
    const check = (name: keyof BaselineOptions, ok: boolean, want: string) => {
      if (!ok) throw new Error(`baseline: option "${name}" must be ${want}, got ${JSON.stringify(o[name])}`);
    };
    check('quietBelow', o.quietBelow > 0 && o.quietBelow <= 1, 'a number in (0, 1]');
    check('percentile', o.percentile >= 0 && o.percentile <= 1, 'a number in [0, 1]');
    check('minSamples', Number.isInteger(o.minSamples) && o.minSamples >= 1, 'an integer >= 1');
    check('window', Number.isInteger(o.window) && o.window >= o.minSamples, `an integer >= minSamples (${o.minSamples})`);
    this.options = o;
  }

  /** A fixed baseline (from a calibration run or the operator); it overrides what is learned. */
  configure(host: string, domain: string, device: string, watts: number): void {
    if (!host) throw new Error('baseline: configure needs a host');
    if (!LEARNED.has(domain)) throw new Error(`baseline: ${host} ${domain}/${device}: domain must be one of ${[...LEARNED].join(', ')}`);
    if (!Number.isFinite(watts) || watts < 0) throw new Error(`baseline: ${host} ${domain}/${device}: watts must be a finite number >= 0, got ${watts}`);
    const m = this.configured.get(host) ?? new Map<string, number>();
    this.configured.set(host, m);
    m.set(baselineKey(domain, device), watts);
  }

  /** Feeds one report; returns how many quiet readings it contributed. */
  observe(report: Report): number {
    const host = report.host ?? '';
    if (!host) return 0;
    const samples = quietSamples(report, this.options.quietBelow);
    if (samples.length === 0) return 0;
    const windows = this.learned.get(host) ?? new Map<string, Window>();
    this.learned.set(host, windows);
    for (const s of samples) {
      const w = windows.get(s.key) ?? new Window(this.options.window);
      windows.set(s.key, w);
      w.push(s.watts);
    }
    return samples.length;
  }

  /** The host's baseline for attribution: configured values, else learned ones with enough samples. */
  baseline(host: string): HostBaseline {
    const out: Record<string, number> = {};
    for (const [key, w] of this.learned.get(host) ?? []) {
      if (w.sorted.length >= this.options.minSamples) out[key] = percentileOf(w.sorted, this.options.percentile);
    }
    for (const [key, watts] of this.configured.get(host) ?? []) out[key] = watts;
    return out;
  }

  /** Every known (domain, device) of a host with where its baseline stands. */
  describe(host: string): BaselineEntry[] {
    const keys = new Set([...(this.learned.get(host)?.keys() ?? []), ...(this.configured.get(host)?.keys() ?? [])]);
    const current = this.baseline(host);
    return [...keys].sort().map((key) => {
      const samples = this.learned.get(host)?.get(key)?.sorted.length ?? 0;
      const source = this.configured.get(host)?.has(key) ? 'configured' : samples >= this.options.minSamples ? 'learned' : 'learning';
      return { key, watts: current[key], source, samples };
    });
  }
}
