// The query layer's arithmetic, shared by the SQLite and InfluxDB stores so
// they give the same answers: each store fetches per-(job, host) sums or
// per-bucket energies, and these pure functions shape them into answers.
import type { CarbonResult } from '../carbon/compute.ts';
import { DEFAULT_LIMITS } from '../ingest/validate.ts';
import type { JobCarbonTotals, JobFilter, JobTotals, SeriesPoint } from './sink.ts';

/** One job's sums over its intervals on one host, as either store aggregates them. */
export interface JobHostRow {
  jobId: string;
  host: string;
  startUs: number;
  endUs: number;
  softwareJoules: number;
  wallJoules: number;
  dynamicJoules: number;
  idleJoules: number;
  cpu: number;
  dram: number;
  gpu: number;
  other: number;
  estimated: boolean;
  cpuSeconds: number;
  tokens: number;
  tokensUnpadded?: number;
  examples: number;
  steps: number;
}

/** A distinct label set a job reported, and the start of the last interval that carried it. */
export interface LabelSet {
  jobId: string;
  lastStartUs: number;
  labels: string;
}

/** The longest interval a report may span (validate.ts): an interval overlapping [from, to) starts after from − this. */
export const LONGEST_INTERVAL_US = DEFAULT_LIMITS.maxIntervalS * 1e6;

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A job's labels: the union over its intervals, a later interval winning a
 * conflict. Merging the distinct sets in the order of their last appearance
 * gives exactly that, without reading every interval.
 */
export function mergeLabels(sets: LabelSet[]): Map<string, Record<string, string>> {
  const ordered = [...sets].sort((a, b) => a.lastStartUs - b.lastStartUs || cmp(a.labels, b.labels));
  const out = new Map<string, Record<string, string>>();
  for (const s of ordered) {
    let parsed: Record<string, string>;
    try {
      parsed = JSON.parse(s.labels) as Record<string, string>;
    } catch {
      continue; // a damaged label set loses its labels, not the job's energy
    }
    out.set(s.jobId, { ...(out.get(s.jobId) ?? {}), ...parsed });
  }
  return out;
}

/** Every wanted label must match; a value "RTE,MNLI" matches either (label values with a comma cannot be asked for). */
export function matchesLabels(labels: Record<string, string>, want: Record<string, string> | undefined): boolean {
  return Object.entries(want ?? {}).every(([k, v]) => labels[k] !== undefined && v.split(',').includes(labels[k]));
}

/** Per-host rows -> job totals (hosts summed in name order), label-filtered, newest first, limited. */
export function combineJobs(rows: JobHostRow[], labelSets: LabelSet[], filter: JobFilter = {}): JobTotals[] {
  const labels = mergeLabels(labelSets);
  const byJob = new Map<string, JobTotals>();
  for (const r of [...rows].sort((a, b) => cmp(a.jobId, b.jobId) || cmp(a.host, b.host))) {
    const t = byJob.get(r.jobId);
    if (!t) {
      byJob.set(r.jobId, {
        jobId: r.jobId,
        labels: labels.get(r.jobId) ?? {},
        hosts: [r.host],
        startUs: r.startUs,
        endUs: r.endUs,
        softwareJoules: r.softwareJoules,
        wallJoules: r.wallJoules,
        dynamicJoules: r.dynamicJoules,
        idleJoules: r.idleJoules,
        byComponent: { cpu: r.cpu, dram: r.dram, gpu: r.gpu, other: r.other },
        estimated: r.estimated,
        cpuSeconds: r.cpuSeconds,
        tokens: r.tokens,
        tokensUnpadded: r.tokensUnpadded,
        examples: r.examples,
        steps: r.steps,
      });
      continue;
    }
    t.hosts.push(r.host);
    t.startUs = Math.min(t.startUs, r.startUs);
    t.endUs = Math.max(t.endUs, r.endUs);
    t.softwareJoules += r.softwareJoules;
    t.wallJoules += r.wallJoules;
    t.dynamicJoules += r.dynamicJoules;
    t.idleJoules += r.idleJoules;
    t.byComponent.cpu += r.cpu;
    t.byComponent.dram += r.dram;
    t.byComponent.gpu += r.gpu;
    t.byComponent.other += r.other;
    t.estimated ||= r.estimated;
    t.cpuSeconds += r.cpuSeconds;
    t.tokens += r.tokens;
    t.tokensUnpadded = (t.tokensUnpadded ?? 0) + (r.tokensUnpadded ?? 0);
    t.examples += r.examples;
    t.steps += r.steps;
  }
  return [...byJob.values()]
    .filter((j) => matchesLabels(j.labels, filter.labels))
    .sort((a, b) => b.startUs - a.startUs || cmp(a.jobId, b.jobId))
    .slice(0, filter.limit ?? 1000);
}

/** Which bucket of [fromUs, fromUs + k·stepUs) an interval starting at startUs falls in. */
export function bucketOf(startUs: number, fromUs: number, stepUs: number): number {
  return Math.floor((startUs - fromUs) / stepUs);
}

