// Gathers what the rules need about the running jobs, through the Store query
// layer (energy) and the carbon reader (carbon, grid intensity). The I/O lives
// here; the arithmetic in jobFacts() is pure.
import type { JobTotals, Store } from '../storage/sink.ts';
import type { CarbonReader, JobCarbonFacts } from './carbon-reader.ts';
import type { JobFacts } from './evaluate.ts';
import type { AlertConfig } from './rules.ts';

export interface FactsWindow {
  /** Evaluation moment: now minus the evaluation delay, µs. */
  asOfUs: number;
  /** Rate window [fromUs, asOfUs). */
  rateFromUs: number;
  /** A job with an interval ending after this is running. */
  activeAfterUs: number;
}

export function factsWindow(cfg: Pick<AlertConfig, 'evaluationDelayS' | 'rateWindowS' | 'activeWithinS'>, nowUs: number): FactsWindow {
  const asOfUs = Math.round(nowUs - cfg.evaluationDelayS * 1e6);
  return { asOfUs, rateFromUs: Math.round(asOfUs - cfg.rateWindowS * 1e6), activeAfterUs: Math.round(asOfUs - cfg.activeWithinS * 1e6) };
}

/** One job's facts from its totals, its energy in the rate window, its carbon and the intensity of its zones. */
export function jobFacts(
  totals: JobTotals,
  windowWallJoules: number,
  carbon: JobCarbonFacts | undefined,
  intensity: ReadonlyMap<string, number>,
  zones: readonly string[],
  w: FactsWindow,
): JobFacts {
  const windowHours = (w.asOfUs - w.rateFromUs) / 3.6e9;
  let grid: JobFacts['grid'];
  for (const zone of zones) {
    const g = intensity.get(zone);
    if (g !== undefined && (grid === undefined || g > grid.gco2ePerKwh)) grid = { zone, gco2ePerKwh: g };
  }
  return {
    jobId: totals.jobId,
    labels: totals.labels,
    hosts: totals.hosts,
    kwh: totals.wallJoules / 3.6e6,
    gco2e: carbon?.gco2e,
    watts: windowWallJoules / (windowHours * 3600),
    gco2ePerHour: carbon ? carbon.windowGco2e / windowHours : undefined,
    grid,
  };
}

export async function gatherFacts(store: Store, carbon: CarbonReader, cfg: AlertConfig, nowUs: number): Promise<JobFacts[]> {
  const w = factsWindow(cfg, nowUs);
  const running = await store.listJobs({ fromUs: w.activeAfterUs, toUs: w.asOfUs, limit: 100_000 });
  if (running.length === 0) return [];
  const inWindow = new Map((await store.listJobs({ fromUs: w.rateFromUs, toUs: w.asOfUs, limit: 100_000 })).map((j) => [j.jobId, j.wallJoules]));
  const ids = running.map((j) => j.jobId);
  const carbonByJob = await carbon.jobCarbon(ids, w.rateFromUs, w.asOfUs);
  // A job's zones: those of its carbon figures, else its hosts' configured zones.
  const needHosts = running.some((j) => !carbonByJob.get(j.jobId)?.zones.length);
  const hostZone = needHosts ? new Map((await store.listHosts()).map((h) => [h.host, h.inventory.gridZone ?? ''])) : new Map<string, string>();
  const zonesOf = new Map(
    running.map((j) => {
      const fromCarbon = carbonByJob.get(j.jobId)?.zones ?? [];
      return [j.jobId, fromCarbon.length ? fromCarbon : [...new Set(j.hosts.map((h) => hostZone.get(h) ?? '').filter(Boolean))]];
    }),
  );
  const zones = [...new Set([...zonesOf.values()].flat())].sort();
  const intensity = zones.length ? await carbon.intensityAt(zones, w.asOfUs) : new Map<string, number>();
  const out: JobFacts[] = [];
  for (const j of running) {
    // Cumulative totals: listJobs only summed the recent intervals.
    const totals = await store.jobTotals(j.jobId);
    if (!totals) continue;
    out.push(jobFacts(totals, inWindow.get(j.jobId) ?? 0, carbonByJob.get(j.jobId), intensity, zonesOf.get(j.jobId) ?? [], w));
  }
  return out;
}
