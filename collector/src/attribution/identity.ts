// Who used what: processes keyed by (pid, start time), their jobs (the agent's
// job_id first, collector registrations for the rest) and the GPU processes
// joined to them. Pure; every list comes out in one canonical order, so the
// order of the report's processes never changes a result.
import type { GpuProcessUsage, ProcessUsage } from '@wattprint/proto';

/** A job registration kept by the collector: (host, pid, start time, window) -> job. */
export interface JobRegistration {
  host: string;
  pid: number;
  /** Process start, µs since the epoch; when set, only that incarnation of the pid matches. */
  startTimeUs?: number;
  /** The registration holds over [fromUs, toUs); toUs undefined means still open. */
  fromUs: number;
  toUs?: number;
  jobId: string;
  labels?: Record<string, string>;
}

/** Registrations of one host by pid. */
export type RegistrationIndex = ReadonlyMap<number, readonly JobRegistration[]>;

/** A process as attribution sees it: listed by the agent, or only seen on a GPU. */
export interface Holder {
  pid: number;
  startTimeUs: number;
  cpuSeconds: number;
  exited: boolean;
  /** '' when the process belongs to no job. */
  jobId: string;
  labels: Record<string, string>;
  /** False for a GPU process the agent's process list does not hold. */
  listed: boolean;
  /** Index into the sorted job list; -1 for no job. Set by the caller. */
  job: number;
}

export function indexRegistrations(regs: readonly JobRegistration[] | undefined, host: string): RegistrationIndex {
  const index = new Map<number, JobRegistration[]>();
  for (const r of regs ?? []) {
    if (r.host !== host || !r.jobId) continue;
    const list = index.get(r.pid);
    if (list) list.push(r);
    else index.set(r.pid, [r]);
  }
  return index;
}

/**
 * The registration that names the job of `pid` during [startUs, endUs). With a
 * known start time, a registration for another incarnation of the pid does not
 * match. Several matches: the latest registration wins, then the smallest job id.
 */
export function findRegistration(index: RegistrationIndex, pid: number, startTimeUs: number | undefined, startUs: number, endUs: number): JobRegistration | undefined {
  let best: JobRegistration | undefined;
  for (const r of index.get(pid) ?? []) {
    if (r.startTimeUs !== undefined && startTimeUs !== undefined && r.startTimeUs !== startTimeUs) continue;
    if (!(r.fromUs < endUs && (r.toUs === undefined || r.toUs > startUs))) continue;
    if (!best || r.fromUs > best.fromUs || (r.fromUs === best.fromUs && r.jobId < best.jobId)) best = r;
  }
  return best;
}

const nonNegative = (x: number | null | undefined): number => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : 0);

/** Key-wise union; on a conflict the smaller value wins, so merging is order-free. */
export function mergeLabels(a: Record<string, string>, b: Record<string, string>): Record<string, string> {
  return mergeLabelsInto({ ...a }, b);
}

/** mergeLabels that writes into `into` (which the caller owns) and returns it. */
export function mergeLabelsInto(into: Record<string, string>, b: Record<string, string>): Record<string, string> {
  for (const k in b) {
    const v = b[k]!;
    const have = into[k];
    if (have === undefined || v < have) into[k] = v;
  }
  return into;
}

/**
 * The report's processes sorted by identity, duplicates (same pid and start
 * time) merged into one with their CPU time added; each merge leaves a note.
 */
export function normaliseProcesses(procs: readonly ProcessUsage[], notes: string[]): Holder[] {
  // Sort by pid through numeric keys (pid * n + index, exact below 2^53): a
  // typed-array sort is several times cheaper than a comparator on objects.
  const n = procs.length;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = (procs[i]!.pid ?? 0) * n + i;
  keys.sort();
  const hs: Holder[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const p = procs[keys[k]! % n]!;
    hs[k] = { pid: p.pid ?? 0, startTimeUs: Number(p.startTimeUs ?? 0), cpuSeconds: nonNegative(p.cpuSeconds), exited: p.exited === true, jobId: p.jobId ?? '', labels: p.labels ?? {}, listed: true, job: -1 };
  }
  // Within one pid (reuse, duplicates): by start time, then fields, so ties are order-free.
  for (let a = 0; a < n; ) {
    let b = a + 1;
    while (b < n && hs[b]!.pid === hs[a]!.pid) b++;
    if (b - a > 1) {
      const run = hs.slice(a, b).sort((x, y) => x.startTimeUs - y.startTimeUs || x.cpuSeconds - y.cpuSeconds || (x.jobId < y.jobId ? -1 : x.jobId > y.jobId ? 1 : 0));
      for (let i = a; i < b; i++) hs[i] = run[i - a]!;
    }
    a = b;
  }
  const out: Holder[] = [];
  for (const h of hs) {
    const last = out[out.length - 1];
    if (last && last.pid === h.pid && last.startTimeUs === h.startTimeUs) {
      last.cpuSeconds += h.cpuSeconds;
      last.exited = last.exited && h.exited;
      if (!last.jobId) last.jobId = h.jobId;
      last.labels = mergeLabels(last.labels, h.labels);
      const note = `duplicate_process:${h.pid}/${h.startTimeUs}`;
      if (notes[notes.length - 1] !== note) notes.push(note);
    } else {
      out.push(h);
    }
  }
  return out;
}

