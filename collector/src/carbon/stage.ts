// The carbon stage of ingest: attribution results + the host's inventory in,
// carbon results out (one per interval, per job and host, at both energy
// bases). It never blocks ingest on a provider outage: the chain answers with
// the best figure available now, marked provisional, and restate() corrects
// it later. It never throws for bad input either: a bad zone or PUE is noted
// in the result's problems and counted.
import type { Inventory } from '@wattprint/proto';
import type { AttributionResult } from '../attribution/types.ts';
import { carbonForInterval, kwhFromJoules, type CarbonResult, type IntervalEnergy } from './compute.ts';
import type { ChainAnswer, ProviderChain } from './chain.ts';
import type { IntensityPeriod } from './provider.ts';
import { DEFAULT_RESTATE_WINDOW_US, restate, type FreshIntensity } from './restate.ts';
import { loadCloudRegions, normaliseCloud, resolveZone, type CloudRegionsFile } from './zones.ts';

export type { CarbonResult, HostCarbon, JobCarbon, KwhByQuality, EnergyBasis } from './compute.ts';
export type { Basis, IntensityPeriod, IntensityQuality, Dataset } from './provider.ts';
export { carbonKey } from './compute.ts';

export interface CarbonStageOptions {
  /** Average-basis chain ending at the static dataset. */
  chain: ProviderChain;
  /** Marginal chain (WattTime), reported apart. */
  marginal?: ProviderChain;
  /** The collector's default zone ("" for none: the world average is used). */
  collectorZone: string;
  /** PUE for hosts that report none (a cloud host gets its cloud's average). */
  defaultPue?: number;
  /** PUE per host and per zone, for hosts that report none; before the cloud's average and the default. */
  pueByHost?: Record<string, number>;
  pueByZone?: Record<string, number>;
  restateWindowUs?: number;
  /** How often the collector runs restatement (the stage itself keeps no timer). */
  restateEveryMs?: number;
  cloudRegions?: CloudRegionsFile;
  now?: () => number;
  log?: (m: string) => void;
}

export interface CarbonCounters {
  intervals: number;
  provisional: number;
  /** Provider failures seen by the chain, by provider id. */
  providerFailures: Record<string, number>;
  /** Inventories with a bad zone, region or PUE. */
  badInventory: number;
  /** Intervals that got no carbon figure (and why was logged). */
  errors: number;
  restated: number;
}

const MAX_PUE = 5;
export const DEFAULT_RESTATE_EVERY_MS = 10 * 60_000;

/** Results plus the providers' periods they used (uncut), to store next to them. */
export interface CarbonBatch {
  results: CarbonResult[];
  periods: IntensityPeriod[];
}

export class CarbonStage {
  readonly counters: CarbonCounters = { intervals: 0, provisional: 0, providerFailures: {}, badInventory: 0, errors: 0, restated: 0 };
  private readonly o: CarbonStageOptions;
  private readonly cloud: CloudRegionsFile;
  private readonly now: () => number;
  private readonly log: (m: string) => void;

  constructor(o: CarbonStageOptions) {
    if (o.chain.kind !== 'average') throw new Error('carbon stage: chain must be an average chain');
    if (o.marginal && o.marginal.kind !== 'marginal') throw new Error('carbon stage: marginal must be a marginal chain');
    this.o = o;
    this.cloud = o.cloudRegions ?? loadCloudRegions();
    this.now = o.now ?? (() => Date.now() * 1000);
    this.log = o.log ?? ((m) => console.error(m));
  }

  /**
   * The host's PUE: the agent's, else the carbon config's for the host, else for the zone, else
   * its cloud's average, else the default, else 1; a bad value is replaced and said.
   */
  pueOf(inv: Inventory | undefined, problems: string[], host = '', zone = ''): number {
    const fallback = () => {
      const cloud = inv?.cloudProvider ? this.cloud.pue[normaliseCloud(inv.cloudProvider)] : undefined;
      return this.o.pueByHost?.[host] ?? this.o.pueByZone?.[zone] ?? cloud ?? this.o.defaultPue ?? 1;
    };
    const p = inv?.pue;
    if (p === undefined || p === null || p === 0) return fallback();
    if (typeof p !== 'number' || !Number.isFinite(p) || p < 1 || p > MAX_PUE) {
      problems.push(`inventory pue ${JSON.stringify(p)} is outside [1, ${MAX_PUE}]; used ${fallback()}`);
      return fallback();
    }
    return p;
  }

  get restateWindowUs(): number {
    return this.o.restateWindowUs ?? DEFAULT_RESTATE_WINDOW_US;
  }

  get restateEveryMs(): number {
    return this.o.restateEveryMs ?? DEFAULT_RESTATE_EVERY_MS;
  }

