// Pure validation of one Report against the collector's bounds. A report that
// fails is rejected with a machine-readable code; the stream stays open.
import { checkReportFields, domainName, type Report } from '@wattprint/proto';

export interface IngestLimits {
  /** Shortest and longest interval accepted, seconds. */
  minIntervalS: number;
  maxIntervalS: number;
  /** How far a report's end may lie in the collector's future. */
  maxFutureSkewS: number;
  /** How old a report may be: replays after long outages are fine, a clock in 1970 is not. */
  maxAgeS: number;
  /** Largest plausible average power per domain and device, watts. */
  maxWatts: Record<string, number>;
  maxProcesses: number;
}

export const DEFAULT_LIMITS: IngestLimits = {
  minIntervalS: 0.01,
  maxIntervalS: 3600,
  maxFutureSkewS: 300,
  maxAgeS: 400 * 24 * 3600,
  maxWatts: { package: 2000, core: 2000, uncore: 1000, dram: 1000, psys: 5000, gpu: 3000, wall: 50000, unspecified: 50000 },
  maxProcesses: 100_000,
};

export type RejectCode = 'invalid_energy' | 'implausible_power' | 'bad_interval' | 'clock_skew' | 'seq_regression' | 'too_large' | 'wrong_host' | 'bad_identity' | 'invalid_field' | 'invalid_time' | 'duplicate_agent';

export interface Invalid {
  code: RejectCode;
  message: string;
}

export function validateReport(r: Report, nowUs: number, limits: IngestLimits = DEFAULT_LIMITS): Invalid | undefined {
  const start = Number(r.startUs ?? 0);
  const end = Number(r.endUs ?? 0);
  const seconds = (end - start) / 1e6;
  if (!r.host) return { code: 'bad_identity', message: 'report has no host' };
  if (!Number(r.seq)) return { code: 'bad_identity', message: 'report has no seq' };
  if (!(seconds >= limits.minIntervalS && seconds <= limits.maxIntervalS)) {
    return { code: 'bad_interval', message: `interval ${start}..${end} lasts ${seconds}s, outside [${limits.minIntervalS}, ${limits.maxIntervalS}]s` };
  }
  if (end > nowUs + limits.maxFutureSkewS * 1e6) {
    return { code: 'clock_skew', message: `interval ends ${((end - nowUs) / 1e6).toFixed(1)}s in the collector's future (bound ${limits.maxFutureSkewS}s): check the agent's clock` };
  }
  if (start < nowUs - limits.maxAgeS * 1e6) {
    return { code: 'clock_skew', message: `interval starts ${((nowUs - start) / 86400e6).toFixed(1)} days before the collector's clock (bound ${(limits.maxAgeS / 86400).toFixed(0)} days): check the agent's clock` };
  }
  // Strings, counts and times against the shared limits (proto/src/limits.ts).
  const field = checkReportFields(r);
  if (field) return { code: field.code, message: field.message };
  // Readings are screened one by one (screenReadings): a bad one is quarantined, not the report.
  const procs = r.processes ?? [];
  if (procs.length > limits.maxProcesses) return { code: 'too_large', message: `${procs.length} processes, above ${limits.maxProcesses}` };
  for (const [i, p] of procs.entries()) {
    const c = p.cpuSeconds ?? 0;
    if (!Number.isFinite(c) || c < 0) return { code: 'invalid_energy', message: `processes[${i}] (pid ${p.pid}) has cpu_seconds ${c}` };
  }
  for (const [k, v] of [['cpu_busy_seconds', r.cpuBusySeconds], ['cpu_idle_seconds', r.cpuIdleSeconds]] as const) {
    if (v !== undefined && v !== null && (!Number.isFinite(v) || v < 0)) return { code: 'invalid_energy', message: `${k} is ${v}` };
  }
  return undefined;
}

/** A reading kept out of attribution: stored apart, flagged, its joules unattributed. */
export interface QuarantinedReading {
  index: number;
  code: 'invalid_energy' | 'implausible_power';
  message: string;
}

/**
 * Screens each energy reading of a report whose identity and interval passed
 * validateReport. Plausibility is judged over the reading's own span: a
 * counter read again after a gap (span_start_us) carries the gap's energy.
 * A repeated (domain, device) is left to attribution, which keeps one and notes it.
 */
export function screenReadings(r: Report, limits: IngestLimits = DEFAULT_LIMITS): QuarantinedReading[] {
  const start = Number(r.startUs ?? 0);
  const end = Number(r.endUs ?? 0);
  const out: QuarantinedReading[] = [];
  for (const [i, e] of (r.energy ?? []).entries()) {
    const domain = domainName(e.domain);
    const j = e.joules ?? 0;
    if (!Number.isFinite(j) || j < 0) {
      out.push({ index: i, code: 'invalid_energy', message: `energy[${i}] (${domain} ${e.device}) has joules ${j}` });
      continue;
    }
    const spanStart = Number(e.spanStartUs ?? 0);
    const from = spanStart > 0 && spanStart < start ? spanStart : start;
    const seconds = (end - from) / 1e6;
    const maxW = limits.maxWatts[domain] ?? limits.maxWatts.unspecified ?? Infinity;
    if (j / seconds > maxW) out.push({ index: i, code: 'implausible_power', message: `energy[${i}] (${domain} ${e.device}) averages ${(j / seconds).toFixed(1)} W, above the ${maxW} W bound` });
  }
  return out;
}
