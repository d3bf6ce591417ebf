// The one small interface every storage backend implements, plus the query
// layer the API and CLI use. Writes are idempotent: storing the same
// attribution result twice leaves exactly the same rows.
import type { Inventory } from '@wattprint/proto';
import type { AttributionResult } from '../attribution/types.ts';
import type { CarbonResult } from '../carbon/compute.ts';
import type { WallNote } from './wall-rows.ts';
import type { EnergySource } from './energy-sources.ts';

export interface HostRecord {
  host: string;
  agentVersion: string;
  inventory: Inventory;
  seenUs: number;
}

/**
 * A job's carbon for one interval, written by the carbon stage. A restated
 * figure (provisional -> final) has the same key (host, job, interval start)
 * and replaces the earlier one.
 */
export interface JobCarbon {
  host: string;
  jobId: string;
  startUs: number;
  endUs: number;
  zone: string;
  /** Energy the accounting figure is computed from (wall when metered, else software), joules. */
  joules: number;
  pue: number;
  /** The accounting figure: gco2eWall where the host has a wall meter, gco2eSoftware otherwise. */
  gco2e: number;
  gco2eSoftware: number;
  gco2eWall: number;
  /** Which energy gco2e is computed from. */
  energyBasis: 'wall' | 'software';
  /** Intensity basis of the periods used ("location_lifecycle", "location_direct"), several joined by "+". */
  basis: string;
  /** Fractions of `joules` by intensity quality; they sum to 1 (all 0 when joules is 0). `static` is static_yearly. */
  qualityShares: { measured: number; estimated: number; forecast: number; interpolated: number; static: number };
  provisional: boolean;
  /** Where the intensities came from: dataset, year and licence for static data, the provider for live data. */
  sources: string[];
}

/**
 * A host's carbon for one interval (all its energy, unattributed included).
 * While provisional it carries the whole result, so restatement can
 * recompute it from stored data alone, on any collector.
 */
export interface CarbonInterval {
  host: string;
  startUs: number;
  endUs: number;
  zone: string;
  /** "config", "cloud", "collector" or "world". */
  zoneSource: string;
  pue: number;
  joules: number;
  gco2e: number;
  gco2eSoftware: number;
  gco2eWall: number | undefined;
  energyBasis: 'wall' | 'software';
  provisional: boolean;
  /** Present while provisional (restatement input); dropped once final. */
  result: CarbonResult | undefined;
}

/** One grid intensity period from a provider. A restated period replaces the earlier one. */
export interface GridIntensity {
  zone: string;
  /** Provider: "electricitymaps", "watttime", "ukci", "fixed", "static". */
  provider: string;
  /** "location_lifecycle", "location_direct", "marginal". */
  basis: string;
  /** "measured", "estimated", "forecast", "interpolated", "static_yearly". */
  quality: string;
  startUs: number;
  endUs: number;
  gco2ePerKwh: number;
  /** Dataset name, year and licence. */
  dataset: string;
}

/** What the carbon stage writes for one batch, in one go. */
export interface CarbonWrite {
  jobs: JobCarbon[];
  intervals: CarbonInterval[];
  /** The intensity periods the figures used. */
  periods: GridIntensity[];
}

/** A job's carbon summed over its intervals and hosts. */
export interface JobCarbonTotals {
  jobId: string;
  /** Intervals (per host) that have a figure. */
  intervals: number;
  joules: number;
  gco2e: number;
  gco2eSoftware: number;
  gco2eWall: number;
  /** "wall", "software", or "mixed" when some hosts had a wall meter and some not. */
  energyBasis: 'wall' | 'software' | 'mixed';
  /** Intensity bases, sorted. */
  bases: string[];
  zones: string[];
  /** Share of `joules` at each intensity quality (measured, estimated, forecast, interpolated, static_yearly); sums to 1. */
  kwhShareByQuality: Record<string, number>;
  provisional: boolean;
  sources: string[];
  /** The PUEs the figures used (one unless the host's PUE changed or the job spans hosts). */
  pues?: number[];
}

/** An interval stored for a host by one agent instance. */
export interface StoredInstance {
  instanceId: string;
  startUs: number;
  endUs: number;
}

/** The longest interval ingest accepts (DEFAULT_LIMITS.maxIntervalS): how far back an overlapping start can lie. */
export const MAX_INTERVAL_US = 3600e6;

