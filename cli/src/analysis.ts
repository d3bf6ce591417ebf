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
  /** Per 1M tokens without padding (the jobs that reported them). */
  kwhPer1MTokensUnpadded: number | null;
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
      kwhPer1MTokensUnpadded: unpaddedKwh(members),
      wallSoftwareRatio: metered && software > 0 ? wall / software : null,
      estimated: members.some((j) => j.energy.estimated),
    });
  }
  return rows.sort((a, b) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)));
}

/** Wall kWh per 1M unpadded tokens over the jobs that reported them; null when none did. */
function unpaddedKwh(js: JobReport[]): number | null {
  const withThem = js.filter((j) => (j.progress.tokensUnpadded ?? 0) > 0);
  const tokens = withThem.reduce((a, j) => a + j.progress.tokensUnpadded, 0);
  return tokens > 0 ? (withThem.reduce((a, j) => a + j.energy.wallKwh, 0) * 1e6) / tokens : null;
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
  const withUnpadded = jobs.filter((j) => (j.progress.tokensUnpadded ?? 0) > 0);
  const byUnpadded = linearFit(withUnpadded.map((j) => j.progress.tokensUnpadded / 1e6), withUnpadded.map((j) => j.energy.wallKwh), 'tokens_unpadded_millions');
  if (byUnpadded) out.push(byUnpadded);
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

export interface GroupPhaseRow {
  key: Record<string, string>;
  /** Fine-tuning runs in the group and their mean wall kWh. */
  runs: number;
  meanWallKwh: number;
  /** The target phase's runs the group was compared with (the group's own when it has some, else all). */
  targetRuns: number;
  targetMeanWallKwh: number;
  /** How many of this group's fine-tuning runs one target-phase run equals. */
  equivalentRuns: number | null;
}

export interface GroupPhaseComparison {
  reference: string;
  target: string;
  groups: GroupPhaseRow[];
  /** Smallest and largest equivalentRuns over the groups, with the group that gives each. */
  range: { min: number; minKey: Record<string, string>; max: number; maxKey: Record<string, string> } | null;
}

/**
 * The study's headline, per group: "one pre-training run = N fine-tuning runs
 * of this dataset" (392 MNLI to 45,000 RTE). Fine-tuning runs are grouped by
 * the keys; a pre-training run rarely has a dataset, so each group is compared
 * with the pre-training runs of its own group when there are any (grouping by
 * model), else with all of them. Wall kWh on both sides.
 */
export function comparePhasesByGroup(jobs: JobReport[], keys: string[], reference = 'fine-tuning', target = 'pre-training', phaseKey = 'phase'): GroupPhaseComparison {
  const refs = jobs.filter((j) => j.labels[phaseKey] === reference);
  const targets = jobs.filter((j) => j.labels[phaseKey] === target);
  const mean = (js: JobReport[]) => js.reduce((a, j) => a + j.energy.wallKwh, 0) / js.length;
  const keyOf = (j: JobReport) => JSON.stringify(keys.map((k) => keyValue(j, k)));
  const groups = new Map<string, JobReport[]>();
  for (const j of refs) groups.set(keyOf(j), [...(groups.get(keyOf(j)) ?? []), j]);
  const rows: GroupPhaseRow[] = [];
  for (const [k, members] of groups) {
    const own = targets.filter((t) => keyOf(t) === k);
    const versus = own.length > 0 ? own : targets;
    const values = JSON.parse(k) as string[];
    const m = mean(members);
    const t = versus.length > 0 ? mean(versus) : 0;
    rows.push({ key: Object.fromEntries(keys.map((key, i) => [key, values[i]!])), runs: members.length, meanWallKwh: m, targetRuns: versus.length, targetMeanWallKwh: t, equivalentRuns: versus.length > 0 && m > 0 ? t / m : null });
  }
  rows.sort((a, b) => (a.equivalentRuns ?? Infinity) - (b.equivalentRuns ?? Infinity) || JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)));
  const known = rows.filter((r) => r.equivalentRuns !== null);
  const range = known.length > 0 ? { min: known[0]!.equivalentRuns!, minKey: known[0]!.key, max: known.at(-1)!.equivalentRuns!, maxKey: known.at(-1)!.key } : null;
  return { reference, target, groups: rows, range };
}

export interface WallRatioRow {
  /** GPU model (label gpu_model, else the hosts' GPU names), or "-" when unknown. */
  hardware: string;
  /** Metered jobs (wall reconciled against a meter): per-job wall/software ratio. */
  n: number;
  mean: number | null;
  sd: number | null;
  /** Unmetered jobs of the same hardware: their software kWh and a wall ESTIMATE = software x mean. */
  unmeteredRuns: number;
  unmeteredSoftwareKwh: number;
  unmeteredWallEstimateKwh: number | null;
}

/**
 * The study's 1.059, measured live: per hardware type, the wall/software
 * ratio over metered jobs (mean, sample standard deviation, n). Jobs without a
 * meter on the same hardware get a wall estimate from it, kept in its own
 * columns and never added to metered figures.
 */
export function wallRatios(jobs: JobReport[], hardwareOf: (j: JobReport) => string): WallRatioRow[] {
  const byHw = new Map<string, JobReport[]>();
  for (const j of jobs) byHw.set(hardwareOf(j), [...(byHw.get(hardwareOf(j)) ?? []), j]);
  const rows: WallRatioRow[] = [];
  for (const [hardware, js] of byHw) {
    const metered = js.filter((j) => j.energy.wallBasis === 'meter' && j.energy.softwareKwh > 0);
    const ratios = metered.map((j) => j.energy.wallKwh / j.energy.softwareKwh);
    const n = ratios.length;
    const mean = n > 0 ? ratios.reduce((a, x) => a + x, 0) / n : null;
    const sd = n > 1 && mean !== null ? Math.sqrt(ratios.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : null;
    const unmetered = js.filter((j) => j.energy.wallBasis !== 'meter');
    const sw = unmetered.reduce((a, j) => a + j.energy.softwareKwh, 0);
    rows.push({ hardware, n, mean, sd, unmeteredRuns: unmetered.length, unmeteredSoftwareKwh: sw, unmeteredWallEstimateKwh: mean !== null && unmetered.length > 0 ? sw * mean : null });
  }
  return rows.sort((a, b) => a.hardware.localeCompare(b.hardware));
}
