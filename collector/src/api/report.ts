// A job's report, as the API, `wattprint measure` and `wattprint report` show
// it. Pure: totals (and carbon, when known) in, report out.
import type { JobTotals } from '../storage/sink.ts';

export const J_PER_KWH = 3.6e6;

export interface CarbonSummary {
  /** gCO2e from wall-inclusive energy where the host has a wall meter, else software energy. */
  gco2e: number;
  gco2eSoftware: number;
  gco2eWall: number;
  /** "location_lifecycle", "location_direct", "static_yearly"... */
  basis: string;
  zone: string;
  /** Share of the job's kWh at each intensity quality; sums to 1. */
  kwhShareByQuality: Record<string, number>;
  provisional: boolean;
  /** Where the intensities came from, e.g. "static: Ember 2023 (CC BY 4.0)". */
  sources: string[];
  /** The energy the stored figures were priced on (per-interval wall where metered, else software), kWh. */
  energyKwh?: number;
  /** The PUEs the figures applied (one, unless the job spans hosts or the PUE changed). */
  pue?: number[];
  /** Which energy gco2e is computed from: "wall" (metered), "software", or "mixed" over hosts. */
  energyBasis?: 'wall' | 'software' | 'mixed';
  /**
   * Set when the job's wall was reconciled over time (ATTRIBUTION.md, "Wall over time"): the
   * wall figures are rescaled from the stored per-interval wall to the reconciled wall at the
   * same intensity per kWh, so g/kWh is the intensity of the job's own intervals.
   */
  wallRescaledFromKwh?: number;
}

export interface JobReport {
  jobId: string;
  labels: Record<string, string>;
  hosts: string[];
  start: string;
  end: string;
  durationSeconds: number;
  /** CPU seconds of the job's processes (children reaped within the job included). */
  cpuSeconds: number;
  energy: {
    softwareKwh: number;
    wallKwh: number;
    dynamicKwh: number;
    idleKwh: number;
    byComponentKwh: { cpu: number; dram: number; gpu: number; other: number };
    estimated: boolean;
    /**
     * What wallKwh is: "meter" (reconciled against a wall meter over time), or "software"
     * (no wall meter: wall = software, nothing added).
     */
    wallBasis: 'meter' | 'software';
    /** Share of the software kWh by the quality of the readings: counter, integrated_power, estimate (sums to 1). */
    shareByQuality: Record<string, number>;
    /** The sources the software kWh was read from ("nvml counter 98%"…), largest first. */
    sources: { source: string; quality: string; share: number }[];
  };
  /** tokens include padding; tokensUnpadded leave it out (0 when the job did not report them). */
  progress: { tokens: number; tokensUnpadded: number; examples: number; steps: number };
  /** Wall kWh per unit of progress; null without that progress. */
  normalised: { kwhPer1kExamples: number | null; kwhPer1MTokens: number | null; kwhPer1MTokensUnpadded: number | null };
  carbon: CarbonSummary | null;
}

const kwh = (j: number) => j / J_PER_KWH;

export function jobReport(t: JobTotals, carbon?: CarbonSummary): JobReport {
  const wallKwh = kwh(t.wallJoules);
  return {
    jobId: t.jobId,
    labels: t.labels,
    hosts: t.hosts,
    start: new Date(t.startUs / 1000).toISOString(),
    end: new Date(t.endUs / 1000).toISOString(),
    durationSeconds: (t.endUs - t.startUs) / 1e6,
    cpuSeconds: t.cpuSeconds,
    energy: {
      softwareKwh: kwh(t.softwareJoules),
      wallKwh,
      dynamicKwh: kwh(t.dynamicJoules),
      idleKwh: kwh(t.idleJoules),
      byComponentKwh: { cpu: kwh(t.byComponent.cpu), dram: kwh(t.byComponent.dram), gpu: kwh(t.byComponent.gpu), other: kwh(t.byComponent.other) },
      estimated: t.estimated,
      wallBasis: t.wall ? 'meter' : 'software',
      ...energyProvenance(t),
    },
    progress: { tokens: t.tokens, tokensUnpadded: t.tokensUnpadded ?? 0, examples: t.examples, steps: t.steps },
    normalised: {
      kwhPer1kExamples: t.examples > 0 ? (wallKwh * 1000) / t.examples : null,
      kwhPer1MTokens: t.tokens > 0 ? (wallKwh * 1e6) / t.tokens : null,
      kwhPer1MTokensUnpadded: (t.tokensUnpadded ?? 0) > 0 ? (wallKwh * 1e6) / t.tokensUnpadded! : null,
    },
    carbon: carbon ? rescaleWallCarbon(carbon, wallKwh, t.wall !== undefined) : null,
  };
}

function energyProvenance(t: JobTotals): { shareByQuality: Record<string, number>; sources: { source: string; quality: string; share: number }[] } {
  const rows = t.energySources ?? [];
  const total = rows.reduce((a, r) => a + r.joules, 0);
  const shareByQuality: Record<string, number> = {};
  const sources: { source: string; quality: string; share: number }[] = [];
  if (total > 0) {
    for (const r of rows) {
      shareByQuality[r.quality] = (shareByQuality[r.quality] ?? 0) + r.joules / total;
      sources.push({ source: r.source, quality: r.quality, share: r.joules / total });
    }
  }
  return { shareByQuality, sources };
}

/** Carbon priced on per-interval wall, carried over to the reconciled wall at the same g/kWh. */
function rescaleWallCarbon(c: CarbonSummary, wallKwh: number, reconciled: boolean): CarbonSummary {
  if (!reconciled || c.energyBasis !== 'wall' || !(c.energyKwh && c.energyKwh > 0) || c.energyKwh === wallKwh) return c;
  const f = wallKwh / c.energyKwh;
  return { ...c, gco2e: c.gco2e * f, gco2eWall: c.gco2eWall * f, energyKwh: wallKwh, wallRescaledFromKwh: c.energyKwh };
}
