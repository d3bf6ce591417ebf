// The one small interface every storage backend implements, plus the query
// layer the API and CLI use. Writes are idempotent: storing the same
// attribution result twice leaves exactly the same rows.
import type { Inventory } from '@wattprint/proto';
import type { AttributionResult } from '../attribution/types.ts';

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
  /** Energy the figure is computed from (wall when metered, else software), joules. */
  joules: number;
  pue: number;
  gco2e: number;
  /** "location_average", "lifecycle", "direct", "marginal". */
  basis: string;
  /** Fractions of gco2e by intensity quality; they sum to 1. */
  qualityShares: { measured: number; estimated: number; forecast: number; static: number };
  provisional: boolean;
}

/** One grid intensity period from a provider. A restated period replaces the earlier one. */
export interface GridIntensity {
  zone: string;
  /** Provider: "electricitymaps", "watttime", "ukci", "fixed", "static". */
  provider: string;
  basis: string;
  /** "measured", "estimated", "forecast", "static". */
  quality: string;
  startUs: number;
  endUs: number;
  gco2ePerKwh: number;
}

export interface Sink {
  readonly name: string;
  /** Resolves only once every result is durably stored. */
  write(results: AttributionResult[]): Promise<void>;
  upsertHost(h: HostRecord): Promise<void>;
  /** Carbon figures per job and interval (optional until the carbon stage lands everywhere). */
  writeCarbon?(records: JobCarbon[]): Promise<void>;
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
  examples: number;
  steps: number;
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
}
