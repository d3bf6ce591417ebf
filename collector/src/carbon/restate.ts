// Restatement: a figure computed while its hour was provisional (forecast,
// estimated, interpolated, or a fallback after a provider failed) is
// recomputed when better data arrives, within a window (72 h by default).
// Pure: stored results + fresh intensity in, corrected results out. A result
// carries its own energy, so nothing else is needed, and a corrected result
// has the same storage key (carbonKey), so writing it overwrites the old one.
// Running it again with the same data changes nothing.
import { carbonForInterval, energyOf, type CarbonResult } from './compute.ts';
import type { IntensityPeriod, IntensityQuality } from './provider.ts';

const RANK: Record<IntensityQuality, number> = { measured: 4, estimated: 3, interpolated: 2, forecast: 1, static_yearly: 0 };

/**
 * The periods to use for [startUs, endUs): a fresh period replaces what was
 * used wherever it is at least as good (a newer revision of equal quality
 * replaces the old one); elsewhere the old periods stay. A provider outage
 * during restatement (fresh = static) never downgrades a figure.
 */
export function mergePeriods(used: readonly IntensityPeriod[], fresh: readonly IntensityPeriod[], startUs: number, endUs: number): IntensityPeriod[] {
  const cuts = new Set<number>([startUs, endUs]);
  for (const p of [...used, ...fresh]) {
    if (p.startUs > startUs && p.startUs < endUs) cuts.add(p.startUs);
    if (p.endUs > startUs && p.endUs < endUs) cuts.add(p.endUs);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: IntensityPeriod[] = [];
  let prev: IntensityPeriod | undefined;
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    const old = used.find((p) => p.startUs <= a && p.endUs >= b);
    const neu = fresh.find((p) => p.startUs <= a && p.endUs >= b);
    const pick = neu && (!old || RANK[neu.quality] >= RANK[old.quality]) ? neu : old;
    if (!pick) continue;
    const last = out[out.length - 1];
    if (pick === prev && last && last.endUs === a) last.endUs = b;
    else out.push({ ...pick, startUs: a, endUs: b });
    prev = pick;
  }
  return out;
}

export interface FreshIntensity {
  zone: string;
  /** Average-basis periods from the chain now. */
  periods: IntensityPeriod[];
  marginal?: IntensityPeriod[];
  /** The chain fell back (a provider failed or may still publish): results stay provisional. */
  fellBack: boolean;
  failures?: string[];
}

export interface RestateOptions {
  nowUs: number;
  /** Only results that ended within this long before now are restated. */
  windowUs: number;
}

export const DEFAULT_RESTATE_WINDOW_US = 72 * 3_600_000_000;

/** Corrected results for the stored ones that changed; unchanged and final ones are left out. */
export function restate(stored: readonly CarbonResult[], fresh: readonly FreshIntensity[], opts: RestateOptions): CarbonResult[] {
  const out: CarbonResult[] = [];
  for (const r of stored) {
    if (!r.provisional || r.endUs < opts.nowUs - opts.windowUs) continue;
    const f = fresh.find((x) => x.zone === r.zone);
    if (!f) continue;
    const periods = mergePeriods(r.periods, f.periods.filter((p) => p.basis !== 'marginal'), r.startUs, r.endUs);
    const marginal = f.marginal || r.marginalPeriods ? mergePeriods(r.marginalPeriods ?? [], f.marginal ?? [], r.startUs, r.endUs) : undefined;
    const next = carbonForInterval(energyOf(r), periods, { ...(marginal ? { marginal } : {}), fellBack: f.fellBack, problems: f.failures ?? [] });
    if (!sameFigures(r, next)) out.push(next);
  }
  return out;
}

function sameFigures(a: CarbonResult, b: CarbonResult): boolean {
  return a.provisional === b.provisional && JSON.stringify([a.periods, a.marginalPeriods, a.jobs, a.totals]) === JSON.stringify([b.periods, b.marginalPeriods, b.jobs, b.totals]);
}