  /** Carbon for a batch of one host's results (the order of results does not matter). */
  async compute(results: readonly AttributionResult[], inventory: Inventory | undefined): Promise<CarbonResult[]> {
    return (await this.computeBatch(results, inventory)).results;
  }

  /** As compute, plus the intensity periods used. */
  async computeBatch(results: readonly AttributionResult[], inventory: Inventory | undefined): Promise<CarbonBatch> {
    if (results.length === 0) return { results: [], periods: [] };
    const z = resolveZone(inventory, this.o.collectorZone, this.cloud);
    const problems = [...z.problems];
    const pue = this.pueOf(inventory, problems, results[0]!.host, z.zone);
    if (problems.length > 0) {
      this.counters.badInventory++;
      this.log(`carbon: host ${results[0]!.host}: ${problems.join('; ')}`);
    }
    const startUs = Math.min(...results.map((r) => r.startUs));
    const endUs = Math.max(...results.map((r) => r.endUs));
    const answer = await this.ask(z.zone, startUs, endUs);
    const out: CarbonResult[] = [];
    for (const r of results) {
      const energy: IntervalEnergy = {
        host: r.host,
        seq: r.seq,
        startUs: r.startUs,
        endUs: r.endUs,
        zone: z.zone,
        zoneSource: z.source,
        pue,
        hostKwhSoftware: kwhFromJoules(r.hostSoftwareJoules),
        hostKwhWall: r.hostWallJoules === undefined ? undefined : kwhFromJoules(r.hostWallJoules),
        jobs: r.jobs.map((j) => ({ jobId: j.jobId, kwhSoftware: kwhFromJoules(j.softwareJoules), kwhWall: kwhFromJoules(j.wallJoules) })),
      };
      try {
        const res = carbonForInterval(energy, answer.periods, {
          ...(answer.marginal ? { marginal: answer.marginal } : {}),
          fellBack: answer.fellBack,
          problems: [...problems, ...answer.failures],
        });
        this.counters.intervals++;
        if (res.provisional) this.counters.provisional++;
        out.push(res);
      } catch (err) {
        this.counters.errors++;
        this.log(`carbon: host ${r.host} interval [${r.startUs}, ${r.endUs}): no carbon figure: ${(err as Error).message}`);
      }
    }
    return { results: out, periods: out.length > 0 ? answer.sources : [] };
  }

  /**
   * Asks the chains again for the provisional results still inside the
   * restatement window and returns the corrected ones (same storage keys).
   */
  async restate(stored: readonly CarbonResult[]): Promise<CarbonResult[]> {
    return (await this.restateBatch(stored)).results;
  }

  /** As restate, plus the fresh intensity periods the corrections used. */
  async restateBatch(stored: readonly CarbonResult[]): Promise<CarbonBatch> {
    const now = this.now();
    const windowUs = this.restateWindowUs;
    const due = stored.filter((r) => r.provisional && r.endUs >= now - windowUs);
    const fresh: FreshIntensity[] = [];
    const sources = new Map<string, IntensityPeriod[]>();
    for (const zone of new Set(due.map((r) => r.zone))) {
      const mine = due.filter((r) => r.zone === zone);
      const a = await this.ask(zone, Math.min(...mine.map((r) => r.startUs)), Math.max(...mine.map((r) => r.endUs)));
      fresh.push({ zone, periods: a.periods, ...(a.marginal ? { marginal: a.marginal } : {}), fellBack: a.fellBack, failures: a.failures });
      sources.set(zone, a.sources);
    }
    const corrected = restate(due, fresh, { nowUs: now, windowUs });
    this.counters.restated += corrected.length;
    return { results: corrected, periods: [...new Set(corrected.map((r) => r.zone))].flatMap((z) => sources.get(z) ?? []) };
  }

  private async ask(zone: string, startUs: number, endUs: number): Promise<ChainAnswer & { marginal?: IntensityPeriod[] }> {
    const answer: ChainAnswer & { marginal?: IntensityPeriod[] } = await this.o.chain.periods(zone, startUs, endUs);
    this.countFailures(answer.failures);
    if (this.o.marginal) {
      const m = await this.o.marginal.periods(zone, startUs, endUs);
      this.countFailures(m.failures);
      if (m.periods.length > 0) {
        answer.marginal = m.periods;
        answer.sources = [...answer.sources, ...m.sources];
      }
    }
    return answer;
  }

  private countFailures(failures: string[]): void {
    for (const f of failures) {
      const id = f.slice(0, f.indexOf(':'));
      this.counters.providerFailures[id] = (this.counters.providerFailures[id] ?? 0) + 1;
    }
  }
}
