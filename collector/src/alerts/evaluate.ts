// Rule evaluation as a pure function: rules + what we know about the running
// jobs + the previous state in, the new state and firing/resolved events out.
// No clock, no I/O: the evaluator loop (evaluator.ts) supplies both.
//
// Per (rule, job): inactive -> pending (condition true, `forS` not yet served)
// -> firing -> resolved (condition false, or the job stopped running). A job
// that is no longer in the facts has stopped, so its alerts resolve.
import type { AlertRule, Metric } from './rules.ts';

/** What the evaluator knows about one running job at one moment. */
export interface JobFacts {
  jobId: string;
  labels: Record<string, string>;
  hosts: string[];
  /** Cumulative wall kWh (software where no meter), all hosts. */
  kwh: number;
  /** Cumulative gCO2e; undefined when no carbon figure exists for the job. */
  gco2e: number | undefined;
  /** Mean wall power over the rate window, W. */
  watts: number;
  /** gCO2e per hour over the rate window; undefined without carbon figures. */
  gco2ePerHour: number | undefined;
  /** The highest grid intensity now among the job's zones. */
  grid: { zone: string; gco2ePerKwh: number } | undefined;
}

export interface AlertState {
  ruleId: string;
  jobId: string;
  /** When the condition was first seen true in this episode, µs. */
  activeSinceUs: number;
  /** Set once the alert fired. */
  firingSinceUs: number | undefined;
  value: number;
}

/** Keyed by alertKey(rule, job). */
export type EvaluatorState = ReadonlyMap<string, AlertState>;

export interface AlertEvent {
  status: 'firing' | 'resolved';
  rule: AlertRule;
  jobId: string;
  labels: Record<string, string>;
  hosts: string[];
  /** The latest value seen (for a resolved alert, the last one that was over the threshold, or the current one). */
  value: number;
  activeSinceUs: number;
  /** Evaluation time, µs. */
  atUs: number;
}

export function alertKey(ruleId: string, jobId: string): string {
  return `${ruleId}\u0000${jobId}`;
}

export function metricValue(metric: Metric, job: JobFacts): number | undefined {
  switch (metric) {
    case 'kwh':
      return job.kwh;
    case 'gco2e':
      return job.gco2e;
    case 'watts':
      return job.watts;
    case 'gco2e_per_h':
      return job.gco2ePerHour;
    case 'grid_intensity':
      return job.grid?.gco2ePerKwh;
  }
}

export function matches(rule: AlertRule, job: JobFacts): boolean {
  return Object.entries(rule.match).every(([k, v]) => job.labels[k] === v);
}

export function evaluate(
  rules: readonly AlertRule[],
  jobs: readonly JobFacts[],
  state: EvaluatorState,
  nowUs: number,
): { state: Map<string, AlertState>; events: AlertEvent[] } {
  const next = new Map<string, AlertState>();
  const events: AlertEvent[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    for (const job of jobs) {
      if (!matches(rule, job)) continue;
      const key = alertKey(rule.id, job.jobId);
      seen.add(key);
      const prev = state.get(key);
      const value = metricValue(rule.metric, job);
      if (value === undefined || !(value > rule.threshold)) {
        if (prev?.firingSinceUs !== undefined) events.push(event('resolved', rule, job, value ?? prev.value, prev.activeSinceUs, nowUs));
        continue;
      }
      const activeSinceUs = prev?.activeSinceUs ?? nowUs;
      let firingSinceUs = prev?.firingSinceUs;
      if (firingSinceUs === undefined && nowUs - activeSinceUs >= rule.forS * 1e6) {
        firingSinceUs = nowUs;
        events.push(event('firing', rule, job, value, activeSinceUs, nowUs));
      }
      next.set(key, { ruleId: rule.id, jobId: job.jobId, activeSinceUs, firingSinceUs, value });
    }
  }
  // Jobs that stopped running (or rules that were removed): their firing alerts resolve.
  const byId = new Map(rules.map((r) => [r.id, r]));
  for (const [key, prev] of state) {
    if (seen.has(key) || prev.firingSinceUs === undefined) continue;
    const rule = byId.get(prev.ruleId);
    if (!rule) continue;
    events.push({ status: 'resolved', rule, jobId: prev.jobId, labels: {}, hosts: [], value: prev.value, activeSinceUs: prev.activeSinceUs, atUs: nowUs });
  }
  return { state: next, events };
}

function event(status: AlertEvent['status'], rule: AlertRule, job: JobFacts, value: number, activeSinceUs: number, atUs: number): AlertEvent {
  return { status, rule, jobId: job.jobId, labels: job.labels, hosts: job.hosts, value, activeSinceUs, atUs };
}