export interface Sink {
  readonly name: string;
  /**
   * An interval stored for `host` by another agent instance that overlaps
   * [fromUs, toUs), if any. Read from the store, so every collector sees it.
   */
  otherInstanceOverlapping?(host: string, instanceId: string, fromUs: number, toUs: number): Promise<StoredInstance | undefined>;
  /** Group writes ingest may have in flight at once (default 1); a sink that batches or queues takes several. */
  readonly concurrentWrites?: number;
  /** Resolves only once every result is durably stored. */
  write(results: AttributionResult[]): Promise<void>;
  upsertHost(h: HostRecord): Promise<void>;
  /** Carbon figures per job and host interval, with the intensity periods used, in one write. */
  writeCarbon?(c: CarbonWrite): Promise<void>;
  writeGridIntensity?(periods: GridIntensity[]): Promise<void>;
  close(): Promise<void>;
}

export interface DomainPower {
  domain: string;
  device: string;
  source: string;
  quality: string;
  watts: number;
  joules: number;
  flags: string[];
}

export interface HostSummary {
  host: string;
  agentVersion: string;
  inventory: Inventory;
  firstSeenUs: number;
  lastSeenUs: number;
  /** The latest interval's readings, as average power. */
  latest: { startUs: number; endUs: number; domains: DomainPower[] } | undefined;
  /** Σ wall / Σ software over the host's stored intervals that had a wall reading. */
  wallSoftwareRatio: number | undefined;
}

export interface JobTotals {
  jobId: string;
  labels: Record<string, string>;
  hosts: string[];
  startUs: number;
  endUs: number;
  softwareJoules: number;
  wallJoules: number;
  dynamicJoules: number;
  idleJoules: number;
  byComponent: { cpu: number; dram: number; gpu: number; other: number };
  estimated: boolean;
  cpuSeconds: number;
  tokens: number;
  /** Tokens without padding (0 when the job reported none). */
  tokensUnpadded?: number;
  examples: number;
  steps: number;
  /** Present when wallJoules was reconciled against a wall meter over time (storage/wall-rows.ts). */
  wall?: WallNote;
  /** The window the totals were clipped to (intervals overlapping it), when listJobs had one. */
  window?: JobWindow;
  /** Component joules by the source and quality of the readings (storage/energy-sources.ts). */
  energySources?: EnergySource[];
}

/** Intervals overlapping [fromUs, toUs) count, whole: energy, progress and carbon alike. */
export interface JobWindow {
  fromUs?: number;
  toUs?: number;
}

export interface SeriesPoint {
  /** Bucket start, µs. */
  tUs: number;
  /**
   * Average watts over the bucket (energy of the intervals that start in it /
   * bucket length), by series key: "domain/device" for hosts, component for jobs.
   */
  watts: Record<string, number>;
}

export interface JobFilter {
  /** Every pair must match the job's labels (see mergeLabels). */
  labels?: Record<string, string>;
  /** Only intervals that overlap [fromUs, toUs) count towards the totals. */
  fromUs?: number;
  toUs?: number;
  limit?: number;
  /** Only these jobs (a page of jobs by id, one query). */
  jobIds?: string[];
  /** Only jobs that ran on this host, with only this host's intervals in their totals (the live host view). */
  host?: string;
}

/** The query layer: the SQLite and InfluxDB stores give the same answers for the same writes. */
export interface Store {
  listHosts(): Promise<HostSummary[]>;
  jobTotals(jobId: string): Promise<JobTotals | undefined>;
  listJobs(filter: JobFilter): Promise<JobTotals[]>;
  hostSeries(host: string, fromUs: number, toUs: number, stepUs: number): Promise<SeriesPoint[]>;
  /** Keys cpu, dram, gpu, other: the counted components, as in jobTotals. */
  jobSeries(jobId: string, fromUs: number, toUs: number, stepUs: number): Promise<SeriesPoint[]>;
  /** Host energy per (domain, device): for checks and reports. */
  hostEnergy(host: string, fromUs?: number, toUs?: number): Promise<{ domain: string; device: string; source: string; quality: string; joules: number }[]>;
  /**
   * A job's carbon over all its intervals and hosts (or those overlapping the window, the same
   * intervals listJobs counts); undefined when none was computed.
   */
  jobCarbon(jobId: string, window?: JobWindow): Promise<JobCarbonTotals | undefined>;
  /** Carbon of a page of jobs in one query (clipped to the window like jobCarbon); jobs without a figure are absent. */
  jobCarbonMany(jobIds: string[], window?: JobWindow): Promise<Map<string, JobCarbonTotals>>;
  /** Provisional host-interval results that ended at or after sinceUs (restatement input), by host and start. */
  provisionalCarbon(sinceUs: number): Promise<CarbonResult[]>;
}
