// Carbon results to stored rows, and stored totals to the report's summary.
// Pure: the pipeline (pipeline.ts) does the I/O.
import type { CarbonSummary } from '../api/report.ts';
import type { CarbonInterval, CarbonWrite, GridIntensity, JobCarbon, JobCarbonTotals } from '../storage/sink.ts';
import { JOULES_PER_KWH, type CarbonResult, type KwhByQuality } from './compute.ts';
import type { Dataset, IntensityPeriod } from './provider.ts';

/** "Ember yearly country average DEU (via @tgwf/co2 0.19.0), 2024 (CC BY 4.0 …)". */
export function datasetLabel(d: Dataset): string {
  return `${d.name}${d.year !== undefined ? `, ${d.year}` : ''} (${d.licence})`;
}

/** Where a period's number came from: the dataset for static data (static, fixed), the provider for live data. */
export function sourceOf(p: IntensityPeriod): string {
  return p.provider === 'static' || p.provider === 'fixed' ? datasetLabel(p.dataset) : p.provider;
}

const sortedUnique = (xs: string[]) => [...new Set(xs)].sort();

/** The average-basis periods' bases, joined: one basis is the rule, several are said, never blended silently. */
export function basesOf(periods: readonly IntensityPeriod[]): string {
  return sortedUnique(periods.filter((p) => p.basis !== 'marginal').map((p) => p.basis)).join('+');
}

export function sourcesOf(periods: readonly IntensityPeriod[]): string[] {
  return sortedUnique(periods.filter((p) => p.basis !== 'marginal').map(sourceOf));
}

/** kWh by quality -> fractions of kwh, in the storage columns (static = static_yearly). */
export function qualityShares(byQuality: KwhByQuality, kwh: number): JobCarbon['qualityShares'] {
  const share = (v: number | undefined) => (kwh > 0 && v ? v / kwh : 0);
  return {
    measured: share(byQuality.measured),
    estimated: share(byQuality.estimated),
    forecast: share(byQuality.forecast),
    interpolated: share(byQuality.interpolated),
    static: share(byQuality.static_yearly),
  };
}

export function jobCarbonRows(r: CarbonResult): JobCarbon[] {
  const basis = basesOf(r.periods);
  const sources = sourcesOf(r.periods);
  return r.jobs.map((j) => {
    const kwh = j.energyBasis === 'wall' ? j.kwhWall : j.kwhSoftware;
    return {
      host: r.host,
      jobId: j.jobId,
      startUs: r.startUs,
      endUs: r.endUs,
      zone: r.zone,
      joules: kwh * JOULES_PER_KWH,
      pue: r.pue,
      gco2e: j.gco2e,
      gco2eSoftware: j.gco2eSoftware,
      gco2eWall: j.gco2eWall,
      energyBasis: j.energyBasis,
      basis,
      qualityShares: qualityShares(j.kwhByQuality, kwh),
      provisional: r.provisional,
      sources,
    };
  });
}

export function carbonIntervalRow(r: CarbonResult): CarbonInterval {
  const t = r.totals;
  const kwh = t.energyBasis === 'wall' && t.kwhWall !== undefined ? t.kwhWall : t.kwhSoftware;
  return {
    host: r.host,
    startUs: r.startUs,
    endUs: r.endUs,
    zone: r.zone,
    zoneSource: r.zoneSource,
    pue: r.pue,
    joules: kwh * JOULES_PER_KWH,
    gco2e: t.gco2e,
    gco2eSoftware: t.gco2eSoftware,
    gco2eWall: t.gco2eWall,
    energyBasis: t.energyBasis,
    provisional: r.provisional,
    // Only a figure that may still change needs its inputs kept.
    result: r.provisional ? r : undefined,
  };
}

/** Periods as stored rows, one per (zone, provider, basis, start): the last one given wins, as in the stores. */
export function gridIntensityRows(periods: readonly IntensityPeriod[]): GridIntensity[] {
  const byKey = new Map<string, GridIntensity>();
  for (const p of periods) {
    byKey.set(`${p.zone}|${p.provider}|${p.basis}|${p.startUs}`, {
      zone: p.zone,
      provider: p.provider,
      basis: p.basis,
      quality: p.quality,
      startUs: p.startUs,
      endUs: p.endUs,
      gco2ePerKwh: p.gPerKwh,
      dataset: datasetLabel(p.dataset),
    });
  }
  return [...byKey.values()];
}

export function carbonWrite(results: readonly CarbonResult[], periods: readonly IntensityPeriod[]): CarbonWrite {
  return { jobs: results.flatMap(jobCarbonRows), intervals: results.map(carbonIntervalRow), periods: gridIntensityRows([...periods]) };
}

/** A job's stored totals as the report shows them. */
export function carbonSummary(t: JobCarbonTotals): CarbonSummary {
  return {
    gco2e: t.gco2e,
    gco2eSoftware: t.gco2eSoftware,
    gco2eWall: t.gco2eWall,
    basis: t.bases.join(' + '),
    zone: t.zones.join(', '),
    kwhShareByQuality: t.kwhShareByQuality,
    provisional: t.provisional,
    sources: t.sources,
    energyKwh: t.joules / 3.6e6,
    energyBasis: t.energyBasis,
    pue: t.pues && t.pues.length > 0 ? t.pues : undefined,
  };
}
