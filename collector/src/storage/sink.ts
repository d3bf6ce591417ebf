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

export interface Sink {
  readonly name: string;
  /** Resolves only once every result is durably stored. */
  write(results: AttributionResult[]): Promise<void>;
  upsertHost(h: HostRecord): Promise<void>;
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
  /** Average watts in the bucket, by series key (domain/device or component). */
  watts: Record<string, number>;
}

export interface JobFilter {
  labels?: Record<string, string>;
  fromUs?: number;
  toUs?: number;
  limit?: number;
}

export interface Store {
  listHosts(): Promise<HostSummary[]>;
  jobTotals(jobId: string): Promise<JobTotals | undefined>;
  listJobs(filter: JobFilter): Promise<JobTotals[]>;
  hostSeries(host: string, fromUs: number, toUs: number, stepUs: number): Promise<SeriesPoint[]>;
  jobSeries(jobId: string, fromUs: number, toUs: number, stepUs: number): Promise<SeriesPoint[]>;
  /** Host energy per (domain, device): for checks and reports. */
  hostEnergy(host: string, fromUs?: number, toUs?: number): Promise<{ domain: string; device: string; source: string; quality: string; joules: number }[]>;
}
