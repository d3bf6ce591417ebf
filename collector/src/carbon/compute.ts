// Carbon arithmetic: pure functions, no I/O, no clock.
//
//   gCO2e = Σ over intensity periods p overlapping the interval of
//           kWh × (overlap_p / interval length) × PUE × intensity_p
//
// Energy is taken as uniform within one reported interval (the agent's
// interval is seconds long, intensity periods are 5 min to 1 h), so an
// interval that straddles a period boundary is split in proportion to time.
import { PROVISIONAL_QUALITIES, type IntensityPeriod, type IntensityQuality } from './provider.ts';

/** 1 lb/MWh in g/kWh: 453.59237 g per lb, 1000 kWh per MWh (exact, by definition of the pound). */
export const G_PER_KWH_PER_LB_PER_MWH = 0.45359237;
export const JOULES_PER_KWH = 3_600_000;

export function gPerKwhFromLbsPerMwh(lbsPerMwh: number): number {
  return lbsPerMwh * G_PER_KWH_PER_LB_PER_MWH;
}

export function kwhFromJoules(joules: number): number {
  return joules / JOULES_PER_KWH;
}

/** Emissions of energy drawn at one intensity: kWh × PUE × g/kWh. */
export function gramsCo2e(kwh: number, pue: number, gPerKwh: number): number {
  return kwh * pue * gPerKwh;
}

export type KwhByQuality = Partial<Record<IntensityQuality, number>>;

export interface Segment {
  startUs: number;
  endUs: number;
  kwh: number;
  period: IntensityPeriod;
}

/** Part of [startUs, endUs) that no period covers. */
export interface Gap {
  startUs: number;
  endUs: number;
}

/** Periods cut to [startUs, endUs), sorted; periods outside are dropped. */
export function clipPeriods(periods: readonly IntensityPeriod[], startUs: number, endUs: number): IntensityPeriod[] {
  const out: IntensityPeriod[] = [];
  for (const p of periods) {
    const s = Math.max(p.startUs, startUs);
    const e = Math.min(p.endUs, endUs);
    if (e > s) out.push({ ...p, startUs: s, endUs: e });
  }
  return out.sort((a, b) => a.startUs - b.startUs);
}

/** Uncovered stretches of [startUs, endUs). Periods may overlap; any cover counts. */
export function coverageGaps(periods: readonly IntensityPeriod[], startUs: number, endUs: number): Gap[] {
  const gaps: Gap[] = [];
  let at = startUs;
  for (const p of [...periods].sort((a, b) => a.startUs - b.startUs)) {
    if (p.endUs <= at) continue;
    if (p.startUs >= endUs) break;
    if (p.startUs > at) gaps.push({ startUs: at, endUs: p.startUs });
    at = Math.max(at, p.endUs);
    if (at >= endUs) break;
  }
  if (at < endUs) gaps.push({ startUs: at, endUs });
  return gaps;
}

/**
 * Fills gaps of at most maxGapUs that have a period of the same provider and
 * basis on both sides with the mean of those two neighbours, marked
 * "interpolated". Longer gaps, and gaps at the edges, stay open for the next
 * provider in the chain.
 */
export function fillShortGaps(periods: readonly IntensityPeriod[], maxGapUs: number): IntensityPeriod[] {
  const sorted = [...periods].sort((a, b) => a.startUs - b.startUs);
  const out: IntensityPeriod[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i]!;
    out.push(p);
    const next = sorted[i + 1];
    if (!next || next.startUs <= p.endUs) continue;
    const gap = next.startUs - p.endUs;
    if (gap > maxGapUs || next.provider !== p.provider || next.basis !== p.basis) continue;
    out.push({
      startUs: p.endUs,
      endUs: next.startUs,
      gPerKwh: (p.gPerKwh + next.gPerKwh) / 2,
      basis: p.basis,
      quality: 'interpolated',
      provider: p.provider,
      zone: p.zone,
      dataset: p.dataset,
    });
  }
  return out;
}

export class CoverageError extends Error {
  constructor(startUs: number, endUs: number, gaps: Gap[]) {
    super(`intensity periods do not cover [${startUs}, ${endUs}): missing ${gaps.map((g) => `[${g.startUs}, ${g.endUs})`).join(', ')}`);
    this.name = 'CoverageError';
  }
}