/** Energy per (bucket start, key) -> average watts per bucket, buckets ascending, keys sorted. */
export function toSeries(rows: { tUs: number; key: string; joules: number }[], stepUs: number): SeriesPoint[] {
  const points = new Map<number, Map<string, number>>();
  for (const r of rows) {
    const p = points.get(r.tUs) ?? new Map<string, number>();
    p.set(r.key, (p.get(r.key) ?? 0) + r.joules);
    points.set(r.tUs, p);
  }
  const seconds = stepUs / 1e6;
  return [...points]
    .sort(([a], [b]) => a - b)
    .map(([tUs, p]) => ({ tUs, watts: Object.fromEntries([...p].sort(([a], [b]) => cmp(a, b)).map(([k, j]) => [k, j / seconds])) }));
}

export function checkRange(fromUs: number, toUs: number, stepUs: number): void {
  for (const [name, v] of [['fromUs', fromUs], ['toUs', toUs], ['stepUs', stepUs]] as const) {
    if (!Number.isSafeInteger(v)) throw new RangeError(`${name} must be an integer number of microseconds, got ${v}`);
  }
  if (stepUs <= 0) throw new RangeError(`stepUs must be positive, got ${stepUs}`);
  if (toUs < fromUs) throw new RangeError(`toUs (${toUs}) is before fromUs (${fromUs})`);
}

export function byDomainDevice<T extends { domain: string; device: string; source: string; quality: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => cmp(a.domain, b.domain) || cmp(a.device, b.device) || cmp(a.source, b.source) || cmp(a.quality, b.quality));
}

/** A job's carbon rows summed, as either store aggregates them. byQuality: Σ joules × share per quality column. */
export interface CarbonSums {
  rows: number;
  joules: number;
  gco2e: number;
  gco2eSoftware: number;
  gco2eWall: number;
  provisionalRows: number;
  byQuality: { measured: number; estimated: number; forecast: number; interpolated: number; static: number };
}

/** Distinct string values over a job's carbon rows. */
export interface CarbonDistinct {
  zones: string[];
  /** Stored basis values ("location_lifecycle", or several joined by "+"). */
  bases: string[];
  energyBases: string[];
  /** Stored sources values: JSON lists of strings. */
  sources: string[];
  /** Distinct PUEs the figures used. */
  pues?: number[];
}

/** The storage column "static" is the intensity quality "static_yearly". */
const QUALITY_OF_COLUMN = { measured: 'measured', estimated: 'estimated', forecast: 'forecast', interpolated: 'interpolated', static: 'static_yearly' } as const;

const sortedSet = (xs: Iterable<string>) => [...new Set(xs)].filter((x) => x !== '').sort(cmp);

/** Sums and distinct values -> the job's carbon totals; undefined when the job has no carbon rows. */
export function combineCarbon(jobId: string, sums: CarbonSums, distinct: CarbonDistinct): JobCarbonTotals | undefined {
  if (!(sums.rows > 0)) return undefined;
  const kwhShareByQuality: Record<string, number> = {};
  for (const [column, quality] of Object.entries(QUALITY_OF_COLUMN)) {
    const j = sums.byQuality[column as keyof CarbonSums['byQuality']];
    if (sums.joules > 0 && j > 0) kwhShareByQuality[quality] = j / sums.joules;
  }
  const sources: string[] = [];
  for (const s of distinct.sources) {
    try {
      const list = JSON.parse(s) as unknown;
      if (Array.isArray(list)) sources.push(...list.filter((x): x is string => typeof x === 'string'));
    } catch {
      // a damaged sources field loses its names, not the figure
    }
  }
  const energyBases = sortedSet(distinct.energyBases);
  return {
    jobId,
    intervals: sums.rows,
    joules: sums.joules,
    gco2e: sums.gco2e,
    gco2eSoftware: sums.gco2eSoftware,
    gco2eWall: sums.gco2eWall,
    energyBasis: energyBases.length === 1 && (energyBases[0] === 'wall' || energyBases[0] === 'software') ? energyBases[0] : 'mixed',
    bases: sortedSet(distinct.bases.flatMap((b) => b.split('+'))),
    zones: sortedSet(distinct.zones),
    kwhShareByQuality,
    provisional: sums.provisionalRows > 0,
    sources: sortedSet(sources),
    pues: [...new Set(distinct.pues ?? [])].filter((x) => Number.isFinite(x)).sort((a, b) => a - b),
  };
}

/**
 * Stored provisional results (JSON) -> results by host and start. A damaged
 * one is skipped: it cannot be restated, and it must not stop the others.
 */
export function parseCarbonResults(texts: string[]): CarbonResult[] {
  const out: CarbonResult[] = [];
  for (const t of texts) {
    try {
      const r = JSON.parse(t) as CarbonResult;
      if (typeof r?.host === 'string' && Number.isSafeInteger(r.startUs) && Number.isSafeInteger(r.endUs) && Array.isArray(r.periods) && Array.isArray(r.jobs) && typeof r.totals === 'object') out.push(r);
    } catch {
      // skipped, see above
    }
  }
  return out.sort((a, b) => cmp(a.host, b.host) || a.startUs - b.startUs);
}
