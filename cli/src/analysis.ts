// The study's questions as pure functions over job reports: group by labels,
// fit energy against duration and tokens, compare phases.
import type { JobReport } from '@wattprint/collector/api/report.ts';

export interface GroupRow {
  key: Record<string, string>;
  runs: number;
  softwareKwh: number;
  wallKwh: number;
  gco2e: number | null;
  durationSeconds: number;
  tokens: number;
  examples: number;
  kwhPer1kExamples: number | null;
  kwhPer1MTokens: number | null;
  /** Σ wall / Σ software; null without a wall meter (then both are equal by construction). */
  wallSoftwareRatio: number | null;
  estimated: boolean;
}

/** The value of a grouping key for one job: a label, or "host". */
export function keyValue(j: JobReport, key: string): string {
  if (key === 'host') return j.hosts.join('+') || '-';
  return j.labels[key] ?? '-';
}

export function groupJobs(jobs: JobReport[], keys: string[]): GroupRow[] {
  const groups = new Map<string, JobReport[]>();
  for (const j of jobs) {
    const k = JSON.stringify(keys.map((key) => keyValue(j, key)));
    groups.set(k, [...(groups.get(k) ?? []), j]);
  }
  const rows: GroupRow[] = [];
  for (const [k, members] of groups) {
    const values = JSON.parse(k) as string[];
    const sum = (f: (j: JobReport) => number) => members.reduce((a, j) => a + f(j), 0);
    const software = sum((j) => j.energy.softwareKwh);
    const wall = sum((j) => j.energy.wallKwh);
    const tokens = sum((j) => j.progress.tokens);
    const examples = sum((j) => j.progress.examples);
    const withCarbon = members.filter((j) => j.carbon);
    const metered = members.some((j) => j.energy.byComponentKwh.other > 0);
    rows.push({
      key: Object.fromEntries(keys.map((key, i) => [key, values[i]!])),
      runs: members.length,
      softwareKwh: software,
      wallKwh: wall,
      gco2e: withCarbon.length === members.length && members.length > 0 ? withCarbon.reduce((a, j) => a + j.carbon!.gco2e, 0) : null,
      durationSeconds: sum((j) => j.durationSeconds),
      tokens,
      examples,
      kwhPer1kExamples: examples > 0 ? (wall * 1000) / examples : null,
      kwhPer1MTokens: tokens > 0 ? (wall * 1e6) / tokens : null,
      wallSoftwareRatio: metered && software > 0 ? wall / software : null,
      estimated: members.some((j) => j.energy.estimated),
    });
  }
  return rows.sort((a, b) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)));
}

export interface Fit {
  x: string;
  n: number;
  slope: number;
  intercept: number;
  r2: number;
}

/** Ordinary least squares y = slope * x + intercept, with R². Needs two distinct x values. */
export function linearFit(xs: number[], ys: number[], name: string): Fit | undefined {
  const n = xs.length;
  if (n < 2 || ys.length !== n) return undefined;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { x: name, n, slope, intercept, r2 };
}

/** The study's central analysis: energy (wall kWh) against duration (hours) and against tokens (millions). */
export function fitEnergy(jobs: JobReport[]): Fit[] {
  const out: Fit[] = [];
  const y = jobs.map((j) => j.energy.wallKwh);
  const byDuration = linearFit(jobs.map((j) => j.durationSeconds / 3600), y, 'duration_hours');
  if (byDuration) out.push(byDuration);
  const withTokens = jobs.filter((j) => j.progress.tokens > 0);
  const byTokens = linearFit(withTokens.map((j) => j.progress.tokens / 1e6), withTokens.map((j) => j.energy.wallKwh), 'tokens_millions');
  if (byTokens) out.push(byTokens);
  return out;
}

export interface PhaseComparison {
  phase: string;
  runs: number;
  meanKwh: number;
  /** How many runs of the reference phase (fine-tuning) one run of this phase equals. */
  equivalentReferenceRuns: number | null;
}

/** Fine-tuning next to pre-training and inference: "one pre-training run = N fine-tuning runs". */
export function comparePhases(jobs: JobReport[], reference = 'fine-tuning', phaseKey = 'phase'): PhaseComparison[] {
  const byPhase = new Map<string, JobReport[]>();
  for (const j of jobs) {
    const p = j.labels[phaseKey] ?? '-';
    byPhase.set(p, [...(byPhase.get(p) ?? []), j]);
  }
  const mean = (js: JobReport[]) => js.reduce((a, j) => a + j.energy.wallKwh, 0) / js.length;
  const ref = byPhase.get(reference);
  const refMean = ref ? mean(ref) : 0;
  return [...byPhase]
    .map(([phase, js]) => ({ phase, runs: js.length, meanKwh: mean(js), equivalentReferenceRuns: refMean > 0 ? mean(js) / refMean : null }))
    .sort((a, b) => b.meanKwh - a.meanKwh);
}
