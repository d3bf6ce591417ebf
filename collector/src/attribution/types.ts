// What attribution produces for one report. Every share keeps the domain and
// device it came from, so conservation can be checked per (domain, device):
//   Σ job shares + Σ unattributed = measured,
// and per-process shares add up to their job's share. docs/ATTRIBUTION.md
// explains the model, every method, reason and flag. Results are read-only:
// rows of one result share their flags arrays.

export type Modality = 'dynamic' | 'idle' | 'other';

/** Coarse grouping used in job totals: cpu (package/psys), dram, gpu, other (wall minus components). */
export type Component = 'cpu' | 'dram' | 'gpu' | 'other';

export interface Measured {
  domain: string;
  device: string;
  source: string;
  quality: string;
  joules: number;
  flags: string[];
}

export interface Share {
  domain: string;
  device: string;
  component: Component;
  modality: Modality;
  joules: number;
  /**
   * How the share was computed: "cpu_share", "idle_share", "exclusive_gpu", "sm_util",
   * "memory_share", "equal_split", "wall_other", "components", "remainder".
   */
  method: string;
  /** Conditions that qualify the figure: "estimate", "no_baseline", "fallback_memory_share"... */
  flags: string[];
}

export interface JobShare extends Share {
  jobId: string;
}

/** A process's part of a job share. Only processes that belong to a job get rows. */
export interface ProcessShare extends Share {
  pid: number;
  /** 0 for a GPU process the agent did not list (its start time is unknown). */
  startTimeUs: number;
  jobId: string;
}

export interface Unattributed extends Share {
  /**
   * "idle" (baseline not charged to jobs), "system" (processes outside any job, kernel time),
   * "no_process" (a GPU nobody holds), "other" (wall minus components, not owed to jobs),
   * "components" (the part of a wall reading the component domains account for),
   * "unknown_domain".
   */
  reason: string;
}

export interface JobInterval {
  jobId: string;
  /** Components only: what RAPL+NVML tools report. */
  softwareJoules: number;
  /** Components plus the job's share of wall `other`; equals software where no wall meter. */
  wallJoules: number;
  /** dynamicJoules + idleJoules = softwareJoules. */
  dynamicJoules: number;
  idleJoules: number;
  byComponent: Record<Component, number>;
  /** True when any share came from an estimate (SOURCE_MODEL / QUALITY_ESTIMATE). */
  estimated: boolean;
  cpuSeconds: number;
  /** Tokens processed, padding included. */
  tokens: number;
  /** Tokens without padding; 0 when the job did not report them. */
  tokensUnpadded?: number;
  examples: number;
  steps: number;
  labels: Record<string, string>;
  /** Sorted union of the flags of the job's shares, plus "no_wall_meter". */
  flags: string[];
}

export interface AttributionResult {
  host: string;
  seq: number;
  startUs: number;
  endUs: number;
  measured: Measured[];
  jobShares: JobShare[];
  processShares: ProcessShare[];
  unattributed: Unattributed[];
  jobs: JobInterval[];
  /** Host software energy (components counted once) and wall energy when metered. */
  hostSoftwareJoules: number;
  hostWallJoules: number | undefined;
  /** Report-level notes: "duplicate_process:<pid>/<start>", "duplicate_reading:<domain>/<device>". */
  flags: string[];
  /** The agent instance (Hello.instance_id) whose report this is; set by ingest, stored with the interval. */
  instanceId?: string;
}
