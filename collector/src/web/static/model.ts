// What the page derives from API answers: pure functions, no DOM, no fetch,
// hammered by collector/test/web/model.test.ts. The API shapes are the ones
// collector/src/api/http.ts documents; JobReport is shared with the CLI.
import type { JobReport } from '../../api/report.ts';
import { csvCell, isoToUs } from './format.ts';

export type { JobReport };

export interface DomainReading {
  domain: string;
  device: string;
  source: string;
  quality: string;
  watts: number;
  joules: number;
  flags: string[];
}

export interface HostView {
  host: string;
  agentVersion: string;
  inventory: { cpuModel?: string; gpus?: { uuid?: string; name?: string }[]; gridZone?: string; [k: string]: unknown };
  firstSeen: string;
  lastSeen: string;
  wallSoftwareRatio: number | null;
  latest: { start: string; end: string; watts: number; estimated: boolean; domains: DomainReading[] } | null;
}

export interface SeriesPoint {
  t: string;
  watts: Record<string, number>;
}

/** Optional intensity periods a carbon summary may carry (not every collector sends them). */
export interface IntensityPeriod {
  start: string;
  end: string;
  gco2ePerKwh: number;
  quality?: string;
}

const DOMAIN_NAMES: Record<string, string> = {
  package: 'CPU package',
  core: 'CPU cores',
  uncore: 'CPU uncore',
  dram: 'DRAM',
  psys: 'Platform (psys)',
  gpu: 'GPU',
  wall: 'Wall',
};
const DOMAIN_ORDER = ['package', 'core', 'uncore', 'psys', 'dram', 'gpu', 'wall'];

export function domainName(domain: string): string {
  return DOMAIN_NAMES[domain] ?? domain;
}

/**
 * Domains that add up to the host's software total, each counted once, as
 * attribution counts them: core and uncore lie inside package, package and
 * DRAM inside psys. Wall is the meter, never a component.
 */
export function countedDomains(domains: readonly { domain: string }[]): Set<string> {
  const has = (d: string) => domains.some((x) => x.domain === d);
  const s = new Set<string>(['gpu']);
  if (has('package')) s.add('package').add('dram');
  else if (has('psys')) s.add('psys');
  else s.add('core').add('uncore').add('dram');
  return s;
}

export interface DomainRow extends DomainReading {
  /** Human name with the device: "CPU package · package-0", "GPU · NVIDIA A100 (GPU-1234…)". */
  label: string;
  /** Part of the software total; the others lie inside a counted domain (or are the wall meter). */
  counted: boolean;
  estimate: boolean;
}

