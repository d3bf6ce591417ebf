// Attribution: one Report in, per-process and per-job energy out. Pure and
// deterministic: no I/O, no clock, and the order of the report's lists does
// not matter. The model, with a worked example, is docs/ATTRIBUTION.md.
import { domainName, qualityName, sourceName, type EnergyReading, type Report } from '@wattprint/proto';
import { baselineKey, type HostBaseline } from './baseline.ts';
import { cpuOvercounted, dynamicDenominator, splitIdle, type HostCpu } from './cpu.ts';
import { splitGpu } from './gpu.ts';
import { fillFromRegistrations, indexRegistrations, joinGpuProcesses, mergeLabelsInto, normaliseProcesses, type GpuUser, type Holder, type JobRegistration } from './identity.ts';
import { Ledger, residue, unionFlags } from './ledger.ts';
import type { AttributionResult, Component, JobInterval, Measured } from './types.ts';
import { reconcileWall } from './wall.ts';

export type { JobRegistration } from './identity.ts';
export type { HostBaseline } from './baseline.ts';

/**
 * "share": a host domain's idle energy goes to the jobs that ran in the
 * interval, by their CPU time; "unattributed": it stays unattributed idle.
 * Either way a GPU's idle energy goes with the GPU.
 */
export type IdlePolicy = 'share' | 'unattributed';

export interface AttributionPolicy {
  idle: IdlePolicy;
}

export const DEFAULT_POLICY: AttributionPolicy = Object.freeze({ idle: 'share' });

/** Everything besides the report that attribution depends on. A replay with the same context gives the same result. */
export interface AttributionContext {
  policy?: AttributionPolicy;
  /** The host's idle power per (domain, device) (BaselineLearner.baseline(host)); undefined while unknown. */
  baseline?: HostBaseline;
  /** Registrations for processes the agent could not resolve; those of other hosts are ignored. */
  registrations?: readonly JobRegistration[];
}

const CPU_DOMAINS = new Set(['package', 'core', 'uncore', 'dram', 'psys']);

export function componentOf(domain: string): Component {
  if (domain === 'dram') return 'dram';
  if (domain === 'gpu') return 'gpu';
  if (CPU_DOMAINS.has(domain)) return 'cpu';
  return 'other';
}

/**
 * Domains whose energy adds up to the host's software total, each counted
 * once: core and uncore lie inside package, package inside psys, and psys
 * (the whole platform) includes DRAM as well. GPUs are always counted.
 */
export function countedDomains(measured: readonly Measured[]): Set<string> {
  const has = (d: string) => measured.some((m) => m.domain === d);
  const s = new Set<string>(['gpu']);
  if (has('package')) s.add('package').add('dram');
  else if (has('psys')) s.add('psys');
  else s.add('core').add('uncore').add('dram');
  return s;
}

const QUALITY_RANK: Record<string, number> = { counter: 0, integrated_power: 1, estimate: 2 };

/**
 * Readings sorted by (domain, device). Two readings of one (domain, device)
 * cannot both be right and would count twice: the better quality one is kept
 * and the other named in the notes. Bad joules count as 0, also noted.
 */
