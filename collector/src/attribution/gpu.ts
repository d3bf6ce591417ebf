// How one GPU's energy is divided among the processes on it. Pure arithmetic;
// attribute.ts applies the fractions to the device's counter delta.

export interface GpuClaim {
  /** Job index; -1 for a process outside any job. */
  job: number;
  /** Mean SM utilisation over the interval's samples (0 when sampleCount is 0). */
  smUtil: number;
  sampleCount: number;
  memoryBytes: number;
}

export interface GpuSplit {
  /** "exclusive_gpu" (one job, or only jobless processes), "sm_util", "memory_share" or "equal_split". */
  method: string;
  /** Flags for the job shares: the fallback used when the GPU is shared. */
  flags: string[];
  /** Flags for the process shares: also the fallback used between ranks of one job. */
  processFlags: string[];
  /** Fraction of the device for each claim, in input order; they sum to 1. */
  fractions: number[];
}

/**
 * Weights by SM utilisation when any process has samples with SM use; else by
 * GPU memory held; else an equal split between jobs (and between a job's
 * processes). Processes of one job are added, so ranks sharing a GPU make one
 * job share however many there are.
 */
export function splitGpu(claims: readonly GpuClaim[]): GpuSplit {
  const n = claims.length;
  if (n === 0) return { method: 'exclusive_gpu', flags: [], processFlags: [], fractions: [] };
  let sm = 0;
  let mem = 0;
  const groupSize = new Map<number, number>();
  for (const c of claims) {
    if (c.sampleCount > 0) sm += c.smUtil;
    mem += c.memoryBytes;
    groupSize.set(c.job, (groupSize.get(c.job) ?? 0) + 1);
  }
  const groups = groupSize.size;
  let basis: 'sm_util' | 'memory_share' | 'equal_split';
  const fractions = new Array<number>(n);
  if (sm > 0) {
    basis = 'sm_util';
    for (let i = 0; i < n; i++) fractions[i] = claims[i]!.sampleCount > 0 ? claims[i]!.smUtil / sm : 0;
  } else if (mem > 0) {
    basis = 'memory_share';
    for (let i = 0; i < n; i++) fractions[i] = claims[i]!.memoryBytes / mem;
  } else {
    basis = 'equal_split';
    for (let i = 0; i < n; i++) fractions[i] = 1 / (groups * groupSize.get(claims[i]!.job)!);
  }
  const fallback = basis === 'memory_share' ? ['fallback_memory_share'] : basis === 'equal_split' ? ['fallback_equal_split'] : [];
  if (groups === 1) {
    // The whole device, idle included, belongs to the one holder; only the split
    // between its ranks can be a fallback.
    return { method: 'exclusive_gpu', flags: [], processFlags: n > 1 ? fallback : [], fractions };
  }
  return { method: basis, flags: fallback, processFlags: fallback, fractions };
}