/** Fills the job of every process the agent could not resolve from a registration. */
export function fillFromRegistrations(holders: Holder[], index: RegistrationIndex, startUs: number, endUs: number): void {
  if (index.size === 0) return;
  for (const h of holders) {
    if (h.jobId) continue; // the agent's job id wins
    const r = findRegistration(index, h.pid, h.startTimeUs, startUs, endUs);
    if (r) {
      h.jobId = r.jobId;
      h.labels = mergeLabels(h.labels, r.labels ?? {});
    }
  }
}

/** A GPU process joined to its holder. */
export interface GpuUser {
  holder: number;
  smUtil: number;
  sampleCount: number;
  memoryBytes: number;
  /** "gpu_pid_unlisted", "pid_reused", "duplicate_gpu_process"; undefined when none. */
  flags: string[] | undefined;
}

/**
 * Joins GPU processes to holders by pid. A pid listed several times (reused
 * within the interval) goes to the incarnation still alive, else the latest
 * started. A pid the process list lacks becomes an unlisted holder whose job
 * can only come from a registration. `holders` must be normaliseProcesses'
 * output (sorted by pid); unlisted holders are appended to it. Returns the
 * users of each GPU uuid, by pid.
 */
export function joinGpuProcesses(gpus: readonly GpuProcessUsage[], holders: Holder[], index: RegistrationIndex, startUs: number, endUs: number): Map<string, GpuUser[]> {
  const byDevice = new Map<string, GpuUser[]>();
  if (gpus.length === 0) return byDevice;
  const entries = gpus.map((g) => ({
    uuid: g.gpuUuid ?? '',
    pid: g.pid ?? 0,
    sm: Math.min(nonNegative(g.smUtil), 100),
    count: nonNegative(g.sampleCount),
    mem: nonNegative(Number(g.gpuMemoryBytes ?? 0)),
    dup: false,
  }));
  entries.sort((a, b) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0) || a.pid - b.pid);
  const merged: typeof entries = [];
  for (const e of entries) {
    const last = merged[merged.length - 1];
    if (last && last.uuid === e.uuid && last.pid === e.pid) {
      // The same process listed twice on one GPU (compute and graphics context, MIG):
      // max of each field keeps it order-free and never counts the process twice.
      last.sm = Math.max(last.sm, e.sm);
      last.count = Math.max(last.count, e.count);
      last.mem = Math.max(last.mem, e.mem);
      last.dup = true;
    } else merged.push(e);
  }

  const listed = holders.length; // sorted by pid: candidates are found by binary search
  const unlisted = new Map<number, number>();
  for (const e of merged) {
    const flags: string[] = [];
    let holder: number;
    const first = firstWithPid(holders, listed, e.pid);
    if (first < listed && holders[first]!.pid === e.pid) {
      let end = first + 1;
      while (end < listed && holders[end]!.pid === e.pid) end++;
      holder = pickIncarnation(holders, first, end);
      if (end - first > 1) flags.push('pid_reused');
    } else {
      flags.push('gpu_pid_unlisted');
      const known = unlisted.get(e.pid);
      if (known !== undefined) holder = known;
      else {
        const r = findRegistration(index, e.pid, undefined, startUs, endUs);
        holder = holders.length;
        holders.push({ pid: e.pid, startTimeUs: r?.startTimeUs ?? 0, cpuSeconds: 0, exited: false, jobId: r?.jobId ?? '', labels: { ...(r?.labels ?? {}) }, listed: false, job: -1 });
        unlisted.set(e.pid, holder);
      }
    }
    if (e.dup) flags.push('duplicate_gpu_process');
    const user: GpuUser = { holder, smUtil: e.count > 0 ? e.sm : 0, sampleCount: e.count, memoryBytes: e.mem, flags: flags.length ? flags : undefined };
    const list = byDevice.get(e.uuid);
    if (list) list.push(user);
    else byDevice.set(e.uuid, [user]);
  }
  return byDevice;
}

/** Among holders [first, end) of one pid: the one still alive, else the latest started. */
function pickIncarnation(holders: readonly Holder[], first: number, end: number): number {
  let best = first;
  for (let i = first + 1; i < end; i++) {
    const h = holders[i]!;
    const b = holders[best]!;
    if (b.exited !== h.exited ? !h.exited : h.startTimeUs > b.startTimeUs) best = i;
  }
  return best;
}

function firstWithPid(holders: readonly Holder[], n: number, pid: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (holders[mid]!.pid < pid) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