export function normaliseReadings(energy: readonly EnergyReading[], notes: string[]): Measured[] {
  const all: Measured[] = energy.map((e) => ({
    domain: domainName(e.domain),
    device: e.device ?? '',
    source: sourceName(e.source),
    quality: qualityName(e.quality),
    joules: e.joules ?? 0,
    flags: [...(e.flags ?? [])],
  }));
  const rank = (m: Measured) => QUALITY_RANK[m.quality] ?? 3;
  all.sort((a, b) => cmp(a.domain, b.domain) || cmp(a.device, b.device) || rank(a) - rank(b) || cmp(a.source, b.source) || a.joules - b.joules);
  const out: Measured[] = [];
  for (const m of all) {
    if (!Number.isFinite(m.joules) || m.joules < 0) {
      notes.push(`invalid_energy:${m.domain}/${m.device}`);
      m.joules = 0;
    }
    const last = out[out.length - 1];
    if (last && last.domain === m.domain && last.device === m.device) notes.push(`duplicate_reading:${m.domain}/${m.device}`);
    else out.push(m);
  }
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const isEstimate = (m: Measured) => m.quality === 'estimate' || m.source === 'model';
// Shared by many rows, so frozen: results are read-only.
const ESTIMATE = Object.freeze(['estimate']) as string[];
const NONE = Object.freeze([]) as unknown as string[];

export function attribute(report: Report, ctx: AttributionContext = {}): AttributionResult {
  const policy = ctx.policy ?? DEFAULT_POLICY;
  const host = report.host ?? '';
  const startUs = Number(report.startUs ?? 0);
  const endUs = Number(report.endUs ?? 0);
  const seconds = endUs > startUs ? (endUs - startUs) / 1e6 : 0;
  const notes: string[] = [];
  const measured = normaliseReadings(report.energy ?? [], notes);
  const counted = countedDomains(measured);

  // Who ran: listed processes (sorted, jobs filled from registrations), then
  // GPU-only holders appended by the join.
  const registrations = indexRegistrations(ctx.registrations, host);
  const holders = normaliseProcesses(report.processes ?? [], notes);
  fillFromRegistrations(holders, registrations, startUs, endUs);
  const listed = holders.length;
  const gpuUsers = joinGpuProcesses(report.gpuProcesses ?? [], holders, registrations, startUs, endUs);
  const jobIds = numberJobs(holders);
  const ledger = new Ledger(holders, jobIds);

  // CPU-time fractions, computed once for every host domain.
  let processSeconds = 0;
  let jobSeconds = 0;
  for (let i = 0; i < listed; i++) {
    const h = holders[i]!;
    processSeconds += h.cpuSeconds;
    if (h.job >= 0) jobSeconds += h.cpuSeconds;
  }
  const cpu: HostCpu = { busySeconds: nonNegative(report.cpuBusySeconds), idleSeconds: nonNegative(report.cpuIdleSeconds), cpuCount: report.cpuCount ?? 0, processSeconds };
  const denominator = dynamicDenominator(cpu);
  const cpuIdx: number[] = [];
  const dynamicFrac: number[] = [];
  const idleFrac: number[] = [];
  for (let i = 0; i < listed; i++) {
    const h = holders[i]!;
    if (h.job < 0 || h.cpuSeconds <= 0) continue;
    cpuIdx.push(i);
    dynamicFrac.push(h.cpuSeconds / denominator);
    idleFrac.push(h.cpuSeconds / jobSeconds);
  }
  const cpuFlags = cpuOvercounted(cpu) ? ['cpu_time_over_host'] : NONE;
  const shareIdle = policy.idle === 'share' && jobSeconds > 0;

  for (const m of measured) {
    if (m.domain === 'wall') continue; // after the components, below
    const isCounted = counted.has(m.domain);
    const base = isEstimate(m) ? ESTIMATE : NONE;
    const watts = ctx.baseline?.[baselineKey(m.domain, m.device)];
    if (m.domain === 'gpu') {
      attributeGpu(ledger, m, base, watts, seconds, holders, gpuUsers.get(m.device), isCounted);
    } else if (CPU_DOMAINS.has(m.domain)) {
      const component = componentOf(m.domain);
      const split = splitIdle(m.joules, seconds, watts, cpu);
      const flags = unionFlags(unionFlags(base, split.flags), cpuFlags);
      const dyn = ledger.give(m, component, 'dynamic', 'cpu_share', flags, flags, split.dynamic, cpuIdx, dynamicFrac, isCounted);
      ledger.leave(m, component, 'dynamic', 'remainder', flags, 'system', residue(split.dynamic, dyn));
      const idle = shareIdle ? ledger.give(m, component, 'idle', 'idle_share', flags, flags, split.idle, cpuIdx, idleFrac, isCounted) : 0;
      ledger.leave(m, component, 'idle', 'remainder', flags, 'idle', residue(split.idle, idle));
    } else {
      ledger.leave(m, 'other', 'other', 'remainder', base, 'unknown_domain', m.joules);
    }
  }

  let hostSoftwareJoules = 0;
  for (const m of measured) if (counted.has(m.domain)) hostSoftwareJoules += m.joules;
  const walls = measured.filter((m) => m.domain === 'wall');
  let hostWallJoules: number | undefined;
  let wallFlags = NONE;
  if (walls.length > 0) {
    hostWallJoules = walls.reduce((a, m) => a + m.joules, 0);
    wallFlags = attributeWall(ledger, walls, hostWallJoules, hostSoftwareJoules, measured.some((m) => counted.has(m.domain) && isEstimate(m)), holders);
  }

  return {
    host,
    seq: Number(report.seq ?? 0),
    startUs,
    endUs,
    measured,
    jobShares: ledger.jobShares.sort((a, b) => cmp(a.jobId, b.jobId)),
    processShares: ledger.processShares,
    unattributed: ledger.unattributed,
    jobs: jobTotals(report, ledger, holders, listed, jobIds, counted, walls.length > 0 ? wallFlags : ['no_wall_meter']),
    hostSoftwareJoules,
    hostWallJoules,
    flags: notes,
  };
}

/** Sorted job ids; sets each holder's job index. */
function numberJobs(holders: Holder[]): string[] {
  const seen = new Set<string>();
  for (const h of holders) if (h.jobId) seen.add(h.jobId);
  const ids = [...seen].sort(cmp);
  const index = new Map(ids.map((id, i) => [id, i]));
  for (const h of holders) h.job = h.jobId ? index.get(h.jobId)! : -1;
  return ids;
}

function attributeGpu(ledger: Ledger, m: Measured, base: string[], watts: number | undefined, seconds: number, holders: readonly Holder[], users: GpuUser[] | undefined, isCounted: boolean): void {
  // No CPU fallback for a GPU: without a baseline its energy is all "dynamic".
  const split = splitIdle(m.joules, seconds, watts, undefined);
  if (!users || users.length === 0) {
    const flags = unionFlags(base, split.flags);
    ledger.leave(m, 'gpu', 'idle', 'remainder', flags, 'no_process', split.idle);
    ledger.leave(m, 'gpu', 'dynamic', 'remainder', flags, 'no_process', split.dynamic);
    return;
  }
  const gs = splitGpu(users.map((u) => ({ job: holders[u.holder]!.job, smUtil: u.smUtil, sampleCount: u.sampleCount, memoryBytes: u.memoryBytes })));
  const flags = unionFlags(base, split.flags);
  const jobFlags = unionFlags(flags, gs.flags);
  const processFlags = unionFlags(flags, gs.processFlags);
  const idx = users.map((u) => u.holder);
  const extra = users.map((u) => u.flags);
  // What no job got belongs to processes outside any job; their flags (an
  // unlisted pid, say) go on that row.
  let systemFlags = jobFlags;
  for (const u of users) if (u.flags && holders[u.holder]!.job < 0) systemFlags = unionFlags(systemFlags, u.flags);
  for (const modality of ['idle', 'dynamic'] as const) {
    const amount = split[modality];
    const given = ledger.give(m, 'gpu', modality, gs.method, jobFlags, processFlags, amount, idx, gs.fractions, isCounted, extra);
    ledger.leave(m, 'gpu', modality, gs.method, systemFlags, 'system', residue(amount, given));
  }
}

/**
 * Each wall reading splits into what the components cover and `other`; a
 * job's part of `other` is in proportion to its component (software) energy.
 * Returns the flags every job of the host carries.
 */
function attributeWall(ledger: Ledger, walls: readonly Measured[], wallJoules: number, componentJoules: number, componentsEstimated: boolean, holders: readonly Holder[]): string[] {
  const r = reconcileWall(wallJoules, componentJoules);
  const idx: number[] = [];
  const frac: number[] = [];
  for (let i = 0; i < holders.length; i++) {
    const s = ledger.holderSoftware[i]!;
    if (holders[i]!.job >= 0 && s > 0) {
      idx.push(i);
      frac.push(s / componentJoules);
    }
  }
  for (const w of walls) {
    const part = walls.length === 1 ? 1 : wallJoules > 0 ? w.joules / wallJoules : 0;
    const flags = unionFlags(isEstimate(w) || componentsEstimated ? ESTIMATE : NONE, r.flags);
    ledger.leave(w, 'other', 'other', 'components', flags, 'components', r.covered * part);
    const other = r.other * part;
    const given = ledger.give(w, 'other', 'other', 'wall_other', flags, flags, other, idx, frac, false);
    ledger.leave(w, 'other', 'other', 'remainder', flags, 'other', residue(other, given));
  }
  return r.flags;
}

function jobTotals(report: Report, ledger: Ledger, holders: readonly Holder[], listed: number, jobIds: readonly string[], counted: ReadonlySet<string>, hostFlags: string[]): JobInterval[] {
  const jobs = new Map<string, JobInterval>();
  const job = (id: string) => {
    let j = jobs.get(id);
    if (!j) {
      j = { jobId: id, softwareJoules: 0, wallJoules: 0, dynamicJoules: 0, idleJoules: 0, byComponent: { cpu: 0, dram: 0, gpu: 0, other: 0 }, estimated: false, cpuSeconds: 0, tokens: 0, tokensUnpadded: 0, examples: 0, steps: 0, labels: {}, flags: hostFlags };
      jobs.set(id, j);
    }
    return j;
  };
  for (const id of jobIds) job(id);
  for (let i = 0; i < holders.length; i++) {
    const h = holders[i]!;
    if (h.job < 0) continue;
    const j = job(h.jobId);
    if (i < listed) j.cpuSeconds += h.cpuSeconds;
    mergeLabelsInto(j.labels, h.labels);
  }
  for (const s of ledger.jobShares) {
    const j = job(s.jobId);
    j.flags = unionFlags(j.flags, s.flags);
    if (counted.has(s.domain)) {
      j.softwareJoules += s.joules;
      j.byComponent[s.component] += s.joules;
      if (s.modality === 'idle') j.idleJoules += s.joules;
      else j.dynamicJoules += s.joules;
    } else if (s.domain === 'wall') {
      j.byComponent.other += s.joules;
    }
  }
  const progress = [...(report.progress ?? [])].filter((p) => p.jobId).sort((a, b) => cmp(a.jobId!, b.jobId!) || (a.tokens ?? 0) - (b.tokens ?? 0) || (a.examples ?? 0) - (b.examples ?? 0) || (a.steps ?? 0) - (b.steps ?? 0) || (a.tokensUnpadded ?? 0) - (b.tokensUnpadded ?? 0));
  for (const p of progress) {
    const j = job(p.jobId!);
    j.tokens += nonNegative(p.tokens);
    j.tokensUnpadded = (j.tokensUnpadded ?? 0) + nonNegative(p.tokensUnpadded);
    j.examples += nonNegative(p.examples);
    j.steps += nonNegative(p.steps);
  }
  const out = [...jobs.values()].sort((a, b) => cmp(a.jobId, b.jobId));
  for (const j of out) {
    j.wallJoules = j.softwareJoules + j.byComponent.other;
    j.estimated = j.flags.includes('estimate');
  }
  return out;
}

function nonNegative(x: number | null | undefined): number {
  return typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : 0;
}
