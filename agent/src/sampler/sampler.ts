// Closes one interval: scans processes, reads every source, and assembles the
// wire Report. Intervals are contiguous: each starts where the previous ended.
import type { Report, SourceStatus, JobProgress } from '@wattprint/proto';
import type { ProcScanner } from '../procfs/scanner.ts';
import type { EnergySource } from '../sources/source.ts';
import type { Positions } from './checkpoint.ts';

export function nowUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

export interface SamplerOptions {
  host: string;
  bootId: string;
  scanner: ProcScanner;
  sources: EnergySource[];
  /** Progress counters drained per interval (tokens, examples, steps). */
  drainProgress?: () => JobProgress[];
  clock?: () => number;
}

export class Sampler {
  private lastUs: number | undefined;
  /** Said once, in the interval that spans a restart gap. */
  private gapNote: SourceStatus | undefined;
  private readonly opts: SamplerOptions;
  private readonly clock: () => number;

  constructor(opts: SamplerOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? nowUs;
  }

  /** Where every counter stands at the end of the last interval (undefined before the first). */
  positions(): Positions | undefined {
    if (this.lastUs === undefined) return undefined;
    const sources: Positions['sources'] = {};
    for (const s of this.opts.sources) {
      const p = s.counterPositions?.();
      if (p && Object.keys(p).length > 0) sources[s.name] = p;
    }
    return { endUs: this.lastUs, sources, scanner: this.opts.scanner.snapshot() };
  }

  /**
   * Continues from positions persisted on this boot: the next interval starts
   * where they end and covers the downtime.
   */
  restore(p: Positions): void {
    this.lastUs = p.endUs;
    this.gapNote = {
      source: 'agent',
      ok: true,
      reason: `this interval covers an agent restart on the same boot (${((this.clock() - p.endUs) / 1e6).toFixed(1)} s): counters continue from their persisted positions (gap_recovered); the CPU time of processes that ended during the gap is not known per process and stays unattributed (system)`,
      fix: '',
    };
    for (const s of this.opts.sources) {
      const saved = p.sources[s.name];
      if (saved) s.restoreCounterPositions?.(saved);
    }
    if (p.scanner) this.opts.scanner.restore(p.scanner);
  }

  /**
   * Takes the readings that end the current interval. Returns undefined for
   * the very first call, which only sets the baselines.
   */
  async sample(seq: number): Promise<Report | undefined> {
    const endUs = this.clock();
    const scan = this.opts.scanner.scan();
    const startUs = this.lastUs ?? endUs;
    const ctx = { startUs, endUs, cpuBusySeconds: scan.cpuBusySeconds, cpuIdleSeconds: scan.cpuIdleSeconds, cpuCount: scan.cpuCount };
    const readings = await Promise.all(
      this.opts.sources.map(async (s) => {
        try {
          return await s.read(ctx);
        } catch (err) {
          // A source must not throw, but one that does cannot stop the others.
          return { energy: [], status: [{ source: s.name, ok: false, reason: `unexpected error: ${(err as Error).message}`, fix: '' }] };
        }
      }),
    );
    const first = this.lastUs === undefined;
    this.lastUs = endUs;
    if (first || scan.baseline) return undefined;
    const sources: SourceStatus[] = readings.flatMap((r) => r.status);
    for (const p of scan.problems) sources.push({ source: 'procfs', ok: false, reason: p, fix: '' });
    if (this.gapNote) sources.push(this.gapNote);
    this.gapNote = undefined;
    return {
      host: this.opts.host,
      seq,
      startUs,
      endUs,
      bootId: this.opts.bootId,
      energy: readings.flatMap((r) => r.energy),
      processes: scan.processes,
      gpuProcesses: readings.flatMap((r) => r.gpuProcesses ?? []),
      progress: this.opts.drainProgress?.() ?? [],
      cpuBusySeconds: scan.cpuBusySeconds,
      cpuIdleSeconds: scan.cpuIdleSeconds,
      cpuCount: scan.cpuCount,
      sources,
    };
  }
}