/** Chart stacking order: by domain (packages, then DRAM, then GPUs), devices in name order. */
export function byDomain<T extends { domain: string; device: string }>(rows: readonly T[]): T[] {
  const rank = (d: string) => (DOMAIN_ORDER.indexOf(d) + DOMAIN_ORDER.length + 1) % (DOMAIN_ORDER.length + 1);
  return [...rows].sort((a, b) => rank(a.domain) - rank(b.domain) || (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
}

/** The latest readings in reading order: packages (with what lies inside them), DRAM, GPUs, wall. */
export function domainRows(host: HostView): DomainRow[] {
  const domains = host.latest?.domains ?? [];
  const counted = countedDomains(domains);
  const gpuIndex = new Map((host.inventory.gpus ?? []).map((g, i) => [g.uuid ?? '', { i, name: g.name ?? '' }] as const));
  const rank = (d: string) => {
    const i = DOMAIN_ORDER.indexOf(d);
    return i < 0 ? DOMAIN_ORDER.length : i;
  };
  // CPU domains grouped under their package ("package-0", "package-0/core", "package-0/dram"), then GPUs, then the wall.
  const group = (d: DomainReading) => (d.domain === 'gpu' ? 1 : d.domain === 'wall' ? 2 : 0);
  const root = (d: DomainReading) => (group(d) === 0 ? d.device.split('/')[0]! : '');
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...domains]
    .sort((a, b) => group(a) - group(b) || cmp(root(a), root(b)) || rank(a.domain) - rank(b.domain) || cmp(a.device, b.device))
    .map((d) => {
      // GPUs by inventory index and model ("GPU 1 · NVIDIA A100"): UUIDs differ only deep inside.
      const gpu = d.domain === 'gpu' ? gpuIndex.get(d.device) : undefined;
      const label = gpu ? `GPU ${gpu.i} · ${gpu.name || d.device}` : d.device ? `${domainName(d.domain)} · ${d.device}` : domainName(d.domain);
      return { ...d, label, counted: counted.has(d.domain), estimate: d.quality === 'estimate' };
    });
}

export interface Unattributed {
  /** Host software power not charged to any job: idle, system, processes outside jobs. */
  watts: number;
  jobWatts: number;
  jobs: number;
}

/**
 * The host's unattributed power in its latest interval, from conservation:
 * software total − Σ job software energy over the same interval. `jobs` are
 * the API's job totals restricted to that interval (/v1/jobs?from=&to=).
 * Undefined when a job in the interval spans several hosts: its energy
 * cannot be split by host from the totals, so the page says "n/a" rather
 * than guess.
 */
export function unattributed(host: HostView, jobs: readonly JobReport[]): Unattributed | undefined {
  const latest = host.latest;
  if (!latest) return undefined;
  const seconds = (isoToUs(latest.end) - isoToUs(latest.start)) / 1e6;
  if (!(seconds > 0)) return undefined;
  let joules = 0;
  let n = 0;
  for (const j of jobs) {
    if (!j.hosts.includes(host.host)) continue;
    if (j.hosts.length > 1) return undefined;
    joules += j.energy.softwareKwh * 3.6e6;
    n++;
  }
  const jobWatts = joules / seconds;
  return { watts: latest.watts - jobWatts, jobWatts, jobs: n };
}

/** No report for this long (and at least 5 intervals) and a host counts as stale. */
export const STALE_AFTER_MS = 30_000;

export function isStale(host: HostView, nowMs: number): boolean {
  if (!host.latest) return true;
  const end = isoToUs(host.latest.end) / 1000;
  const interval = (isoToUs(host.latest.end) - isoToUs(host.latest.start)) / 1000;
  return nowMs - end > Math.max(STALE_AFTER_MS, 5 * interval);
}

/** A job runs while it drew energy in the latest interval of one of its (live) hosts. */
export function isRunning(job: JobReport, hosts: readonly HostView[], nowMs: number): boolean {
  // The report's end has ms precision; an interval is at least 100 ms long.
  const endUs = isoToUs(job.end);
  return hosts.some((h) => job.hosts.includes(h.host) && h.latest !== null && !isStale(h, nowMs) && endUs > isoToUs(h.latest.start));
}

export type SortKey = 'status' | 'job' | 'start' | 'duration' | 'software' | 'wall' | 'carbon' | 'perTokens';
export const SORT_KEYS: SortKey[] = ['status', 'job', 'start', 'duration', 'software', 'wall', 'carbon', 'perTokens'];

export interface JobRow {
  job: JobReport;
  running: boolean;
}

function sortValue(r: JobRow, key: SortKey): number | string | null {
  const j = r.job;
  switch (key) {
    case 'status':
      return r.running ? 1 : 0;
    case 'job':
      return j.jobId;
    case 'start':
      return isoToUs(j.start);
    case 'duration':
      return j.durationSeconds;
    case 'software':
      return j.energy.softwareKwh;
    case 'wall':
      return j.energy.wallKwh;
    case 'carbon':
      return j.carbon?.gco2e ?? null;
    case 'perTokens':
      return j.normalised.kwhPer1MTokens;
  }
}

/** Stable sort; jobs without a figure (no carbon yet, no tokens) go last either way. */
export function sortJobs(rows: readonly JobRow[], key: SortKey, descending: boolean): JobRow[] {
  return rows
    .map((r, i) => ({ r, i, v: sortValue(r, key) }))
    .sort((a, b) => {
      if (a.v === null || b.v === null) return a.v === b.v ? a.i - b.i : a.v === null ? 1 : -1;
      const c = a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
      return (descending ? -c : c) || a.i - b.i;
    })
    .map((x) => x.r);
}

export interface Page<T> {
  items: T[];
  page: number;
  pages: number;
  first: number;
  last: number;
  total: number;
}

/** Page `page` (0-based, clamped) of `size` items; first/last are 1-based for "1–50 of 1,000". */
export function paginate<T>(items: readonly T[], page: number, size: number): Page<T> {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const p = Math.min(Math.max(0, Math.floor(page)), pages - 1);
  const slice = items.slice(p * size, (p + 1) * size);
  return { items: slice, page: p, pages, first: slice.length ? p * size + 1 : 0, last: p * size + slice.length, total: items.length };
}

/** Cumulative sums for a stacked chart: tops[i][k] = Σ values[0..i][k]; exact sums, in order. */
export function stack(values: readonly (readonly number[])[]): number[][] {
  const tops: number[][] = [];
  let below: number[] | undefined;
  for (const row of values) {
    const top = row.map((v, k) => (below?.[k] ?? 0) + v);
    tops.push(top);
    below = top;
  }
  return tops;
}

/**
 * A series answer as columns on a regular time grid: one value per bucket
 * and key, 0 where a key is absent from a bucket, null where no interval
 * started in the bucket at all (the chart leaves a gap). The API averages a
 * bucket over its whole length; a last bucket cut short by `untilUs` (the
 * job's end, the host's latest interval) is averaged over the part that
 * elapsed instead, and `endMs` says where the chart stops.
 */
export function seriesColumns(points: readonly SeriesPoint[], keys: readonly string[], stepS: number, untilUs?: number): { times: number[]; values: Record<string, (number | null)[]>; endMs: number } {
  const stepUs = stepS * 1e6;
  const at = points.map((p) => ({ us: isoToUs(p.t), watts: p.watts })).filter((p) => Number.isFinite(p.us));
  const values: Record<string, (number | null)[]> = Object.fromEntries(keys.map((k) => [k, []]));
  const times: number[] = [];
  if (at.length === 0) return { times, values, endMs: 0 };
  const first = at[0]!.us;
  const lastUs = at[at.length - 1]!.us;
  const byBucket = new Map(at.map((p) => [Math.round((p.us - first) / stepUs), p.watts]));
  for (let b = 0; first + b * stepUs <= lastUs; b++) {
    times.push((first + b * stepUs) / 1000);
    const w = byBucket.get(b);
    for (const k of keys) values[k]!.push(w ? (w[k] ?? 0) : null);
  }
  let endUs = lastUs + stepUs;
  if (untilUs !== undefined && untilUs > lastUs && untilUs < endUs) {
    const scale = stepUs / (untilUs - lastUs);
    for (const k of keys) {
      const col = values[k]!;
      const v = col[col.length - 1];
      if (v !== null && v !== undefined) col[col.length - 1] = v * scale;
    }
    endUs = untilUs;
  }
  return { times, values, endMs: endUs / 1000 };
}

/** A sensible series step for a window: about `points` buckets, whole seconds, at least `minS`. */
export function stepFor(windowS: number, points = 120, minS = 1): number {
  return Math.max(minS, Math.ceil(windowS / points));
}

/** The report as `wattprint report --job ID --format csv` writes it, then the fields that command leaves out. */
export const CSV_HEADER = [
  'job', 'labels', 'duration s', 'kWh software', 'kWh wall', 'gCO2e', 'kWh/1M tokens (wall)', 'estimated', 'wall basis', 'energy quality', 'carbon basis', 'zone', 'carbon on', 'PUE',
  'start', 'end', 'hosts', 'kWh cpu', 'kWh dram', 'kWh gpu', 'kWh other', 'kWh dynamic', 'kWh idle',
  'tokens', 'examples', 'steps', 'kWh/1k examples', 'carbon basis', 'carbon zone', 'carbon provisional',
] as const;

export function reportCsv(r: JobReport): string {
  const e = r.energy;
  const c = r.carbon;
  const row = [
    r.jobId, Object.entries(r.labels).map(([k, v]) => `${k}=${v}`).join(' '), r.durationSeconds, e.softwareKwh, e.wallKwh, c?.gco2e ?? null, r.normalised.kwhPer1MTokens, e.estimated ? 'yes' : 'no',
    e.wallBasis === 'meter' ? 'meter' : 'software (no meter)', Object.entries(e.shareByQuality ?? {}).map(([k, v]) => `${k} ${(v * 100).toFixed(0)}%`).join(' ') || null, c?.basis ?? null, c?.zone ?? null, c ? (c.energyBasis ?? 'wall') : null, c?.pue?.join('/') ?? null,
    r.start, r.end, r.hosts.join(' '), e.byComponentKwh.cpu, e.byComponentKwh.dram, e.byComponentKwh.gpu, e.byComponentKwh.other, e.dynamicKwh, e.idleKwh,
    r.progress.tokens, r.progress.examples, r.progress.steps, r.normalised.kwhPer1kExamples, c?.basis ?? null, c?.zone ?? null, c ? (c.provisional ? 'yes' : 'no') : null,
  ];
  return CSV_HEADER.map(csvCell).join(',') + '\n' + row.map(csvCell).join(',') + '\n';
}

/**
 * The grid intensity to draw under a job: the provider's periods when the
 * carbon summary carries them, else the job's mean (gCO2e ÷ the kWh it was
 * computed from, PUE included), which is all a summary alone can tell.
 */
export function intensityLine(r: JobReport): { kind: 'periods'; periods: IntensityPeriod[] } | { kind: 'mean'; gco2ePerKwh: number } | undefined {
  const c = r.carbon as (JobReport['carbon'] & { intensity?: unknown }) | null;
  if (!c) return undefined;
  if (Array.isArray(c.intensity)) {
    const periods = (c.intensity as IntensityPeriod[]).filter((p) => p && typeof p.gco2ePerKwh === 'number' && Number.isFinite(isoToUs(p.start)) && Number.isFinite(isoToUs(p.end)));
    if (periods.length > 0) return { kind: 'periods', periods };
  }
  // gco2e is computed from wall energy; wallKwh equals softwareKwh where no meter is fitted.
  const kwh = r.energy.wallKwh;
  return kwh > 0 ? { kind: 'mean', gco2ePerKwh: c.gco2e / kwh } : undefined;
}