/**
 * Splits kWh drawn uniformly over [startUs, endUs) across the periods that
 * cover it. The pieces add up to kwh (to rounding) and none is negative.
 * Periods must cover the interval without overlapping: a chain guarantees it.
 */
export function splitEnergy(startUs: number, endUs: number, kwh: number, periods: readonly IntensityPeriod[]): Segment[] {
  if (!(endUs > startUs)) throw new RangeError(`interval [${startUs}, ${endUs}) is empty or reversed`);
  const clipped = clipPeriods(periods, startUs, endUs);
  const gaps = coverageGaps(clipped, startUs, endUs);
  if (gaps.length > 0) throw new CoverageError(startUs, endUs, gaps);
  for (let i = 1; i < clipped.length; i++) {
    if (clipped[i]!.startUs < clipped[i - 1]!.endUs) throw new RangeError(`intensity periods overlap at ${clipped[i]!.startUs} (${clipped[i - 1]!.provider} and ${clipped[i]!.provider})`);
  }
  // Pieces are differences of cumulative shares: never negative, and they end at kwh exactly.
  const span = endUs - startUs;
  const segments: Segment[] = [];
  let before = 0;
  clipped.forEach((p, i) => {
    const upTo = i === clipped.length - 1 ? kwh : Math.min(kwh, (kwh * (p.endUs - startUs)) / span);
    segments.push({ startUs: p.startUs, endUs: p.endUs, kwh: upTo - before, period: p });
    before = upTo;
  });
  return segments;
}

export interface CarbonFigure {
  kwh: number;
  gco2e: number;
  kwhByQuality: KwhByQuality;
}

/** Emissions of kwh drawn over [startUs, endUs) at PUE, time-aligned to the periods. */
export function carbonFigure(startUs: number, endUs: number, kwh: number, pue: number, periods: readonly IntensityPeriod[]): CarbonFigure {
  let gco2e = 0;
  const kwhByQuality: KwhByQuality = {};
  for (const s of splitEnergy(startUs, endUs, kwh, periods)) {
    gco2e += gramsCo2e(s.kwh, pue, s.period.gPerKwh);
    kwhByQuality[s.period.quality] = (kwhByQuality[s.period.quality] ?? 0) + s.kwh;
  }
  return { kwh, gco2e, kwhByQuality };
}

/** Σg ÷ (ΣkWh × PUE): the energy-weighted mean intensity; NaN when no energy. */
export function weightedIntensity(gco2e: number, kwh: number, pue: number): number {
  return gco2e / (kwh * pue);
}

// ---------------------------------------------------------------------------
// Per-interval results. A result holds its own inputs (kWh, PUE, zone), so it
// can be recomputed from itself alone when better intensity data arrives.

export type EnergyBasis = 'wall' | 'software';

export interface JobEnergy {
  jobId: string;
  kwhSoftware: number;
  /** Software plus the job's share of the wall meter's "other"; equals software where no wall meter. */
  kwhWall: number;
}

export interface IntervalEnergy {
  host: string;
  seq: number;
  startUs: number;
  endUs: number;
  zone: string;
  /** Where the zone came from: "config", "cloud", "collector". */
  zoneSource: string;
  pue: number;
  hostKwhSoftware: number;
  /** Undefined when the host has no wall meter. */
  hostKwhWall: number | undefined;
  jobs: JobEnergy[];
}

export interface JobCarbon extends JobEnergy {
  gco2eSoftware: number;
  gco2eWall: number;
  /** The accounting figure: wall-inclusive where the host has a wall meter, software otherwise. */
  gco2e: number;
  energyBasis: EnergyBasis;
  /** kWh of the accounting energy at each intensity quality. */
  kwhByQuality: KwhByQuality;
  /** Marginal (WattTime) emissions of the accounting energy: for scheduling, never added to gco2e. */
  gco2eMarginal?: number;
}

export interface HostCarbon {
  kwhSoftware: number;
  kwhWall: number | undefined;
  gco2eSoftware: number;
  gco2eWall: number | undefined;
  gco2e: number;
  energyBasis: EnergyBasis;
  kwhByQuality: KwhByQuality;
  gco2eMarginal?: number;
}

