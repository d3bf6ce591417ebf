// What attribution produces for one report. Every share keeps the domain and
// device it came from, so conservation can be checked per (domain, device):
//   Σ process/job shares + Σ unattributed = measured.

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
  /** How the share was computed: "cpu_share", "exclusive_gpu", "sm_util", "memory_share", "equal_split", "wall_other". */
  method: string;
  flags: string[];
}

export interface JobShare extends Share {
  jobId: string;
}

export interface ProcessShare extends Share {
  pid: number;
  startTimeUs: number;
  jobId: string;
}

export interface Unattributed extends Share {
  /** "idle", "system" (processes outside any job), "no_process" (a GPU nobody holds). */
  reason: string;
}

export interface JobInterval {
  jobId: string;
  /** Components only: what RAPL+NVML tools report. */
  softwareJoules: number;
  /** Components plus the job's share of wall `other`; equals software where no wall meter. */
  wallJoules: number;
  dynamicJoules: number;
  idleJoules: number;
  byComponent: Record<Component, number>;
  /** True when any share came from an estimate (SOURCE_MODEL / QUALITY_ESTIMATE). */
  estimated: boolean;
  cpuSeconds: number;
  tokens: number;
  examples: number;
  steps: number;
  labels: Record<string, string>;
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
}
