// Attribution: one Report in, per-process and per-job energy out. Pure and
// deterministic: no I/O, no clock, and the order of processes does not matter.
import { domainName, qualityName, sourceName, type Report } from '@wattprint/proto';
import type { AttributionResult, Component, JobInterval, JobShare, Measured, ProcessShare, Unattributed } from './types.ts';

export interface AttributionPolicy {
  placeholder?: never;
}

export const DEFAULT_POLICY: AttributionPolicy = {};

function componentOf(domain: string): Component {
  if (domain === 'dram') return 'dram';
  if (domain === 'gpu') return 'gpu';
  if (domain === 'wall') return 'other';
  return 'cpu';
}

/** Domains whose energy adds up to the host's software total (others are nested inside them). */
export function countedDomains(measured: Measured[]): Set<string> {
  const has = (d: string) => measured.some((m) => m.domain === d);
  const s = new Set<string>(['dram', 'gpu']);
  if (has('package')) s.add('package');
  else if (has('psys')) s.add('psys');
  return s;
}

export function attribute(report: Report, _policy: AttributionPolicy = DEFAULT_POLICY): AttributionResult {
  const measured: Measured[] = (report.energy ?? []).map((e) => ({
    domain: domainName(e.domain),
    device: e.device ?? '',
    source: sourceName(e.source),
    quality: qualityName(e.quality),
    joules: e.joules ?? 0,
    flags: [...(e.flags ?? [])],
  }));
  const counted = countedDomains(measured);
  const procs = [...(report.processes ?? [])].sort((a, b) => (a.pid! - b.pid!) || Number(a.startTimeUs) - Number(b.startTimeUs));
  const procCpu = procs.reduce((a, p) => a + (p.cpuSeconds ?? 0), 0);
  const busy = Math.max(report.cpuBusySeconds ?? 0, procCpu);

  const processShares: ProcessShare[] = [];
  const unattributed: Unattributed[] = [];
  for (const m of measured) {
    const component = componentOf(m.domain);
    const estimated = m.quality === 'estimate';
    const flags = estimated ? ['estimate'] : [];
    if (component === 'cpu' || component === 'dram') {
      let given = 0;
      if (busy > 0) {
        for (const p of procs) {
          const j = (m.joules * (p.cpuSeconds ?? 0)) / busy;
          if (j <= 0) continue;
          given += j;
          processShares.push({ domain: m.domain, device: m.device, component, modality: 'dynamic', joules: j, method: 'cpu_share', flags, pid: p.pid ?? 0, startTimeUs: Number(p.startTimeUs ?? 0), jobId: p.jobId ?? '' });
        }
      }
      unattributed.push({ domain: m.domain, device: m.device, component, modality: 'idle', joules: m.joules - given, method: 'remainder', flags, reason: 'idle' });
    } else {
      unattributed.push({ domain: m.domain, device: m.device, component, modality: 'other', joules: m.joules, method: 'remainder', flags, reason: 'not_attributed' });
    }
  }

  const jobShareMap = new Map<string, JobShare>();
  const jobs = new Map<string, JobInterval>();
  const estimatedDomains = new Set(measured.filter((m) => m.quality === 'estimate').map((m) => `${m.domain}\0${m.device}`));
  for (const s of processShares) {
    if (!s.jobId) continue;
    const key = `${s.jobId}\0${s.domain}\0${s.device}\0${s.modality}`;
    const js = jobShareMap.get(key) ?? { jobId: s.jobId, domain: s.domain, device: s.device, component: s.component, modality: s.modality, joules: 0, method: s.method, flags: s.flags };
    js.joules += s.joules;
    jobShareMap.set(key, js);
  }
  for (const p of procs) {
    if (p.jobId && !jobs.has(p.jobId)) jobs.set(p.jobId, emptyJob(p.jobId, p.labels ?? {}));
    if (p.jobId) jobs.get(p.jobId)!.cpuSeconds += p.cpuSeconds ?? 0;
  }
  for (const js of jobShareMap.values()) {
    const j = jobs.get(js.jobId) ?? emptyJob(js.jobId, {});
    jobs.set(js.jobId, j);
    if (counted.has(js.domain)) {
      j.softwareJoules += js.joules;
      j.wallJoules += js.joules;
      j.byComponent[js.component] += js.joules;
      if (js.modality === 'idle') j.idleJoules += js.joules;
      else j.dynamicJoules += js.joules;
    }
    if (estimatedDomains.has(`${js.domain}\0${js.device}`)) j.estimated = true;
  }
  for (const pr of report.progress ?? []) {
    if (!pr.jobId) continue;
    const j = jobs.get(pr.jobId) ?? emptyJob(pr.jobId, {});
    jobs.set(pr.jobId, j);
    j.tokens += pr.tokens ?? 0;
    j.examples += pr.examples ?? 0;
    j.steps += pr.steps ?? 0;
  }
  const wall = measured.filter((m) => m.domain === 'wall');
  return {
    host: report.host ?? '',
    seq: Number(report.seq ?? 0),
    startUs: Number(report.startUs ?? 0),
    endUs: Number(report.endUs ?? 0),
    measured,
    jobShares: [...jobShareMap.values()].sort((a, b) => (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0)),
    processShares,
    unattributed,
    jobs: [...jobs.values()].sort((a, b) => (a.jobId < b.jobId ? -1 : 1)),
    hostSoftwareJoules: measured.filter((m) => counted.has(m.domain)).reduce((a, m) => a + m.joules, 0),
    hostWallJoules: wall.length ? wall.reduce((a, m) => a + m.joules, 0) : undefined,
  };
}

function emptyJob(jobId: string, labels: Record<string, string>): JobInterval {
  return { jobId, softwareJoules: 0, wallJoules: 0, dynamicJoules: 0, idleJoules: 0, byComponent: { cpu: 0, dram: 0, gpu: 0, other: 0 }, estimated: false, cpuSeconds: 0, tokens: 0, examples: 0, steps: 0, labels: { ...labels } };
}