export interface CarbonResult {
  host: string;
  seq: number;
  startUs: number;
  endUs: number;
  zone: string;
  zoneSource: string;
  pue: number;
  /** The average-basis intensity periods used, cut to the interval. */
  periods: IntensityPeriod[];
  /** Marginal periods, when a marginal provider covered the whole interval. */
  marginalPeriods?: IntensityPeriod[];
  jobs: JobCarbon[];
  totals: HostCarbon;
  /** True while any part rests on forecast, estimated or interpolated data, or on a fallback taken because a provider failed. */
  provisional: boolean;
  /** Why figures are provisional or fell back: provider failures, bad inventory values. */
  problems: string[];
}

export function isProvisional(periods: readonly IntensityPeriod[]): boolean {
  return periods.some((p) => PROVISIONAL_QUALITIES.has(p.quality));
}

/**
 * The carbon of one interval: host and per-job figures at both energy bases.
 * `fellBack` says a provider failed and a lower one stood in (the figure is
 * provisional even if the stand-in's quality is final).
 */
export function carbonForInterval(
  e: IntervalEnergy,
  periods: readonly IntensityPeriod[],
  opts: { marginal?: readonly IntensityPeriod[]; fellBack?: boolean; problems?: string[] } = {},
): CarbonResult {
  const used = clipPeriods(periods, e.startUs, e.endUs);
  const marginal = opts.marginal && coverageGaps(opts.marginal, e.startUs, e.endUs).length === 0 ? clipPeriods(opts.marginal, e.startUs, e.endUs) : undefined;
  const hasWall = e.hostKwhWall !== undefined;
  const fig = (kwh: number) => carbonFigure(e.startUs, e.endUs, kwh, e.pue, used);
  const marg = (kwh: number) => (marginal ? carbonFigure(e.startUs, e.endUs, kwh, e.pue, marginal).gco2e : undefined);

  const jobs: JobCarbon[] = e.jobs.map((j) => {
    const sw = fig(j.kwhSoftware);
    const wall = fig(j.kwhWall);
    const acct = hasWall ? wall : sw;
    const job: JobCarbon = {
      jobId: j.jobId,
      kwhSoftware: j.kwhSoftware,
      kwhWall: j.kwhWall,
      gco2eSoftware: sw.gco2e,
      gco2eWall: wall.gco2e,
      gco2e: acct.gco2e,
      energyBasis: hasWall ? 'wall' : 'software',
      kwhByQuality: acct.kwhByQuality,
    };
    const m = marg(acct.kwh);
    if (m !== undefined) job.gco2eMarginal = m;
    return job;
  });

  const sw = fig(e.hostKwhSoftware);
  const wall = e.hostKwhWall !== undefined ? fig(e.hostKwhWall) : undefined;
  const acct = wall ?? sw;
  const totals: HostCarbon = {
    kwhSoftware: e.hostKwhSoftware,
    kwhWall: e.hostKwhWall,
    gco2eSoftware: sw.gco2e,
    gco2eWall: wall?.gco2e,
    gco2e: acct.gco2e,
    energyBasis: wall ? 'wall' : 'software',
    kwhByQuality: acct.kwhByQuality,
  };
  const hm = marg(acct.kwh);
  if (hm !== undefined) totals.gco2eMarginal = hm;

  const result: CarbonResult = {
    host: e.host,
    seq: e.seq,
    startUs: e.startUs,
    endUs: e.endUs,
    zone: e.zone,
    zoneSource: e.zoneSource,
    pue: e.pue,
    periods: used,
    jobs,
    totals,
    provisional: isProvisional(used) || opts.fellBack === true,
    problems: opts.problems ?? [],
  };
  if (marginal) result.marginalPeriods = marginal;
  return result;
}

/** The energy inputs a result was computed from (to recompute it). */
export function energyOf(r: CarbonResult): IntervalEnergy {
  return {
    host: r.host,
    seq: r.seq,
    startUs: r.startUs,
    endUs: r.endUs,
    zone: r.zone,
    zoneSource: r.zoneSource,
    pue: r.pue,
    hostKwhSoftware: r.totals.kwhSoftware,
    hostKwhWall: r.totals.kwhWall,
    jobs: r.jobs.map((j) => ({ jobId: j.jobId, kwhSoftware: j.kwhSoftware, kwhWall: j.kwhWall })),
  };
}

/** Storage key of a result: a restated result has the same key, so writing it overwrites. */
export function carbonKey(r: { host: string; startUs: number }): string {
  return `${r.host}|${r.startUs}`;
}
